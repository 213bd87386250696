//! What the log group checks share: each container's CloudWatch Logs group, looked up once
//! per group, and one verdict from the verdicts on each.

use crate::checks::LogView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::logs::GroupLookup;
use crate::model::task_definition::LogDestination;

impl LogView<'_> {
    /// The ARN of a group of the scanned region and account.
    pub fn group_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:{name}",
            self.partition, self.region, self.account
        )
    }

    /// One verdict on the log groups the definition's containers write to: each group judged
    /// once (its containers named in the label), unknown in another region, not applicable
    /// where no container writes to CloudWatch Logs.
    pub fn judge_groups(
        &self,
        judge: impl Fn(&LogDestination<'_>, GroupLookup<'_>) -> Verdict,
    ) -> Verdict {
        let mut groups: Vec<(LogDestination<'_>, Vec<&str>)> = Vec::new();
        for c in &self.task_definition.container_definitions {
            let Some(d) = c.log_configuration.as_ref().and_then(|l| l.destination()) else {
                continue;
            };
            match groups
                .iter_mut()
                .find(|(g, _)| g.group == d.group && g.region == d.region)
            {
                Some((_, names)) => names.push(c.display_name()),
                None => groups.push((d, vec![c.display_name()])),
            }
        }
        if groups.is_empty() {
            return Verdict::of(Outcome::na("no container writes to CloudWatch Logs"));
        }
        let parts = groups
            .into_iter()
            .map(|(d, names)| {
                let label = |v: &Verdict| {
                    v.labelled().then(|| {
                        format!(
                            "log group {} (container{} {})",
                            d.group,
                            if names.len() == 1 { "" } else { "s" },
                            names.join(", ")
                        )
                    })
                };
                if let Some(r) = d.region.filter(|r| *r != self.region) {
                    let v = Verdict::of(Outcome::unknown(format!(
                        "the log group is in {r}, another region than the one scanned"
                    )));
                    return (label(&v), v);
                }
                let lookup = self.logs.group(d.group);
                let arn = match lookup {
                    GroupLookup::Found(g) => g.arn_or(|| self.group_arn(d.group)),
                    _ => self.group_arn(d.group),
                };
                let mut v = judge(&d, lookup);
                if !matches!(lookup, GroupLookup::Unknown(_))
                    && !v.related.iter().any(|r| r.arn == arn)
                {
                    v.related.insert(0, Related::new("AwsLogsLogGroup", arn));
                }
                (label(&v), v)
            })
            .collect();
        Verdict::combine(parts)
    }
}

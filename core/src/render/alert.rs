//! The SNS alert for the findings that became FAILED (or rose in severity) in one invocation.

use crate::finding::{ResourceKind, Severity};
use crate::lifecycle::{AlertItem, Transition};

/// SNS limits: Subject under 100 characters; message plus attributes at most 256 KiB.
pub const MAX_SUBJECT: usize = 99;
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
const ATTRIBUTE_BUDGET: usize = 8 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute {
    pub name: &'static str,
    /// `String`, `String.Array` or `Number`.
    pub data_type: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub subject: String,
    pub body: String,
    pub attributes: Vec<MessageAttribute>,
    /// Finding Ids the alert covers (listed or summarised).
    pub ids: Vec<String>,
}

fn label(resource_type: &str) -> &'static str {
    [
        ResourceKind::TaskDefinition,
        ResourceKind::Service,
        ResourceKind::TaskSet,
        ResourceKind::Cluster,
        ResourceKind::CapacityProvider,
        ResourceKind::ContainerInstance,
        ResourceKind::Account,
        ResourceKind::DaemonTaskDefinition,
        ResourceKind::Daemon,
        ResourceKind::Gateway,
    ]
    .into_iter()
    .find(|k| k.asff_type() == resource_type)
    .map_or("Resource", ResourceKind::label)
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Security Hub console link filtered on the finding Id.
pub fn console_link(region: &str, id: &str) -> String {
    format!(
        "https://{region}.console.aws.amazon.com/securityhub/home?region={region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A{}",
        percent_encode(&percent_encode(id))
    )
}

fn json_array(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// Render one alert for `items` (FAILED transitions at or above the threshold).
pub fn render(items: &[AlertItem], account: &str, region: &str) -> Alert {
    render_named(items, account, None, region)
}

/// [`render`] naming the account by its name too (an organization's account name), in the
/// subject, the text and an `account_name` message attribute.
pub fn render_named(
    items: &[AlertItem],
    account: &str,
    account_name: Option<&str>,
    region: &str,
) -> Alert {
    let named = match account_name.filter(|n| !n.trim().is_empty()) {
        Some(n) => format!(
            "{account} ({})",
            n.chars()
                .filter(|c| !c.is_control())
                .take(50)
                .collect::<String>()
        ),
        None => account.to_owned(),
    };
    let mut items: Vec<&AlertItem> = items.iter().collect();
    items.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check.id.cmp(b.check.id))
            .then(a.resource_name.cmp(&b.resource_name))
    });
    let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
    let mut parts = Vec::new();
    for s in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ] {
        let n = count(s);
        if n > 0 {
            parts.push(format!("{n} {s}"));
        }
    }
    let subject_full = format!(
        "ecs-posture: {} new ECS finding{} ({}) in {named} {region}",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        parts.join(", ")
    );
    let subject: String = subject_full
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SUBJECT)
        .collect();

    let mut checks: Vec<String> = items.iter().map(|i| i.check.id.to_owned()).collect();
    checks.sort();
    checks.dedup();
    let mut clusters: Vec<String> = items.iter().filter_map(|i| i.cluster.clone()).collect();
    clusters.sort();
    clusters.dedup();
    let highest = items
        .first()
        .map_or(Severity::Informational, |i| i.severity);
    let mut attributes = vec![
        MessageAttribute {
            name: "severity",
            data_type: "String",
            value: highest.as_str().to_owned(),
        },
        MessageAttribute {
            name: "account",
            data_type: "String",
            value: account.to_owned(),
        },
        MessageAttribute {
            name: "region",
            data_type: "String",
            value: region.to_owned(),
        },
        MessageAttribute {
            name: "check_ids",
            data_type: "String.Array",
            value: json_array(&checks),
        },
        MessageAttribute {
            name: "finding_count",
            data_type: "Number",
            value: items.len().to_string(),
        },
    ];
    if let Some(n) = account_name.filter(|n| !n.trim().is_empty()) {
        attributes.push(MessageAttribute {
            name: "account_name",
            data_type: "String",
            value: n.to_owned(),
        });
    }
    if !clusters.is_empty() {
        attributes.push(MessageAttribute {
            name: "cluster",
            data_type: "String.Array",
            value: json_array(&clusters),
        });
    }
    let attr_bytes: usize = attributes
        .iter()
        .map(|a| a.name.len() + a.data_type.len() + a.value.len())
        .sum();
    let budget = MAX_MESSAGE_BYTES - ATTRIBUTE_BUDGET.max(attr_bytes) - 256;

    let mut body = format!(
        "ecs-posture found {} new or worsened ECS security finding{} in account {named}, region {region}: {}.\n\
         Each is imported into AWS Security Hub; the links below open it there.\n",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        parts.join(", ")
    );
    for (listed, item) in items.iter().enumerate() {
        let transition = match item.transition {
            Transition::New => "new",
            Transition::Regressed => "failing again",
            Transition::Escalated => "severity raised",
        };
        let mut block = format!(
            "\n[{}] {} ({}, {transition})\n  Where: {} {}{}\n  ARN: {}\n",
            item.severity,
            item.check.title,
            item.check.id,
            label(&item.resource_type),
            item.resource_name,
            item.cluster
                .as_deref()
                .map(|c| format!(" in cluster {c}"))
                .unwrap_or_default(),
            item.resource_arn,
        );
        if !item.evidence.is_empty() {
            block.push_str(&format!("  Found: {}\n", item.evidence.join("; ")));
        }
        block.push_str(&format!(
            "  Why it matters: {}\n  How to fix: {}\n",
            item.check.risk, item.check.remediation.text
        ));
        block.push_str(&format!(
            "  Security Hub: {}\n",
            console_link(region, &item.id)
        ));
        let more = format!(
            "\n...and {} more findings; see Security Hub.\n",
            items.len() - listed
        );
        if body.len() + block.len() + more.len() > budget {
            body.push_str(&more);
            break;
        }
        body.push_str(&block);
    }
    Alert {
        subject,
        body,
        attributes,
        ids: items.iter().map(|i| i.id.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::catalog::find;

    fn item(i: usize, check: &str) -> AlertItem {
        let c = find(check).unwrap();
        AlertItem {
            id: format!("ecs-posture/us-east-1/1/{check}/{i}"),
            check: c,
            severity: c.severity,
            transition: Transition::New,
            failing_since_ms: 0,
            resource_type: "AwsEcsTaskDefinition".into(),
            resource_arn: format!("arn:aws:ecs:us-east-1:111122223333:task-definition/app-{i}:1"),
            resource_name: format!("app-{i}:1"),
            cluster: Some("prod".into()),
            evidence: vec![format!("container c{i}: privileged = true")],
        }
    }

    #[test]
    fn subject_counts_and_limits() {
        let a = render(
            &[item(1, "TD01"), item(2, "TD09")],
            "111122223333",
            "us-east-1",
        );
        assert!(a.subject.chars().count() < 100, "{}", a.subject);
        assert!(
            a.subject.contains("2 new")
                && a.subject.contains("1 CRITICAL")
                && a.subject.contains("1 HIGH"),
            "{}",
            a.subject
        );
        assert!(
            a.body.find("TD09").unwrap() < a.body.find("TD01").unwrap(),
            "highest severity first"
        );
        assert!(
            a.body.contains("Why it matters")
                && a.body.contains("How to fix")
                && a.body.contains("console.aws.amazon.com/securityhub")
        );
        assert_eq!(
            a.attributes
                .iter()
                .find(|x| x.name == "severity")
                .unwrap()
                .value,
            "CRITICAL"
        );
        assert_eq!(
            a.attributes
                .iter()
                .find(|x| x.name == "check_ids")
                .unwrap()
                .value,
            r#"["TD01","TD09"]"#
        );
        assert!(a.attributes.len() <= 10);
    }

    #[test]
    fn huge_alerts_are_summarised_within_256_kib() {
        let items: Vec<AlertItem> = (0..5000).map(|i| item(i, "TD01")).collect();
        let a = render(&items, "111122223333", "us-east-1");
        let attrs: usize = a
            .attributes
            .iter()
            .map(|x| x.name.len() + x.data_type.len() + x.value.len())
            .sum();
        assert!(a.body.len() + attrs <= MAX_MESSAGE_BYTES);
        assert!(a.body.contains("more findings; see Security Hub"));
        assert_eq!(a.ids.len(), 5000);
    }
}

//! What the secret reference checks share: every secret a task definition's containers take
//! (`secrets`, log `secretOptions`, `repositoryCredentials`), each looked up once, and one
//! verdict from the verdicts on each.

use crate::checks::SecretView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::TaskDefinition;
use crate::model::secrets::{Lookup, ParameterMeta, Reference, SecretMeta, references_of};

/// What a reference resolved to.
pub enum Target<'a> {
    Secret(&'a str, Lookup<'a, SecretMeta>),
    Parameter(&'a str, Lookup<'a, ParameterMeta>),
}

/// Every distinct reference of a definition's containers, with the places that use it
/// (`container app secret DB_PASSWORD, container app log option apiKey`): parsed once per
/// definition for all the secret checks.
pub fn references(td: &TaskDefinition) -> Vec<(Reference, String)> {
    let mut out: Vec<(Reference, Vec<String>)> = Vec::new();
    for c in &td.container_definitions {
        for (r, place) in references_of(c) {
            let place = format!("container {} {}", c.display_name(), place.describe());
            match out.iter_mut().find(|(x, _)| *x == r) {
                Some((_, places)) => places.push(place),
                None => out.push((r, vec![place])),
            }
        }
    }
    out.into_iter()
        .map(|(r, places)| (r, places.join(", ")))
        .collect()
}

impl SecretView<'_> {
    /// One verdict on the references: each judged once (its places named in the label);
    /// unknown in another account or region; not applicable where there is none.
    pub fn judge_references(&self, judge: impl Fn(&Target<'_>) -> Verdict) -> Verdict {
        let refs = self.references;
        if refs.is_empty() {
            return Verdict::of(Outcome::na("no container references a secret or parameter"));
        }
        let mut parts = Vec::with_capacity(refs.len());
        for (r, places) in refs {
            let label = Some(places.as_str());
            let (account, region) = match r {
                Reference::Secret {
                    account, region, ..
                }
                | Reference::Parameter {
                    account, region, ..
                } => (account, region),
            };
            if let Some(a) = account.as_deref().filter(|a| *a != self.account) {
                parts.push((
                    label,
                    Verdict::of(Outcome::unknown(format!(
                        "it is in account {a}, which this scan does not read"
                    ))),
                ));
                continue;
            }
            if let Some(x) = region.as_deref().filter(|x| *x != self.region) {
                parts.push((
                    label,
                    Verdict::of(Outcome::unknown(format!(
                        "it is in {x}, another region than the one scanned"
                    ))),
                ));
                continue;
            }
            let (target, related) = match r {
                Reference::Secret { id, .. } => {
                    let lookup = self.secrets.secret(id);
                    let arn = match lookup {
                        Lookup::Found(s) => s.arn.clone(),
                        _ => id.starts_with("arn:").then(|| id.clone()),
                    };
                    (
                        Target::Secret(id, lookup),
                        arn.map(|a| Related::new("AwsSecretsManagerSecret", a)),
                    )
                }
                Reference::Parameter { name, .. } => {
                    let lookup = self.secrets.parameter(name);
                    let arn = match lookup {
                        Lookup::Found(p) => p.arn.clone(),
                        _ => None,
                    }
                    .unwrap_or_else(|| {
                        format!(
                            "arn:{}:ssm:{}:{}:parameter/{}",
                            self.partition,
                            self.region,
                            self.account,
                            name.trim_start_matches('/')
                        )
                    });
                    (
                        Target::Parameter(name, lookup),
                        Some(Related::new("Other", arn)),
                    )
                }
            };
            let mut v = judge(&target);
            if let Some(rel) = related
                && !v.related.contains(&rel)
            {
                v.related.insert(0, rel);
            }
            parts.push((label, v));
        }
        Verdict::combine(parts)
    }
}

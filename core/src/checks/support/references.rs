//! What the secret reference checks share: every secret a task definition's containers take
//! (`secrets`, log `secretOptions`, `repositoryCredentials`), each looked up once, and one
//! verdict from the verdicts on each.

use crate::checks::SecretView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::TaskDefinition;
use crate::model::secrets::{
    Lookup, ParameterMeta, Reference, SecretMeta, SecretStore, references_of,
};

/// What a reference resolved to.
pub enum Target<'a> {
    Secret(&'a str, Lookup<'a, SecretMeta>),
    Parameter(&'a str, Lookup<'a, ParameterMeta>),
}

/// A reference of a definition's containers, resolved once for all the secret checks.
#[derive(Debug, Clone)]
pub struct SecretUse<'a> {
    pub reference: Reference,
    /// The places that use it (`container app secret DB_PASSWORD, container app log option
    /// apiKey`).
    pub places: String,
    pub found: Found<'a>,
}

/// What a reference resolved to in the snapshot's reads.
#[derive(Debug, Clone)]
pub enum Found<'a> {
    Secret(Lookup<'a, SecretMeta>, Option<Related>),
    Parameter(Lookup<'a, ParameterMeta>, Related),
    /// In another account or region: why it is unknown.
    Elsewhere(String),
}

/// Every distinct reference of `td`'s containers, with the places that use it, looked up in
/// `secrets`; `partition`, `region` and `account` are the definition's.
pub fn resolve<'a>(
    td: &TaskDefinition,
    secrets: &'a SecretStore,
    partition: &str,
    region: &str,
    account: &str,
) -> Vec<SecretUse<'a>> {
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
        .map(|(reference, places)| {
            let (ref_account, ref_region) = match &reference {
                Reference::Secret {
                    account, region, ..
                }
                | Reference::Parameter {
                    account, region, ..
                } => (account.as_deref(), region.as_deref()),
            };
            let found = if let Some(a) = ref_account.filter(|a| *a != account) {
                Found::Elsewhere(format!(
                    "it is in account {a}, which this scan does not read"
                ))
            } else if let Some(x) = ref_region.filter(|x| *x != region) {
                Found::Elsewhere(format!("it is in {x}, another region than the one scanned"))
            } else {
                match &reference {
                    Reference::Secret { id, .. } => {
                        let lookup = secrets.secret(id);
                        let arn = match lookup {
                            Lookup::Found(s) => s.arn.clone(),
                            _ => id.starts_with("arn:").then(|| id.clone()),
                        };
                        Found::Secret(
                            lookup,
                            arn.map(|a| Related::new("AwsSecretsManagerSecret", a)),
                        )
                    }
                    Reference::Parameter { name, .. } => {
                        let lookup = secrets.parameter(name);
                        let arn = match lookup {
                            Lookup::Found(p) => p.arn.clone(),
                            _ => None,
                        }
                        .unwrap_or_else(|| {
                            format!(
                                "arn:{partition}:ssm:{region}:{account}:parameter/{}",
                                name.trim_start_matches('/')
                            )
                        });
                        Found::Parameter(lookup, Related::new("Other", arn))
                    }
                }
            };
            SecretUse {
                reference,
                places: places.join(", "),
                found,
            }
        })
        .collect()
}

impl SecretView<'_> {
    /// One verdict on the references: each judged once (its places named in the label);
    /// unknown in another account or region; not applicable where there is none.
    pub fn judge_references(&self, judge: impl Fn(&Target<'_>) -> Verdict) -> Verdict {
        if self.references.is_empty() {
            return Verdict::of(Outcome::na("no container references a secret or parameter"));
        }
        let mut parts = Vec::with_capacity(self.references.len());
        for u in self.references {
            let label = Some(u.places.as_str());
            let (target, related) = match (&u.found, &u.reference) {
                (Found::Elsewhere(why), _) => {
                    parts.push((label, Verdict::of(Outcome::unknown(why.clone()))));
                    continue;
                }
                (Found::Secret(lookup, related), Reference::Secret { id, .. }) => {
                    (Target::Secret(id, *lookup), related.clone())
                }
                (Found::Parameter(lookup, related), Reference::Parameter { name, .. }) => {
                    (Target::Parameter(name, *lookup), Some(related.clone()))
                }
                // `resolve` pairs each reference with a lookup of its own kind.
                (Found::Secret(..) | Found::Parameter(..), _) => continue,
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

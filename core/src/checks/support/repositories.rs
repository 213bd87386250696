//! What the image checks share: where each container's image lives in Amazon ECR, and one
//! verdict from the verdicts on each repository (or running image) a task definition uses.

use crate::checks::ImageView;
use crate::checks::support::image;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::TaskDefinition;
use crate::model::registry::{Registry, Repository, ecr_location};

/// Where one container's image is, resolved once for all the image checks.
#[derive(Debug, Clone)]
pub enum Place<'a> {
    /// Not a private ECR image (Docker Hub, another registry, ECR Public, or a reference that
    /// cannot be parsed): the repository checks do not apply.
    NotEcr,
    /// In a registry the scan does not read (another account or region): unknown.
    Elsewhere(String),
    /// In the scanned registry.
    Here {
        account: &'a str,
        region: &'a str,
        repository: &'a str,
        /// The digest the reference pins (`@sha256:...`).
        digest: Option<&'a str>,
        /// The tag it names.
        tag: Option<&'a str>,
        /// The repository as `describe-repositories` returned it, or why it is unknown
        /// (looked up once for all the checks).
        found: Result<&'a Repository, String>,
    },
}

/// One container's image.
#[derive(Debug, Clone)]
pub struct ResolvedImage<'a> {
    pub container: &'a str,
    pub place: Place<'a>,
}

/// Where every container's image of `td` lives, and its repository where it is in the
/// scanned registry; `account` and `region` are the definition's.
pub fn resolve<'a>(
    td: &'a TaskDefinition,
    registry: &'a Registry,
    account: &str,
    region: &str,
) -> Vec<ResolvedImage<'a>> {
    td.container_definitions
        .iter()
        .map(|c| {
            let place = c
                .image
                .as_deref()
                .and_then(image::parse)
                .and_then(|r| {
                    let l = ecr_location(r.registry?, r.repository)?;
                    Some(if l.account != account {
                        Place::Elsewhere(format!(
                            "the image is in account {}'s registry, which this scan does not read",
                            l.account
                        ))
                    } else if l.region != region {
                        Place::Elsewhere(format!(
                            "the image is in the registry of {}, another region than the one scanned",
                            l.region
                        ))
                    } else {
                        Place::Here {
                            account: l.account,
                            region: l.region,
                            repository: l.repository,
                            digest: r.digest.filter(|_| r.pinned_by_digest()),
                            tag: r.tag,
                            found: registry.repository(l.account, l.repository),
                        }
                    })
                })
                .unwrap_or(Place::NotEcr);
            ResolvedImage {
                container: c.display_name(),
                place,
            }
        })
        .collect()
}

/// The ARN of a repository (its own where read).
pub fn repository_arn(
    partition: &str,
    region: &str,
    account: &str,
    name: &str,
    repo: Option<&Repository>,
) -> String {
    repo.and_then(|r| r.repository_arn.clone())
        .unwrap_or_else(|| format!("arn:{partition}:ecr:{region}:{account}:repository/{name}"))
}

/// What a repository check is given.
pub struct RepositoryUse<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub name: &'a str,
    /// `None` where `describe-repositories` did not return it (the reason is in `unread`).
    pub repository: Option<&'a Repository>,
    pub unread: Option<String>,
    /// The tags the task definition's containers pull from it.
    pub tags: Vec<&'a str>,
    pub registry: &'a Registry,
}

impl ImageView<'_> {
    /// One verdict on the repositories the definition's images come from: each repository
    /// judged once (the containers using it named in the label), unknown where the image is in
    /// a registry the scan does not read, not applicable where no image is in ECR.
    pub fn judge_repositories(&self, judge: impl Fn(&RepositoryUse<'_>) -> Verdict) -> Verdict {
        let mut parts: Vec<(Option<String>, Verdict)> = Vec::new();
        let mut seen: Vec<(&&str, &&str)> = Vec::new();
        for img in self.images {
            match &img.place {
                Place::NotEcr => {}
                Place::Elsewhere(why) => parts.push((
                    Some(format!("container {}", img.container)),
                    Verdict::of(Outcome::unknown(why.clone())),
                )),
                Place::Here {
                    account,
                    region,
                    repository,
                    found,
                    ..
                } => {
                    if seen.contains(&(account, repository)) {
                        continue;
                    }
                    seen.push((account, repository));
                    let containers: Vec<&ResolvedImage> = self
                        .images
                        .iter()
                        .filter(|i| {
                            matches!(&i.place, Place::Here { account: a, repository: r, .. }
                                if a == account && r == repository)
                        })
                        .collect();
                    let tags = containers
                        .iter()
                        .filter_map(|i| match &i.place {
                            Place::Here { tag, .. } => tag.as_deref(),
                            _ => None,
                        })
                        .collect();
                    let (repo, unread) = match found {
                        Ok(r) => (Some(*r), None),
                        Err(why) => (None, Some(why.clone())),
                    };
                    let mut v = judge(&RepositoryUse {
                        account,
                        region,
                        name: repository,
                        repository: repo,
                        unread,
                        tags,
                        registry: self.registry,
                    });
                    let arn = repository_arn(self.partition, region, account, repository, repo);
                    if !v.related.iter().any(|r| r.arn == arn) {
                        v.related.insert(0, Related::new("AwsEcrRepository", arn));
                    }
                    // Only a failing or unknown part's label reaches the combined verdict.
                    let label = v.labelled().then(|| {
                        let names: Vec<&str> = containers.iter().map(|i| i.container).collect();
                        format!(
                            "repository {repository} (container{} {})",
                            if names.len() == 1 { "" } else { "s" },
                            names.join(", ")
                        )
                    });
                    parts.push((label, v));
                }
            }
        }
        if parts.is_empty() {
            return Verdict::of(Outcome::na(
                "no container image is in a private Amazon ECR registry",
            ));
        }
        Verdict::combine(parts)
    }
}

//! What the load balancer checks share: the Elastic Load Balancing v2 load balancers in front of
//! a service (its own and its task sets' `loadBalancers[].targetGroupArn` -> target group ->
//! `LoadBalancerArns`), with anything not read named (NOT_AVAILABLE, never PASSED), and one way
//! to judge each of them into a single verdict on the service.

use crate::checks::ServiceView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::load_balancing::{
    Attribute, Listener, LoadBalancer, Lookup, TargetGroup, attribute, targets,
};

/// A load balancer in front of the service, with the target groups through which it sends the
/// service traffic.
#[derive(Clone)]
pub struct ServiceLb<'a> {
    pub lb: &'a LoadBalancer,
    pub groups: Vec<&'a TargetGroup>,
}

/// The load balancers in front of a service, and what it names that was not read (a failure
/// found on the others still fails the service; otherwise it is NOT_AVAILABLE).
#[derive(Clone)]
pub struct ServiceLbs<'a> {
    pub lbs: Vec<ServiceLb<'a>>,
    pub missing: Option<String>,
}

/// The verdict of one check on one load balancer (or target group).
pub enum Judgement {
    /// What is wrong, one line each (none: it passes).
    Found(Vec<String>),
    /// What it needed was not read (names it).
    Unknown(String),
    /// The check does not apply to it.
    NotApplicable,
}

impl<'a> ServiceView<'a> {
    /// The target groups and Classic load balancer names of the service and its task sets.
    fn lb_targets(&self) -> (Vec<&'a str>, Vec<&'a str>) {
        let (mut groups, mut classic) = targets(&self.service.load_balancers);
        for t in &self.task_sets {
            let (g, c) = targets(&t.load_balancers);
            groups.extend(
                g.into_iter()
                    .filter(|x| !groups.contains(x))
                    .collect::<Vec<_>>(),
            );
            classic.extend(
                c.into_iter()
                    .filter(|x| !classic.contains(x))
                    .collect::<Vec<_>>(),
            );
        }
        (groups, classic)
    }

    pub(crate) fn lb_related(&self, lb: &LoadBalancer) -> Related {
        Related::new(
            "AwsElbv2LoadBalancer",
            lb.load_balancer_arn
                .clone()
                .unwrap_or_else(|| lb.name().to_owned()),
        )
    }

    /// A target group has no ASFF resource type: `Other`.
    pub(crate) fn target_group_related(&self, tg: &TargetGroup) -> Related {
        Related::new(
            "Other",
            tg.target_group_arn
                .clone()
                .unwrap_or_else(|| tg.name().to_owned()),
        )
    }

    /// The load balancers in front of the service, and what it names that was not read; a
    /// verdict instead when it has none (NOT_APPLICABLE), only Classic ones (NOT_APPLICABLE:
    /// not read, said in the reason), or nothing it names was read (NOT_AVAILABLE). Resolved
    /// once per placement, shared by every check.
    pub(crate) fn service_load_balancers(&self) -> Result<&ServiceLbs<'a>, Verdict> {
        self.resolved
            .load_balancers
            .get_or_init(|| self.resolve_load_balancers())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn resolve_load_balancers(&self) -> Result<ServiceLbs<'a>, Verdict> {
        let (groups, classic) = self.lb_targets();
        if groups.is_empty() {
            return Err(Verdict::of(Outcome::na(if classic.is_empty() {
                "service has no load balancer"
            } else {
                "service uses only Classic Load Balancers, which are not read"
            })));
        }
        let lbs = &self.network.load_balancing;
        let mut missing = Vec::new();
        let mut out: Vec<ServiceLb<'a>> = Vec::new();
        for arn in groups {
            let Some(tg) = lbs.target_group(arn) else {
                missing.push(format!("target group {}", short(arn)));
                continue;
            };
            for lb_arn in &tg.load_balancer_arns {
                let Some(lb) = lbs.load_balancer(lb_arn) else {
                    missing.push(format!("load balancer {}", short(lb_arn)));
                    continue;
                };
                match out
                    .iter_mut()
                    .find(|x| x.lb.load_balancer_arn == lb.load_balancer_arn)
                {
                    Some(x) => x.groups.push(tg),
                    None => out.push(ServiceLb {
                        lb,
                        groups: vec![tg],
                    }),
                }
            }
        }
        let missing = (!missing.is_empty()).then(|| format!("not read: {}", missing.join(", ")));
        if out.is_empty() {
            return Err(Verdict::of(match missing {
                Some(m) => Outcome::unknown(m),
                None => Outcome::na("the service's target groups are attached to no load balancer"),
            }));
        }
        Ok(ServiceLbs { lbs: out, missing })
    }

    /// Judge each load balancer in front of the service: FAILED with one evidence line per
    /// problem (`application load balancer web: ...`) and the failing load balancers as related
    /// resources; else NOT_AVAILABLE if one could not be judged; else PASSED if one was judged;
    /// else NOT_APPLICABLE with `not_applicable`.
    pub(crate) fn judge_load_balancers(
        &self,
        not_applicable: &'static str,
        judge: impl Fn(&ServiceLb<'_>) -> Judgement,
    ) -> Verdict {
        let ServiceLbs { lbs, missing } = match self.service_load_balancers() {
            Ok(l) => l,
            Err(v) => return v,
        };
        let mut evidence = Vec::new();
        let mut related = Vec::new();
        let mut unknown: Vec<String> = missing.iter().cloned().collect();
        let mut judged = false;
        for s in lbs {
            match judge(s) {
                Judgement::Found(lines) => {
                    judged = true;
                    if !lines.is_empty() {
                        related.push(self.lb_related(s.lb));
                        evidence.extend(
                            lines
                                .into_iter()
                                .map(|l| format!("{}: {l}", s.lb.describe())),
                        );
                    }
                }
                Judgement::Unknown(why) => unknown.push(why),
                Judgement::NotApplicable => {}
            }
        }
        if !evidence.is_empty() {
            Verdict::of(Outcome::failed(evidence)).related(related)
        } else if !unknown.is_empty() {
            Verdict::of(Outcome::unknown(unknown.join("; ")))
        } else if judged {
            Verdict::of(Outcome::Passed)
                .related(lbs.iter().map(|s| self.lb_related(s.lb)).collect())
        } else {
            Verdict::of(Outcome::na(not_applicable))
        }
    }

    /// Judge each target group of the service that sits behind a load balancer, as
    /// [`judge_load_balancers`](Self::judge_load_balancers) does for load balancers.
    pub(crate) fn judge_target_groups(
        &self,
        not_applicable: &'static str,
        judge: impl Fn(&TargetGroup) -> Judgement,
    ) -> Verdict {
        let ServiceLbs { lbs, missing } = match self.service_load_balancers() {
            Ok(l) => l,
            Err(v) => return v,
        };
        let mut seen: Vec<&TargetGroup> = Vec::new();
        for s in lbs {
            for g in &s.groups {
                if !seen
                    .iter()
                    .any(|x| x.target_group_arn == g.target_group_arn)
                {
                    seen.push(g);
                }
            }
        }
        let mut evidence = Vec::new();
        let mut related = Vec::new();
        let mut judged = false;
        for g in seen {
            match judge(g) {
                Judgement::Found(lines) => {
                    judged = true;
                    if !lines.is_empty() {
                        related.push(self.target_group_related(g));
                        evidence.extend(
                            lines
                                .into_iter()
                                .map(|l| format!("target group {}: {l}", g.name())),
                        );
                    }
                }
                Judgement::Unknown(_) | Judgement::NotApplicable => {}
            }
        }
        if !evidence.is_empty() {
            Verdict::of(Outcome::failed(evidence)).related(related)
        } else if let Some(m) = missing {
            Verdict::of(Outcome::unknown(m))
        } else if judged {
            Verdict::of(Outcome::Passed)
        } else {
            Verdict::of(Outcome::na(not_applicable))
        }
    }
}

/// The listeners of a load balancer, each judged by `found`.
pub(crate) fn judge_listeners(
    s: &ServiceLb<'_>,
    v: &ServiceView<'_>,
    found: impl Fn(&Listener) -> Option<String>,
) -> Judgement {
    match v.network.load_balancing.listeners_of(s.lb) {
        Lookup::Unknown(why) => Judgement::Unknown(why),
        Lookup::Found(listeners) => Judgement::Found(
            listeners
                .into_iter()
                .filter_map(|l| found(l).map(|t| format!("listener {}: {t}", l.describe())))
                .collect(),
        ),
    }
}

/// A load balancer attribute judged by `found` (its value, `None` when the answer lacks it).
pub(crate) fn judge_attribute(
    s: &ServiceLb<'_>,
    v: &ServiceView<'_>,
    key: &str,
    found: impl Fn(Option<&str>) -> Option<String>,
) -> Judgement {
    match v.network.load_balancing.attributes_of(s.lb) {
        Lookup::Unknown(why) => Judgement::Unknown(why),
        Lookup::Found(attrs) => {
            let attrs: &[Attribute] = attrs;
            Judgement::Found(found(attribute(attrs, key)).into_iter().collect())
        }
    }
}

/// `targetgroup/web/0123` and `loadbalancer/app/web/0123` -> their names, for messages.
fn short(arn: &str) -> &str {
    let rest = arn.rsplit(':').next().unwrap_or(arn);
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["targetgroup", name, ..] => name,
        ["loadbalancer", _, name, ..] => name,
        _ => arn,
    }
}

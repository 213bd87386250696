//! Evaluate a snapshot with a selection of checks.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::checks::{Check, Evaluator, Revisions, ServiceView, catalog};
use crate::config::Options;
use crate::finding::{Evaluation, Framework, Outcome, Resource, ResourceKind};
use crate::model::{Arn, Cluster, Snapshot, TaskDefinition};

/// Account and region for resources whose documents carry no ARN (definitions not registered
/// yet, bare container definition lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub account: String,
    pub region: String,
    pub partition: String,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            account: "000000000000".to_owned(),
            region: "us-east-1".to_owned(),
            partition: "aws".to_owned(),
        }
    }
}

impl Context {
    /// The snapshot's own account and region where its ARNs name them, else the defaults.
    pub fn for_snapshot(snapshot: &Snapshot) -> Context {
        match snapshot.account_region() {
            Some((account, region)) => Context {
                account,
                region,
                ..Context::default()
            },
            None => Context::default(),
        }
    }
}

/// Which checks run: the defaults adjusted by `enable_checks`/`disable_checks`, then narrowed by
/// `only` (ids or slugs; these run even when off by default), `skip` and `framework`.
pub fn select(
    opts: &Options,
    only: &[String],
    skip: &[String],
    framework: Option<Framework>,
) -> Result<Vec<&'static Check>, String> {
    let resolve = |names: &[String]| -> Result<Vec<&'static str>, String> {
        names
            .iter()
            .map(|n| {
                catalog::find(n)
                    .map(|c| c.id)
                    .ok_or_else(|| format!("unknown check {n:?} (see `ecs-posture checks`)"))
            })
            .collect()
    };
    let only = resolve(only)?;
    let skip = resolve(skip)?;
    let enabled = resolve(&opts.enable_checks)?;
    let disabled = resolve(&opts.disable_checks)?;
    Ok(catalog::CATALOG
        .iter()
        .copied()
        .filter(|c| {
            if !only.is_empty() {
                only.contains(&c.id)
            } else {
                (c.enabled_by_default || enabled.contains(&c.id)) && !disabled.contains(&c.id)
            }
        })
        .filter(|c| !skip.contains(&c.id))
        .filter(|c| framework.is_none_or(|f| c.maps_to(f)))
        .collect())
}

/// Where a task definition revision stands within its family in this snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RevisionState {
    /// The latest ACTIVE revision, a definition not registered yet, or one a service runs.
    Current,
    Superseded,
    Inactive,
}

fn td_key(reference: &str) -> &str {
    // "arn:...:task-definition/family:3" -> "family:3"; "family:3" and "family" stay.
    reference
        .rsplit_once("task-definition/")
        .map(|(_, k)| k)
        .unwrap_or(reference)
}

struct Index<'a> {
    td_by_key: HashMap<&'a str, &'a TaskDefinition>,
    latest_by_family: HashMap<&'a str, &'a TaskDefinition>,
    clusters: HashMap<&'a str, &'a Cluster>,
    referenced: HashSet<&'a str>,
}

fn build_index(snapshot: &Snapshot) -> Index<'_> {
    let mut td_by_key = HashMap::new();
    let mut latest_by_family: HashMap<&str, &TaskDefinition> = HashMap::new();
    for r in &snapshot.task_definitions {
        let td = &r.item;
        if let Some(arn) = td.task_definition_arn.as_deref() {
            td_by_key.insert(td_key(arn), td);
        }
        if let (Some(family), Some(rev)) = (td.family.as_deref(), td.revision)
            && td.is_active()
        {
            let newer = latest_by_family
                .get(family)
                .is_none_or(|cur| cur.revision.unwrap_or(0) < rev);
            if newer {
                latest_by_family.insert(family, td);
            }
        }
    }
    let mut clusters = HashMap::new();
    for r in &snapshot.clusters {
        if let Some(a) = r.item.cluster_arn.as_deref() {
            clusters.insert(a, &r.item);
        }
        if let Some(n) = r.item.cluster_name.as_deref() {
            clusters.insert(n, &r.item);
        }
    }
    let mut referenced = HashSet::new();
    for r in &snapshot.services {
        let s = &r.item;
        for t in s.task_definitions_in_use() {
            referenced.insert(td_key(t));
        }
    }
    for r in &snapshot.task_sets {
        if let Some(t) = r.item.task_definition.as_deref() {
            referenced.insert(td_key(t));
        }
    }
    Index {
        td_by_key,
        latest_by_family,
        clusters,
        referenced,
    }
}

impl Index<'_> {
    fn task_definition(&self, reference: &str) -> Option<&TaskDefinition> {
        let key = td_key(reference);
        self.td_by_key.get(key).copied().or_else(|| {
            if key.contains(':') {
                None
            } else {
                self.latest_by_family.get(key).copied()
            }
        })
    }

    fn cluster(&self, reference: Option<&str>) -> Option<&Cluster> {
        let r = reference?;
        self.clusters
            .get(r)
            .or_else(|| self.clusters.get(r.rsplit('/').next().unwrap_or(r)))
            .copied()
    }

    fn revision_state(&self, td: &TaskDefinition) -> RevisionState {
        let (Some(family), Some(rev)) = (td.family.as_deref(), td.revision) else {
            return RevisionState::Current;
        };
        let key = format!("{family}:{rev}");
        if self.referenced.contains(key.as_str()) {
            return RevisionState::Current;
        }
        if !td.is_active() {
            return RevisionState::Inactive;
        }
        match self.latest_by_family.get(family) {
            Some(latest) if latest.revision.unwrap_or(0) > rev => RevisionState::Superseded,
            _ => RevisionState::Current,
        }
    }
}

fn cluster_name_of(arn: Option<&str>) -> Option<String> {
    arn.map(|a| a.rsplit('/').next().unwrap_or(a).to_owned())
}

#[allow(clippy::too_many_arguments)]
fn resource(
    kind: ResourceKind,
    index: usize,
    arn: Option<&str>,
    synth: impl FnOnce() -> String,
    name: String,
    source: &Arc<str>,
    cluster: Option<String>,
) -> Arc<Resource> {
    // ARNs without an account and region (hand-written or templated files) are replaced by a
    // synthesized one in the scan's account and region, so every finding has a home.
    let usable =
        |a: &&str| Arn::parse(a).is_some_and(|p| !p.account.is_empty() && !p.region.is_empty());
    let arn = arn.filter(usable).map(str::to_owned).unwrap_or_else(synth);
    Arc::new(Resource {
        kind,
        arn,
        name,
        source: source.clone(),
        cluster,
        index,
    })
}

fn push(
    out: &mut Vec<Evaluation>,
    check: &'static Check,
    resource: &Arc<Resource>,
    outcome: Outcome,
) {
    out.push(Evaluation::new(check, resource.clone(), outcome));
}

/// Evaluate every resource of the snapshot with the selected checks. Every evaluation is
/// returned, PASSED and NOT_APPLICABLE included, in snapshot order then catalog order.
pub fn evaluate(
    snapshot: &Snapshot,
    checks: &[&'static Check],
    opts: &Options,
    ctx: &Context,
) -> Vec<Evaluation> {
    let lookup = build_index(snapshot);
    let by_kind = |k: ResourceKind| -> Vec<&'static Check> {
        checks.iter().copied().filter(|c| c.kind() == k).collect()
    };
    let count = |k: ResourceKind| checks.iter().filter(|c| c.kind() == k).count();
    let expected = snapshot.task_definitions.len() * count(ResourceKind::TaskDefinition)
        + snapshot.services.len() * count(ResourceKind::Service)
        + snapshot.task_sets.len() * count(ResourceKind::TaskSet)
        + snapshot.clusters.len() * count(ResourceKind::Cluster)
        + snapshot.capacity_providers.len() * count(ResourceKind::CapacityProvider)
        + snapshot.container_instances.len() * count(ResourceKind::ContainerInstance);
    let mut out = Vec::with_capacity(expected);
    let p = ctx.partition.as_str();

    let td_checks = by_kind(ResourceKind::TaskDefinition);
    if !td_checks.is_empty() {
        for (index, r) in snapshot.task_definitions.iter().enumerate() {
            let td = &r.item;
            let family = td
                .family
                .clone()
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| "unnamed".to_owned());
            let res = resource(
                ResourceKind::TaskDefinition,
                index,
                td.task_definition_arn.as_deref(),
                || match td.revision {
                    Some(rev) => format!(
                        "arn:{p}:ecs:{}:{}:task-definition/{family}:{rev}",
                        ctx.region, ctx.account
                    ),
                    None => format!(
                        "arn:{p}:ecs:{}:{}:task-definition/{family}",
                        ctx.region, ctx.account
                    ),
                },
                td.display_name(),
                &r.source,
                None,
            );
            let state = lookup.revision_state(td);
            for &check in &td_checks {
                let Evaluator::TaskDefinition(f) = check.evaluator else {
                    continue;
                };
                let outcome = match (state, check.revisions) {
                    (RevisionState::Inactive, _) => Outcome::na(
                        "revision is INACTIVE (deregistered) and no service in the snapshot uses it",
                    ),
                    (RevisionState::Superseded, Revisions::LatestActive) => Outcome::na(
                        "revision superseded by a newer ACTIVE revision of its family; only the latest ACTIVE revision is evaluated",
                    ),
                    _ => f(td, opts),
                };
                push(&mut out, check, &res, outcome);
            }
        }
    }

    let sv_checks = by_kind(ResourceKind::Service);
    if !sv_checks.is_empty() {
        for (index, r) in snapshot.services.iter().enumerate() {
            let s = &r.item;
            let cluster = cluster_name_of(s.cluster_arn.as_deref());
            let name = s.display_name();
            let res = resource(
                ResourceKind::Service,
                index,
                s.service_arn.as_deref(),
                || {
                    format!(
                        "arn:{p}:ecs:{}:{}:service/{}/{}",
                        ctx.region,
                        ctx.account,
                        cluster.as_deref().unwrap_or("default"),
                        name
                    )
                },
                name.clone(),
                &r.source,
                cluster.clone(),
            );
            let view = ServiceView {
                service: s,
                task_definition: s
                    .task_definition
                    .as_deref()
                    .and_then(|t| lookup.task_definition(t)),
                cluster: lookup.cluster(s.cluster_arn.as_deref()),
            };
            for &check in &sv_checks {
                let Evaluator::Service(f) = check.evaluator else {
                    continue;
                };
                let outcome = if s.is_active() {
                    f(&view, opts)
                } else {
                    Outcome::na("service is INACTIVE (deleted)")
                };
                push(&mut out, check, &res, outcome);
            }
        }
    }

    let ts_checks = by_kind(ResourceKind::TaskSet);
    if !ts_checks.is_empty() {
        for (index, r) in snapshot.task_sets.iter().enumerate() {
            let t = &r.item;
            let name =
                t.id.clone()
                    .unwrap_or_else(|| "(unnamed task set)".to_owned());
            let res = resource(
                ResourceKind::TaskSet,
                index,
                t.task_set_arn.as_deref(),
                || {
                    format!(
                        "arn:{p}:ecs:{}:{}:task-set/default/unknown/{name}",
                        ctx.region, ctx.account
                    )
                },
                name.clone(),
                &r.source,
                cluster_name_of(t.cluster_arn.as_deref()),
            );
            for &check in &ts_checks {
                let Evaluator::TaskSet(f) = check.evaluator else {
                    continue;
                };
                push(&mut out, check, &res, f(t, opts));
            }
        }
    }

    let cl_checks = by_kind(ResourceKind::Cluster);
    if !cl_checks.is_empty() {
        for (index, r) in snapshot.clusters.iter().enumerate() {
            let c = &r.item;
            let name = c.display_name();
            let res = resource(
                ResourceKind::Cluster,
                index,
                c.cluster_arn.as_deref(),
                || format!("arn:{p}:ecs:{}:{}:cluster/{name}", ctx.region, ctx.account),
                name.clone(),
                &r.source,
                Some(name.clone()),
            );
            for &check in &cl_checks {
                let Evaluator::Cluster(f) = check.evaluator else {
                    continue;
                };
                let outcome = if c.is_inactive() {
                    Outcome::na("cluster is INACTIVE (deleted)")
                } else {
                    f(c, opts)
                };
                push(&mut out, check, &res, outcome);
            }
        }
    }

    let cp_checks = by_kind(ResourceKind::CapacityProvider);
    if !cp_checks.is_empty() {
        for (index, r) in snapshot.capacity_providers.iter().enumerate() {
            let c = &r.item;
            let name = c.display_name();
            let res = resource(
                ResourceKind::CapacityProvider,
                index,
                c.capacity_provider_arn.as_deref(),
                || {
                    format!(
                        "arn:{p}:ecs:{}:{}:capacity-provider/{name}",
                        ctx.region, ctx.account
                    )
                },
                name.clone(),
                &r.source,
                None,
            );
            for &check in &cp_checks {
                let Evaluator::CapacityProvider(f) = check.evaluator else {
                    continue;
                };
                push(&mut out, check, &res, f(c, opts));
            }
        }
    }

    let ci_checks = by_kind(ResourceKind::ContainerInstance);
    if !ci_checks.is_empty() {
        for (index, r) in snapshot.container_instances.iter().enumerate() {
            let c = &r.item;
            let name = c.display_name();
            let res = resource(
                ResourceKind::ContainerInstance,
                index,
                c.container_instance_arn.as_deref(),
                || {
                    format!(
                        "arn:{p}:ecs:{}:{}:container-instance/default/{name}",
                        ctx.region, ctx.account
                    )
                },
                name.clone(),
                &r.source,
                cluster_name_of(c.cluster_arn.as_deref()),
            );
            for &check in &ci_checks {
                let Evaluator::ContainerInstance(f) = check.evaluator else {
                    continue;
                };
                push(&mut out, check, &res, f(c, opts));
            }
        }
    }
    out
}

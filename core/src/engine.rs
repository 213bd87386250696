//! Evaluate a snapshot with a selection of checks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::checks::support::roles::{RoleUsage, named, resolve as resolve_roles, role_key};
use crate::checks::{
    AccountView, Check, DaemonView, Evaluator, ImageView, InstanceView, LogView, ProviderView,
    Revisions, RoleView, SecretView, ServiceView, catalog,
};
use crate::config::Options;
use crate::evaluation::{ACCOUNT_ID_PREFIX, Evaluation, Resource};
use crate::finding::{Framework, Outcome, ResourceKind, Verdict};
use crate::hash::{FastMap, FastSet, map_with_capacity};
use crate::model::{
    Arn, Cluster, ContainerInstance, NetworkMode, Record, Snapshot, TaskDefinition, TaskSet,
};

/// Account and region for resources whose documents carry no ARN (definitions not registered
/// yet, bare container definition lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub account: String,
    pub region: String,
    pub partition: String,
    /// The scan's clock (milliseconds since the Unix epoch): checks on how old something is
    /// need it, and are NOT_AVAILABLE without one. The Lambda and the CLI set it.
    pub now_ms: Option<i64>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            account: "000000000000".to_owned(),
            region: "us-east-1".to_owned(),
            partition: "aws".to_owned(),
            now_ms: None,
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

/// Where a list of check names comes from, for errors that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckList {
    /// `--check`
    Only,
    /// `--skip-check`
    Skip,
    /// The `enable_checks` option.
    EnableChecks,
    /// The `disable_checks` option.
    DisableChecks,
}

impl CheckList {
    /// True for the lists that come from the options (a config file or the environment).
    pub fn is_option(self) -> bool {
        matches!(self, CheckList::EnableChecks | CheckList::DisableChecks)
    }

    /// The option key of the list (`enable_checks`), or the command-line flag.
    pub fn key(self) -> &'static str {
        match self {
            CheckList::Only => "--check",
            CheckList::Skip => "--skip-check",
            CheckList::EnableChecks => "enable_checks",
            CheckList::DisableChecks => "disable_checks",
        }
    }
}

/// A check name that is neither an id nor a slug of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: unknown check {id:?} (see `ecs-posture checks`)", if .list.is_option() { format!("option `{}`", .list.key()) } else { .list.key().to_owned() })]
pub struct UnknownCheck {
    pub list: CheckList,
    pub id: String,
}

/// Which checks run: the defaults adjusted by `enable_checks`/`disable_checks`, then narrowed by
/// `only` (ids or slugs; these run even when off by default), `skip` and `framework`.
pub fn select(
    opts: &Options,
    only: &[String],
    skip: &[String],
    framework: Option<Framework>,
) -> Result<Vec<&'static Check>, UnknownCheck> {
    let resolve = |names: &[String], list: CheckList| -> Result<Vec<&'static str>, UnknownCheck> {
        names
            .iter()
            .map(|n| {
                catalog::find(n).map(|c| c.id).ok_or_else(|| UnknownCheck {
                    list,
                    id: n.clone(),
                })
            })
            .collect()
    };
    let only = resolve(only, CheckList::Only)?;
    let skip = resolve(skip, CheckList::Skip)?;
    let enabled = resolve(&opts.enable_checks, CheckList::EnableChecks)?;
    let disabled = resolve(&opts.disable_checks, CheckList::DisableChecks)?;
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

/// A task definition's key in the index: whether it is a daemon task definition (daemon
/// families are a namespace of their own) and `family:revision` or the family.
type TdKey<'a> = (bool, &'a str);

fn td_key(reference: &str) -> TdKey<'_> {
    // "arn:...:task-definition/family:3" -> "family:3"; "family:3" and "family" stay.
    match reference.rsplit_once('/') {
        Some((head, key)) if head.ends_with(":daemon-task-definition") => (true, key),
        Some((head, key)) if head.ends_with("task-definition") => (false, key),
        _ => (false, reference),
    }
}

struct Index<'a> {
    td_by_key: FastMap<TdKey<'a>, &'a TaskDefinition>,
    latest_by_family: FastMap<TdKey<'a>, &'a TaskDefinition>,
    clusters: FastMap<&'a str, &'a Cluster>,
    /// Revisions services, task sets and daemons run.
    referenced: FastSet<TdKey<'a>>,
    /// Task sets by the ARN of their service.
    task_sets: FastMap<&'a str, Vec<&'a TaskSet>>,
    /// Daemon revisions by ARN.
    daemon_revisions: FastMap<&'a str, &'a crate::model::daemon::DaemonRevision>,
    /// Express Mode descriptions by service ARN.
    express: FastMap<&'a str, &'a crate::model::express::ExpressService>,
}

fn build_index(snapshot: &Snapshot) -> Index<'_> {
    let mut td_by_key = map_with_capacity(snapshot.task_definitions.len());
    let mut latest_by_family: FastMap<TdKey<'_>, &TaskDefinition> =
        map_with_capacity(snapshot.task_definitions.len());
    for r in &snapshot.task_definitions {
        let td = &r.item;
        if let Some(arn) = td.task_definition_arn.as_deref() {
            let (_, key) = td_key(arn);
            td_by_key.insert((td.daemon, key), td);
        }
        if let (Some(family), Some(rev)) = (td.family.as_deref(), td.revision)
            && td.is_active()
        {
            let newer = latest_by_family
                .get(&(td.daemon, family))
                .is_none_or(|cur| cur.revision.unwrap_or(0) < rev);
            if newer {
                latest_by_family.insert((td.daemon, family), td);
            }
        }
    }
    let mut clusters = FastMap::default();
    for r in &snapshot.clusters {
        if let Some(a) = r.item.cluster_arn.as_deref() {
            clusters.insert(a, &r.item);
        }
        if let Some(n) = r.item.cluster_name.as_deref() {
            clusters.insert(n, &r.item);
        }
    }
    let mut referenced = FastSet::default();
    for r in &snapshot.services {
        let s = &r.item;
        for t in s.task_definitions_in_use() {
            referenced.insert(td_key(t));
        }
    }
    let mut task_sets: FastMap<&str, Vec<&TaskSet>> = FastMap::default();
    for r in &snapshot.task_sets {
        if let Some(t) = r.item.task_definition.as_deref() {
            referenced.insert(td_key(t));
        }
        if let Some(s) = r.item.service_arn.as_deref() {
            task_sets.entry(s).or_default().push(&r.item);
        }
    }
    let mut daemon_revisions = FastMap::default();
    for r in &snapshot.daemon_revisions {
        if let Some(a) = r.item.daemon_revision_arn.as_deref() {
            daemon_revisions.insert(a, &r.item);
        }
    }
    // A revision a daemon runs now is always evaluated, superseded or not.
    for r in &snapshot.daemons {
        for arn in r.item.current_revision_arns() {
            if let Some(t) = daemon_revisions
                .get(arn)
                .and_then(|rev| rev.daemon_task_definition_arn.as_deref())
            {
                let (_, key) = td_key(t);
                referenced.insert((true, key));
            }
        }
    }
    // The revisions an Express service's active configurations run are in use.
    let mut express = FastMap::default();
    for r in &snapshot.express_services {
        if let Some(a) = r.item.service_arn.as_deref() {
            express.insert(a, &r.item);
        }
        for c in &r.item.active_configurations {
            if let Some(t) = c.task_definition_arn.as_deref() {
                referenced.insert(td_key(t));
            }
        }
    }
    Index {
        express,
        task_sets,
        td_by_key,
        latest_by_family,
        clusters,
        referenced,
        daemon_revisions,
    }
}

impl<'a> Index<'a> {
    /// A task definition (never a daemon one) by ARN, `family:revision` or family.
    fn task_definition(&self, reference: &str) -> Option<&'a TaskDefinition> {
        let key = td_key(reference);
        self.td_by_key.get(&key).copied().or_else(|| {
            if key.1.contains(':') {
                None
            } else {
                self.latest_by_family.get(&key).copied()
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
        let referenced = match td.task_definition_arn.as_deref() {
            Some(arn) => self.referenced.contains(&(td.daemon, td_key(arn).1)),
            None => self
                .referenced
                .contains(&(td.daemon, format!("{family}:{rev}").as_str())),
        };
        if referenced {
            return RevisionState::Current;
        }
        if !td.is_active() {
            return RevisionState::Inactive;
        }
        match self.latest_by_family.get(&(td.daemon, family)) {
            Some(latest) if latest.revision.unwrap_or(0) > rev => RevisionState::Superseded,
            _ => RevisionState::Current,
        }
    }
}

/// Which families (their current revisions) and services use each task role. `account`: the
/// account of roles named without an ARN in definitions that carry none.
fn role_usage<'a>(
    snapshot: &'a Snapshot,
    lookup: &Index<'a>,
    states: &[RevisionState],
    account: &'a str,
) -> RoleUsage<'a> {
    let account_of = |td: &'a TaskDefinition| -> &'a str {
        td.task_definition_arn
            .as_deref()
            .and_then(Arn::parse)
            .map(|a| a.account)
            .filter(|a| !a.is_empty())
            .unwrap_or(account)
    };
    let mut usage = RoleUsage::default();
    for (r, state) in snapshot.task_definitions.iter().zip(states) {
        let td = &r.item;
        if *state != RevisionState::Current {
            continue;
        }
        if let (Some(role), Some(family)) = (named(td.task_role_arn.as_deref()), &td.family) {
            let key = role_key(role, account_of(td));
            if td.daemon {
                usage.add_family(key, Cow::Owned(format!("daemon {family}")));
            } else {
                usage.add_family(key, Cow::Borrowed(family));
            }
        }
    }
    for r in &snapshot.services {
        let s = &r.item;
        if !s.is_active() {
            continue;
        }
        let name: Cow<'a, str> = match s.service_arn.as_deref() {
            Some(arn) => Cow::Borrowed(arn),
            None => Cow::Owned(s.display_name()),
        };
        for t in s.task_definitions_in_use() {
            if let Some(td) = lookup.task_definition(t)
                && let Some(role) = named(td.task_role_arn.as_deref())
            {
                usage.add_service(role_key(role, account_of(td)), name.clone());
            }
        }
    }
    usage.finish()
}

/// A surroundings check on every place the service's tasks run with a network configuration of
/// their own: the service's, and each task set's (EXTERNAL and CODE_DEPLOY controllers, whose
/// service may carry none), combined into one verdict on the service.
fn judge_placements(
    view: &ServiceView<'_>,
    f: fn(&ServiceView<'_>, &Options) -> Verdict,
    opts: &Options,
) -> Verdict {
    let sets: Vec<(&TaskSet, _)> = view
        .task_sets
        .iter()
        .filter_map(|t| t.awsvpc().map(|a| (*t, a)))
        .collect();
    if sets.is_empty() {
        return f(view, opts);
    }
    let mut parts = Vec::with_capacity(sets.len() + 1);
    if view.awsvpc.is_some() {
        parts.push((None, f(view, opts)));
    }
    for (t, a) in sets {
        let id =
            t.id.as_deref()
                .or(t.task_set_arn.as_deref())
                .unwrap_or("(unnamed)");
        parts.push((
            Some(format!("task set {id}")),
            f(&view.at_placement(a), opts),
        ));
    }
    Verdict::combine(parts)
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
        home: None,
    })
}

/// What an evaluator returned: an outcome, or a verdict on what surrounds the resource.
enum Judged {
    Outcome(Outcome),
    Verdict(Verdict),
}

impl From<Outcome> for Judged {
    fn from(o: Outcome) -> Judged {
        Judged::Outcome(o)
    }
}

/// One resource kind's loop, written once: each record becomes a [`Resource`], `prepare` computes
/// what the kind's checks share for it (a service's view, a revision's state), and `verdict` runs
/// one check's evaluator on it (`None` when the evaluator is of another kind).
fn evaluate_kind<'s, T, P, J: Into<Judged>>(
    out: &mut Vec<Evaluation>,
    checks: &[&'static Check],
    kind: ResourceKind,
    records: &'s [Record<T>],
    resource: impl Fn(usize, &'s Record<T>) -> Arc<Resource>,
    prepare: impl Fn(usize, &'s T) -> P,
    verdict: impl Fn(&'s T, &P, &'static Check) -> Option<J>,
) {
    let checks: Vec<&'static Check> = checks
        .iter()
        .copied()
        .filter(|c| c.kind() == kind)
        .collect();
    if checks.is_empty() {
        return;
    }
    for (index, r) in records.iter().enumerate() {
        let res = resource(index, r);
        let prepared = prepare(index, &r.item);
        for &check in &checks {
            match verdict(&r.item, &prepared, check).map(Into::into) {
                Some(Judged::Outcome(outcome)) => {
                    out.push(Evaluation::new(check, res.clone(), outcome))
                }
                Some(Judged::Verdict(v)) => out.push(Evaluation::of_verdict(check, res.clone(), v)),
                None => {}
            }
        }
    }
}

/// Evaluate every resource of the snapshot with the selected checks. Every evaluation is
/// returned, PASSED and NOT_APPLICABLE included, in snapshot order then catalog order.
pub fn evaluate<'a>(
    snapshot: &'a Snapshot,
    checks: &[&'static Check],
    opts: &Options,
    ctx: &'a Context,
) -> Vec<Evaluation> {
    let lookup = build_index(snapshot);
    let count = |k: ResourceKind| checks.iter().filter(|c| c.kind() == k).count();
    // Each revision's state, once: the definitions' checks and the role usage both need it.
    let states: Vec<RevisionState> = if count(ResourceKind::TaskDefinition) > 0 {
        snapshot
            .task_definitions
            .iter()
            .map(|r| lookup.revision_state(&r.item))
            .collect()
    } else {
        Vec::new()
    };
    let expected = snapshot.task_definitions.len() * count(ResourceKind::TaskDefinition)
        + snapshot.services.len() * count(ResourceKind::Service)
        + snapshot.task_sets.len() * count(ResourceKind::TaskSet)
        + snapshot.clusters.len() * count(ResourceKind::Cluster)
        + snapshot.capacity_providers.len() * count(ResourceKind::CapacityProvider)
        + snapshot.container_instances.len() * count(ResourceKind::ContainerInstance)
        + snapshot.daemons.len() * count(ResourceKind::Daemon)
        + snapshot.gateways.len() * count(ResourceKind::Gateway)
        // The account-region is judged at most once a check (where its workloads run).
        + count(ResourceKind::Account);
    let mut out = Vec::with_capacity(expected);
    let p = ctx.partition.as_str();
    let (region, account) = (ctx.region.as_str(), ctx.account.as_str());
    let usage: std::cell::OnceCell<RoleUsage> = std::cell::OnceCell::new();
    let role_verdicts = crate::checks::support::roles::RoleVerdicts::default();
    // What a definition's checks of one evaluator kind share is prepared only for a revision
    // one of them judges: [the latest, a superseded one].
    let judged_by = |is: fn(&Evaluator) -> bool| -> [bool; 2] {
        let of_kind = || checks.iter().filter(|c| is(&c.evaluator));
        [
            of_kind().next().is_some(),
            of_kind().any(|c| c.revisions == Revisions::All),
        ]
    };
    let wanted = |judged: [bool; 2], state: RevisionState| match state {
        RevisionState::Current => judged[0],
        RevisionState::Superseded => judged[1],
        RevisionState::Inactive => false,
    };
    let role_checks = judged_by(|e| matches!(e, Evaluator::TaskDefinitionRoles(_)));
    let image_checks = judged_by(|e| matches!(e, Evaluator::TaskDefinitionImages(_)));
    let secret_checks = judged_by(|e| matches!(e, Evaluator::TaskDefinitionSecrets(_)));

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::TaskDefinition,
        &snapshot.task_definitions,
        |index, r| {
            let td = &r.item;
            let family = td
                .family
                .as_deref()
                .filter(|f| !f.is_empty())
                .unwrap_or("unnamed");
            let (kind, noun) = if td.daemon {
                (ResourceKind::DaemonTaskDefinition, "daemon-task-definition")
            } else {
                (ResourceKind::TaskDefinition, "task-definition")
            };
            resource(
                kind,
                index,
                td.task_definition_arn.as_deref(),
                || match td.revision {
                    Some(rev) => format!("arn:{p}:ecs:{region}:{account}:{noun}/{family}:{rev}"),
                    None => format!("arn:{p}:ecs:{region}:{account}:{noun}/{family}"),
                },
                td.display_name(),
                &r.source,
                None,
            )
        },
        |index, td| {
            let state = states[index];
            // Where the definition is judged, its place (partition, region, account from its
            // ARN) and its roles, looked up once for all the role checks.
            let arn = td.task_definition_arn.as_deref().and_then(Arn::parse);
            let part = |f: fn(&Arn<'a>) -> &'a str, default: &'a str| -> &'a str {
                arn.as_ref()
                    .map(f)
                    .filter(|x| !x.is_empty())
                    .unwrap_or(default)
            };
            let place = (
                part(|a| a.partition, p),
                part(|a| a.region, region),
                part(|a| a.account, account),
            );
            let roles = if wanted(role_checks, state) {
                resolve_roles(td, &snapshot.identity, place.2)
            } else {
                Vec::new()
            };
            let unread = if !roles.is_empty()
                && roles
                    .iter()
                    .all(|r| matches!(r.lookup, crate::model::identity::RoleLookup::Unknown))
            {
                crate::checks::support::roles::unread_reason(&roles)
            } else {
                String::new()
            };
            let images = if wanted(image_checks, state) {
                crate::checks::support::repositories::resolve(
                    td,
                    &snapshot.registry,
                    place.2,
                    place.1,
                )
            } else {
                Vec::new()
            };
            let secret_refs = if wanted(secret_checks, state) {
                crate::checks::support::references::resolve(
                    td,
                    &snapshot.secrets,
                    place.0,
                    place.1,
                    place.2,
                )
            } else {
                Vec::new()
            };
            (state, place, roles, unread, images, secret_refs)
        },
        |td, (state, place, roles, unread, images, secret_refs), check| {
            let skipped = match (*state, check.revisions) {
                (RevisionState::Inactive, _) => Some(Outcome::na(
                    "revision is INACTIVE (deregistered) and no service in the snapshot uses it",
                )),
                (RevisionState::Superseded, Revisions::LatestActive) => Some(Outcome::na(
                    "revision superseded by a newer ACTIVE revision of its family; only the latest ACTIVE revision is evaluated",
                )),
                _ if td.daemon => {
                    crate::checks::task_definition::not_for_daemons(check.id).map(Outcome::na)
                }
                _ => None,
            };
            match check.evaluator {
                Evaluator::TaskDefinition(f) => {
                    Some(Judged::Outcome(skipped.unwrap_or_else(|| f(td, opts))))
                }
                Evaluator::TaskDefinitionRoles(f) => Some(match skipped {
                    Some(o) => Judged::Outcome(o),
                    None => {
                        let usage =
                            usage.get_or_init(|| role_usage(snapshot, &lookup, &states, account));
                        Judged::Verdict(f(
                            &RoleView {
                                task_definition: td,
                                identity: &snapshot.identity,
                                usage,
                                partition: place.0,
                                region: place.1,
                                account: place.2,
                                partial: snapshot.partial,
                                resolved: roles,
                                unread_reason: unread,
                                check: check.id,
                                verdicts: &role_verdicts,
                            },
                            opts,
                        ))
                    }
                }),
                Evaluator::TaskDefinitionSecrets(f) => Some(match skipped {
                    Some(o) => Judged::Outcome(o),
                    None => Judged::Verdict(f(
                        &SecretView {
                            task_definition: td,
                            references: secret_refs,
                            secrets: &snapshot.secrets,
                            now_ms: ctx.now_ms,
                            partition: place.0,
                            region: place.1,
                            account: place.2,
                        },
                        opts,
                    )),
                }),
                Evaluator::TaskDefinitionLogs(f) => Some(match skipped {
                    Some(o) => Judged::Outcome(o),
                    None => Judged::Verdict(f(
                        &LogView {
                            task_definition: td,
                            logs: &snapshot.logs,
                            partition: place.0,
                            region: place.1,
                            account: place.2,
                        },
                        opts,
                    )),
                }),
                Evaluator::TaskDefinitionImages(f) => Some(match skipped {
                    Some(o) => Judged::Outcome(o),
                    None => Judged::Verdict(f(
                        &ImageView {
                            task_definition: td,
                            registry: &snapshot.registry,
                            images,
                            partition: place.0,
                            region: place.1,
                            account: place.2,
                        },
                        opts,
                    )),
                }),
                _ => None,
            }
        },
    );

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::Service,
        &snapshot.services,
        |index, r| {
            let s = &r.item;
            let cluster = cluster_name_of(s.cluster_arn.as_deref());
            let name = s.display_name();
            resource(
                ResourceKind::Service,
                index,
                s.service_arn.as_deref(),
                || {
                    format!(
                        "arn:{p}:ecs:{region}:{account}:service/{}/{}",
                        cluster.as_deref().unwrap_or("default"),
                        name
                    )
                },
                name.clone(),
                &r.source,
                cluster.clone(),
            )
        },
        |_, s| {
            let arn = s.service_arn.as_deref().and_then(Arn::parse);
            let part = |f: fn(&Arn<'a>) -> &'a str, default: &'a str| -> &'a str {
                arn.as_ref()
                    .map(f)
                    .filter(|x| !x.is_empty())
                    .unwrap_or(default)
            };
            let mut view = ServiceView::new(
                s,
                s.awsvpc(),
                s.service_arn
                    .as_deref()
                    .and_then(|a| lookup.task_sets.get(a))
                    .cloned()
                    .unwrap_or_default(),
                s.task_definition
                    .as_deref()
                    .and_then(|t| lookup.task_definition(t)),
                lookup.cluster(s.cluster_arn.as_deref()),
                (&snapshot.network, &snapshot.identity),
                (
                    part(|a| a.partition, p),
                    part(|a| a.region, region),
                    part(|a| a.account, account),
                ),
            );
            view.express = s
                .service_arn
                .as_deref()
                .and_then(|a| lookup.express.get(a).copied());
            if let Some(e) = view.express {
                view.express_task_definitions = e
                    .active_configurations
                    .iter()
                    .map(|c| {
                        c.task_definition_arn
                            .as_deref()
                            .and_then(|t| lookup.task_definition(t))
                    })
                    .collect();
            }
            view
        },
        |s, view, check| match check.evaluator {
            Evaluator::Service(f) => Some(Judged::Outcome(if s.is_active() {
                f(view, opts)
            } else {
                Outcome::na("service is INACTIVE (deleted)")
            })),
            Evaluator::ServiceSurroundings(f) => Some(if s.is_active() {
                Judged::Verdict(judge_placements(view, f, opts))
            } else {
                Judged::Outcome(Outcome::na("service is INACTIVE (deleted)"))
            }),
            Evaluator::ServiceLoadBalancers(f) => Some(if s.is_active() {
                Judged::Verdict(f(view, opts))
            } else {
                Judged::Outcome(Outcome::na("service is INACTIVE (deleted)"))
            }),
            Evaluator::ExpressService(f) => Some(match view.express {
                _ if !s.is_active() => {
                    Judged::Outcome(Outcome::na("service is INACTIVE (deleted)"))
                }
                Some(e) if e.is_inactive() => {
                    Judged::Outcome(Outcome::na("Express service is INACTIVE (deleted)"))
                }
                Some(e) => Judged::Verdict(f(view, e, opts)),
                None if s.is_express() => Judged::Outcome(Outcome::unknown(
                    "an Express Mode service (resourceManagementType ECS) whose \
                     DescribeExpressGatewayService description was not read",
                )),
                None => Judged::Outcome(Outcome::na("not an Express Mode service")),
            }),
            _ => None,
        },
    );

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::TaskSet,
        &snapshot.task_sets,
        |index, r| {
            let t = &r.item;
            let name =
                t.id.clone()
                    .unwrap_or_else(|| "(unnamed task set)".to_owned());
            resource(
                ResourceKind::TaskSet,
                index,
                t.task_set_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:task-set/default/unknown/{name}"),
                name.clone(),
                &r.source,
                cluster_name_of(t.cluster_arn.as_deref()),
            )
        },
        |_, _| (),
        |t, (), check| match check.evaluator {
            Evaluator::TaskSet(f) => Some(f(t, opts)),
            _ => None,
        },
    );

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::Cluster,
        &snapshot.clusters,
        |index, r| {
            let name = r.item.display_name();
            resource(
                ResourceKind::Cluster,
                index,
                r.item.cluster_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:cluster/{name}"),
                name.clone(),
                &r.source,
                Some(name.clone()),
            )
        },
        |_, _| (),
        |c, (), check| {
            let Evaluator::Cluster(f) = check.evaluator else {
                return None;
            };
            Some(if c.is_inactive() {
                Outcome::na("cluster is INACTIVE (deleted)")
            } else {
                f(c, opts)
            })
        },
    );

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::CapacityProvider,
        &snapshot.capacity_providers,
        |index, r| {
            let name = r.item.display_name();
            resource(
                ResourceKind::CapacityProvider,
                index,
                r.item.capacity_provider_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:capacity-provider/{name}"),
                name.clone(),
                &r.source,
                None,
            )
        },
        |_, c| {
            let home = c
                .capacity_provider_arn
                .as_deref()
                .and_then(Arn::parse)
                .filter(|a| !a.account.is_empty() && !a.region.is_empty());
            ProviderView {
                provider: c,
                network: &snapshot.network,
                identity: &snapshot.identity,
                partition: home.as_ref().map_or(p, |a| a.partition),
                region: home.as_ref().map_or(region, |a| a.region),
                account: home.as_ref().map_or(account, |a| a.account),
            }
        },
        |c, view, check| match check.evaluator {
            Evaluator::CapacityProvider(f) => Some(Judged::Outcome(f(c, opts))),
            Evaluator::CapacityProviderSurroundings(f) => Some(Judged::Verdict(f(view, opts))),
            _ => None,
        },
    );

    // The services of each cluster that run on EC2 capacity, with their tasks' network mode.
    let mut workloads: HashMap<String, Vec<(String, Option<NetworkMode>)>> = HashMap::new();
    if checks
        .iter()
        .any(|c| matches!(c.evaluator, Evaluator::ContainerInstanceSurroundings(_)))
    {
        let mode = |td: Option<&str>| {
            td.and_then(|t| lookup.task_definition(t))
                .map(TaskDefinition::network_mode)
        };
        for r in &snapshot.services {
            let s = &r.item;
            if !s.is_active() {
                continue;
            }
            let cluster = cluster_name_of(s.cluster_arn.as_deref()).unwrap_or_default();
            let on_ec2: Vec<(String, Option<NetworkMode>)> = match s
                .service_arn
                .as_deref()
                .and_then(|a| lookup.task_sets.get(a))
            {
                // EXTERNAL and CODE_DEPLOY services place tasks through their task sets.
                Some(sets) => sets
                    .iter()
                    .filter(|t| !t.is_fargate())
                    .map(|t| {
                        (
                            format!(
                                "{} (task set {})",
                                s.display_name(),
                                t.id.as_deref().unwrap_or("?")
                            ),
                            mode(t.task_definition.as_deref()),
                        )
                    })
                    .collect(),
                None if s.is_fargate() => Vec::new(),
                None => vec![(s.display_name(), mode(s.task_definition.as_deref()))],
            };
            workloads.entry(cluster).or_default().extend(on_ec2);
        }
    }
    let no_workloads = Vec::new();
    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::ContainerInstance,
        &snapshot.container_instances,
        |index, r| {
            let c = &r.item;
            let name = c.display_name();
            resource(
                ResourceKind::ContainerInstance,
                index,
                c.container_instance_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:container-instance/default/{name}"),
                name.clone(),
                &r.source,
                cluster_name_of(c.cluster_arn.as_deref()),
            )
        },
        |_, c| {
            let arn = c.container_instance_arn.as_deref().and_then(Arn::parse);
            let part = |f: fn(&Arn<'a>) -> &'a str, default: &'a str| -> &'a str {
                arn.as_ref()
                    .map(f)
                    .filter(|x| !x.is_empty())
                    .unwrap_or(default)
            };
            InstanceView {
                instance: c,
                ec2: c
                    .ec2_instance_id
                    .as_deref()
                    .and_then(|id| snapshot.network.instance(id)),
                network: &snapshot.network,
                identity: &snapshot.identity,
                workloads: workloads
                    .get(&cluster_name_of(c.cluster_arn.as_deref()).unwrap_or_default())
                    .unwrap_or(&no_workloads),
                now_ms: ctx.now_ms,
                partition: part(|a| a.partition, p),
                region: part(|a| a.region, region),
                account: part(|a| a.account, account),
            }
        },
        |c, view, check| match check.evaluator {
            Evaluator::ContainerInstance(f) => Some(Judged::Outcome(f(c, opts))),
            Evaluator::ContainerInstanceSurroundings(f) => Some(if c.is_inactive() {
                Judged::Outcome(Outcome::na("container instance is INACTIVE (deregistered)"))
            } else {
                Judged::Verdict(f(view, opts))
            }),
            _ => None,
        },
    );
    evaluate_account(&mut out, snapshot, checks, opts, ctx);

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::Daemon,
        &snapshot.daemons,
        |index, r| {
            let d = &r.item;
            let name = d.display_name();
            let cluster = cluster_name_of(d.cluster_arn.as_deref());
            let in_cluster = cluster.clone().unwrap_or_else(|| "default".to_owned());
            resource(
                ResourceKind::Daemon,
                index,
                d.daemon_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:daemon/{in_cluster}/{name}"),
                name.clone(),
                &r.source,
                cluster,
            )
        },
        |_, d| DaemonView {
            daemon: d,
            revisions: d
                .current_revision_arns()
                .map(|arn| (arn, lookup.daemon_revisions.get(arn).copied()))
                .collect(),
            cluster: lookup.cluster(d.cluster_arn.as_deref()),
        },
        |d, view, check| match check.evaluator {
            Evaluator::Daemon(f) => Some(if d.is_active() {
                Judged::Outcome(f(view, opts))
            } else {
                Judged::Outcome(Outcome::na("daemon is being deleted"))
            }),
            _ => None,
        },
    );

    evaluate_kind(
        &mut out,
        checks,
        ResourceKind::Gateway,
        &snapshot.gateways,
        |index, r| {
            let name = r.item.display_name();
            resource(
                ResourceKind::Gateway,
                index,
                r.item.gateway_arn.as_deref(),
                || format!("arn:{p}:ecs:{region}:{account}:gateway/{name}"),
                name.clone(),
                &r.source,
                None,
            )
        },
        |_, g| {
            let home = g
                .gateway_arn
                .as_deref()
                .and_then(Arn::parse)
                .filter(|a| !a.account.is_empty());
            home.map_or(account, |a| a.account)
        },
        |g, home, check| match check.evaluator {
            Evaluator::Gateway(f) => Some(Judged::Outcome(if g.is_deleting() {
                Outcome::na("gateway is being deleted")
            } else {
                f(g, opts)
            })),
            Evaluator::GatewayRoles(f) => Some(if g.is_deleting() {
                Judged::Outcome(Outcome::na("gateway is being deleted"))
            } else {
                Judged::Verdict(f(g, &snapshot.identity, home, opts))
            }),
            _ => None,
        },
    );
    out
}

/// The account-region's own checks, once, each where the snapshot has the workloads its setting
/// protects (container instances, Fargate services, images from the account's ECR registry): a
/// snapshot of other parts of the region (a scoped rescan of a task definition) proves nothing
/// about the rest, so a check whose workloads it does not hold is not evaluated there. The
/// account and region are those of the workloads' ARNs, else the scan's.
fn evaluate_account(
    out: &mut Vec<Evaluation>,
    snapshot: &Snapshot,
    checks: &[&'static Check],
    opts: &Options,
    ctx: &Context,
) {
    let checks: Vec<(&'static Check, crate::checks::AccountCheck)> = checks
        .iter()
        .filter_map(|c| match c.evaluator {
            Evaluator::Account(a) => Some((*c, a)),
            _ => None,
        })
        .collect();
    if checks.is_empty() {
        return;
    }
    let instances: Vec<&ContainerInstance> = snapshot
        .container_instances
        .iter()
        .map(|r| &r.item)
        .filter(|c| !c.is_inactive())
        .collect();
    let services = snapshot
        .services
        .iter()
        .map(|r| &r.item)
        .filter(|s| s.status.as_deref() != Some("INACTIVE"));
    let home = instances
        .iter()
        .filter_map(|c| c.container_instance_arn.as_deref())
        .chain(services.clone().filter_map(|s| s.service_arn.as_deref()))
        .chain(
            snapshot
                .task_definitions
                .iter()
                .filter_map(|r| r.item.task_definition_arn.as_deref()),
        )
        .chain(
            snapshot
                .clusters
                .iter()
                .filter_map(|r| r.item.cluster_arn.as_deref()),
        )
        .filter_map(Arn::parse)
        .find(|a| !a.account.is_empty() && !a.region.is_empty());
    let (partition, region, account) = match &home {
        Some(a) => (a.partition, a.region, a.account),
        None => (
            ctx.partition.as_str(),
            ctx.region.as_str(),
            ctx.account.as_str(),
        ),
    };
    let workloads = account_workloads(snapshot, account, region);
    let view = AccountView {
        account,
        region,
        settings: &snapshot.network.account,
        workloads: &workloads,
    };
    for (check, a) in checks {
        if !workloads.has(a.applies_where) {
            continue;
        }
        let resource = Arc::new(Resource {
            kind: ResourceKind::Account,
            arn: format!("{ACCOUNT_ID_PREFIX}{account}"),
            name: account.to_owned(),
            source: Arc::from(a.source),
            cluster: None,
            index: 0,
            home: Some(Box::new((partition.to_owned(), region.to_owned()))),
        });
        out.push(Evaluation::new(check, resource, (a.eval)(&view, opts)));
    }
}

/// What runs in `account`'s `region` per the snapshot, as the account checks judge it: live
/// container instances, services and task sets on Fargate, and the repositories of that
/// account-region's ECR registry ACTIVE task definitions use. A live scan reads the account's
/// settings only where these say a check applies.
pub fn account_workloads(
    snapshot: &Snapshot,
    account: &str,
    region: &str,
) -> crate::checks::AccountWorkloads {
    let container_instances = snapshot
        .container_instances
        .iter()
        .filter(|r| !r.item.is_inactive())
        .count();
    let fargate = snapshot
        .services
        .iter()
        .map(|r| &r.item)
        .filter(|s| s.status.as_deref() != Some("INACTIVE") && s.is_fargate())
        .count()
        + snapshot
            .task_sets
            .iter()
            .map(|r| &r.item)
            .filter(|t| t.is_fargate() && t.status.as_deref() != Some("INACTIVE"))
            .count();
    // Stops at the first such image: only whether there is one matters.
    let ecr_images = snapshot
        .task_definitions
        .iter()
        .map(|r| &r.item)
        .filter(|td| td.status.as_deref().is_none_or(|s| s == "ACTIVE"))
        .flat_map(|td| td.container_definitions.iter())
        .filter_map(|c| {
            c.image
                .as_deref()
                .and_then(crate::checks::support::image::parse)
        })
        .any(|r| {
            r.registry
                .and_then(|host| crate::model::registry::ecr_location(host, r.repository))
                .is_some_and(|l| l.account == account && l.region == region)
        });
    let clusters = snapshot
        .clusters
        .iter()
        .filter(|r| r.item.status.as_deref() != Some("INACTIVE"))
        .count();
    crate::checks::AccountWorkloads {
        container_instances,
        fargate,
        ecr_images,
        clusters,
    }
}

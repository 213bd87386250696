//! What a scan covers: the scope asked for, and what an inventory proved it read completely.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What to (re)scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every cluster, service, task set, container instance and capacity provider of the region,
    /// and the latest ACTIVE revision of every task definition family.
    Region,
    /// One cluster (name or ARN): its settings, capacity providers, container instances,
    /// services and their task definitions.
    Cluster(String),
    /// One service (ARN, or `cluster/service`): the service, its task sets, its task
    /// definition(s) and its cluster.
    Service(String),
    /// One task definition revision (ARN or `family:revision`), its family's ACTIVE revisions,
    /// and the services that run the family.
    TaskDefinition(String),
    /// One capacity provider (name or ARN).
    CapacityProvider(String),
    /// The services whose tasks use one security group (its id): each with its cluster and
    /// task definition(s), as a service scope reads them, and their networking.
    SecurityGroup(String),
    /// The services whose tasks are placed in one subnet (its id), as for a security group.
    Subnet(String),
    /// The services placed in the VPC of one route table (its id): a route table change may
    /// move any subnet of the VPC that follows the main table.
    RouteTable(String),
    /// The services placed in one VPC (its id): a VPC endpoint created there changes what its
    /// services in private subnets can reach without a NAT gateway.
    Vpc(String),
    /// The services placed in the VPC of one VPC endpoint (its id): CloudTrail names only the
    /// endpoint when one is modified or deleted. Where the endpoint's VPC cannot be found any
    /// more, every awsvpc service of the region.
    VpcEndpoint(String),
    /// The services behind one Elastic Load Balancing v2 load balancer (its ARN), through their
    /// target groups.
    LoadBalancer(String),
    /// The cluster an EC2 instance (its id) is registered to as a container instance, read
    /// whole: its container instance checks judge the instance with the cluster's services.
    Instance(String),
    /// The task definitions whose task or execution role is one IAM role (its name), each as a
    /// task definition scope reads it (its family, the services that run it): a change to the
    /// role's policies, trust or boundary.
    Role(String),
    /// The roles one managed policy (its ARN) is attached to, or is the permissions boundary
    /// of, each as a role scope: a new default version of the policy.
    Policy(String),
    /// The task definitions whose containers pull from one ECR repository (its name; `*`:
    /// every repository of the registry, for registry-wide settings), each as a task definition
    /// scope reads it: a change to the repository's settings, policies or scans.
    Repository(String),
    /// The task definitions whose containers write to one CloudWatch Logs group (its name).
    LogGroup(String),
    /// The task definitions whose containers take one Secrets Manager secret (its name or ARN).
    Secret(String),
    /// The task definitions whose containers take one Systems Manager parameter (its name).
    Parameter(String),
    /// One daemon task definition revision (ARN or `family:revision`) or family of ECS Managed
    /// Daemons: the family's ACTIVE revisions, and the daemons of every cluster (so that the
    /// revisions they run are evaluated too).
    DaemonTaskDefinition(String),
    /// One ECS Managed Daemons daemon (its ARN): the daemon, the revisions it runs and their
    /// daemon task definitions.
    Daemon(String),
    /// One ECS Gateway (its ARN or name).
    Gateway(String),
    /// Several scopes in one scan.
    Many(Vec<Scope>),
}

/// The name of a secret an id names: the id itself, or the name in an ARN without the six
/// characters Secrets Manager appends (`arn:...:secret:prod/db-AbCdEf` -> `prod/db`).
fn secret_name(id: &str) -> &str {
    let Some(name) = id.split(":secret:").nth(1) else {
        return id;
    };
    let name = name.split(':').next().unwrap_or(name);
    match name.rsplit_once('-') {
        Some((base, suffix))
            if suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            base
        }
        _ => name,
    }
}

impl Scope {
    /// For the scopes named by what containers use (a repository, a log group, a secret, a
    /// parameter): whether `td` uses it. `false` for every other scope.
    pub fn used_by(&self, td: &crate::model::TaskDefinition) -> bool {
        use crate::model::secrets::Reference;
        match self {
            Scope::Repository(name) => td.container_definitions.iter().any(|c| {
                c.image
                    .as_deref()
                    .and_then(crate::checks::support::image::parse)
                    .and_then(|r| crate::model::registry::ecr_location(r.registry?, r.repository))
                    .is_some_and(|l| name == "*" || l.repository == name)
            }),
            Scope::LogGroup(name) => td.container_definitions.iter().any(|c| {
                c.log_configuration
                    .as_ref()
                    .and_then(|l| l.destination())
                    .is_some_and(|d| d.group == name)
            }),
            Scope::Secret(_) | Scope::Parameter(_) => td
                .container_definitions
                .iter()
                .flat_map(crate::model::secrets::references_of)
                .any(|(r, _)| match (self, r) {
                    (Scope::Secret(want), Reference::Secret { id, .. }) => {
                        id == *want || secret_name(&id) == secret_name(want)
                    }
                    (Scope::Parameter(want), Reference::Parameter { name, .. }) => {
                        name.trim_start_matches('/') == want.trim_start_matches('/')
                    }
                    _ => false,
                }),
            _ => false,
        }
    }
}

impl Scope {
    /// Several scopes as one: nested lists flattened, repeats dropped (first occurrence kept),
    /// everything inside a region scan folded into it, and a list of one is that scope. A burst
    /// of events naming the same resources then reads it once.
    pub fn many(parts: Vec<Scope>) -> Scope {
        fn flatten(parts: Vec<Scope>, out: &mut Vec<Scope>) {
            for p in parts {
                match p {
                    Scope::Many(inner) => flatten(inner, out),
                    other if !out.contains(&other) => out.push(other),
                    _ => {}
                }
            }
        }
        let mut flat = Vec::new();
        flatten(parts, &mut flat);
        if flat.contains(&Scope::Region) {
            return Scope::Region;
        }
        match flat.len() {
            0 => Scope::Region,
            1 => flat.remove(0),
            _ => Scope::Many(flat),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Scope::Region => "region".to_owned(),
            Scope::Cluster(c) => format!("cluster {c}"),
            Scope::Service(s) => format!("service {s}"),
            Scope::TaskDefinition(t) => format!("task definition {t}"),
            Scope::CapacityProvider(c) => format!("capacity provider {c}"),
            Scope::SecurityGroup(g) => format!("security group {g}"),
            Scope::Subnet(x) => format!("subnet {x}"),
            Scope::RouteTable(x) => format!("route table {x}"),
            Scope::Vpc(x) => format!("VPC {x}"),
            Scope::VpcEndpoint(x) => format!("VPC endpoint {x}"),
            Scope::LoadBalancer(x) => format!("load balancer {x}"),
            Scope::Instance(x) => format!("EC2 instance {x}"),
            Scope::Role(x) => format!("IAM role {x}"),
            Scope::Policy(x) => format!("IAM policy {x}"),
            Scope::Repository(x) if x == "*" => "every ECR repository".to_owned(),
            Scope::Repository(x) => format!("ECR repository {x}"),
            Scope::LogGroup(x) => format!("log group {x}"),
            Scope::Secret(x) => format!("secret {x}"),
            Scope::Parameter(x) => format!("parameter {x}"),
            Scope::DaemonTaskDefinition(x) => format!("daemon task definition {x}"),
            Scope::Daemon(x) => format!("daemon {x}"),
            Scope::Gateway(x) => format!("gateway {x}"),
            Scope::Many(v) => v.iter().map(Scope::describe).collect::<Vec<_>>().join(", "),
        }
    }
}

/// The parts of the estate an inventory listed or described completely. Only resources in a
/// covered part can be proven deleted, deregistered or superseded; a failed listing or describe
/// adds nothing here, so nothing in it is archived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Resources described directly, whether present or reported missing.
    pub resources: BTreeSet<String>,
    /// Task definition families whose ACTIVE revisions were all listed.
    pub task_definition_families: BTreeSet<String>,
    /// Every ACTIVE task definition revision of the region was listed.
    pub all_task_definitions: bool,
    /// ACTIVE revisions (ARNs) seen in those listings: superseded but still describable.
    pub active_task_definitions: BTreeSet<String>,
    /// Every cluster of the region was listed.
    pub all_clusters: bool,
    /// The clusters (ARN) that listing returned: with `all_clusters`, a cluster not among them
    /// is deleted, and so are its services, task sets and container instances.
    #[serde(default)]
    pub clusters: BTreeSet<String>,
    /// A service listing or describe of the scan failed: which revisions services still run is
    /// not known, so no task definition can be proven superseded or deregistered.
    #[serde(default)]
    pub service_reads_failed: bool,
    /// Clusters (ARN) whose services were all listed.
    pub services_of_clusters: BTreeSet<String>,
    /// Services (ARN) whose task sets were all returned.
    pub task_sets_of_services: BTreeSet<String>,
    /// Clusters (ARN) whose container instances were all listed.
    pub container_instances_of_clusters: BTreeSet<String>,
    /// Resources (ARN) that could not be read: never passing, never archived.
    pub unreadable: BTreeSet<String>,
    /// Every ACTIVE daemon task definition revision of the region was listed.
    #[serde(default)]
    pub all_daemon_task_definitions: bool,
    /// Daemon task definition families whose ACTIVE revisions were all listed.
    #[serde(default)]
    pub daemon_task_definition_families: BTreeSet<String>,
    /// Clusters (ARN) whose daemons were all listed and described.
    #[serde(default)]
    pub daemons_of_clusters: BTreeSet<String>,
    /// A daemon listing or describe failed: which daemon task definition revisions daemons
    /// still run is not known, so none can be proven superseded or deregistered.
    #[serde(default)]
    pub daemon_reads_failed: bool,
    /// Every gateway of the region was listed.
    #[serde(default)]
    pub all_gateways: bool,
}

/// The family of a task definition ARN or `family:revision`.
pub fn family_of(task_definition: &str) -> &str {
    let key = task_definition
        .rsplit_once("task-definition/")
        .map(|(_, k)| k)
        .unwrap_or(task_definition);
    key.rsplit_once(':').map(|(f, _)| f).unwrap_or(key)
}

/// `cluster` part of a new-format ARN such as `service/<cluster>/<name>`, as a cluster ARN.
fn cluster_arn_from(arn: &str, marker: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(marker)?;
    let (cluster, _) = rest.split_once('/')?;
    Some(format!("{prefix}:cluster/{cluster}"))
}

impl Coverage {
    /// True when the scan proved what exists for this resource: its absence means it is gone.
    pub fn covers(&self, resource_type: &str, arn: &str) -> bool {
        if self.unreadable.contains(arn) {
            return false;
        }
        if self.resources.contains(arn) {
            return true;
        }
        // A cluster the complete cluster listing did not return is deleted, and its contents too.
        let cluster_gone = |c: &str| self.all_clusters && !self.clusters.contains(c);
        match resource_type {
            "AwsEcsDaemonTaskDefinition" => {
                !self.daemon_reads_failed
                    && (self.all_daemon_task_definitions
                        || self
                            .daemon_task_definition_families
                            .contains(family_of(arn)))
            }
            // Every cluster listed with all its daemons proves a daemon absent whatever its
            // ARN's form; a cluster scan proves it for `daemon/<cluster>/<name>` ARNs.
            "AwsEcsDaemon" => {
                (self.all_clusters
                    && self
                        .clusters
                        .iter()
                        .all(|c| self.daemons_of_clusters.contains(c)))
                    || cluster_arn_from(arn, ":daemon/")
                        .is_some_and(|c| self.daemons_of_clusters.contains(&c) || cluster_gone(&c))
            }
            "AwsEcsGateway" => self.all_gateways,
            "AwsEcsTaskDefinition" => {
                !self.service_reads_failed
                    && (self.all_task_definitions
                        || self.task_definition_families.contains(family_of(arn)))
            }
            "AwsEcsService" => cluster_arn_from(arn, ":service/")
                .is_some_and(|c| self.services_of_clusters.contains(&c) || cluster_gone(&c)),
            "AwsEcsTaskSet" => {
                // task-set/<cluster>/<service>/<id>
                let Some((prefix, rest)) = arn.split_once(":task-set/") else {
                    return false;
                };
                let mut parts = rest.splitn(3, '/');
                let (Some(cluster), Some(service)) = (parts.next(), parts.next()) else {
                    return false;
                };
                let service_arn = format!("{prefix}:service/{cluster}/{service}");
                let cluster_arn = format!("{prefix}:cluster/{cluster}");
                self.task_sets_of_services.contains(&service_arn)
                    || self.services_of_clusters.contains(&cluster_arn)
                    || cluster_gone(&cluster_arn)
            }
            "AwsEcsCluster" => self.all_clusters,
            // The account-region's settings are judged where the workloads they protect run:
            // only a scan that read the region whole (every cluster's services and container
            // instances, every task definition) proves by not evaluating one that nothing needs
            // it any more.
            "AwsAccount" => {
                self.all_clusters
                    && self.all_task_definitions
                    && !self.service_reads_failed
                    && self.clusters.iter().all(|c| {
                        self.container_instances_of_clusters.contains(c)
                            && self.services_of_clusters.contains(c)
                    })
            }
            "AwsEcsContainerInstance" => {
                cluster_arn_from(arn, ":container-instance/").is_some_and(|c| {
                    self.container_instances_of_clusters.contains(&c) || cluster_gone(&c)
                })
            }
            _ => false,
        }
    }

    pub fn merge(&mut self, other: Coverage) {
        self.resources.extend(other.resources);
        self.task_definition_families
            .extend(other.task_definition_families);
        self.all_task_definitions |= other.all_task_definitions;
        self.active_task_definitions
            .extend(other.active_task_definitions);
        self.all_clusters |= other.all_clusters;
        self.clusters.extend(other.clusters);
        self.service_reads_failed |= other.service_reads_failed;
        self.services_of_clusters.extend(other.services_of_clusters);
        self.task_sets_of_services
            .extend(other.task_sets_of_services);
        self.container_instances_of_clusters
            .extend(other.container_instances_of_clusters);
        self.unreadable.extend(other.unreadable);
        self.all_daemon_task_definitions |= other.all_daemon_task_definitions;
        self.daemon_task_definition_families
            .extend(other.daemon_task_definition_families);
        self.daemons_of_clusters.extend(other.daemons_of_clusters);
        self.daemon_reads_failed |= other.daemon_reads_failed;
        self.all_gateways |= other.all_gateways;
    }
}

use crate::model::{AwsVpcConfiguration, Record, Snapshot};

fn matches_name(arn: Option<&str>, name: Option<&str>, wanted: &str) -> bool {
    arn == Some(wanted)
        || name == Some(wanted)
        || arn.is_some_and(|a| a.rsplit('/').next() == Some(wanted))
}

fn td_key(reference: &str) -> &str {
    reference
        .rsplit_once("task-definition/")
        .map(|(_, k)| k)
        .unwrap_or(reference)
}

fn td_matches(td: &crate::model::TaskDefinition, reference: &str) -> bool {
    let key = td_key(reference);
    match (td.family.as_deref(), td.revision) {
        (Some(f), Some(r)) => key == format!("{f}:{r}") || key == f,
        (Some(f), None) => key == f,
        _ => false,
    }
}

/// The part of a complete snapshot (a folder standing for a whole region) that `scope` names,
/// with the coverage an inventory reading exactly that part would prove.
pub fn select(snapshot: &Snapshot, scope: &Scope) -> (Snapshot, Coverage) {
    let mut out = Snapshot {
        failures: snapshot.failures.clone(),
        network: snapshot.network.clone(),
        identity: snapshot.identity.clone(),
        registry: snapshot.registry.clone(),
        logs: snapshot.logs.clone(),
        secrets: snapshot.secrets.clone(),
        partial: *scope != Scope::Region,
        ..Snapshot::default()
    };
    let mut cov = Coverage::default();
    select_into(snapshot, scope, &mut out, &mut cov);
    (out, cov)
}

/// What reading a whole region proves complete: every cluster, task definition, service listing,
/// container instance listing and task set listing of the snapshot.
pub fn region_coverage(snap: &Snapshot, cov: &mut Coverage) {
    cov.all_task_definitions = true;
    for td in &snap.task_definitions {
        if let (Some(a), true) = (&td.item.task_definition_arn, td.item.is_active()) {
            cov.active_task_definitions.insert(a.clone());
        }
    }
    cov.all_daemon_task_definitions = true;
    cov.all_gateways = true;
    cov.all_clusters = true;
    for c in &snap.clusters {
        if let Some(a) = &c.item.cluster_arn {
            cov.daemons_of_clusters.insert(a.clone());
            cov.clusters.insert(a.clone());
            cov.services_of_clusters.insert(a.clone());
            cov.container_instances_of_clusters.insert(a.clone());
        }
    }
    for s in &snap.services {
        if let Some(c) = &s.item.cluster_arn {
            cov.services_of_clusters.insert(c.clone());
        }
        if let Some(a) = &s.item.service_arn {
            cov.task_sets_of_services.insert(a.clone());
        }
    }
    for c in &snap.capacity_providers {
        if let Some(a) = &c.item.capacity_provider_arn {
            cov.resources.insert(a.clone());
        }
    }
    for d in &snap.daemons {
        if let Some(c) = &d.item.cluster_arn {
            cov.daemons_of_clusters.insert(c.clone());
        }
    }
}

/// The cluster a service runs in, read with it (service checks see its exec settings).
fn add_cluster_of(
    snap: &Snapshot,
    out: &mut Snapshot,
    cov: &mut Coverage,
    s: &Record<crate::model::Service>,
) {
    if let Some(c) = snap
        .clusters
        .iter()
        .find(|c| c.item.cluster_arn.is_some() && c.item.cluster_arn == s.item.cluster_arn)
    {
        push_unique(&mut out.clusters, c, |a, b| a.cluster_arn == b.cluster_arn);
        if let Some(a) = &c.item.cluster_arn {
            cov.resources.insert(a.clone());
        }
    }
}

/// A task definition's own scope: a daemon task definition's, or a task definition's.
fn definition_scope(arn: String, daemon: bool) -> Scope {
    if daemon {
        Scope::DaemonTaskDefinition(arn)
    } else {
        Scope::TaskDefinition(arn)
    }
}

/// The revisions a daemon runs now, as read.
fn daemon_revisions_of<'a>(
    snap: &'a Snapshot,
    d: &'a crate::model::daemon::Daemon,
) -> impl Iterator<Item = &'a Record<crate::model::daemon::DaemonRevision>> {
    snap.daemon_revisions.iter().filter(move |r| {
        r.item
            .daemon_revision_arn
            .as_deref()
            .is_some_and(|a| d.current_revision_arns().any(|c| c == a))
    })
}

/// Whether a daemon runs a daemon task definition `wanted` accepts.
fn daemon_runs(
    snap: &Snapshot,
    d: &crate::model::daemon::Daemon,
    wanted: impl Fn(&str) -> bool,
) -> bool {
    daemon_revisions_of(snap, d).any(|r| {
        r.item
            .daemon_task_definition_arn
            .as_deref()
            .is_some_and(&wanted)
    })
}

/// A daemon, described, with the revisions it runs and their daemon task definitions.
fn add_daemon(
    snap: &Snapshot,
    out: &mut Snapshot,
    cov: &mut Coverage,
    d: &Record<crate::model::daemon::Daemon>,
) {
    push_unique(&mut out.daemons, d, |a, b| a.daemon_arn == b.daemon_arn);
    if let Some(a) = &d.item.daemon_arn {
        cov.resources.insert(a.clone());
    }
    for r in daemon_revisions_of(snap, &d.item) {
        push_unique(&mut out.daemon_revisions, r, |a, b| {
            a.daemon_revision_arn == b.daemon_revision_arn
        });
        let Some(t) = r.item.daemon_task_definition_arn.as_deref() else {
            continue;
        };
        for td in snap
            .task_definitions
            .iter()
            .filter(|x| x.item.daemon && x.item.task_definition_arn.as_deref() == Some(t))
        {
            push_unique(&mut out.task_definitions, td, |a, b| {
                a.task_definition_arn.is_some() && a.task_definition_arn == b.task_definition_arn
            });
            cov.resources.insert(t.to_owned());
        }
    }
}

fn push_unique<T: Clone>(list: &mut Vec<Record<T>>, r: &Record<T>, same: impl Fn(&T, &T) -> bool) {
    if !list.iter().any(|x| same(&x.item, &r.item)) {
        list.push(r.clone());
    }
}

fn select_into(snap: &Snapshot, scope: &Scope, out: &mut Snapshot, cov: &mut Coverage) {
    let same_td = |a: &crate::model::TaskDefinition, b: &crate::model::TaskDefinition| {
        a.task_definition_arn.is_some() && a.task_definition_arn == b.task_definition_arn
    };
    let add_service =
        |out: &mut Snapshot, cov: &mut Coverage, r: &Record<crate::model::Service>| {
            let s = &r.item;
            push_unique(&mut out.services, r, |a, b| {
                a.service_arn == b.service_arn && a.service_name == b.service_name
            });
            if let Some(a) = &s.service_arn {
                cov.resources.insert(a.clone());
                cov.task_sets_of_services.insert(a.clone());
            }
            for t in &snap.task_sets {
                if t.item.service_arn.is_some() && t.item.service_arn == s.service_arn {
                    push_unique(&mut out.task_sets, t, |a, b| {
                        a.task_set_arn == b.task_set_arn
                    });
                }
            }
            let refs: Vec<&str> = s.task_definitions_in_use().collect();
            for td in &snap.task_definitions {
                if !td.item.daemon && refs.iter().any(|r| td_matches(&td.item, r)) {
                    push_unique(&mut out.task_definitions, td, same_td);
                    if let Some(a) = &td.item.task_definition_arn {
                        cov.resources.insert(a.clone());
                    }
                }
            }
        };
    // The network configurations of a service: its own, its task sets' (carried or described
    // apart).
    fn placements<'a>(
        snap: &'a Snapshot,
        s: &'a crate::model::Service,
    ) -> Vec<&'a AwsVpcConfiguration> {
        let mut configs: Vec<&AwsVpcConfiguration> = s.awsvpc_configurations().collect();
        configs.extend(
            snap.task_sets
                .iter()
                .filter(|t| t.item.service_arn.is_some() && t.item.service_arn == s.service_arn)
                .filter_map(|t| t.item.awsvpc()),
        );
        configs
    }
    fn in_vpc(snap: &Snapshot, placement: &AwsVpcConfiguration, vpc: &str) -> bool {
        placement.subnets.iter().any(|id| {
            snap.network
                .subnet(id)
                .is_some_and(|n| n.vpc_id.as_deref() == Some(vpc))
        })
    }
    let add_services_placed =
        |out: &mut Snapshot, cov: &mut Coverage, uses: &dyn Fn(&AwsVpcConfiguration) -> bool| {
            for s in &snap.services {
                if placements(snap, &s.item).into_iter().any(uses) {
                    add_service(out, cov, s);
                    add_cluster_of(snap, out, cov, s);
                }
            }
        };
    match scope {
        Scope::Many(list) => {
            for s in list {
                select_into(snap, s, out, cov);
            }
        }
        Scope::Region => {
            *out = snap.clone();
            region_coverage(snap, cov);
        }
        Scope::Cluster(wanted) => {
            let Some(cluster) = snap.clusters.iter().find(|c| {
                matches_name(
                    c.item.cluster_arn.as_deref(),
                    c.item.cluster_name.as_deref(),
                    wanted,
                )
            }) else {
                if wanted.starts_with("arn:") {
                    // A cluster that does not exist has no services, task sets or instances.
                    cov.resources.insert(wanted.clone());
                    cov.services_of_clusters.insert(wanted.clone());
                    cov.container_instances_of_clusters.insert(wanted.clone());
                    cov.daemons_of_clusters.insert(wanted.clone());
                }
                return;
            };
            push_unique(&mut out.clusters, cluster, |a, b| {
                a.cluster_arn == b.cluster_arn
            });
            let arn = cluster.item.cluster_arn.clone().unwrap_or_default();
            cov.resources.insert(arn.clone());
            cov.services_of_clusters.insert(arn.clone());
            cov.container_instances_of_clusters.insert(arn.clone());
            for s in snap
                .services
                .iter()
                .filter(|s| s.item.cluster_arn.as_deref() == Some(arn.as_str()))
            {
                add_service(out, cov, s);
            }
            cov.daemons_of_clusters.insert(arn.clone());
            for d in snap
                .daemons
                .iter()
                .filter(|d| d.item.cluster_arn.as_deref() == Some(arn.as_str()))
            {
                add_daemon(snap, out, cov, d);
            }
            for ci in snap
                .container_instances
                .iter()
                .filter(|c| c.item.cluster_arn.as_deref() == Some(arn.as_str()))
            {
                push_unique(&mut out.container_instances, ci, |a, b| {
                    a.container_instance_arn == b.container_instance_arn
                });
            }
            for cp in &snap.capacity_providers {
                if cp
                    .item
                    .name
                    .as_ref()
                    .is_some_and(|n| cluster.item.capacity_providers.contains(n))
                {
                    push_unique(&mut out.capacity_providers, cp, |a, b| {
                        a.capacity_provider_arn == b.capacity_provider_arn
                    });
                    if let Some(a) = &cp.item.capacity_provider_arn {
                        cov.resources.insert(a.clone());
                    }
                }
            }
        }
        Scope::Service(wanted) => {
            let found: Vec<&Record<crate::model::Service>> = snap
                .services
                .iter()
                .filter(|s| {
                    let i = &s.item;
                    i.service_arn.as_deref() == Some(wanted.as_str())
                        || i.service_arn
                            .as_deref()
                            .is_some_and(|a| a.ends_with(&format!("service/{wanted}")))
                        || (!wanted.contains('/')
                            && i.service_name.as_deref() == Some(wanted.as_str()))
                })
                .collect();
            if found.is_empty() && wanted.starts_with("arn:") {
                cov.resources.insert(wanted.clone());
            }
            for s in found {
                add_service(out, cov, s);
                add_cluster_of(snap, out, cov, s);
            }
        }
        Scope::SecurityGroup(group) => {
            // Named by the service, or the VPC's default group that a service naming none gets.
            let default_of = snap
                .network
                .security_group(group)
                .filter(|g| g.is_default())
                .and_then(|g| g.vpc_id.as_deref());
            add_services_placed(out, cov, &|vpc| {
                vpc.security_groups.contains(group)
                    || vpc.security_groups.is_empty()
                        && default_of.is_some_and(|d| in_vpc(snap, vpc, d))
            });
        }
        Scope::Subnet(subnet) => {
            add_services_placed(out, cov, &|vpc| vpc.subnets.contains(subnet));
        }
        Scope::RouteTable(table) => {
            let vpc_of_table = snap
                .network
                .route_tables
                .iter()
                .find(|t| t.route_table_id.as_deref() == Some(table.as_str()))
                .and_then(|t| t.vpc_id.as_deref());
            if let Some(v) = vpc_of_table {
                add_services_placed(out, cov, &|vpc| in_vpc(snap, vpc, v));
            }
        }
        Scope::Vpc(id) => {
            add_services_placed(out, cov, &|vpc| in_vpc(snap, vpc, id));
        }
        Scope::VpcEndpoint(id) => {
            let vpc_of_endpoint = snap
                .network
                .vpc_endpoints
                .iter()
                .find(|e| e.vpc_endpoint_id.as_deref() == Some(id.as_str()))
                .and_then(|e| e.vpc_id.as_deref());
            match vpc_of_endpoint {
                Some(v) => add_services_placed(out, cov, &|vpc| in_vpc(snap, vpc, v)),
                None => add_services_placed(out, cov, &|_| true),
            }
        }
        Scope::Role(name) => {
            // The current revision of each family naming the role.
            let mut wanted: Vec<(String, bool)> = Vec::new();
            for td in &snap.task_definitions {
                let t = &td.item;
                let names_role = [t.task_role_arn.as_deref(), t.execution_role_arn.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|r| r.rsplit('/').next() == Some(name.as_str()));
                if names_role
                    && let Some(arn) = t.task_definition_arn.clone()
                    && !wanted.iter().any(|(a, _)| *a == arn)
                {
                    wanted.push((arn, t.daemon));
                }
            }
            for (arn, daemon) in wanted {
                select_into(snap, &definition_scope(arn, daemon), out, cov);
            }
        }
        Scope::Repository(_) | Scope::LogGroup(_) | Scope::Secret(_) | Scope::Parameter(_) => {
            // The current revision of each family using it.
            let wanted: Vec<(String, bool)> = snap
                .task_definitions
                .iter()
                .filter(|t| scope.used_by(&t.item))
                .filter_map(|t| Some((t.item.task_definition_arn.clone()?, t.item.daemon)))
                .collect();
            for (arn, daemon) in wanted {
                select_into(snap, &definition_scope(arn, daemon), out, cov);
            }
        }
        Scope::Policy(arn) => {
            for role in snap.identity.roles_using_policy(arn) {
                select_into(snap, &Scope::Role(role), out, cov);
            }
        }
        Scope::Instance(id) => {
            let clusters: Vec<String> = snap
                .container_instances
                .iter()
                .filter(|c| c.item.ec2_instance_id.as_deref() == Some(id.as_str()))
                .filter_map(|c| c.item.cluster_arn.clone())
                .collect();
            for c in clusters {
                select_into(snap, &Scope::Cluster(c), out, cov);
            }
        }
        Scope::LoadBalancer(lb) => {
            let groups: Vec<&str> = snap
                .network
                .load_balancing
                .target_groups
                .iter()
                .filter(|g| g.load_balancer_arns.contains(lb))
                .filter_map(|g| g.target_group_arn.as_deref())
                .collect();
            use crate::model::load_balancing::targets;
            for s in &snap.services {
                let named = targets(&s.item.load_balancers)
                    .0
                    .into_iter()
                    .chain(
                        snap.task_sets
                            .iter()
                            .filter(|t| {
                                t.item.service_arn.is_some()
                                    && t.item.service_arn == s.item.service_arn
                            })
                            .flat_map(|t| targets(&t.item.load_balancers).0),
                    )
                    .any(|t| groups.contains(&t));
                if named {
                    add_service(out, cov, s);
                    add_cluster_of(snap, out, cov, s);
                }
            }
        }
        Scope::CapacityProvider(wanted) => {
            let found = snap.capacity_providers.iter().find(|c| {
                matches_name(
                    c.item.capacity_provider_arn.as_deref(),
                    c.item.name.as_deref(),
                    wanted,
                )
            });
            match found {
                Some(cp) => {
                    push_unique(&mut out.capacity_providers, cp, |a, b| {
                        a.capacity_provider_arn == b.capacity_provider_arn
                    });
                    if let Some(a) = &cp.item.capacity_provider_arn {
                        cov.resources.insert(a.clone());
                    }
                }
                None if wanted.starts_with("arn:") => {
                    cov.resources.insert(wanted.clone());
                }
                None => {}
            }
        }
        Scope::DaemonTaskDefinition(wanted) => {
            let family = family_of(wanted).to_owned();
            cov.daemon_task_definition_families.insert(family.clone());
            for td in snap
                .task_definitions
                .iter()
                .filter(|t| t.item.daemon && t.item.family.as_deref() == Some(family.as_str()))
            {
                push_unique(&mut out.task_definitions, td, same_td);
                if let (Some(a), true) = (&td.item.task_definition_arn, td.item.is_active()) {
                    cov.active_task_definitions.insert(a.clone());
                }
            }
            // The daemons of every cluster are read, so the revisions they run come along.
            for c in &snap.clusters {
                if let Some(a) = &c.item.cluster_arn {
                    cov.daemons_of_clusters.insert(a.clone());
                }
            }
            for d in &snap.daemons {
                if daemon_runs(snap, &d.item, |t| family_of(t) == family) {
                    add_daemon(snap, out, cov, d);
                }
            }
        }
        Scope::Gateway(wanted) => {
            let found = snap.gateways.iter().find(|g| {
                matches_name(
                    g.item.gateway_arn.as_deref(),
                    g.item.name.as_deref(),
                    wanted,
                )
            });
            match found {
                Some(g) => {
                    push_unique(&mut out.gateways, g, |a, b| a.gateway_arn == b.gateway_arn);
                    if let Some(a) = &g.item.gateway_arn {
                        cov.resources.insert(a.clone());
                    }
                }
                // Described missing: deleted.
                None if wanted.starts_with("arn:") => {
                    cov.resources.insert(wanted.clone());
                }
                None => {}
            }
        }
        Scope::Daemon(wanted) => {
            let found = snap
                .daemons
                .iter()
                .find(|d| d.item.daemon_arn.as_deref() == Some(wanted.as_str()));
            match found {
                Some(d) => add_daemon(snap, out, cov, d),
                // Described missing: deleted.
                None if wanted.starts_with("arn:") => {
                    cov.resources.insert(wanted.clone());
                }
                None => {}
            }
        }
        Scope::TaskDefinition(wanted) => {
            let family = family_of(wanted).to_owned();
            cov.task_definition_families.insert(family.clone());
            for td in snap
                .task_definitions
                .iter()
                .filter(|t| !t.item.daemon && t.item.family.as_deref() == Some(family.as_str()))
            {
                push_unique(&mut out.task_definitions, td, same_td);
                if let (Some(a), true) = (&td.item.task_definition_arn, td.item.is_active()) {
                    cov.active_task_definitions.insert(a.clone());
                }
            }
            for s in &snap.services {
                let uses = s
                    .item
                    .task_definitions_in_use()
                    .any(|t| family_of(t) == family);
                if uses {
                    // The service with its cluster: service checks read the cluster's settings.
                    add_service(out, cov, s);
                    add_cluster_of(snap, out, cov, s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_flattens_and_drops_repeats() {
        let td = |r: u32| Scope::TaskDefinition(format!("web:{r}"));
        assert_eq!(
            Scope::many(vec![td(1), td(1), Scope::Many(vec![td(2), td(1)])]),
            Scope::Many(vec![td(1), td(2)])
        );
        assert_eq!(Scope::many(vec![td(1), td(1)]), td(1));
        assert_eq!(Scope::many(vec![td(1), Scope::Region]), Scope::Region);
        assert_eq!(Scope::many(Vec::new()), Scope::Region);
    }

    #[test]
    fn coverage_rules() {
        let mut c = Coverage::default();
        c.services_of_clusters
            .insert("arn:aws:ecs:us-east-1:1:cluster/prod".into());
        c.task_definition_families.insert("web".into());
        c.unreadable
            .insert("arn:aws:ecs:us-east-1:1:service/prod/locked".into());
        assert!(c.covers("AwsEcsService", "arn:aws:ecs:us-east-1:1:service/prod/api"));
        assert!(!c.covers(
            "AwsEcsService",
            "arn:aws:ecs:us-east-1:1:service/prod/locked"
        ));
        assert!(!c.covers(
            "AwsEcsService",
            "arn:aws:ecs:us-east-1:1:service/staging/api"
        ));
        assert!(c.covers(
            "AwsEcsTaskDefinition",
            "arn:aws:ecs:us-east-1:1:task-definition/web:3"
        ));
        assert!(!c.covers(
            "AwsEcsTaskDefinition",
            "arn:aws:ecs:us-east-1:1:task-definition/web-staging:3"
        ));
        assert!(c.covers(
            "AwsEcsTaskSet",
            "arn:aws:ecs:us-east-1:1:task-set/prod/api/ecs-svc/1"
        ));
        assert!(!c.covers("AwsEcsCluster", "arn:aws:ecs:us-east-1:1:cluster/prod"));
        assert_eq!(
            family_of("arn:aws:ecs:us-east-1:1:task-definition/a-b:12"),
            "a-b"
        );
        assert_eq!(family_of("a-b:12"), "a-b");
    }

    /// A security group scope reads the services that name the group, and those that name
    /// none in the VPC whose default group it is, each with its cluster and revision; the
    /// networking comes along.
    #[test]
    fn a_security_group_selects_the_services_that_use_it() {
        let mut snap = Snapshot::default();
        snap.add_document(
            "estate.json",
            r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c","clusterName":"c"}],
            "services":[
              {"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/named","serviceName":"named","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-web"]}}},
              {"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/unnamed","serviceName":"unnamed","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":[]}}},
              {"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/other","serviceName":"other","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-other"]}}},
              {"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/bridge","serviceName":"bridge","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c"},
              {"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/blue-green","serviceName":"blue-green","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c","deploymentController":{"type":"EXTERNAL"},"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:1:task-set/c/blue-green/ecs-svc/1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-ts"]}}}]}],
            "taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[]}],
            "SecurityGroups":[{"GroupId":"sg-web","VpcId":"vpc-1"},{"GroupId":"sg-d","GroupName":"default","VpcId":"vpc-1"}],
            "Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        let names = |scope: &Scope| -> Vec<String> {
            let (out, cov) = select(&snap, scope);
            assert!(out.services.iter().all(|s| {
                cov.resources
                    .contains(s.item.service_arn.as_deref().unwrap())
            }));
            assert_eq!(
                out.network.security_groups.len(),
                2,
                "the networking comes along"
            );
            out.services
                .iter()
                .map(|s| s.item.service_name.clone().unwrap())
                .collect()
        };
        let (named, _) = select(&snap, &Scope::SecurityGroup("sg-web".into()));
        assert_eq!(named.clusters.len(), 1, "with its cluster");
        assert_eq!(named.task_definitions.len(), 1, "and its revision");
        assert_eq!(names(&Scope::SecurityGroup("sg-web".into())), ["named"]);
        assert_eq!(names(&Scope::SecurityGroup("sg-d".into())), ["unnamed"]);
        // A group used only by a task set selects its service, with the task set.
        assert_eq!(names(&Scope::SecurityGroup("sg-ts".into())), ["blue-green"]);
        let (ts, _) = select(&snap, &Scope::SecurityGroup("sg-ts".into()));
        assert_eq!(ts.task_sets.len(), 1);
        assert!(names(&Scope::SecurityGroup("sg-none".into())).is_empty());
        assert_eq!(
            Scope::SecurityGroup("sg-web".into()).describe(),
            "security group sg-web"
        );
    }
}

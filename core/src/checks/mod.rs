//! The check catalog: one file per check, grouped by resource kind; [`catalog::CATALOG`] is the
//! one registry.
//!
//! A check is a `static` [`Check`] with its metadata (id, slug, title, severity, ASFF types,
//! description, risk, remediation, references, compliance mappings, options, examples) and a pure
//! evaluator typed by resource kind: a task-definition check only ever sees a task definition.
//! Adding a check touches one place: its file, one line in `catalog.rs`, and the regenerated
//! docs/checks.md.

pub mod account;
pub mod capacity_provider;
pub mod catalog;
pub mod cluster;
pub mod container_instance;
pub mod daemon;
pub mod express;
pub mod gateway;
pub mod service;
pub mod support;
pub mod task_definition;

use serde::Serialize;

pub(crate) use support::{
    capability_name, containers, same_capability, sensitive_tags_outcome, tagging_outcome,
};

use crate::config::Options;
use crate::finding::{ComplianceRef, Framework, Outcome, ResourceKind, Severity, Status, Verdict};
use crate::model::instance::Ec2Instance;
use crate::model::{
    AwsVpcConfiguration, CapacityProvider, Cluster, ContainerInstance, Network, NetworkMode,
    Service, TaskDefinition, TaskSet,
};

/// Groups for reports and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ContainerSecurity,
    RuntimeSecurity,
    NetworkSecurity,
    IamSecurity,
    Secrets,
    ImageSecurity,
    Logging,
    Monitoring,
    Encryption,
    ResourceManagement,
    Availability,
    Tagging,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ContainerSecurity => "container_security",
            Category::RuntimeSecurity => "runtime_security",
            Category::NetworkSecurity => "network_security",
            Category::IamSecurity => "iam_security",
            Category::Secrets => "secrets",
            Category::ImageSecurity => "image_security",
            Category::Logging => "logging",
            Category::Monitoring => "monitoring",
            Category::Encryption => "encryption",
            Category::ResourceManagement => "resource_management",
            Category::Availability => "availability",
            Category::Tagging => "tagging",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Stable,
    Preview,
    Deprecated,
}

/// Which revisions of a task definition family a task-definition check evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Revisions {
    /// Only the latest ACTIVE revision of each family (and revisions services use), as Security
    /// Hub and AWS Config evaluate; superseded revisions are NOT_APPLICABLE.
    LatestActive,
    /// Every revision in the snapshot: what the check finds stays exposed in any revision that
    /// can still be described (secrets).
    All,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Remediation {
    pub text: &'static str,
    pub cli: &'static str,
    pub cloudformation: &'static str,
    pub terraform: &'static str,
}

/// A documented option a check reads, with its default.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct OptionDoc {
    pub key: &'static str,
    pub default: &'static str,
    pub doc: &'static str,
}

/// A fixture that travels with the check: a document (any accepted shape) and what the check
/// must conclude on every resource of its kind in it. Tests run all of them; docs show them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Example {
    pub name: &'static str,
    pub expect: Status,
    /// One input document, or `{"files": {"<file name>": <document>, ...}}` where a document
    /// binds by its file name (`lb-attributes-<name>.json`).
    pub json: &'static str,
}

impl Example {
    /// The snapshot the example describes.
    pub fn snapshot(&self) -> Result<crate::model::Snapshot, crate::model::InputError> {
        let mut snap = crate::model::Snapshot::default();
        let files = serde_json::from_str::<serde_json::Value>(self.json)
            .ok()
            .and_then(|v| match v {
                serde_json::Value::Object(mut m) if m.len() == 1 => match m.remove("files") {
                    Some(serde_json::Value::Object(f)) => Some(f),
                    _ => None,
                },
                _ => None,
            });
        match files {
            Some(files) => {
                for (name, doc) in &files {
                    snap.add_value(name, doc)?;
                }
            }
            None => snap.add_document(self.name, self.json)?,
        }
        Ok(snap)
    }
}

/// The evaluator, typed by the resource kind it sees.
#[derive(Clone, Copy)]
pub enum Evaluator {
    TaskDefinition(fn(&TaskDefinition, &Options) -> Outcome),
    /// A task definition judged by the IAM roles it names (their policies, trust and use).
    TaskDefinitionRoles(fn(&RoleView<'_>, &Options) -> Verdict),
    /// A task definition judged by the ECR repositories and images its containers run.
    TaskDefinitionImages(fn(&ImageView<'_>, &Options) -> Verdict),
    /// A task definition judged by the CloudWatch Logs groups its containers write to.
    TaskDefinitionLogs(fn(&LogView<'_>, &Options) -> Verdict),
    /// A task definition judged by the secrets and parameters its containers reference.
    TaskDefinitionSecrets(fn(&SecretView<'_>, &Options) -> Verdict),
    Service(fn(&ServiceView<'_>, &Options) -> Outcome),
    /// A service judged by what surrounds it (security groups, subnets, routes): the verdict
    /// names those resources and may raise the severity.
    ServiceSurroundings(fn(&ServiceView<'_>, &Options) -> Verdict),
    /// A service judged by the load balancers in front of it (through its own and its task
    /// sets' target groups), once per service.
    ServiceLoadBalancers(fn(&ServiceView<'_>, &Options) -> Verdict),
    /// An ECS Express Mode service, judged with its Express description (the engine answers
    /// NOT_APPLICABLE for other services and NOT_AVAILABLE where the description was not read).
    ExpressService(
        fn(&ServiceView<'_>, &crate::model::express::ExpressService, &Options) -> Verdict,
    ),
    TaskSet(fn(&TaskSet, &Options) -> Outcome),
    Cluster(fn(&Cluster, &Options) -> Outcome),
    CapacityProvider(fn(&CapacityProvider, &Options) -> Outcome),
    /// A capacity provider judged by what surrounds its instances (the subnets a Managed
    /// Instances provider launches into).
    CapacityProviderSurroundings(fn(&ProviderView<'_>, &Options) -> Verdict),
    ContainerInstance(fn(&ContainerInstance, &Options) -> Outcome),
    /// A container instance judged by its EC2 instance and the tasks that may run on it.
    ContainerInstanceSurroundings(fn(&InstanceView<'_>, &Options) -> Verdict),
    /// The account in the scanned region, judged once by its settings where the workloads it
    /// protects run.
    Account(AccountCheck),
    /// An ECS Managed Daemons daemon, with the revisions it runs.
    Daemon(fn(&DaemonView<'_>, &Options) -> Outcome),
    /// An ECS Gateway.
    Gateway(fn(&crate::model::gateway::Gateway, &Options) -> Outcome),
    /// An ECS Gateway judged by the IAM role it names, with the IAM read and the gateway's
    /// account.
    GatewayRoles(
        fn(
            &crate::model::gateway::Gateway,
            &crate::model::identity::Identity,
            &str,
            &Options,
        ) -> Verdict,
    ),
}

/// An account check: the workloads whose presence makes it apply, the file its setting is read
/// from (offline) and the evaluation.
#[derive(Clone, Copy)]
pub struct AccountCheck {
    pub applies_where: Workload,
    pub source: &'static str,
    pub eval: fn(&AccountView<'_>, &Options) -> Outcome,
}

/// The instant the catalog's examples are judged at (2026-12-01T00:00:00Z): checks on how old
/// something is need the scan's clock.
pub const EXAMPLES_NOW_MS: i64 = 1_796_083_200_000;

/// The ECS workloads whose presence in an account-region makes an account check apply: a
/// setting that protects nothing the scan saw is not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Container instances that are not INACTIVE (EC2 capacity).
    Ec2Capacity,
    /// Services or task sets on Fargate (launch type or capacity provider strategy).
    Fargate,
    /// ACTIVE task definitions whose images come from the account-region's own ECR registry.
    EcrImages,
    /// ECS clusters that are not INACTIVE.
    Clusters,
}

impl Workload {
    /// How docs and evidence name it.
    pub fn describe(self) -> &'static str {
        match self {
            Workload::Ec2Capacity => "ECS container instances",
            Workload::Fargate => "ECS services on Fargate",
            Workload::EcrImages => "task definitions using the account's ECR images",
            Workload::Clusters => "ECS clusters",
        }
    }
}

/// What runs in an account-region, as an account check sees it.
#[derive(Debug, Clone, Default)]
pub struct AccountWorkloads {
    pub container_instances: usize,
    /// Services and task sets on Fargate (not INACTIVE).
    pub fargate: usize,
    /// Whether an ACTIVE task definition uses an image of the account-region's ECR registry.
    pub ecr_images: bool,
    /// Clusters that are not INACTIVE.
    pub clusters: usize,
}

impl AccountWorkloads {
    pub fn has(&self, w: Workload) -> bool {
        match w {
            Workload::Ec2Capacity => self.container_instances > 0,
            Workload::Fargate => self.fargate > 0,
            Workload::EcrImages => self.ecr_images,
            Workload::Clusters => self.clusters > 0,
        }
    }
}

impl Evaluator {
    pub fn kind(&self) -> ResourceKind {
        match self {
            Evaluator::TaskDefinition(_)
            | Evaluator::TaskDefinitionRoles(_)
            | Evaluator::TaskDefinitionImages(_)
            | Evaluator::TaskDefinitionLogs(_)
            | Evaluator::TaskDefinitionSecrets(_) => ResourceKind::TaskDefinition,
            Evaluator::Service(_)
            | Evaluator::ServiceSurroundings(_)
            | Evaluator::ServiceLoadBalancers(_)
            | Evaluator::ExpressService(_) => ResourceKind::Service,
            Evaluator::TaskSet(_) => ResourceKind::TaskSet,
            Evaluator::Cluster(_) => ResourceKind::Cluster,
            Evaluator::CapacityProvider(_) | Evaluator::CapacityProviderSurroundings(_) => {
                ResourceKind::CapacityProvider
            }
            Evaluator::ContainerInstance(_) | Evaluator::ContainerInstanceSurroundings(_) => {
                ResourceKind::ContainerInstance
            }
            Evaluator::Account(_) => ResourceKind::Account,
            Evaluator::Daemon(_) => ResourceKind::Daemon,
            Evaluator::Gateway(_) | Evaluator::GatewayRoles(_) => ResourceKind::Gateway,
        }
    }
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Evaluator({:?})", self.kind())
    }
}

/// What a service check sees: the service and, where the snapshot has them, the task definition
/// it runs, its cluster and the networking around it.
#[derive(Clone)]
pub struct ServiceView<'a> {
    pub service: &'a Service,
    /// The awsvpc configuration being judged: the service's own, or one of its task sets'
    /// (the engine runs surroundings checks once per placement).
    pub awsvpc: Option<&'a AwsVpcConfiguration>,
    /// The service's task sets (EXTERNAL and CODE_DEPLOY deployment controllers).
    pub task_sets: Vec<&'a TaskSet>,
    pub task_definition: Option<&'a TaskDefinition>,
    pub cluster: Option<&'a Cluster>,
    /// The Express Mode description of an Express service, where read.
    pub express: Option<&'a crate::model::express::ExpressService>,
    /// The task definition each of the Express description's active configurations runs,
    /// where the snapshot has it (in the order of `activeConfigurations`).
    pub express_task_definitions: Vec<Option<&'a TaskDefinition>>,
    pub network: &'a Network,
    /// The IAM roles read (the compound checks weigh what the task role can do).
    pub identity: &'a crate::model::identity::Identity,
    /// Partition, region and account of the service (for the ARNs of what surrounds it).
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// What the surroundings checks resolve of this placement, once for all of them.
    pub(crate) resolved: support::Resolved<'a>,
}

impl<'a> ServiceView<'a> {
    /// The view of the service's checks, with nothing resolved yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        service: &'a Service,
        awsvpc: Option<&'a AwsVpcConfiguration>,
        task_sets: Vec<&'a TaskSet>,
        task_definition: Option<&'a TaskDefinition>,
        cluster: Option<&'a Cluster>,
        (network, identity): (&'a Network, &'a crate::model::identity::Identity),
        (partition, region, account): (&'a str, &'a str, &'a str),
    ) -> ServiceView<'a> {
        ServiceView {
            service,
            awsvpc,
            task_sets,
            task_definition,
            cluster,
            express: None,
            express_task_definitions: Vec::new(),
            network,
            identity,
            partition,
            region,
            account,
            resolved: support::Resolved::default(),
        }
    }

    /// The same service judged at another placement (one of its task sets' network
    /// configurations): nothing resolved for the service's own carries over.
    pub fn at_placement(&self, awsvpc: &'a AwsVpcConfiguration) -> ServiceView<'a> {
        ServiceView {
            awsvpc: Some(awsvpc),
            resolved: support::Resolved::default(),
            ..self.clone()
        }
    }
}

/// What a task definition check on its roles sees: the definition, the IAM read, and which
/// families and services use each task role.
pub struct RoleView<'a> {
    pub task_definition: &'a TaskDefinition,
    pub identity: &'a crate::model::identity::Identity,
    pub usage: &'a support::roles::RoleUsage<'a>,
    pub partition: &'a str,
    pub region: &'a str,
    /// The account a role named without an ARN belongs to.
    pub account: &'a str,
    /// Only part of the account-region was read (see [`crate::model::Snapshot::partial`]).
    pub partial: bool,
    /// The definition's roles, looked up once for all its checks.
    pub resolved: &'a [support::roles::ResolvedRole<'a>],
    /// Why they are unknown, when none was read (built once for all the checks).
    pub unread_reason: &'a str,
    /// The check being run and the verdicts it already reached on each role: a role shared by
    /// many definitions (an execution role) is judged once per check.
    pub check: &'static str,
    pub(crate) verdicts: &'a support::roles::RoleVerdicts,
}

/// What a task definition check on its images sees: the definition, where each container's
/// image lives (resolved once for all the image checks), and the registry reads.
pub struct ImageView<'a> {
    pub task_definition: &'a TaskDefinition,
    pub registry: &'a crate::model::registry::Registry,
    pub images: &'a [support::repositories::ResolvedImage<'a>],
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

/// What a task definition check on its log groups sees.
pub struct LogView<'a> {
    pub task_definition: &'a TaskDefinition,
    pub logs: &'a crate::model::logs::Logs,
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

/// What a task definition check on its secret references sees.
pub struct SecretView<'a> {
    pub task_definition: &'a TaskDefinition,
    /// The definition's references, the places that use each and what each resolved to (see
    /// [`support::references::resolve`]), once for all the secret checks.
    pub references: &'a [support::references::SecretUse<'a>],
    pub secrets: &'a crate::model::secrets::SecretStore,
    /// The scan's clock (`None`: ages cannot be judged).
    pub now_ms: Option<i64>,
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

/// What a container instance check on its surroundings sees: the container instance, the EC2
/// instance behind it where read, and the services of its cluster that run on EC2 capacity with
/// the network mode of their tasks (`None`: their task definition was not read).
pub struct InstanceView<'a> {
    pub instance: &'a ContainerInstance,
    pub ec2: Option<&'a Ec2Instance>,
    pub network: &'a Network,
    /// The IAM roles read (the instance role's power raises CI05).
    pub identity: &'a crate::model::identity::Identity,
    pub workloads: &'a [(String, Option<NetworkMode>)],
    /// The scan's clock (`None`: dates cannot be judged).
    pub now_ms: Option<i64>,
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

/// What a daemon check sees: the daemon, each revision it runs now (`None` where that revision
/// was not read) and its cluster where read.
pub struct DaemonView<'a> {
    pub daemon: &'a crate::model::daemon::Daemon,
    pub revisions: Vec<(&'a str, Option<&'a crate::model::daemon::DaemonRevision>)>,
    pub cluster: Option<&'a Cluster>,
}

/// What a capacity provider check on its surroundings sees: the provider, the networking read,
/// and the partition, region and account of the provider (for the ARNs of what surrounds it).
pub struct ProviderView<'a> {
    pub provider: &'a CapacityProvider,
    pub network: &'a crate::model::network::Network,
    /// The IAM roles read (a Managed Instances provider's infrastructure and instance roles).
    pub identity: &'a crate::model::identity::Identity,
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

/// What an account check sees: the account-region's settings and the workloads there (the
/// engine evaluates a check only where the workloads it protects run).
pub struct AccountView<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub settings: &'a crate::model::account::AccountSettings,
    pub workloads: &'a AccountWorkloads,
}

/// One check of the catalog.
#[derive(Debug)]
pub struct Check {
    /// Stable id, never reused (`TD01`, `SV02`, ...). Finding Ids derive from it.
    pub id: &'static str,
    /// Kebab-case name of the flagged pattern.
    pub slug: &'static str,
    /// Reads well whether the check passes or fails.
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// ASFF `Types` paths.
    pub types: &'static [&'static str],
    pub description: &'static str,
    pub risk: &'static str,
    pub remediation: Remediation,
    pub references: &'static [&'static str],
    pub compliance: &'static [ComplianceRef],
    pub status: CheckStatus,
    /// Off-by-default checks carry advice that contradicts a Security Hub control or is noisy
    /// for many estates; enable them with `enable_checks`.
    pub enabled_by_default: bool,
    pub revisions: Revisions,
    pub options: &'static [OptionDoc],
    pub examples: &'static [Example],
    pub evaluator: Evaluator,
}

impl Check {
    pub fn kind(&self) -> ResourceKind {
        self.evaluator.kind()
    }

    pub fn maps_to(&self, framework: Framework) -> bool {
        self.compliance.iter().any(|c| c.framework == framework)
    }

    pub fn controls(&self, framework: Framework) -> impl Iterator<Item = &'static str> + '_ {
        self.compliance
            .iter()
            .filter(move |c| c.framework == framework)
            .map(|c| c.control)
    }
}

// Short constructors for the catalog's compliance tables.
pub(crate) const fn fsbp(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::AwsFsbp,
        control,
    }
}
pub(crate) const fn config_rule(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::AwsConfig,
        control,
    }
}
pub(crate) const fn nist(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::Nist80053,
        control,
    }
}
pub(crate) const fn pci(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::PciDss,
        control,
    }
}
pub(crate) const fn hipaa(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::Hipaa,
        control,
    }
}
pub(crate) const fn soc2(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::Soc2,
        control,
    }
}
pub(crate) const fn cis(control: &'static str) -> ComplianceRef {
    ComplianceRef {
        framework: Framework::Cis,
        control,
    }
}

/// ASFF type paths used across the catalog.
pub(crate) mod types {
    pub const BEST_PRACTICES: &str =
        "Software and Configuration Checks/AWS Security Best Practices";
    pub const FSBP: &str = "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices";
    pub const NETWORK: &str =
        "Software and Configuration Checks/AWS Security Best Practices/Network Reachability";
    pub const RUNTIME: &str =
        "Software and Configuration Checks/AWS Security Best Practices/Runtime Behavior Analysis";
    pub const SENSITIVE: &str = "Sensitive Data Identifications/Passwords";
    pub const PATCH: &str = "Software and Configuration Checks/Patch Management";
}

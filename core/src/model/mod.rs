//! ECS resources as the ECS API and the AWS CLI return them, and the snapshot (estate) they form.
//!
//! [`parse_document`] accepts every shape users keep on disk: `DescribeTaskDefinition` output,
//! `DescribeServices`, `DescribeTaskSets`, `DescribeClusters`, `DescribeCapacityProviders`,
//! `DescribeContainerInstances`, a bare task definition, the `register-task-definition
//! --cli-input-json` input, a bare array of container definitions, or any mix of those keys in
//! one object. AWS defaults are resolved once here (see the `effective` helpers on each type).

pub mod account;
pub mod cluster;
pub mod daemon;
pub mod de;
pub mod express;
pub mod gateway;
pub mod iam;
pub mod identity;
pub mod instance;
pub mod load_balancing;
pub mod logs;
pub mod network;
pub mod registry;
pub mod secrets;
pub mod service;
pub mod tag;
pub mod task_definition;
pub mod version;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use cluster::{CapacityProvider, Cluster, ContainerInstance, ExecLogging};
pub use network::Network;
pub use service::{AwsVpcConfiguration, Service, TaskSet};
pub use tag::Tag;
pub use task_definition::{
    ContainerDefinition, LaunchTypes, NetworkMode, OsFamily, TaskDefinition, UserSpec,
};
pub use version::Version;

/// One resource and the document it came from.
#[derive(Debug, Clone)]
pub struct Record<T> {
    pub item: T,
    pub source: Arc<str>,
}

/// A resource the ECS API could not return (a describe call's `failures`), or that an inventory
/// could not read. Never reported as passing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadFailure {
    pub arn: Option<String>,
    pub reason: String,
    pub source: String,
}

/// Everything known about an estate: any mix of the accepted documents.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub task_definitions: Vec<Record<TaskDefinition>>,
    pub services: Vec<Record<Service>>,
    pub task_sets: Vec<Record<TaskSet>>,
    pub clusters: Vec<Record<Cluster>>,
    pub capacity_providers: Vec<Record<CapacityProvider>>,
    pub container_instances: Vec<Record<ContainerInstance>>,
    /// ECS Managed Daemons (`DescribeDaemon`); their daemon task definitions are in
    /// `task_definitions`, marked `daemon`.
    pub daemons: Vec<Record<daemon::Daemon>>,
    /// The daemon revisions read (`DescribeDaemonRevisions`): which daemon task definition a
    /// daemon runs, and whether ECS Exec is on.
    pub daemon_revisions: Vec<Record<daemon::DaemonRevision>>,
    /// ECS Gateways (`DescribeGateway`).
    pub gateways: Vec<Record<gateway::Gateway>>,
    /// ECS Express Mode services (`DescribeExpressGatewayService`): each is also one of
    /// `services` (the same ARN), judged there with what only Express manages.
    pub express_services: Vec<Record<express::ExpressService>>,
    pub failures: Vec<ReadFailure>,
    /// The EC2 networking around the estate's awsvpc tasks, where it was read.
    pub network: Network,
    /// The IAM roles and policies the estate's workloads use, where read.
    pub identity: identity::Identity,
    /// The ECR repositories of the estate's images, their scans and the digests running, where
    /// read.
    pub registry: registry::Registry,
    /// The CloudWatch Logs groups containers write to, where read.
    pub logs: logs::Logs,
    /// The secrets and parameters containers take their secrets from (metadata only), where
    /// read.
    pub secrets: secrets::SecretStore,
    /// Only part of the account-region was read (a scoped scan): what holds across the region
    /// (a task role shared with families not read) cannot be proven absent.
    pub partial: bool,
    /// Where each task definition and service ARN sits, so adding documents stays linear.
    pub positions: Positions,
}

/// The position of each task definition and service ARN in a [`Snapshot`]'s vectors, kept up to
/// date as documents are added. The vectors are public and may be edited directly: a position is
/// checked against the vector before it is used, and a stale index is rebuilt.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    task_definitions: ArnPositions,
    services: ArnPositions,
}

#[derive(Debug, Clone, Default)]
struct ArnPositions {
    at: std::collections::HashMap<String, usize>,
    /// How many items of the vector have been indexed.
    seen: usize,
}

impl ArnPositions {
    fn find<T>(
        &mut self,
        items: &[Record<T>],
        arn_of: impl Fn(&T) -> Option<&str>,
        arn: &str,
    ) -> Option<usize> {
        if self.seen > items.len() {
            *self = Self::default();
        }
        for (i, r) in items.iter().enumerate().skip(self.seen) {
            if let Some(a) = arn_of(&r.item) {
                self.at.entry(a.to_owned()).or_insert(i);
            }
        }
        self.seen = items.len();
        match self.at.get(arn) {
            Some(&i) if items.get(i).and_then(|r| arn_of(&r.item)) == Some(arn) => Some(i),
            Some(_) => {
                // The vector was edited in place: rebuild once and answer from the truth.
                *self = Self::default();
                self.find(items, arn_of, arn)
            }
            None => None,
        }
    }
}

/// Why a document could not be read. Every variant names the input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Shape { path: String, message: String },
    #[error("{path}: at `{field}`: {message}")]
    Field {
        path: String,
        field: String,
        message: String,
    },
}

impl InputError {
    pub fn path(&self) -> &str {
        match self {
            InputError::Io { path, .. }
            | InputError::Syntax { path, .. }
            | InputError::Shape { path, .. }
            | InputError::Field { path, .. } => path,
        }
    }
}

/// The `aws ec2 describe-*` outputs read for the network checks (found by content).
const NETWORK_KEYS: &[&str] = &[
    "SecurityGroups",
    "Subnets",
    "RouteTables",
    "FlowLogs",
    "LoadBalancers",
    "TargetGroups",
    "Listeners",
    "Reservations",
    "Volumes",
    "EbsEncryptionByDefault",
    "VpcEndpoints",
    "Images",
    "Parameters",
    "InvalidParameters",
];

const KNOWN_KEYS: &[&str] = &[
    "taskDefinition",
    "taskDefinitions",
    "services",
    "taskSets",
    "clusters",
    "capacityProviders",
    "containerInstances",
    "tasks",
    "serviceRevisions",
    "daemonTaskDefinition",
    "daemon",
    "daemonRevisions",
    "gateway",
    "service",
    "failures",
];

fn typed<T: for<'de> Deserialize<'de>>(
    path: &str,
    prefix: &str,
    v: &Value,
) -> Result<T, InputError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let inner = e.path().to_string();
        let field = match (prefix.is_empty(), inner == ".") {
            (true, _) => inner.clone(),
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{inner}"),
        };
        InputError::Field {
            path: path.to_owned(),
            field,
            message: e.into_inner().to_string(),
        }
    })
}

fn list<'a>(path: &str, key: &str, v: &'a Value) -> Result<&'a [Value], InputError> {
    match v {
        Value::Array(a) => Ok(a),
        Value::Null => Ok(&[]),
        other => Err(InputError::Field {
            path: path.to_owned(),
            field: key.to_owned(),
            message: format!("expected a list, found {}", kind_of(other)),
        }),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Add `item` unless one with the same ARN is there already (the same resource read twice, in
/// two files or two outputs); an item without an ARN is always added.
fn push_new<T>(
    list: &mut Vec<Record<T>>,
    item: T,
    source: &Arc<str>,
    arn: impl Fn(&T) -> Option<&str>,
) {
    let known = arn(&item).is_some_and(|a| list.iter().any(|r| arn(&r.item) == Some(a)));
    if !known {
        list.push(Record {
            item,
            source: source.clone(),
        });
    }
}

impl Snapshot {
    /// Parse one document and add what it holds.
    pub fn add_document(&mut self, path: &str, text: &str) -> Result<(), InputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(InputError::Shape {
                path: path.to_owned(),
                message: "the document is empty".to_owned(),
            });
        }
        if text.contains("\"taskDefinition\"") {
            // The most common document, `DescribeTaskDefinition` output, is read in one typed pass.
            // Anything unusual (other keys, duplicate keys, bad values) falls back to the general
            // path below, which also produces the precise error.
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct DescribeOutput {
                #[serde(rename = "taskDefinition")]
                task_definition: TaskDefinition,
                #[serde(default, deserialize_with = "de::opt_tags")]
                tags: Option<Vec<Tag>>,
            }
            if let Ok(out) = serde_json::from_str::<DescribeOutput>(text) {
                let mut td = out.task_definition;
                if out.tags.is_some() {
                    td.tags = out.tags;
                }
                self.push_task_definition(td, &Arc::from(path));
                return Ok(());
            }
        }
        let value: Value = serde_json::from_str(text).map_err(|e| InputError::Syntax {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        self.add_value(path, &value)
    }

    /// Add an already parsed document.
    pub fn add_value(&mut self, path: &str, value: &Value) -> Result<(), InputError> {
        let source: Arc<str> = Arc::from(path);
        match value {
            Value::Array(items) => self.add_array(path, &source, items),
            Value::Object(map) => {
                if account::is_ebs_default_file(path) && map.contains_key("Code") {
                    let error = typed(path, "", value)?;
                    self.network
                        .account
                        .merge(account::ebs_default_error(error));
                    return Ok(());
                }
                if self.add_detection(path, map)? {
                    return Ok(());
                }
                if identity::is_authorization_details_file(path)
                    && map.contains_key("Code")
                    && !identity::is_authorization_details(map)
                {
                    let error = typed(path, "", value)?;
                    self.identity
                        .merge(identity::Identity::read_error("", error));
                    return Ok(());
                }
                if self.add_registry(path, map)? {
                    return Ok(());
                }
                if let Some(name) = logs::bound_group(path)
                    && (map.contains_key("logGroups") || map.contains_key("Code"))
                {
                    if map.contains_key("logGroups") {
                        let groups = self.log_groups(path, map)?;
                        self.logs.add(groups, Some(name));
                    } else {
                        let error = typed(path, "", value)?;
                        self.logs.add_error(name, error);
                    }
                    return Ok(());
                }
                if map.contains_key("logGroups") {
                    let groups = self.log_groups(path, map)?;
                    self.logs.add(groups, None);
                    return Ok(());
                }
                if self.add_secrets(path, map)? {
                    return Ok(());
                }
                if identity::is_authorization_details(map) {
                    self.identity
                        .merge(identity::Identity::read_details(path, map)?);
                    return Ok(());
                }
                if let Some(name) = load_balancing::bound_name(path, "lb-attributes-") {
                    return self.add_lb_read(path, name, map, true);
                }
                if let Some(name) = load_balancing::bound_name(path, "listeners-")
                    && (map.contains_key("Listeners") || map.contains_key("Code"))
                {
                    return self.add_lb_read(path, name, map, false);
                }
                if NETWORK_KEYS.iter().any(|k| map.contains_key(*k)) {
                    self.add_network(path, map)?;
                    if !KNOWN_KEYS.iter().any(|k| map.contains_key(*k)) {
                        return Ok(());
                    }
                }
                if KNOWN_KEYS.iter().any(|k| map.contains_key(*k))
                    && !(map.contains_key("containerDefinitions") || map.contains_key("clusterArn"))
                {
                    return self.add_api_output(path, &source, value);
                }
                if map.contains_key("containerDefinitions") {
                    let mut td: TaskDefinition = typed(path, "", value)?;
                    td.daemon = map.contains_key("daemonTaskDefinitionArn");
                    if td.task_definition_arn.is_none() && td.tags.is_none() {
                        // A definition not registered yet: it will be registered with exactly
                        // the tags it lists, so none means none.
                        td.tags = Some(Vec::new());
                    }
                    self.push_task_definition(td, &source);
                    Ok(())
                } else if map.contains_key("serviceArn")
                    || (map.contains_key("serviceName") && map.contains_key("taskDefinition"))
                {
                    let s: Service = typed(path, "", value)?;
                    self.push_service(s, &source);
                    Ok(())
                } else if map.contains_key("taskSetArn") {
                    let t: TaskSet = typed(path, "", value)?;
                    self.push_task_set(t, &source);
                    Ok(())
                } else if map.contains_key("clusterArn") || map.contains_key("clusterName") {
                    let c: Cluster = typed(path, "", value)?;
                    self.clusters.push(Record { item: c, source });
                    Ok(())
                } else if map.contains_key("capacityProviderArn") {
                    let c: CapacityProvider = typed(path, "", value)?;
                    self.capacity_providers.push(Record { item: c, source });
                    Ok(())
                } else if map.contains_key("containerInstanceArn") {
                    let c: ContainerInstance = typed(path, "", value)?;
                    self.push_container_instance(c, &source);
                    Ok(())
                } else {
                    let mut keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
                    keys.sort_unstable();
                    Err(InputError::Shape {
                        path: path.to_owned(),
                        message: format!(
                            "unknown document shape (top-level keys: {}); expected ECS API output \
                             (taskDefinition, services, taskSets, clusters, capacityProviders, \
                             containerInstances, daemonTaskDefinition, daemon, daemonRevisions, gateway, service), \
                             a task definition with containerDefinitions, or a \
                             list of container definitions",
                            if keys.is_empty() {
                                "none".to_owned()
                            } else {
                                keys.join(", ")
                            }
                        ),
                    })
                }
            }
            other => Err(InputError::Shape {
                path: path.to_owned(),
                message: format!(
                    "expected a JSON object or list at the top level, found {}",
                    kind_of(other)
                ),
            }),
        }
    }

    fn add_array(
        &mut self,
        path: &str,
        source: &Arc<str>,
        items: &[Value],
    ) -> Result<(), InputError> {
        if items.is_empty() {
            return Err(InputError::Shape {
                path: path.to_owned(),
                message: "the document is an empty list; expected container definitions".to_owned(),
            });
        }
        let looks_like_container = |v: &Value| {
            v.as_object().is_some_and(|m| {
                (m.contains_key("name") || m.contains_key("image"))
                    && !m.contains_key("containerDefinitions")
            })
        };
        if items.iter().all(looks_like_container) {
            // Terraform's `container_definitions`: a task definition with no task-level settings.
            let containers: Vec<ContainerDefinition> =
                typed(path, "", &Value::Array(items.to_vec()))?;
            let family = std::path::Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_owned);
            let td = TaskDefinition {
                family,
                container_definitions: containers,
                tags: Some(Vec::new()),
                ..Default::default()
            };
            self.push_task_definition(td, source);
            return Ok(());
        }
        if items.iter().all(Value::is_object) {
            for (i, item) in items.iter().enumerate() {
                self.add_value(&format!("{path}[{i}]"), item)
                    .map_err(|e| relabel(e, path))?;
            }
            return Ok(());
        }
        Err(InputError::Shape {
            path: path.to_owned(),
            message: "a top-level list must hold container definitions (objects with name and image) or ECS documents".to_owned(),
        })
    }

    fn add_api_output(
        &mut self,
        path: &str,
        source: &Arc<str>,
        value: &Value,
    ) -> Result<(), InputError> {
        let map = value.as_object().map(|m| m.to_owned()).unwrap_or_default();
        if let Some(td_value) = map.get("taskDefinition") {
            let mut td: TaskDefinition = typed(path, "taskDefinition", td_value)?;
            if let Some(tags_value) = map.get("tags") {
                #[derive(Deserialize)]
                struct W(#[serde(deserialize_with = "de::tags")] Vec<Tag>);
                let W(tags) = typed(path, "tags", tags_value)?;
                td.tags = Some(tags);
            }
            self.push_task_definition(td, source);
        }
        if let Some(td_value) = map.get("daemonTaskDefinition") {
            let mut td: TaskDefinition = typed(path, "daemonTaskDefinition", td_value)?;
            td.daemon = true;
            if let Some(tags_value) = map.get("tags") {
                #[derive(Deserialize)]
                struct W(#[serde(deserialize_with = "de::tags")] Vec<Tag>);
                let W(tags) = typed(path, "tags", tags_value)?;
                td.tags = Some(tags);
            }
            self.push_task_definition(td, source);
        }
        if let Some(v) = map.get("daemon") {
            let d: daemon::Daemon = typed(path, "daemon", v)?;
            push_new(&mut self.daemons, d, source, |d| d.daemon_arn.as_deref());
        }
        if let Some(v) = map.get("gateway") {
            let g: gateway::Gateway = typed(path, "gateway", v)?;
            push_new(&mut self.gateways, g, source, |g| g.gateway_arn.as_deref());
        }
        if let Some(v) = map.get("service") {
            // `describe-express-gateway-service`, or `create-service`/`update-service` output.
            let express = v.as_object().is_some_and(|m| {
                m.contains_key("activeConfigurations") || m.contains_key("infrastructureRoleArn")
            });
            if express {
                let e: express::ExpressService = typed(path, "service", v)?;
                push_new(&mut self.express_services, e, source, |e| {
                    e.service_arn.as_deref()
                });
            } else {
                let s: Service = typed(path, "service", v)?;
                self.push_service(s, source);
            }
        }
        if let Some(v) = map.get("daemonRevisions") {
            for (i, item) in list(path, "daemonRevisions", v)?.iter().enumerate() {
                let r: daemon::DaemonRevision =
                    typed(path, &format!("daemonRevisions[{i}]"), item)?;
                push_new(&mut self.daemon_revisions, r, source, |r| {
                    r.daemon_revision_arn.as_deref()
                });
            }
        }
        if let Some(v) = map.get("taskDefinitions") {
            for (i, item) in list(path, "taskDefinitions", v)?.iter().enumerate() {
                let prefix = format!("taskDefinitions[{i}]");
                if item.get("taskDefinition").is_some() {
                    self.add_api_output(path, source, item)?;
                } else {
                    let td: TaskDefinition = typed(path, &prefix, item)?;
                    self.push_task_definition(td, source);
                }
            }
        }
        if let Some(v) = map.get("services") {
            for (i, item) in list(path, "services", v)?.iter().enumerate() {
                let s: Service = typed(path, &format!("services[{i}]"), item)?;
                self.push_service(s, source);
            }
        }
        if let Some(v) = map.get("taskSets") {
            for (i, item) in list(path, "taskSets", v)?.iter().enumerate() {
                let t: TaskSet = typed(path, &format!("taskSets[{i}]"), item)?;
                self.push_task_set(t, source);
            }
        }
        if let Some(v) = map.get("clusters") {
            for (i, item) in list(path, "clusters", v)?.iter().enumerate() {
                let c: Cluster = typed(path, &format!("clusters[{i}]"), item)?;
                if !self
                    .clusters
                    .iter()
                    .any(|r| r.item.cluster_arn.is_some() && r.item.cluster_arn == c.cluster_arn)
                {
                    self.clusters.push(Record {
                        item: c,
                        source: source.clone(),
                    });
                }
            }
        }
        if let Some(v) = map.get("capacityProviders") {
            for (i, item) in list(path, "capacityProviders", v)?.iter().enumerate() {
                let c: CapacityProvider = typed(path, &format!("capacityProviders[{i}]"), item)?;
                self.capacity_providers.push(Record {
                    item: c,
                    source: source.clone(),
                });
            }
        }
        if let Some(v) = map.get("containerInstances") {
            for (i, item) in list(path, "containerInstances", v)?.iter().enumerate() {
                let c: ContainerInstance = typed(path, &format!("containerInstances[{i}]"), item)?;
                self.push_container_instance(c, source);
            }
        }
        if let Some(v) = map.get("tasks") {
            for (i, item) in list(path, "tasks", v)?.iter().enumerate() {
                let t: registry::Task = typed(path, &format!("tasks[{i}]"), item)?;
                self.registry.add_task(t);
            }
        }
        if let Some(v) = map.get("serviceRevisions") {
            for (i, item) in list(path, "serviceRevisions", v)?.iter().enumerate() {
                let r: registry::ServiceRevision =
                    typed(path, &format!("serviceRevisions[{i}]"), item)?;
                self.registry.add_service_revision(r);
            }
        }
        if let Some(v) = map.get("failures") {
            #[derive(Deserialize)]
            struct F {
                arn: Option<String>,
                reason: Option<String>,
                detail: Option<String>,
            }
            for (i, item) in list(path, "failures", v)?.iter().enumerate() {
                let f: F = typed(path, &format!("failures[{i}]"), item)?;
                let reason = match (f.reason, f.detail) {
                    (Some(r), Some(d)) => format!("{r}: {d}"),
                    (Some(r), None) => r,
                    (None, Some(d)) => d,
                    (None, None) => "unknown failure".to_owned(),
                };
                self.failures.push(ReadFailure {
                    arn: f.arn,
                    reason,
                    source: path.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// `aws ec2 describe-security-groups`, `describe-subnets`, `describe-route-tables` and
    /// `describe-flow-logs` outputs (any of their keys in one object).
    fn add_network(
        &mut self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<(), InputError> {
        fn each<T: for<'de> Deserialize<'de>>(
            path: &str,
            key: &str,
            map: &serde_json::Map<String, Value>,
            mut push: impl FnMut(T),
        ) -> Result<(), InputError> {
            if let Some(v) = map.get(key) {
                for (i, item) in list(path, key, v)?.iter().enumerate() {
                    push(typed(path, &format!("{key}[{i}]"), item)?);
                }
            }
            Ok(())
        }
        let mut read = Network::default();
        each(path, "SecurityGroups", map, |g| {
            read.security_groups.push(g)
        })?;
        each(path, "Subnets", map, |x| read.subnets.push(x))?;
        each(path, "RouteTables", map, |t: network::RouteTable| {
            if let Some(vpc) = &t.vpc_id {
                read.route_table_vpcs.insert(vpc.clone());
            }
            read.route_tables.push(t);
        })?;
        read.flow_logs_read = map.contains_key("FlowLogs");
        each(path, "FlowLogs", map, |f| read.flow_logs.push(f))?;
        read.vpc_endpoints_read = map.contains_key("VpcEndpoints");
        each(path, "VpcEndpoints", map, |e| read.vpc_endpoints.push(e))?;
        let lb = &mut read.load_balancing;
        each(path, "LoadBalancers", map, |l| lb.load_balancers.push(l))?;
        each(path, "TargetGroups", map, |t| lb.target_groups.push(t))?;
        each(path, "Listeners", map, |l| lb.listeners.push(l))?;
        each(path, "Reservations", map, |r: instance::Reservation| {
            for mut i in r.instances {
                if i.owner_id.is_none() {
                    i.owner_id = r.owner_id.clone();
                }
                read.instances.push(i);
            }
        })?;
        each(path, "Volumes", map, |v| read.volumes.push(v))?;
        read.images_read = map.contains_key("Images");
        each(path, "Images", map, |i| read.images.push(i))?;
        let mut parameters: Vec<instance::Parameter> = Vec::new();
        let mut invalid: Vec<String> = Vec::new();
        each(path, "Parameters", map, |p| parameters.push(p))?;
        each(path, "InvalidParameters", map, |n| invalid.push(n))?;
        let (releases, asked) = instance::ami_releases(&parameters, &invalid);
        read.ami_releases = releases;
        read.ami_parameters_read = asked;
        if map.contains_key("EbsEncryptionByDefault") {
            let setting: account::EbsEncryptionByDefault =
                typed(path, "", &Value::Object(map.clone()))?;
            read.account.ebs_encryption_by_default = Some(load_balancing::Read::Answered(setting));
        }
        self.network.merge(read);
        Ok(())
    }

    /// GuardDuty's `list-detectors` and `get-detector`, Inspector's `batch-get-account-status`
    /// and ECS's `list-account-settings` outputs, and the AWS errors bound to them by file name.
    /// `Ok(false)`: not one of them.
    fn add_detection(
        &mut self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<bool, InputError> {
        use account::{
            ECS_SETTINGS_FILE, GUARDDUTY_DETECTOR_FILE, GUARDDUTY_DETECTORS_FILE,
            INSPECTOR_STATUS_FILE, is_file,
        };
        use load_balancing::Read;
        let value = Value::Object(map.clone());
        let mut read = account::AccountSettings::default();
        let is_error = map.contains_key("Code") && map.len() <= 3;
        if is_error && is_file(path, GUARDDUTY_DETECTORS_FILE) {
            read.guardduty_detectors = Some(Read::Error(typed(path, "", &value)?));
        } else if is_error && is_file(path, GUARDDUTY_DETECTOR_FILE) {
            read.guardduty_detector = Some(Read::Error(typed(path, "", &value)?));
        } else if is_error && is_file(path, INSPECTOR_STATUS_FILE) {
            read.inspector = Some(Read::Error(typed(path, "", &value)?));
        } else if is_error && is_file(path, ECS_SETTINGS_FILE) {
            read.ecs = Some(Read::Error(typed(path, "", &value)?));
        } else if account::is_ecs_settings(map) {
            read.ecs = Some(Read::Answered(typed(path, "", &value)?));
        } else if map.contains_key("DetectorIds") {
            let ids: Vec<String> = typed(path, "DetectorIds", &map["DetectorIds"])?;
            read.guardduty_detectors = Some(Read::Answered(ids));
        } else if account::is_detector(map) {
            read.guardduty_detector = Some(Read::Answered(typed(path, "", &value)?));
        } else if account::is_inspector_status(map) {
            read.inspector = Some(Read::Answered(typed(path, "", &value)?));
        } else {
            return Ok(false);
        }
        self.network.account.merge(read);
        Ok(true)
    }

    /// `describe-secret`, `list-secrets` and `describe-parameters` outputs, and the errors bound
    /// to a secret or parameter by file name. `Ok(false)`: not one of them.
    fn add_secrets(
        &mut self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<bool, InputError> {
        let value = || Value::Object(map.clone());
        let is_error = map.contains_key("Code") && map.len() <= 3;
        if let Some(id) = secrets::bound(path, secrets::SECRET_PREFIX) {
            if is_error {
                self.secrets
                    .add_secret_error(id, typed(path, "", &value())?);
                return Ok(true);
            }
            if map.contains_key("ARN") {
                self.secrets.add_secret(typed(path, "", &value())?);
                return Ok(true);
            }
        }
        if let Some(name) = secrets::bound(path, secrets::PARAMETER_PREFIX) {
            if is_error {
                self.secrets
                    .add_parameter_error(name, typed(path, "", &value())?);
                return Ok(true);
            }
            if map.contains_key("Parameters") {
                let params = self.parameter_list(path, map)?;
                self.secrets.add_parameters(params, Some(name));
                return Ok(true);
            }
        }
        if let Some(v) = map.get("SecretList") {
            for (i, item) in list(path, "SecretList", v)?.iter().enumerate() {
                self.secrets
                    .add_secret(typed(path, &format!("SecretList[{i}]"), item)?);
            }
            return Ok(true);
        }
        if map.contains_key("ARN")
            && map
                .get("ARN")
                .and_then(Value::as_str)
                .is_some_and(|a| a.contains(":secretsmanager:"))
        {
            self.secrets.add_secret(typed(path, "", &value())?);
            return Ok(true);
        }
        // `describe-parameters` (no values) as opposed to `get-parameters` (the AMI releases).
        if let Some(items) = map.get("Parameters").and_then(Value::as_array)
            && !items.is_empty()
            && items
                .iter()
                .all(|p| p.get("Value").is_none() && p.get("Type").is_some())
        {
            let params = self.parameter_list(path, map)?;
            self.secrets.add_parameters(params, None);
            return Ok(true);
        }
        Ok(false)
    }

    fn parameter_list(
        &self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<Vec<secrets::ParameterMeta>, InputError> {
        let mut out = Vec::new();
        if let Some(v) = map.get("Parameters") {
            for (i, item) in list(path, "Parameters", v)?.iter().enumerate() {
                out.push(typed(path, &format!("Parameters[{i}]"), item)?);
            }
        }
        Ok(out)
    }

    /// The groups of a `describe-log-groups` output.
    fn log_groups(
        &self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<Vec<logs::LogGroup>, InputError> {
        let mut out = Vec::new();
        if let Some(v) = map.get("logGroups") {
            for (i, item) in list(path, "logGroups", v)?.iter().enumerate() {
                out.push(typed(path, &format!("logGroups[{i}]"), item)?);
            }
        }
        Ok(out)
    }

    /// The ECR and KMS outputs of [`registry`] (found by content), and the error
    /// documents bound to them by file name. `Ok(false)`: not one of them.
    fn add_registry(
        &mut self,
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<bool, InputError> {
        use load_balancing::{AwsError, Read};
        use registry as r;
        let value = || Value::Object(map.clone());
        let is_error = map.contains_key("Code") && map.len() <= 3;
        let reg = &mut self.registry;
        if is_error {
            let error = || typed::<AwsError>(path, "", &value());
            if let Some(name) = r::bound_repository(path, r::LIFECYCLE_PREFIX) {
                reg.lifecycle
                    .insert((String::new(), name), Read::Error(error()?));
                return Ok(true);
            }
            if let Some(name) = r::bound_repository(path, r::REPOSITORY_POLICY_PREFIX) {
                reg.policies
                    .insert((String::new(), name), Read::Error(error()?));
                return Ok(true);
            }
            if let Some(bound) = r::bound_repository(path, r::SCAN_FINDINGS_PREFIX)
                && let Some((name, digest)) = bound.rsplit_once('@')
            {
                reg.scans
                    .slot(String::new(), name.to_owned())
                    .insert(digest.to_owned(), Read::Error(error()?));
                return Ok(true);
            }
            if r::is_file(path, r::REGISTRY_SCANNING_FILE) {
                reg.scanning.insert(String::new(), Read::Error(error()?));
                return Ok(true);
            }
            if r::is_file(path, r::REPOSITORIES_FILE) {
                reg.repositories_errors.insert(String::new(), error()?);
                return Ok(true);
            }
            return Ok(false);
        }
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        let repo_key = || {
            (
                text("registryId").unwrap_or_default(),
                text("repositoryName"),
            )
        };
        if let Some(v) = map.get("repositories") {
            for (i, item) in list(path, "repositories", v)?.iter().enumerate() {
                reg.add_repository(typed(path, &format!("repositories[{i}]"), item)?);
            }
            return Ok(true);
        }
        if let Some(v) = map.get("scanningConfiguration") {
            let config: r::RegistryScanning = typed(path, "scanningConfiguration", v)?;
            reg.scanning.insert(
                text("registryId").unwrap_or_default(),
                Read::Answered(config),
            );
            return Ok(true);
        }
        if let Some(v) = map.get("scanningConfigurations") {
            for (i, item) in list(path, "scanningConfigurations", v)?.iter().enumerate() {
                let c: r::RepositoryScanning =
                    typed(path, &format!("scanningConfigurations[{i}]"), item)?;
                let account = c
                    .repository_arn
                    .as_deref()
                    .and_then(Arn::parse)
                    .map(|a| a.account.to_owned())
                    .unwrap_or_default();
                if let Some(name) = c.repository_name.clone() {
                    reg.repository_scanning
                        .insert((account, name), Read::Answered(c));
                }
            }
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Failure {
                repository_name: Option<String>,
                failure_code: Option<String>,
                failure_reason: Option<String>,
            }
            if let Some(v) = map.get("failures") {
                for (i, item) in list(path, "failures", v)?.iter().enumerate() {
                    let f: Failure = typed(path, &format!("failures[{i}]"), item)?;
                    if let Some(name) = f.repository_name {
                        reg.repository_scanning.insert(
                            (String::new(), name),
                            Read::Error(AwsError {
                                code: f.failure_code.unwrap_or_else(|| "Failure".to_owned()),
                                message: f.failure_reason.unwrap_or_default(),
                            }),
                        );
                    }
                }
            }
            return Ok(true);
        }
        if map.contains_key("lifecyclePolicyText")
            && let (account, Some(name)) = repo_key()
        {
            reg.lifecycle.insert((account, name), Read::Answered(()));
            return Ok(true);
        }
        if let Some(policy) = text("policyText")
            && let (account, Some(name)) = repo_key()
        {
            reg.policies.insert((account, name), Read::Answered(policy));
            return Ok(true);
        }
        if map.contains_key("imageScanFindings") || map.contains_key("imageScanStatus") {
            let scan: r::ImageScan = typed(path, "", &value())?;
            let (account, name) = (
                scan.registry_id.clone().unwrap_or_default(),
                scan.repository_name.clone(),
            );
            match (name, scan.image_id.image_digest.clone()) {
                (Some(name), Some(digest)) => {
                    reg.scans
                        .slot(account, name)
                        .insert(digest, Read::Answered(scan));
                    return Ok(true);
                }
                _ => {
                    return Err(InputError::Shape {
                        path: path.to_owned(),
                        message: "an image scan names no repositoryName or imageId.imageDigest"
                            .to_owned(),
                    });
                }
            }
        }
        if let Some(v) = map.get("KeyMetadata") {
            let key: r::KeyMetadata = typed(path, "KeyMetadata", v)?;
            reg.add_key(key);
            return Ok(true);
        }
        Ok(false)
    }

    /// A per-load-balancer output bound by its file name (`lb-attributes-<name>.json`,
    /// `listeners-<name>.json`): the answer, or the AWS error it answered with.
    fn add_lb_read(
        &mut self,
        path: &str,
        name: &str,
        map: &serde_json::Map<String, Value>,
        attributes: bool,
    ) -> Result<(), InputError> {
        use load_balancing::{AwsError, Read};
        let value = Value::Object(map.clone());
        let error = if map.contains_key("Code") && !map.contains_key("Attributes") {
            Some(typed::<AwsError>(path, "", &value)?)
        } else {
            None
        };
        let lb = &mut self.network.load_balancing;
        if attributes {
            let read = match error {
                Some(e) => Read::Error(e),
                None => {
                    let Some(v) = map.get("Attributes") else {
                        return Err(InputError::Shape {
                            path: path.to_owned(),
                            message: "expected the output of `aws elbv2 \
                                      describe-load-balancer-attributes` (Attributes) or an AWS \
                                      error document (Code, Message)"
                                .to_owned(),
                        });
                    };
                    let mut attrs = Vec::new();
                    for (i, item) in list(path, "Attributes", v)?.iter().enumerate() {
                        attrs.push(typed(path, &format!("Attributes[{i}]"), item)?);
                    }
                    Read::Answered(attrs)
                }
            };
            lb.attributes.insert(name.to_owned(), read);
        } else {
            if error.is_none() {
                self.add_network(path, map)?;
            }
            self.network
                .load_balancing
                .listeners_read
                .insert(name.to_owned(), error);
        }
        Ok(())
    }

    fn push_task_definition(&mut self, td: TaskDefinition, source: &Arc<str>) {
        if let Some(arn) = td.task_definition_arn.as_deref()
            && self
                .positions
                .task_definitions
                .find(
                    &self.task_definitions,
                    |t| t.task_definition_arn.as_deref(),
                    arn,
                )
                .is_some()
        {
            return;
        }
        self.task_definitions.push(Record {
            item: td,
            source: source.clone(),
        });
    }

    fn push_service(&mut self, mut s: Service, source: &Arc<str>) {
        for ts in std::mem::take(&mut s.task_sets) {
            let mut ts = ts;
            if ts.service_arn.is_none() {
                ts.service_arn = s.service_arn.clone();
            }
            if ts.cluster_arn.is_none() {
                ts.cluster_arn = s.cluster_arn.clone();
            }
            self.push_task_set(ts.clone(), source);
            s.task_sets.push(ts);
        }
        if let Some(arn) = s.service_arn.as_deref()
            && let Some(i) =
                self.positions
                    .services
                    .find(&self.services, |x| x.service_arn.as_deref(), arn)
            && let Some(existing) = self.services.get_mut(i)
        {
            existing.item = s;
            return;
        }
        self.services.push(Record {
            item: s,
            source: source.clone(),
        });
    }

    fn push_task_set(&mut self, t: TaskSet, source: &Arc<str>) {
        if let Some(arn) = t.task_set_arn.as_deref()
            && self
                .task_sets
                .iter()
                .any(|r| r.item.task_set_arn.as_deref() == Some(arn))
        {
            return;
        }
        self.task_sets.push(Record {
            item: t,
            source: source.clone(),
        });
    }

    fn push_container_instance(&mut self, mut c: ContainerInstance, source: &Arc<str>) {
        if c.cluster_arn.is_none() {
            // New-format ARNs embed the cluster: container-instance/<cluster>/<id>.
            if let Some(arn) = c.container_instance_arn.as_deref()
                && let Some((prefix, rest)) = arn.split_once(":container-instance/")
                && let Some((cluster, _)) = rest.split_once('/')
            {
                c.cluster_arn = Some(format!("{prefix}:cluster/{cluster}"));
            }
        }
        self.container_instances.push(Record {
            item: c,
            source: source.clone(),
        });
    }

    /// Merge another snapshot into this one.
    pub fn extend(&mut self, other: Snapshot) {
        for r in other.task_definitions {
            self.push_task_definition(r.item, &r.source);
        }
        for r in other.services {
            self.push_service(r.item, &r.source);
        }
        for r in other.task_sets {
            self.push_task_set(r.item, &r.source);
        }
        self.clusters.extend(other.clusters);
        self.capacity_providers.extend(other.capacity_providers);
        for r in other.container_instances {
            self.push_container_instance(r.item, &r.source);
        }
        for r in other.daemons {
            push_new(&mut self.daemons, r.item, &r.source, |d| {
                d.daemon_arn.as_deref()
            });
        }
        for r in other.daemon_revisions {
            push_new(&mut self.daemon_revisions, r.item, &r.source, |d| {
                d.daemon_revision_arn.as_deref()
            });
        }
        for r in other.gateways {
            push_new(&mut self.gateways, r.item, &r.source, |g| {
                g.gateway_arn.as_deref()
            });
        }
        for r in other.express_services {
            push_new(&mut self.express_services, r.item, &r.source, |e| {
                e.service_arn.as_deref()
            });
        }
        self.failures.extend(other.failures);
        self.network.merge(other.network);
        self.identity.merge(other.identity);
        self.registry.merge(other.registry);
        self.logs.merge(other.logs);
        self.secrets.merge(other.secrets);
        self.partial |= other.partial;
    }

    pub fn resource_count(&self) -> usize {
        self.task_definitions.len()
            + self.services.len()
            + self.task_sets.len()
            + self.clusters.len()
            + self.capacity_providers.len()
            + self.container_instances.len()
            + self.daemons.len()
            + self.gateways.len()
    }

    /// The snapshot split by the account and region its resources' ARNs name (an organization's
    /// estate read into one folder tree), in order of account and region. Resources without an
    /// ARN belong to the only account-region when there is one, else stay in a part of their
    /// own (`None`). One account-region (or none): the snapshot as it is.
    pub fn split_by_account_region(self) -> Vec<(Option<(String, String)>, Snapshot)> {
        fn key(arn: Option<&str>) -> Option<(String, String)> {
            let p = Arn::parse(arn?)?;
            (!p.account.is_empty() && !p.region.is_empty())
                .then(|| (p.account.to_owned(), p.region.to_owned()))
        }
        let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
        macro_rules! collect_keys {
            ($field:ident, $arn:ident) => {
                for r in &self.$field {
                    if let Some(k) = key(r.item.$arn.as_deref()) {
                        keys.insert(k);
                    }
                }
            };
        }
        collect_keys!(task_definitions, task_definition_arn);
        collect_keys!(services, service_arn);
        collect_keys!(task_sets, task_set_arn);
        collect_keys!(clusters, cluster_arn);
        collect_keys!(capacity_providers, capacity_provider_arn);
        collect_keys!(container_instances, container_instance_arn);
        collect_keys!(daemons, daemon_arn);
        collect_keys!(gateways, gateway_arn);
        collect_keys!(express_services, service_arn);
        if keys.len() <= 1 {
            let k = keys.into_iter().next();
            return vec![(k, self)];
        }
        let mut parts: BTreeMap<Option<(String, String)>, Snapshot> = BTreeMap::new();
        macro_rules! split {
            ($field:ident, $arn:ident) => {
                for r in self.$field {
                    let k = key(r.item.$arn.as_deref());
                    parts.entry(k).or_default().$field.push(r);
                }
            };
        }
        split!(task_definitions, task_definition_arn);
        split!(services, service_arn);
        split!(task_sets, task_set_arn);
        split!(clusters, cluster_arn);
        split!(capacity_providers, capacity_provider_arn);
        split!(container_instances, container_instance_arn);
        split!(daemons, daemon_arn);
        split!(daemon_revisions, daemon_revision_arn);
        split!(gateways, gateway_arn);
        split!(express_services, service_arn);
        for f in self.failures {
            let k = key(f.arn.as_deref());
            parts.entry(k).or_default().failures.push(f);
        }
        // EC2 outputs name their owner account, not their region: each part of an account gets
        // that account's networking (lookups are by id, unique within a region).
        for (k, part) in parts.iter_mut() {
            part.network = self
                .network
                .of_account(k.as_ref().map(|(account, _)| account.as_str()));
            // IAM is global: roles are looked up by account, so every part shares the reads.
            part.identity = self.identity.clone();
            part.registry = self
                .registry
                .of_account(k.as_ref().map(|(a, _)| a.as_str()));
            // Log groups, secrets and parameters are looked up by name: each part gets those of
            // its account-region (their ARNs say which).
            if let Some((account, region)) = k {
                part.logs = self.logs.of_account_region(account, region);
                part.secrets = self.secrets.of_account_region(account, region);
            } else {
                part.logs = self.logs.clone();
                part.secrets = self.secrets.clone();
            }
            part.partial = self.partial;
        }
        parts.into_iter().collect()
    }

    /// The Express Mode descriptions whose service the snapshot does not hold: they are judged
    /// on the service (SV28-SV30), so without its `DescribeServices` output they are not
    /// evaluated, and an offline scan says so.
    pub fn express_without_service(&self) -> Vec<&Record<express::ExpressService>> {
        self.express_services
            .iter()
            .filter(|r| {
                !r.item.service_arn.as_deref().is_some_and(|a| {
                    self.services
                        .iter()
                        .any(|s| s.item.service_arn.as_deref() == Some(a))
                })
            })
            .collect()
    }

    /// The first account and region named by any ARN in the snapshot.
    pub fn account_region(&self) -> Option<(String, String)> {
        let arns = self
            .task_definitions
            .iter()
            .filter_map(|r| r.item.task_definition_arn.as_deref())
            .chain(
                self.services
                    .iter()
                    .filter_map(|r| r.item.service_arn.as_deref()),
            )
            .chain(
                self.clusters
                    .iter()
                    .filter_map(|r| r.item.cluster_arn.as_deref()),
            )
            .chain(
                self.task_sets
                    .iter()
                    .filter_map(|r| r.item.task_set_arn.as_deref()),
            )
            .chain(
                self.capacity_providers
                    .iter()
                    .filter_map(|r| r.item.capacity_provider_arn.as_deref()),
            )
            .chain(
                self.container_instances
                    .iter()
                    .filter_map(|r| r.item.container_instance_arn.as_deref()),
            )
            .chain(
                self.daemons
                    .iter()
                    .filter_map(|r| r.item.daemon_arn.as_deref()),
            )
            .chain(
                self.gateways
                    .iter()
                    .filter_map(|r| r.item.gateway_arn.as_deref()),
            );
        for arn in arns {
            if let Some(p) = Arn::parse(arn)
                && !p.account.is_empty()
                && !p.region.is_empty()
            {
                return Some((p.account.to_owned(), p.region.to_owned()));
            }
        }
        None
    }
}

fn relabel(e: InputError, path: &str) -> InputError {
    // Items of a top-level list are reported under the file's path with the index as the field.
    match e {
        InputError::Field {
            path: p,
            field,
            message,
        } => {
            let idx = p.strip_prefix(path).unwrap_or("");
            InputError::Field {
                path: path.to_owned(),
                field: format!("{idx}.{field}").trim_start_matches('.').to_owned(),
                message,
            }
        }
        InputError::Shape { path: p, message } => {
            let idx = p.strip_prefix(path).unwrap_or("");
            InputError::Shape {
                path: path.to_owned(),
                message: format!("item {idx}: {message}"),
            }
        }
        other => other,
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The parts of an ARN this crate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut it = s.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        let partition = it.next()?;
        let service = it.next()?;
        let region = it.next()?;
        let account = it.next()?;
        let resource = it.next()?;
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

#[cfg(test)]
mod tests;

//! Task definitions as `DescribeTaskDefinition` returns them and as
//! `register-task-definition --cli-input-json` takes them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::de::{self, Timestamp};
use super::tag::Tag;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskDefinition {
    /// The ARN; a daemon task definition's `daemonTaskDefinitionArn` is read here too.
    #[serde(alias = "daemonTaskDefinitionArn")]
    pub task_definition_arn: Option<String>,
    pub family: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub revision: Option<i64>,
    pub status: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub container_definitions: Vec<ContainerDefinition>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub network_mode: Option<String>,
    pub pid_mode: Option<String>,
    pub ipc_mode: Option<String>,
    #[serde(deserialize_with = "de::strings")]
    pub requires_compatibilities: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub cpu: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub memory: Option<String>,
    pub runtime_platform: Option<RuntimePlatform>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub volumes: Vec<Volume>,
    /// `proxyConfiguration` (its only type is `APPMESH`).
    pub proxy_configuration: Option<ProxyConfiguration>,
    /// `enableFaultInjection`: the agent accepts fault injection requests from the containers.
    #[serde(deserialize_with = "de::opt_bool")]
    pub enable_fault_injection: Option<bool>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub registered_at: Option<Timestamp>,
    /// Tags written inline, as `register-task-definition --cli-input-json` takes them.
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
    /// A daemon task definition (ECS Managed Daemons, `DescribeDaemonTaskDefinition`): its
    /// containers carry a subset of a task definition's fields, it has no network mode field
    /// and its `pidMode`/`ipcMode` are `none` or
    /// `shared`, `shared` joining the host's namespace. Set by the parser, never read from a field.
    #[serde(skip)]
    pub daemon: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProxyConfiguration {
    #[serde(rename = "type")]
    pub proxy_type: Option<String>,
    pub container_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimePlatform {
    pub operating_system_family: Option<String>,
    pub cpu_architecture: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    pub name: Option<String>,
    pub host: Option<HostVolume>,
    pub efs_volume_configuration: Option<EfsVolumeConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostVolume {
    pub source_path: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EfsVolumeConfiguration {
    pub file_system_id: Option<String>,
    pub root_directory: Option<String>,
    pub transit_encryption: Option<String>,
    pub authorization_config: Option<EfsAuthorizationConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EfsAuthorizationConfig {
    pub access_point_id: Option<String>,
    pub iam: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerDefinition {
    pub name: Option<String>,
    pub image: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub cpu: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub memory: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub memory_reservation: Option<i64>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub essential: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub privileged: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub readonly_root_filesystem: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub user: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub environment: Vec<KeyValue>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub secrets: Vec<Secret>,
    pub log_configuration: Option<LogConfiguration>,
    pub linux_parameters: Option<Box<LinuxParameters>>,
    pub health_check: Option<Box<HealthCheck>>,
    #[serde(deserialize_with = "de::strings")]
    pub docker_security_options: Vec<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub mount_points: Vec<MountPoint>,
    pub repository_credentials: Option<Box<RepositoryCredentials>>,
    #[serde(deserialize_with = "de::strings")]
    pub command: Vec<String>,
    #[serde(deserialize_with = "de::strings")]
    pub entry_point: Vec<String>,
    #[serde(deserialize_with = "de::string_map")]
    pub docker_labels: BTreeMap<String, String>,
    /// `versionConsistency` (`enabled`, ECS's default, or `disabled`).
    #[serde(deserialize_with = "de::opt_string")]
    pub version_consistency: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyValue {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Secret {
    pub name: Option<String>,
    pub value_from: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LogConfiguration {
    pub log_driver: Option<String>,
    /// The driver `options` the checks read.
    #[serde(deserialize_with = "de::log_options")]
    pub options: LogOptions,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub secret_options: Vec<Secret>,
}

/// A log driver's options, the parts read.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// `mode` (`blocking` / `non-blocking`).
    pub mode: Option<String>,
    /// The CloudWatch Logs options of `awslogs` and of FireLens's `cloudwatch_logs` output.
    pub kept: BTreeMap<String, String>,
}

/// Where a container's logs go in CloudWatch Logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogDestination<'a> {
    pub group: &'a str,
    /// The region the options name, if any (else the task's).
    pub region: Option<&'a str>,
    /// The driver creates the group when it is missing.
    pub create: bool,
    /// `awslogs` or `awsfirelens`.
    pub driver: &'static str,
}

impl LogConfiguration {
    /// The CloudWatch Logs group this configuration writes to: `awslogs` (`awslogs-group`), or
    /// FireLens with a `cloudwatch_logs` (or `cloudwatch`) output (`log_group_name`).
    pub fn destination(&self) -> Option<LogDestination<'_>> {
        let driver = self.log_driver.as_deref()?;
        let o = &self.options.kept;
        let get = |k: &str| o.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let yes = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if driver.eq_ignore_ascii_case("awslogs") {
            return Some(LogDestination {
                group: get("awslogs-group")?,
                region: get("awslogs-region"),
                create: yes(get("awslogs-create-group")),
                driver: "awslogs",
            });
        }
        if driver.eq_ignore_ascii_case("awsfirelens")
            && get("Name").is_some_and(|n| n == "cloudwatch_logs" || n == "cloudwatch")
        {
            return Some(LogDestination {
                group: get("log_group_name")?,
                region: get("region"),
                create: yes(get("auto_create_group")),
                driver: "awsfirelens",
            });
        }
        None
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LinuxParameters {
    pub capabilities: Option<Capabilities>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub init_process_enabled: Option<bool>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub devices: Vec<serde_json::Value>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub shared_memory_size: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Capabilities {
    #[serde(deserialize_with = "de::strings")]
    pub add: Vec<String>,
    #[serde(deserialize_with = "de::strings")]
    pub drop: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HealthCheck {
    #[serde(deserialize_with = "de::strings")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MountPoint {
    pub source_volume: Option<String>,
    pub container_path: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RepositoryCredentials {
    pub credentials_parameter: Option<String>,
}

/// The operating system a task definition declares (`runtimePlatform.operatingSystemFamily`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OsFamily {
    Linux,
    Windows,
    /// No `runtimePlatform.operatingSystemFamily`: Security Hub evaluates such task definitions
    /// as both Linux (ECS.20) and Windows (ECS.21).
    Unspecified,
}

/// The effective network mode after AWS defaults are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkMode {
    Awsvpc,
    Bridge,
    Host,
    None,
    /// `networkMode` absent on EC2 (Docker's default bridge on Linux, NAT on Windows) or the
    /// legacy value `default`.
    Default,
    Other(String),
}

/// Where a task definition can run, from `requiresCompatibilities` (absent: EC2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaunchTypes {
    pub ec2: bool,
    pub fargate: bool,
    pub external: bool,
    pub managed_instances: bool,
}

impl LaunchTypes {
    pub fn fargate_only(&self) -> bool {
        self.fargate && !self.ec2 && !self.external && !self.managed_instances
    }
}

impl TaskDefinition {
    pub fn os_family(&self) -> OsFamily {
        match self
            .runtime_platform
            .as_ref()
            .and_then(|r| r.operating_system_family.as_deref())
        {
            Some(f) if f.to_ascii_uppercase().starts_with("WINDOWS") => OsFamily::Windows,
            Some(f) if f.eq_ignore_ascii_case("LINUX") => OsFamily::Linux,
            _ => OsFamily::Unspecified,
        }
    }

    /// The launch types the task definition requires. Absent `requiresCompatibilities` means
    /// EC2, as `RegisterTaskDefinition` defaults it.
    pub fn launch_types(&self) -> LaunchTypes {
        let mut lt = LaunchTypes::default();
        for c in &self.requires_compatibilities {
            match c.to_ascii_uppercase().as_str() {
                "EC2" => lt.ec2 = true,
                "FARGATE" => lt.fargate = true,
                "EXTERNAL" => lt.external = true,
                "MANAGED_INSTANCES" => lt.managed_instances = true,
                _ => {}
            }
        }
        if lt == LaunchTypes::default() {
            lt.ec2 = true;
        }
        lt
    }

    pub fn network_mode(&self) -> NetworkMode {
        match self
            .network_mode
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("awsvpc") => NetworkMode::Awsvpc,
            Some("bridge") => NetworkMode::Bridge,
            Some("host") => NetworkMode::Host,
            Some("none") => NetworkMode::None,
            Some("default") | Some("") => NetworkMode::Default,
            Some(other) if de::is_placeholder(other) => NetworkMode::Default,
            Some(other) => NetworkMode::Other(other.to_owned()),
            None if self.launch_types().fargate_only() => NetworkMode::Awsvpc,
            None => NetworkMode::Default,
        }
    }

    /// The task joins the host's PID namespace: `host` on a task definition, `shared` on a
    /// daemon task definition (ECS documents that a shared daemon joins the host namespace).
    pub fn pid_mode_is_host(&self) -> bool {
        self.joins_host(self.pid_mode.as_deref())
    }

    /// The task joins the host's IPC namespace (`host`, or `shared` on a daemon).
    pub fn ipc_mode_is_host(&self) -> bool {
        self.joins_host(self.ipc_mode.as_deref())
    }

    fn joins_host(&self, mode: Option<&str>) -> bool {
        mode.is_some_and(|m| {
            m.eq_ignore_ascii_case("host") || (self.daemon && m.eq_ignore_ascii_case("shared"))
        })
    }

    /// How the kind is named in evidence and reports.
    pub fn kind_label(&self) -> &'static str {
        if self.daemon {
            "daemon task definition"
        } else {
            "task definition"
        }
    }

    /// `family:revision`, or the family alone for a definition that is not registered yet.
    pub fn display_name(&self) -> String {
        let family = self
            .family
            .as_deref()
            .filter(|f| !f.is_empty())
            .unwrap_or("(no family)");
        match self.revision {
            Some(r) => format!("{family}:{r}"),
            None => family.to_owned(),
        }
    }

    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
    }
}

/// What the `user` parameter of a container says, per Docker's `user`, `uid`, `user:group`,
/// `uid:gid`, `user:gid` and `uid:group` forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserSpec {
    /// No `user`: the image's default, which is root for most images.
    Absent,
    /// `root` or UID `0` (with or without a group).
    Root,
    /// Windows' `ContainerAdministrator` (case-insensitive).
    WindowsAdmin,
    /// A placeholder that cannot be judged.
    Unresolved,
    /// Any other user.
    NonRoot,
}

impl ContainerDefinition {
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or("(unnamed)")
    }

    pub fn user_spec(&self) -> UserSpec {
        let Some(raw) = self.user.as_deref() else {
            return UserSpec::Absent;
        };
        let raw = raw.trim();
        if raw.is_empty() {
            return UserSpec::Absent;
        }
        if de::is_placeholder(raw) {
            return UserSpec::Unresolved;
        }
        let user = raw.split(':').next().unwrap_or(raw).trim();
        if user == "root" || user == "0" {
            UserSpec::Root
        } else if user.eq_ignore_ascii_case("containeradministrator") {
            UserSpec::WindowsAdmin
        } else {
            UserSpec::NonRoot
        }
    }

    pub fn log_driver(&self) -> Option<&str> {
        self.log_configuration
            .as_ref()
            .and_then(|l| l.log_driver.as_deref())
            .filter(|d| !d.trim().is_empty())
    }

    pub fn added_capabilities(&self) -> &[String] {
        self.linux_parameters
            .as_ref()
            .and_then(|l| l.capabilities.as_ref())
            .map(|c| c.add.as_slice())
            .unwrap_or(&[])
    }

    pub fn is_essential(&self) -> bool {
        self.essential.unwrap_or(true)
    }
}

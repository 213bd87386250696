//! Options for the checks, from a TOML file's `[options]` table.
//!
//! ```toml
//! [options]
//! required_tag_keys = ["owner", "cost-center"]
//! trusted_registries = ["ghcr.io/my-org"]
//! disable_checks = ["TD26"]
//! enable_checks = ["TD28"]
//! ```
//! Unknown keys and invalid values are errors that name the key. Check ids in `enable_checks`
//! and `disable_checks` are resolved (and rejected, naming the key) by `engine::select`.

use serde::Deserialize;

use crate::model::Version;

/// Security Hub's fixed list for ECS.8 / the `secretKeys` default of `ecs-no-environment-secrets`.
pub const DEFAULT_SECRET_KEYS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "ECS_ENGINE_AUTH_DATA",
];

#[derive(Debug, Clone)]
pub struct Options {
    /// Tag keys every cluster, service, task definition and capacity provider must carry
    /// (Security Hub `requiredTagKeys`, at most 6, case-sensitive).
    pub required_tag_keys: Vec<String>,
    /// Fargate platform versions that count as latest (Security Hub ECS.10 fixes 1.4.0 / 1.0.0).
    pub fargate_latest_linux_version: Version,
    pub fargate_latest_windows_version: Version,
    /// Environment variable names that must never hold a value (ECS.8 `secretKeys`).
    pub secret_keys: Vec<String>,
    /// Extra words that make a variable or tag name secret-sounding (matched against the name's
    /// words, case-insensitive), beyond the built-in list.
    pub secret_name_words: Vec<String>,
    /// Variable or tag names never reported by the secret-value checks (exact, case-insensitive).
    pub secret_ignore_names: Vec<String>,
    /// Registries (host, or host/path prefix) trusted besides Amazon ECR and ECR Public.
    pub trusted_registries: Vec<String>,
    /// Linux capabilities that must not be added.
    pub dangerous_capabilities: Vec<String>,
    /// Host paths whose mount into a container is reported.
    pub sensitive_host_paths: Vec<String>,
    /// Lowest acceptable ECS container agent version.
    pub min_agent_version: Version,
    /// EC2 instance type families reported as previous-generation.
    pub legacy_instance_families: Vec<String>,
    /// Days an ECS-optimized AMI may lag behind its family's current release.
    pub max_ami_release_lag_days: u32,
    /// TCP ports a security group may open to the internet (EC2.18 `authorizedTcpPorts`, 1-32).
    pub authorized_tcp_ports: Vec<u16>,
    /// UDP ports a security group may open to the internet (EC2.18 `authorizedUdpPorts`).
    pub authorized_udp_ports: Vec<u16>,
    /// Permissions boundaries (policy ARNs) a workload role must have one of; empty: any.
    pub required_permissions_boundaries: Vec<String>,
    /// Accounts (12-digit ids) an ECR repository policy may grant without a finding.
    pub trusted_accounts: Vec<String>,
    /// The shortest retention a container log group may have (CloudWatch.16
    /// `minRetentionTime`; never-expire passes).
    pub min_log_retention_days: u32,
    /// The most days a container's secret may go without rotating (SecretsManager.4
    /// `maxDaysSinceRotation`, 1-180).
    pub max_days_since_rotation: u32,
    /// Checks to turn on besides those enabled by default (ids or slugs).
    pub enable_checks: Vec<String>,
    /// Checks to turn off (ids or slugs).
    pub disable_checks: Vec<String>,
}

/// A version literal of the defaults (valid by construction).
fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or_else(|| unreachable!("default version {text} parses"))
}

impl Default for Options {
    fn default() -> Self {
        Options {
            required_tag_keys: Vec::new(),
            fargate_latest_linux_version: version("1.4.0"),
            fargate_latest_windows_version: version("1.0.0"),
            secret_keys: DEFAULT_SECRET_KEYS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            secret_name_words: Vec::new(),
            secret_ignore_names: Vec::new(),
            trusted_registries: Vec::new(),
            dangerous_capabilities: [
                "ALL",
                "SYS_ADMIN",
                "NET_ADMIN",
                "SYS_PTRACE",
                "SYS_MODULE",
                "SYS_RAWIO",
                "DAC_READ_SEARCH",
                "SYS_BOOT",
                "SYS_TIME",
                "BPF",
                "PERFMON",
                "MAC_ADMIN",
                "MAC_OVERRIDE",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            sensitive_host_paths: [
                "/",
                "/etc",
                "/proc",
                "/sys",
                "/boot",
                "/dev",
                "/root",
                "/var/run/docker.sock",
                "/run/docker.sock",
                "/var/run",
                "/run",
                "/var/lib/docker",
                "/var/lib/ecs",
                "/run/containerd/containerd.sock",
                "\\\\.\\pipe\\docker_engine",
                "C:\\",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            min_agent_version: version("1.65.0"),
            legacy_instance_families: [
                "t1", "m1", "m2", "m3", "c1", "c3", "cc2", "cg1", "cr1", "hi1", "hs1", "g2", "i2",
                "r3",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            max_ami_release_lag_days: 30,
            authorized_tcp_ports: vec![80, 443],
            authorized_udp_ports: Vec::new(),
            required_permissions_boundaries: Vec::new(),
            trusted_accounts: Vec::new(),
            min_log_retention_days: 365,
            max_days_since_rotation: 90,
            enable_checks: Vec::new(),
            disable_checks: Vec::new(),
        }
    }
}

/// The `[options]` table as written: versions still text, checked and converted by
/// [`Options::from_toml`] so that an invalid value is an error naming its key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawOptions {
    required_tag_keys: Vec<String>,
    fargate_latest_linux_version: String,
    fargate_latest_windows_version: String,
    secret_keys: Vec<String>,
    secret_name_words: Vec<String>,
    secret_ignore_names: Vec<String>,
    trusted_registries: Vec<String>,
    dangerous_capabilities: Vec<String>,
    sensitive_host_paths: Vec<String>,
    min_agent_version: String,
    legacy_instance_families: Vec<String>,
    max_ami_release_lag_days: u32,
    authorized_tcp_ports: Vec<u16>,
    authorized_udp_ports: Vec<u16>,
    required_permissions_boundaries: Vec<String>,
    trusted_accounts: Vec<String>,
    min_log_retention_days: u32,
    max_days_since_rotation: u32,
    enable_checks: Vec<String>,
    disable_checks: Vec<String>,
}

impl Default for RawOptions {
    fn default() -> Self {
        let o = Options::default();
        RawOptions {
            required_tag_keys: o.required_tag_keys,
            fargate_latest_linux_version: o.fargate_latest_linux_version.to_string(),
            fargate_latest_windows_version: o.fargate_latest_windows_version.to_string(),
            secret_keys: o.secret_keys,
            secret_name_words: o.secret_name_words,
            secret_ignore_names: o.secret_ignore_names,
            trusted_registries: o.trusted_registries,
            dangerous_capabilities: o.dangerous_capabilities,
            sensitive_host_paths: o.sensitive_host_paths,
            min_agent_version: o.min_agent_version.to_string(),
            legacy_instance_families: o.legacy_instance_families,
            max_ami_release_lag_days: o.max_ami_release_lag_days,
            authorized_tcp_ports: o.authorized_tcp_ports,
            authorized_udp_ports: o.authorized_udp_ports,
            required_permissions_boundaries: o.required_permissions_boundaries,
            trusted_accounts: o.trusted_accounts,
            min_log_retention_days: o.min_log_retention_days,
            max_days_since_rotation: o.max_days_since_rotation,
            enable_checks: o.enable_checks,
            disable_checks: o.disable_checks,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    options: RawOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: option `{key}`: {message}")]
    Invalid {
        path: String,
        key: &'static str,
        message: String,
    },
}

impl Options {
    /// Parse a config file's text. `path` names it in errors.
    pub fn from_toml(path: &str, text: &str) -> Result<Options, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        let raw = file.options;
        let version = |key: &'static str, text: &str| {
            Version::parse(text).ok_or_else(|| ConfigError::Invalid {
                path: path.to_owned(),
                key,
                message: format!("{text:?} is not a version like 1.4.0"),
            })
        };
        let opts = Options {
            fargate_latest_linux_version: version(
                "fargate_latest_linux_version",
                &raw.fargate_latest_linux_version,
            )?,
            fargate_latest_windows_version: version(
                "fargate_latest_windows_version",
                &raw.fargate_latest_windows_version,
            )?,
            min_agent_version: version("min_agent_version", &raw.min_agent_version)?,
            required_tag_keys: raw.required_tag_keys,
            secret_keys: raw.secret_keys,
            secret_name_words: raw.secret_name_words,
            secret_ignore_names: raw.secret_ignore_names,
            trusted_registries: raw.trusted_registries,
            dangerous_capabilities: raw.dangerous_capabilities,
            sensitive_host_paths: raw.sensitive_host_paths,
            legacy_instance_families: raw.legacy_instance_families,
            max_ami_release_lag_days: raw.max_ami_release_lag_days,
            authorized_tcp_ports: raw.authorized_tcp_ports,
            authorized_udp_ports: raw.authorized_udp_ports,
            required_permissions_boundaries: raw.required_permissions_boundaries,
            trusted_accounts: raw.trusted_accounts,
            min_log_retention_days: raw.min_log_retention_days,
            max_days_since_rotation: raw.max_days_since_rotation,
            enable_checks: raw.enable_checks,
            disable_checks: raw.disable_checks,
        };
        opts.validate(path)?;
        Ok(opts)
    }

    /// Check the values that have limits. `path` names the source in errors.
    pub fn validate(&self, path: &str) -> Result<(), ConfigError> {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid {
            path: path.to_owned(),
            key,
            message,
        };
        for (key, ports) in [
            ("authorized_tcp_ports", &self.authorized_tcp_ports),
            ("authorized_udp_ports", &self.authorized_udp_ports),
        ] {
            if ports.len() > 32 {
                return Err(invalid(
                    key,
                    format!("at most 32 ports, found {}", ports.len()),
                ));
            }
            if ports.contains(&0) {
                return Err(invalid(key, "0 is not a port (1-65535)".to_owned()));
            }
        }
        if let Some(b) = self
            .required_permissions_boundaries
            .iter()
            .find(|b| crate::model::identity::account_and_name(b).is_none())
        {
            return Err(invalid(
                "required_permissions_boundaries",
                format!("{b:?} is not a policy ARN (arn:aws:iam::<account>:policy/<name>)"),
            ));
        }
        if let Some(a) = self
            .trusted_accounts
            .iter()
            .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid(
                "trusted_accounts",
                format!("{a:?} is not an AWS account id (12 digits)"),
            ));
        }
        if !(1..=180).contains(&self.max_days_since_rotation) {
            return Err(invalid(
                "max_days_since_rotation",
                format!(
                    "{} is outside 1-180 (the range Security Hub's SecretsManager.4 accepts)",
                    self.max_days_since_rotation
                ),
            ));
        }
        if !(1..=3653).contains(&self.min_log_retention_days) {
            return Err(invalid(
                "min_log_retention_days",
                format!(
                    "{} is outside 1-3653 (the retention periods CloudWatch Logs accepts)",
                    self.min_log_retention_days
                ),
            ));
        }
        if self.required_tag_keys.len() > 6 {
            return Err(invalid(
                "required_tag_keys",
                format!("at most 6 keys, found {}", self.required_tag_keys.len()),
            ));
        }
        if let Some(k) = self
            .required_tag_keys
            .iter()
            .find(|k| k.trim().is_empty() || k.len() > 128)
        {
            return Err(invalid(
                "required_tag_keys",
                format!("{k:?} is not a valid tag key (1-128 characters)"),
            ));
        }
        if let Some(c) = self
            .dangerous_capabilities
            .iter()
            .find(|c| c.trim().is_empty())
        {
            return Err(invalid(
                "dangerous_capabilities",
                format!("{c:?} is not a capability name"),
            ));
        }
        Ok(())
    }
}

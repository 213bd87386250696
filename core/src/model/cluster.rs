//! Clusters, capacity providers and container instances as the ECS API returns them.

use serde::Deserialize;

use super::de;
use super::tag::Tag;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cluster {
    pub cluster_arn: Option<String>,
    pub cluster_name: Option<String>,
    pub status: Option<String>,
    /// `None` when the describe call did not include SETTINGS (the key is then absent).
    #[serde(deserialize_with = "opt_settings")]
    pub settings: Option<Vec<ClusterSetting>>,
    pub configuration: Option<ClusterConfiguration>,
    #[serde(deserialize_with = "de::strings")]
    pub capacity_providers: Vec<String>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
    pub service_connect_defaults: Option<ServiceConnectDefaults>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub registered_container_instances_count: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub running_tasks_count: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub active_services_count: Option<i64>,
}

fn opt_settings<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<ClusterSetting>>, D::Error> {
    // Present (even `null`) means the caller asked for settings; absent stays `None` through
    // `#[serde(default)]`.
    Ok(Some(
        Option::<Vec<ClusterSetting>>::deserialize(d)?.unwrap_or_default(),
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSetting {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterConfiguration {
    pub execute_command_configuration: Option<ExecuteCommandConfiguration>,
    pub managed_storage_configuration: Option<ManagedStorageConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecuteCommandConfiguration {
    pub kms_key_id: Option<String>,
    pub logging: Option<String>,
    pub log_configuration: Option<ExecuteCommandLogConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecuteCommandLogConfiguration {
    pub cloud_watch_log_group_name: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub cloud_watch_encryption_enabled: Option<bool>,
    pub s3_bucket_name: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub s3_encryption_enabled: Option<bool>,
    pub s3_key_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedStorageConfiguration {
    pub kms_key_id: Option<String>,
    pub fargate_ephemeral_storage_kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectDefaults {
    pub namespace: Option<String>,
}

/// ECS Exec logging as the cluster configures it (`DEFAULT` when unset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecLogging {
    Default,
    None,
    Override,
}

impl Cluster {
    pub fn display_name(&self) -> String {
        self.cluster_name
            .clone()
            .or_else(|| {
                self.cluster_arn
                    .as_deref()
                    .map(|a| a.rsplit('/').next().unwrap_or(a).to_owned())
            })
            .unwrap_or_else(|| "(unnamed cluster)".to_owned())
    }

    /// The `containerInsights` setting value, if the settings were returned and name it.
    pub fn container_insights(&self) -> Option<&str> {
        self.settings
            .as_ref()?
            .iter()
            .find(|s| s.name.as_deref() == Some("containerInsights"))
            .and_then(|s| s.value.as_deref())
    }

    pub fn exec_config(&self) -> Option<&ExecuteCommandConfiguration> {
        self.configuration
            .as_ref()
            .and_then(|c| c.execute_command_configuration.as_ref())
    }

    pub fn exec_logging(&self) -> ExecLogging {
        match self
            .exec_config()
            .and_then(|e| e.logging.as_deref())
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("NONE") => ExecLogging::None,
            Some("OVERRIDE") => ExecLogging::Override,
            _ => ExecLogging::Default,
        }
    }

    pub fn is_inactive(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CapacityProvider {
    pub capacity_provider_arn: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub auto_scaling_group_provider: Option<AutoScalingGroupProvider>,
    /// An ECS Managed Instances provider: ECS launches and manages the instances.
    pub managed_instances_provider: Option<ManagedInstancesProvider>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
}

/// `managedInstancesProvider` of a capacity provider.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedInstancesProvider {
    pub infrastructure_role_arn: Option<String>,
    pub instance_launch_template: Option<InstanceLaunchTemplate>,
}

/// How ECS launches a Managed Instances provider's instances.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceLaunchTemplate {
    pub ec2_instance_profile_arn: Option<String>,
    pub network_configuration: Option<ManagedInstancesNetwork>,
    /// FIPS 140 validated modules on the instances; absent: on in AWS GovCloud (US) regions,
    /// off elsewhere.
    #[serde(deserialize_with = "de::opt_bool")]
    pub fips_enabled: Option<bool>,
    /// CloudWatch monitoring of the instances: `BASIC` (ECS's default) or `DETAILED`.
    pub monitoring: Option<String>,
    /// Instance tags in the instance metadata service; absent means true.
    #[serde(deserialize_with = "de::opt_bool")]
    pub instance_metadata_tags_propagation: Option<bool>,
}

/// The subnets and security groups a Managed Instances provider launches instances into.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedInstancesNetwork {
    #[serde(deserialize_with = "de::vec_or_null")]
    pub subnets: Vec<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AutoScalingGroupProvider {
    pub auto_scaling_group_arn: Option<String>,
    pub managed_scaling: Option<ManagedScaling>,
    pub managed_termination_protection: Option<String>,
    pub managed_draining: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedScaling {
    pub status: Option<String>,
}

impl CapacityProvider {
    /// The subnets a Managed Instances provider launches into (empty for other providers).
    pub fn managed_instances_subnets(&self) -> &[String] {
        self.managed_instances_provider
            .as_ref()
            .and_then(|m| m.instance_launch_template.as_ref())
            .and_then(|t| t.network_configuration.as_ref())
            .map(|n| n.subnets.as_slice())
            .unwrap_or(&[])
    }

    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| {
                self.capacity_provider_arn
                    .as_deref()
                    .map(|a| a.rsplit('/').next().unwrap_or(a).to_owned())
            })
            .unwrap_or_else(|| "(unnamed capacity provider)".to_owned())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerInstance {
    pub container_instance_arn: Option<String>,
    pub ec2_instance_id: Option<String>,
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub agent_connected: Option<bool>,
    pub version_info: Option<VersionInfo>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub attributes: Vec<Attribute>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
    /// Not part of the API shape; set from the file or the inventory when known.
    pub cluster_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VersionInfo {
    pub agent_version: Option<String>,
    pub agent_hash: Option<String>,
    pub docker_version: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Attribute {
    pub name: Option<String>,
    pub value: Option<String>,
}

impl ContainerInstance {
    pub fn is_inactive(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .and_then(|a| a.value.as_deref())
    }

    pub fn display_name(&self) -> String {
        self.ec2_instance_id
            .clone()
            .or_else(|| {
                self.container_instance_arn
                    .as_deref()
                    .map(|a| a.rsplit('/').next().unwrap_or(a).to_owned())
            })
            .unwrap_or_else(|| "(unnamed container instance)".to_owned())
    }
}

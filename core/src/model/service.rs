//! Services and task sets as `DescribeServices` and `DescribeTaskSets` return them.

use serde::Deserialize;

use super::de::{self, Timestamp};
use super::tag::Tag;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    pub service_arn: Option<String>,
    pub service_name: Option<String>,
    pub cluster_arn: Option<String>,
    pub status: Option<String>,
    pub launch_type: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub platform_version: Option<String>,
    pub platform_family: Option<String>,
    pub task_definition: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub enable_execute_command: Option<bool>,
    pub deployment_controller: Option<DeploymentController>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub task_sets: Vec<TaskSet>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub deployments: Vec<Deployment>,
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub load_balancers: Vec<serde_json::Value>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
    pub scheduling_strategy: Option<String>,
    /// `CUSTOMER` or `ECS` (an Express Mode service, described further by
    /// `DescribeExpressGatewayService`).
    pub resource_management_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub desired_count: Option<i64>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CapacityProviderStrategyItem {
    pub capacity_provider: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub weight: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub base: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AwsVpcConfiguration {
    #[serde(deserialize_with = "de::strings")]
    pub subnets: Vec<String>,
    #[serde(deserialize_with = "de::strings")]
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentController {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    pub id: Option<String>,
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub platform_version: Option<String>,
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectConfiguration {
    #[serde(deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
    pub namespace: Option<String>,
    /// The endpoints the service publishes (none for a client-only service).
    #[serde(deserialize_with = "de::vec_or_null")]
    pub services: Vec<ServiceConnectService>,
}

/// One Service Connect endpoint of a service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectService {
    pub port_name: Option<String>,
    pub tls: Option<ServiceConnectTls>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectTls {
    pub issuer_certificate_authority: Option<ServiceConnectCa>,
    pub kms_key: Option<String>,
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectCa {
    pub aws_pca_authority_arn: Option<String>,
}

impl ServiceConnectService {
    /// TLS with a certificate authority: the proxies encrypt this endpoint's traffic.
    pub fn has_tls(&self) -> bool {
        self.tls
            .as_ref()
            .and_then(|t| t.issuer_certificate_authority.as_ref())
            .and_then(|ca| ca.aws_pca_authority_arn.as_deref())
            .is_some_and(|arn| !arn.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskSet {
    pub id: Option<String>,
    pub task_set_arn: Option<String>,
    pub service_arn: Option<String>,
    pub cluster_arn: Option<String>,
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub launch_type: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub load_balancers: Vec<serde_json::Value>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
}

impl TaskSet {
    pub fn awsvpc(&self) -> Option<&AwsVpcConfiguration> {
        self.network_configuration
            .as_ref()
            .and_then(|n| n.awsvpc_configuration.as_ref())
    }
}

fn assign_public_ip(nc: &Option<NetworkConfiguration>) -> Option<&str> {
    nc.as_ref()
        .and_then(|n| n.awsvpc_configuration.as_ref())
        .and_then(|a| a.assign_public_ip.as_deref())
}

fn uses_fargate(launch_type: &Option<String>, strategy: &[CapacityProviderStrategyItem]) -> bool {
    launch_type
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case("FARGATE"))
        || strategy.iter().any(|s| {
            s.capacity_provider.as_deref().is_some_and(|c| {
                c.eq_ignore_ascii_case("FARGATE") || c.eq_ignore_ascii_case("FARGATE_SPOT")
            })
        })
}

impl Service {
    /// `ENABLED` as the service's awsvpc configuration says; absent means DISABLED (API default).
    pub fn assigns_public_ip(&self) -> bool {
        assign_public_ip(&self.network_configuration)
            .is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"))
    }

    /// Runs on Fargate: `launchType` FARGATE, or a capacity provider strategy naming FARGATE or
    /// FARGATE_SPOT (such services have no `launchType`).
    pub fn is_fargate(&self) -> bool {
        uses_fargate(&self.launch_type, &self.capacity_provider_strategy)
    }

    pub fn display_name(&self) -> String {
        self.service_name
            .clone()
            .or_else(|| {
                self.service_arn
                    .as_deref()
                    .map(|a| a.rsplit('/').next().unwrap_or(a).to_owned())
            })
            .unwrap_or_else(|| "(unnamed service)".to_owned())
    }

    /// Created and managed by ECS Express Mode (`resourceManagementType` `ECS`).
    pub fn is_express(&self) -> bool {
        self.resource_management_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("ECS"))
    }

    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| !s.eq_ignore_ascii_case("INACTIVE"))
    }

    /// Task definition revisions the service runs: its current one, those of deployments still
    /// draining (ACTIVE), and those of its task sets. The PRIMARY deployment always runs the
    /// service's own task definition, so it adds nothing. A deleted (INACTIVE) service runs
    /// nothing: only ACTIVE and DRAINING services keep a revision in use.
    pub fn task_definitions_in_use(&self) -> impl Iterator<Item = &str> {
        let running = self.is_active();
        self.task_definition
            .iter()
            .chain(
                self.deployments
                    .iter()
                    .filter(|d| {
                        !d.status
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case("PRIMARY"))
                    })
                    .filter_map(|d| d.task_definition.as_ref()),
            )
            .chain(
                self.task_sets
                    .iter()
                    .filter_map(|t| t.task_definition.as_ref()),
            )
            .filter(move |_| running)
            .map(String::as_str)
    }

    /// Service Connect as configured: `DescribeServices` reports it on the PRIMARY deployment;
    /// `create-service` input carries it at the top level.
    pub fn service_connect(&self) -> Option<&ServiceConnectConfiguration> {
        self.service_connect_configuration.as_ref().or_else(|| {
            self.deployments
                .iter()
                .find(|d| {
                    d.status
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("PRIMARY"))
                })
                .and_then(|d| d.service_connect_configuration.as_ref())
        })
    }

    /// The Service Connect configuration, when Service Connect is enabled.
    pub fn service_connect_enabled(&self) -> Option<&ServiceConnectConfiguration> {
        self.service_connect().filter(|s| s.enabled == Some(true))
    }

    pub fn awsvpc(&self) -> Option<&AwsVpcConfiguration> {
        self.network_configuration
            .as_ref()
            .and_then(|n| n.awsvpc_configuration.as_ref())
    }

    /// The service's awsvpc configuration and those of the task sets it carries.
    pub fn awsvpc_configurations(&self) -> impl Iterator<Item = &AwsVpcConfiguration> {
        self.awsvpc()
            .into_iter()
            .chain(self.task_sets.iter().filter_map(TaskSet::awsvpc))
    }
}

impl TaskSet {
    pub fn assigns_public_ip(&self) -> bool {
        assign_public_ip(&self.network_configuration)
            .is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"))
    }

    pub fn is_fargate(&self) -> bool {
        uses_fargate(&self.launch_type, &self.capacity_provider_strategy)
    }
}

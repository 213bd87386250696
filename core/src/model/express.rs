//! ECS Express Mode services as `DescribeExpressGatewayService` returns them. An Express service
//! is also an ordinary ECS service (`DescribeServices` lists it with `resourceManagementType`
//! `ECS`, the same ARN): the service checks judge it as such, and the Express description adds
//! what only Express manages (the ingress paths of its managed load balancer, the
//! infrastructure role, the primary container it was created from).

use serde::Deserialize;

use super::task_definition::{KeyValue, Secret};
use super::{Tag, de};

/// `DescribeExpressGatewayService`'s `service` (`ECSExpressGatewayService`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpressService {
    pub cluster: Option<String>,
    pub service_name: Option<String>,
    pub service_arn: Option<String>,
    pub infrastructure_role_arn: Option<String>,
    pub status: Option<ExpressStatus>,
    /// The service revisions running (more than one while a deployment is in progress).
    #[serde(deserialize_with = "de::vec_or_null")]
    pub active_configurations: Vec<ExpressConfiguration>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpressStatus {
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    pub status_code: Option<String>,
}

/// `ExpressGatewayServiceConfiguration`: one active service revision.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpressConfiguration {
    pub service_revision_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub task_role_arn: Option<String>,
    /// The task definition the revision runs (ECS-managed or the customer's).
    pub task_definition_arn: Option<String>,
    pub network_configuration: Option<ExpressNetwork>,
    pub primary_container: Option<ExpressContainer>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub ingress_paths: Vec<IngressPath>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpressNetwork {
    #[serde(deserialize_with = "de::strings")]
    pub subnets: Vec<String>,
    #[serde(deserialize_with = "de::strings")]
    pub security_groups: Vec<String>,
}

/// `ExpressGatewayContainer`: the container the service was created from. Its environment values
/// stay in the process, as a task definition's do.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExpressContainer {
    #[serde(deserialize_with = "de::opt_string")]
    pub image: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub command: Vec<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub environment: Vec<KeyValue>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub secrets: Vec<Secret>,
}

/// `IngressPathSummary`: an endpoint of the managed load balancer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressPath {
    /// `PUBLIC` (an internet-facing load balancer) or `PRIVATE`.
    pub access_type: Option<String>,
    pub endpoint: Option<String>,
}

impl IngressPath {
    pub fn is_public(&self) -> bool {
        self.access_type
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("PUBLIC"))
    }
}

impl ExpressService {
    /// Deleted or being deleted: nothing to judge.
    pub fn is_inactive(&self) -> bool {
        self.status
            .as_ref()
            .and_then(|s| s.status_code.as_deref())
            .is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
    }
}

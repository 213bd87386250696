//! ECS Gateways as `DescribeGateway` returns them: the shared Application Load Balancers ECS
//! manages in front of services (`hostSharedAlb`), with their exposure, logging, web ACL and
//! desync settings.

use serde::Deserialize;

use super::{Tag, de};

/// `DescribeGateway`'s `gateway`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Gateway {
    pub gateway_arn: Option<String>,
    pub name: Option<String>,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `..._FAILED`, ...
    pub status: Option<String>,
    pub infrastructure_role_arn: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub deletion_protection: Option<bool>,
    pub configuration: Option<GatewayConfiguration>,
    /// `PUBLIC` or `PRIVATE`, from the load balancers' scheme; immutable.
    pub access_type: Option<String>,
    #[serde(deserialize_with = "de::opt_tags")]
    pub tags: Option<Vec<Tag>>,
}

/// The type-specific configuration (a union: one member is set).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayConfiguration {
    pub host_shared_alb: Option<GatewayAlb>,
}

/// The Application Load Balancers a host-based shared gateway manages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayAlb {
    pub network_configuration: Option<GatewayNetwork>,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    pub access_logs: Option<GatewayAccessLogs>,
    #[serde(rename = "webACLArn")]
    pub web_acl_arn: Option<String>,
    /// `monitor`, `defensive` or `strictest`; absent: the load balancers' default, defensive.
    pub http_desync: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayNetwork {
    #[serde(deserialize_with = "de::vec_or_null")]
    pub subnets: Vec<String>,
    pub inbound_security_group: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayAccessLogs {
    pub destination: Option<GatewayAccessLogDestination>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayAccessLogDestination {
    pub s3: Option<GatewayS3Destination>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayS3Destination {
    pub bucket: Option<String>,
    pub prefix: Option<String>,
}

impl Gateway {
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| {
                self.gateway_arn
                    .as_deref()
                    .and_then(|a| a.rsplit('/').next())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "(unnamed gateway)".to_owned())
    }

    /// The shared load balancer configuration, where the gateway is of that type.
    pub fn alb(&self) -> Option<&GatewayAlb> {
        self.configuration.as_ref()?.host_shared_alb.as_ref()
    }

    /// Reachable from the internet: `accessType` PUBLIC, else an `internet-facing` scheme.
    pub fn is_public(&self) -> Option<bool> {
        match self.access_type.as_deref() {
            Some(a) => Some(a.eq_ignore_ascii_case("PUBLIC")),
            None => self
                .alb()
                .and_then(|a| a.scheme.as_deref())
                .map(|s| s.eq_ignore_ascii_case("internet-facing")),
        }
    }

    /// Being deleted or deleted: nothing to judge.
    pub fn is_deleting(&self) -> bool {
        self.status.as_deref().is_some_and(|s| {
            s.eq_ignore_ascii_case("DELETING") || s.eq_ignore_ascii_case("INACTIVE")
        })
    }
}

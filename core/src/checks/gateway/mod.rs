//! ECS Gateway checks: the shared load balancers ECS manages in front of services.
pub mod gateway_access_logs_disabled;
pub mod gateway_deletion_protection_disabled;
pub mod gateway_desync_mitigation_monitor;
pub mod gateway_infrastructure_role_administrator;
pub mod public_gateway_without_web_acl;

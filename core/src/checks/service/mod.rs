//! Service and task set checks.
pub mod credential_in_service_tags;
pub mod default_security_group_used;
pub mod ecs_exec_enabled;
pub mod fargate_platform_version_outdated;
pub mod fargate_platform_version_unpinned;
pub mod security_group_high_risk_ports_open;
pub mod security_group_unauthorized_ports_open;
pub mod service_assigns_public_ip;
pub mod service_connect_without_namespace;
pub mod service_in_public_subnet;
pub mod service_reachable_from_internet;
pub mod service_untagged;
pub mod service_without_security_group;
pub mod task_set_assigns_public_ip;
pub mod unrestricted_egress;
pub mod vpc_flow_logs_disabled;

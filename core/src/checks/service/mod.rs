//! Service and task set checks.
pub mod credential_in_service_tags;
pub mod ecs_exec_enabled;
pub mod fargate_platform_version_outdated;
pub mod fargate_platform_version_unpinned;
pub mod service_assigns_public_ip;
pub mod service_connect_without_namespace;
pub mod service_untagged;
pub mod service_without_security_group;
pub mod task_set_assigns_public_ip;

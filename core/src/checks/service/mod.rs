//! Service and task set checks.
pub mod exec_enabled;
pub mod fargate_platform_version;
pub mod platform_version_unpinned;
pub mod public_ip;
pub mod security_groups;
pub mod sensitive_tags;
pub mod service_connect_namespace;
pub mod tagged;
pub mod task_set_public_ip;

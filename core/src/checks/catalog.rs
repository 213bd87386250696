//! The one registry of checks. Order here is the order of reports and docs.

use super::{
    Check, capacity_provider as cp, cluster as cl, container_instance as ci, service as sv,
    task_definition as td,
};

pub static CATALOG: &[&Check] = &[
    &td::privileged_container::CHECK,
    &td::writable_root_filesystem::CHECK,
    &td::host_pid_mode::CHECK,
    &td::host_network_mode::CHECK,
    &td::host_network_root_user::CHECK,
    &td::awsvpc_network_mode::CHECK,
    &td::host_ipc_mode::CHECK,
    &td::environment_secret_names::CHECK,
    &td::environment_secret_values::CHECK,
    &td::missing_log_configuration::CHECK,
    &td::blocking_log_mode::CHECK,
    &td::linux_root_user::CHECK,
    &td::windows_admin_user::CHECK,
    &td::task_role_missing::CHECK,
    &td::efs_transit_encryption::CHECK,
    &td::efs_iam_authorization::CHECK,
    &td::container_memory_limit::CHECK,
    &td::fargate_task_size::CHECK,
    &td::task_role_is_execution_role::CHECK,
    &td::execution_role_missing::CHECK,
    &td::dangerous_capabilities::CHECK,
    &td::capabilities_not_dropped::CHECK,
    &td::no_new_privileges::CHECK,
    &td::unconfined_security_profile::CHECK,
    &td::init_process::CHECK,
    &td::health_check::CHECK,
    &td::image_latest_tag::CHECK,
    &td::image_not_pinned::CHECK,
    &td::untrusted_registry::CHECK,
    &td::image_missing::CHECK,
    &td::parameter_store_secrets::CHECK,
    &td::sensitive_tags::CHECK,
    &td::tagged::CHECK,
    &td::sensitive_host_mount::CHECK,
    &sv::public_ip::CHECK,
    &sv::fargate_platform_version::CHECK,
    &sv::platform_version_unpinned::CHECK,
    &sv::exec_enabled::CHECK,
    &sv::service_connect_namespace::CHECK,
    &sv::tagged::CHECK,
    &sv::security_groups::CHECK,
    &sv::sensitive_tags::CHECK,
    &sv::task_set_public_ip::CHECK,
    &cl::container_insights::CHECK,
    &cl::exec_logging::CHECK,
    &cl::exec_kms::CHECK,
    &cl::exec_log_encryption::CHECK,
    &cl::status::CHECK,
    &cl::tagged::CHECK,
    &cl::sensitive_tags::CHECK,
    &cl::managed_storage_cmk::CHECK,
    &cp::termination_protection::CHECK,
    &cp::tagged::CHECK,
    &ci::agent_connected::CHECK,
    &ci::agent_version::CHECK,
    &ci::legacy_instance_type::CHECK,
];

/// Find a check by id (`TD01`) or slug (`privileged-container`), case-insensitively.
pub fn find(name: &str) -> Option<&'static Check> {
    let n = name.trim();
    CATALOG
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(n) || c.slug.eq_ignore_ascii_case(n))
}

/// Checks that need other AWS APIs, listed so users know what is not (yet) covered.
pub const LATER: &[(&str, &str)] = &[
    (
        "ECR image scanning (Security Hub ECR.1)",
        "needs the ECR API: registry and repository scanning configuration",
    ),
    (
        "ECR tag immutability (ECR.2) and lifecycle policy (ECR.3)",
        "needs the ECR API",
    ),
    (
        "ECR repository KMS encryption (ECR.5) and public repository policies",
        "needs the ECR API",
    ),
    (
        "Image vulnerabilities and base image age",
        "needs ECR or Inspector scan findings",
    ),
    (
        "Security groups open to the internet on service ports (EC2.18/EC2.19)",
        "needs the EC2 API for the service's security groups",
    ),
    (
        "Subnets that auto-assign public IPs (EC2.15), route tables, internet gateways, VPC flow logs (EC2.6)",
        "needs the EC2 API",
    ),
    (
        "Task and execution role policies (wildcards, admin access)",
        "needs the IAM API",
    ),
    (
        "Load balancer listeners without TLS, ALB security policies",
        "needs the Elastic Load Balancing API",
    ),
    ("Container instance EBS encryption", "needs the EC2 API"),
    (
        "CloudWatch log group encryption and retention of awslogs groups",
        "needs the CloudWatch Logs API",
    ),
    ("App Mesh / Envoy TLS and logging", "needs the App Mesh API"),
];

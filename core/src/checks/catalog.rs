//! The one registry of checks. Order here is the order of reports and docs.

use super::{
    Check, account as ac, capacity_provider as cp, cluster as cl, container_instance as ci,
    service as sv, task_definition as td,
};

pub static CATALOG: &[&Check] = &[
    &td::privileged_container::CHECK,
    &td::writable_root_filesystem::CHECK,
    &td::host_pid_mode::CHECK,
    &td::host_network_mode::CHECK,
    &td::host_network_root_user::CHECK,
    &td::non_awsvpc_network_mode::CHECK,
    &td::host_ipc_mode::CHECK,
    &td::secret_named_environment_variable::CHECK,
    &td::credential_in_environment::CHECK,
    &td::missing_log_configuration::CHECK,
    &td::blocking_log_delivery::CHECK,
    &td::linux_root_user::CHECK,
    &td::windows_admin_user::CHECK,
    &td::task_role_missing::CHECK,
    &td::efs_transit_encryption_disabled::CHECK,
    &td::efs_iam_authorization_disabled::CHECK,
    &td::container_memory_hard_limit_missing::CHECK,
    &td::fargate_task_size_missing::CHECK,
    &td::task_role_is_execution_role::CHECK,
    &td::execution_role_missing::CHECK,
    &td::dangerous_capability_added::CHECK,
    &td::capabilities_not_dropped::CHECK,
    &td::no_new_privileges_missing::CHECK,
    &td::security_profile_disabled::CHECK,
    &td::init_process_disabled::CHECK,
    &td::health_check_missing::CHECK,
    &td::image_latest_tag::CHECK,
    &td::image_not_pinned_by_digest::CHECK,
    &td::image_from_untrusted_registry::CHECK,
    &td::image_missing::CHECK,
    &td::secret_in_parameter_store::CHECK,
    &td::credential_in_task_definition_tags::CHECK,
    &td::task_definition_untagged::CHECK,
    &td::sensitive_host_path_mounted::CHECK,
    &td::role_administrator_access::CHECK,
    &td::role_customer_policy_administrator::CHECK,
    &td::role_service_wildcard::CHECK,
    &td::task_role_passrole_any_resource::CHECK,
    &td::role_ecs_privilege_escalation::CHECK,
    &td::task_role_shared::CHECK,
    &td::role_reads_every_secret::CHECK,
    &td::role_trust_without_source_condition::CHECK,
    &td::role_without_permissions_boundary::CHECK,
    &sv::service_assigns_public_ip::CHECK,
    &sv::fargate_platform_version_outdated::CHECK,
    &sv::fargate_platform_version_unpinned::CHECK,
    &sv::ecs_exec_enabled::CHECK,
    &sv::service_connect_without_namespace::CHECK,
    &sv::service_untagged::CHECK,
    &sv::service_without_security_group::CHECK,
    &sv::credential_in_service_tags::CHECK,
    &sv::task_set_assigns_public_ip::CHECK,
    &sv::service_reachable_from_internet::CHECK,
    &sv::security_group_high_risk_ports_open::CHECK,
    &sv::security_group_unauthorized_ports_open::CHECK,
    &sv::service_in_public_subnet::CHECK,
    &sv::default_security_group_used::CHECK,
    &sv::vpc_flow_logs_disabled::CHECK,
    &sv::unrestricted_egress::CHECK,
    &sv::load_balancer_http_not_redirected::CHECK,
    &sv::load_balancer_tls_policy_outdated::CHECK,
    &sv::load_balancer_listener_not_encrypted::CHECK,
    &sv::load_balancer_invalid_headers_kept::CHECK,
    &sv::load_balancer_access_logs_disabled::CHECK,
    &sv::load_balancer_deletion_protection_disabled::CHECK,
    &sv::load_balancer_desync_mitigation_weak::CHECK,
    &sv::target_group_health_check_not_encrypted::CHECK,
    &sv::target_group_traffic_not_encrypted::CHECK,
    &sv::subnet_auto_assigns_public_ip::CHECK,
    &sv::private_subnet_without_vpc_endpoints::CHECK,
    &cl::container_insights_disabled::CHECK,
    &cl::exec_logging_disabled::CHECK,
    &cl::exec_session_not_kms_encrypted::CHECK,
    &cl::exec_log_not_encrypted::CHECK,
    &cl::cluster_failed::CHECK,
    &cl::cluster_untagged::CHECK,
    &cl::credential_in_cluster_tags::CHECK,
    &cl::fargate_storage_not_cmk_encrypted::CHECK,
    &cp::termination_protection_disabled::CHECK,
    &cp::capacity_provider_untagged::CHECK,
    &ci::agent_disconnected::CHECK,
    &ci::agent_outdated::CHECK,
    &ci::legacy_instance_type::CHECK,
    &ci::imdsv1_allowed::CHECK,
    &ci::instance_credentials_reachable_from_tasks::CHECK,
    &ci::public_ip_address::CHECK,
    &ci::ebs_volume_unencrypted::CHECK,
    &ci::ami_release_outdated::CHECK,
    &ac::ebs_encryption_by_default_disabled::CHECK,
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
        "Task and execution role policies (wildcards, admin access)",
        "needs the IAM API",
    ),
    (
        "CloudWatch log group encryption and retention of awslogs groups",
        "needs the CloudWatch Logs API",
    ),
    ("App Mesh / Envoy TLS and logging", "needs the App Mesh API"),
    (
        "Classic Load Balancers (ELB.8, ELB.14) in front of services",
        "needs the Classic Elastic Load Balancing API",
    ),
    (
        "AMI deprecation time and the age of custom, Windows and Bottlerocket AMIs",
        "needs a trusted clock in the evaluation; CI08 compares ECS-optimized releases by their names",
    ),
];

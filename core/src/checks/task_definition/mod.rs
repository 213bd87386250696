//! Task definition checks.
pub mod app_mesh_end_of_support;
pub mod blocking_log_delivery;
pub mod capabilities_not_dropped;
pub mod container_memory_hard_limit_missing;
pub mod credential_in_environment;
pub mod credential_in_task_definition_tags;
pub mod dangerous_capability_added;
pub mod efs_iam_authorization_disabled;
pub mod efs_transit_encryption_disabled;
pub mod execution_role_missing;
pub mod fargate_task_size_missing;
pub mod fault_injection_enabled;
pub mod health_check_missing;
pub mod host_ipc_mode;
pub mod host_network_mode;
pub mod host_network_root_user;
pub mod host_pid_mode;
pub mod image_from_untrusted_registry;
pub mod image_latest_tag;
pub mod image_missing;
pub mod image_not_pinned_by_digest;
pub mod image_repository_not_cmk_encrypted;
pub mod image_repository_policy_open;
pub mod image_repository_scanning_not_configured;
pub mod image_repository_tags_mutable;
pub mod image_repository_without_lifecycle_policy;
pub mod image_version_consistency_disabled;
pub mod init_process_disabled;
pub mod linux_root_user;
pub mod log_group_missing;
pub mod log_group_not_kms_encrypted;
pub mod log_group_retention_too_short;
pub mod missing_log_configuration;
pub mod no_new_privileges_missing;
pub mod non_awsvpc_network_mode;
pub mod privileged_container;
pub mod role_administrator_access;
pub mod role_customer_policy_administrator;
pub mod role_ecs_privilege_escalation;
pub mod role_reads_every_secret;
pub mod role_service_wildcard;
pub mod role_trust_without_source_condition;
pub mod role_without_permissions_boundary;
pub mod running_image_vulnerable;
pub mod secret_in_parameter_store;
pub mod secret_in_plaintext_parameter;
pub mod secret_named_environment_variable;
pub mod secret_not_cmk_encrypted;
pub mod secret_not_rotated_recently;
pub mod secret_reference_unresolvable;
pub mod secret_rotation_disabled;
pub mod security_profile_disabled;
pub mod sensitive_host_path_mounted;
pub mod task_definition_untagged;
pub mod task_role_is_execution_role;
pub mod task_role_missing;
pub mod task_role_passrole_any_resource;
pub mod task_role_shared;
pub mod windows_admin_user;
pub mod writable_root_filesystem;

/// The task-definition checks that do not apply to daemon task definitions (ECS Managed
/// Daemons), with the reason their evaluations give: the daemon task definition has no such
/// field. Every other task-definition check judges daemon task definitions with its own
/// semantics (`pidMode`/`ipcMode` `shared` joins the host's namespace: TD03, TD07).
pub const NOT_FOR_DAEMONS: &[(&str, &str)] = &[
    (
        "TD04",
        "a daemon task definition has no network mode field: ECS chooses a daemon's networking",
    ),
    (
        "TD05",
        "a daemon task definition has no network mode field: ECS chooses a daemon's networking",
    ),
    (
        "TD06",
        "a daemon task definition has no network mode field: ECS chooses a daemon's networking",
    ),
    (
        "TD13",
        "daemons run on ECS Managed Instances, which are Linux",
    ),
    ("TD15", "a daemon task definition has no EFS volumes"),
    ("TD16", "a daemon task definition has no EFS volumes"),
    ("TD18", "daemons do not run on Fargate"),
    (
        "TD23",
        "a daemon container definition has no dockerSecurityOptions",
    ),
    (
        "TD24",
        "a daemon container definition has no dockerSecurityOptions",
    ),
    ("TD50", "a daemon task definition has no proxyConfiguration"),
    (
        "TD59",
        "a daemon container definition has no versionConsistency: the daemon revision records the digest each image resolved to",
    ),
    (
        "TD60",
        "a daemon task definition has no enableFaultInjection",
    ),
];

/// Why `check_id` does not apply to daemon task definitions, if it does not.
pub fn not_for_daemons(check_id: &str) -> Option<&'static str> {
    NOT_FOR_DAEMONS
        .iter()
        .find(|(id, _)| *id == check_id)
        .map(|(_, why)| *why)
}

//! Container instance checks.
pub mod agent_disconnected;
pub mod agent_outdated;
pub mod ami_deprecated;
pub mod ami_release_outdated;
pub mod ebs_volume_unencrypted;
pub mod imdsv1_allowed;
pub mod instance_credentials_reachable_from_tasks;
pub mod legacy_instance_type;
pub mod public_ip_address;

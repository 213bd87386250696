//! Capacity provider checks.
pub mod capacity_provider_untagged;
pub mod managed_instances_detailed_monitoring_disabled;
pub mod managed_instances_fips_disabled;
pub mod managed_instances_public_subnet;
pub mod managed_instances_role_administrator;
pub mod termination_protection_disabled;

/// Why the Managed Instances checks do not apply to Auto Scaling group and Fargate providers.
pub(crate) const NOT_MANAGED_INSTANCES: &str = "not a Managed Instances capacity provider";

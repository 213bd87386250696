//! Capacity provider checks.
pub mod capacity_provider_untagged;
pub mod termination_protection_disabled;

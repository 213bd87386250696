//! Capacity provider checks.
pub mod tagged;
pub mod termination_protection;

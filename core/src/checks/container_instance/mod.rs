//! Container instance checks.
pub mod agent_disconnected;
pub mod agent_outdated;
pub mod legacy_instance_type;

//! Account checks: settings of an account in one region that protect the ECS workloads running
//! there, evaluated once per account-region (resource `AwsAccount`).
pub mod ebs_encryption_by_default_disabled;

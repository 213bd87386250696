//! Account checks: settings of an account in one region that protect the ECS workloads running
//! there, evaluated once per account-region where the workloads they protect run (resource `AwsAccount`).
pub mod ebs_encryption_by_default_disabled;
pub mod guardduty_ec2_runtime_monitoring_disabled;
pub mod guardduty_fargate_runtime_monitoring_disabled;
pub mod inspector_ecr_scanning_disabled;

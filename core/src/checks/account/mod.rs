//! Account checks: settings of an account in one region that protect the ECS workloads running
//! there, evaluated once per account-region where the workloads they protect run (resource `AwsAccount`).
pub mod container_insights_default_disabled;
pub mod ebs_encryption_by_default_disabled;
pub mod fargate_fips_mode_disabled;
pub mod guardduty_ec2_runtime_monitoring_disabled;
pub mod guardduty_fargate_runtime_monitoring_disabled;
pub mod inspector_ecr_scanning_disabled;
pub mod tag_resource_authorization_off;

use crate::checks::AccountView;
use crate::finding::Outcome;
use crate::model::load_balancing::Read;

/// FAILED when the account default of ECS account setting `name` is `bad` (the evidence says
/// so, the region, and `consequence`), PASSED for any other value, unknown when not read.
pub(crate) fn judge_ecs_default(
    v: &AccountView<'_>,
    name: &str,
    bad: &str,
    consequence: &str,
) -> Outcome {
    match ecs_setting(v, name) {
        Err(unknown) => unknown,
        Ok(value) if value.eq_ignore_ascii_case(bad) => Outcome::failed(vec![format!(
            "{name} = {bad} is the account default in {}{consequence}",
            v.region
        )]),
        Ok(_) => Outcome::Passed,
    }
}

/// The account default of ECS account setting `name` (`list-account-settings
/// --effective-settings` for the account's root user), or why it is unknown.
fn ecs_setting<'a>(v: &'a AccountView<'_>, name: &str) -> Result<&'a str, Outcome> {
    match &v.settings.ecs {
        None => Err(Outcome::unknown(format!(
            "not read: ECS account setting {name} (aws ecs list-account-settings --effective-settings)"
        ))),
        Some(Read::Error(e)) => Err(Outcome::unknown(format!(
            "not read: ECS account setting {name} (ecs:ListAccountSettings: {})",
            e.code
        ))),
        Some(Read::Answered(s)) => s
            .account_default(name)
            .and_then(|x| x.value.as_deref())
            .ok_or_else(|| {
                Outcome::unknown(format!(
                    "ECS account setting {name} is not in the account's effective settings"
                ))
            }),
    }
}

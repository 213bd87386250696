use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "AC06",
    slug: "fargate-fips-mode-disabled",
    title: "Fargate FIPS mode should be enabled where FIPS 140 validated cryptography is required",
    severity: Severity::Low,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Off by default (only estates bound to FIPS 140 need it). Evaluated once per account and region that runs ECS services on Fargate: fails when the account default of the `fargateFIPSMode` ECS account setting is `disabled`. With FIPS mode, Fargate tasks started afterwards use FIPS 140 validated cryptographic modules (offered in the AWS GovCloud (US) and US commercial regions). NOT_AVAILABLE when the settings were not read, the call was refused, or the listing does not name the setting (a region where Fargate has no FIPS mode).",
    risk: "Workloads under FedRAMP, CMMC or other regimes that require FIPS 140 validated modules are out of compliance when their Fargate tasks use the default cryptographic modules.",
    remediation: Remediation {
        text: "Turn on Fargate FIPS mode as the account default in the regions that must use FIPS 140 validated cryptography, then redeploy the services so their tasks start in FIPS mode.",
        cli: "aws ecs put-account-setting-default --name fargateFIPSMode --value enabled --region REGION",
        cloudformation: "# The ECS account default has no CloudFormation resource; set it with the CLI or Terraform.",
        terraform: "resource \"aws_ecs_account_setting_default\" \"fargate_fips\" {\n  name  = \"fargateFIPSMode\"\n  value = \"enabled\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-fips-compliance.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html",
    ],
    compliance: &[nist("SC-13")],
    status: CheckStatus::Preview,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "fargateFIPSMode disabled",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"FARGATE"}]},"ecs-account-settings.json":{"settings":[{"name":"fargateFIPSMode","value":"disabled","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
        Example {
            name: "fargateFIPSMode enabled",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"FARGATE"}]},"ecs-account-settings.json":{"settings":[{"name":"fargateFIPSMode","value":"enabled","principalArn":"arn:aws:iam::111122223333:root","type":"aws_managed"}]}}}"#,
        },
        Example {
            name: "not in the listing",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"FARGATE"}]},"ecs-account-settings.json":{"settings":[{"name":"awsvpcTrunking","value":"enabled","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::Fargate,
        source: crate::model::account::ECS_SETTINGS_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    super::judge_ecs_default(
        v,
        "fargateFIPSMode",
        "disabled",
        ", where ECS services run on Fargate",
    )
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "AC07",
    slug: "tag-resource-authorization-off",
    title: "ECS should authorize the tags given to resources when they are created",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Evaluated once per account and region that has ECS clusters: fails when the account default of the `tagResourceAuthorization` ECS account setting is `off`; `on` passes. With it on, a call that creates an ECS resource with tags also needs `ecs:TagResource`, so policies that grant or deny by tag (`aws:RequestTag`, `ecs:ResourceTag`) cannot be sidestepped by tagging at creation. No Security Hub control, AWS Config rule or other scanner looks at it. NOT_AVAILABLE when the settings were not read, the call was refused or the listing does not name the setting.",
    risk: "A principal allowed to create services or task definitions but not to tag them can still create them with any tags, including tags that other policies trust to grant access (attribute-based access control), and so raise its own access.",
    remediation: Remediation {
        text: "Turn tagResourceAuthorization on as the account default, after granting ecs:TagResource to the roles and pipelines that create tagged ECS resources.",
        cli: "aws ecs put-account-setting-default --name tagResourceAuthorization --value on --region REGION",
        cloudformation: "# The ECS account default has no CloudFormation resource; set it with the CLI or Terraform.",
        terraform: "resource \"aws_ecs_account_setting_default\" \"tag_authorization\" {\n  name  = \"tagResourceAuthorization\"\n  value = \"on\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html",
    ],
    compliance: &[nist("AC-3"), nist("AC-6"), soc2("CC6.1")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "tagResourceAuthorization off",
            expect: Status::Failed,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"tagResourceAuthorization","value":"off","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
        Example {
            name: "tagResourceAuthorization on",
            expect: Status::Passed,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"tagResourceAuthorization","value":"on","principalArn":"arn:aws:iam::111122223333:root","type":"aws_managed"}]}}}"#,
        },
        Example {
            name: "not in the listing",
            expect: Status::NotAvailable,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"awsvpcTrunking","value":"enabled","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::Clusters,
        source: crate::model::account::ECS_SETTINGS_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    super::judge_ecs_default(
        v,
        "tagResourceAuthorization",
        "off",
        ": ECS resources can be created with tags without ecs:TagResource",
    )
}

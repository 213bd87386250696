use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "AC05",
    slug: "container-insights-default-disabled",
    title: "The ECS account default should turn Container Insights on for new clusters",
    severity: Severity::Low,
    category: Category::Monitoring,
    types: &[types::BEST_PRACTICES],
    description: "Evaluated once per account and region that has ECS clusters: fails when the account default of the `containerInsights` ECS account setting (`aws ecs list-account-settings --effective-settings --principal-arn arn:aws:iam::<account>:root`) is `disabled`; `enabled` and `enhanced` pass. The default decides whether clusters created without a `containerInsights` cluster setting get Container Insights; CL01 (Security Hub ECS.12) judges each existing cluster. A principal's own setting may override the default for what that principal creates; only the account default is judged. No Security Hub control, AWS Config rule or other scanner looks at it. NOT_AVAILABLE when the settings were not read, the call was refused (the AWS error code is named) or the listing does not name the setting.",
    risk: "Clusters created by hand, by scripts or by tools that do not set containerInsights get no task- and service-level metrics: resource exhaustion, crash loops and anomalous workloads go unseen until someone notices CL01 on each new cluster.",
    remediation: Remediation {
        text: "Set the account default of containerInsights to enhanced (or enabled) in every region that runs ECS, so new clusters are monitored from their creation; keep CL01 for the clusters that exist.",
        cli: "aws ecs put-account-setting-default --name containerInsights --value enhanced --region REGION",
        cloudformation: "# The ECS account default has no CloudFormation resource; set it with the CLI or Terraform,\n# and set ClusterSettings containerInsights on each AWS::ECS::Cluster.",
        terraform: "resource \"aws_ecs_account_setting_default\" \"container_insights\" {\n  name  = \"containerInsights\"\n  value = \"enhanced\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html",
    ],
    compliance: &[nist("CA-7"), nist("SI-4"), pci("10.4.1"), soc2("CC7.2")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "containerInsights disabled",
            expect: Status::Failed,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"containerInsights","value":"disabled","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
        Example {
            name: "containerInsights enhanced",
            expect: Status::Passed,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"containerInsights","value":"enhanced","principalArn":"arn:aws:iam::111122223333:root","type":"aws_managed"}]}}}"#,
        },
        Example {
            name: "not in the listing",
            expect: Status::NotAvailable,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"settings":[{"name":"awsvpcTrunking","value":"enabled","principalArn":"arn:aws:iam::111122223333:root","type":"user"}]}}}"#,
        },
        Example {
            name: "the call was refused",
            expect: Status::NotAvailable,
            json: r#"{"files":{"clusters.json":{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE"}]},"ecs-account-settings.json":{"Code":"AccessDeniedException","Message":"not authorized to perform: ecs:ListAccountSettings"}}}"#,
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
        "containerInsights",
        "disabled",
        ": clusters created without the cluster setting get no Container Insights",
    )
}

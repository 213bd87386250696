use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL01",
    slug: "container-insights-disabled",
    title: "ECS clusters should use Container Insights",
    severity: Severity::Medium,
    category: Category::Monitoring,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails unless the cluster setting `containerInsights` is `enabled` or `enhanced` (enhanced is a superset; Checkov, cdk-nag and KICS once flagged it by mistake). When the describe call did not include SETTINGS (the `settings` key is absent) the check is NOT_APPLICABLE instead of failing every cluster.",
    risk: "Without Container Insights there are no per-task CPU, memory and network metrics to notice crypto-mining, runaway or compromised tasks.",
    remediation: Remediation {
        text: "Enable Container Insights (enhanced observability where available) on the cluster, and set the account default for new clusters.",
        cli: "aws ecs update-cluster-settings --cluster CLUSTER --settings name=containerInsights,value=enhanced\naws ecs put-account-setting-default --name containerInsights --value enhanced",
        cloudformation: "ClusterSettings:\n  - Name: containerInsights\n    Value: enhanced",
        terraform: "setting {\n  name  = \"containerInsights\"\n  value = \"enhanced\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-12",
    ],
    compliance: &[
        fsbp("ECS.12"),
        config_rule("ecs-container-insights-enabled"),
        nist("AU-6(3)"),
        nist("AU-6(4)"),
        nist("CA-7"),
        nist("SI-2"),
        pci("10.4.1"),
        hipaa("164.308(a)(1)(ii)(D)"),
        soc2("CC7.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "disabled",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE","settings":[{"name":"containerInsights","value":"disabled"}]}]}"#,
        },
        Example {
            name: "empty settings",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE","settings":[]}]}"#,
        },
        Example {
            name: "enhanced",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE","settings":[{"name":"containerInsights","value":"enhanced"}]}]}"#,
        },
        Example {
            name: "settings not returned",
            expect: Status::NotApplicable,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE"}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    if c.settings.is_none() {
        return Outcome::na(
            "cluster settings were not returned (describe with --include SETTINGS)",
        );
    }
    match c.container_insights() {
        Some(v) if v.eq_ignore_ascii_case("enabled") || v.eq_ignore_ascii_case("enhanced") => {
            Outcome::Passed
        }
        Some(v) => Outcome::failed([format!("containerInsights = {v}")]),
        None => Outcome::failed(["containerInsights setting not present (disabled)".to_owned()]),
    }
}

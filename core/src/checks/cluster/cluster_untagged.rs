use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL06",
    slug: "cluster-untagged",
    title: "ECS clusters should be tagged",
    severity: Severity::Low,
    category: Category::Tagging,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the cluster has no tag other than `aws:` system tags, or lacks one of `required_tag_keys` (Security Hub ECS.14). NOT_APPLICABLE when tags were not returned (describe with `--include TAGS`).",
    risk: "Untagged clusters have no owner to notify and escape tag-based access control and cost allocation.",
    remediation: Remediation {
        text: "Tag the cluster with the organisation's required keys.",
        cli: "aws ecs tag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:cluster/CLUSTER --tags key=owner,value=team-a",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a",
        terraform: "tags = { owner = \"team-a\" }",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-14",
    ],
    compliance: &[fsbp("ECS.14"), nist("CM-8"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "required_tag_keys",
        default: "(none)",
        doc: "tag keys that must be present (at most 6)",
    }],
    examples: &[
        Example {
            name: "no tags",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","tags":[]}]}"#,
        },
        Example {
            name: "tagged",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","tags":[{"key":"owner","value":"a"}]}]}"#,
        },
        Example {
            name: "tags not returned",
            expect: Status::NotApplicable,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c"}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, opts: &Options) -> Outcome {
    tagging_outcome(c.tags.as_deref(), opts)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL07",
    slug: "credential-in-cluster-tags",
    title: "ECS cluster tags should not contain credentials",
    severity: Severity::High,
    category: Category::Secrets,
    types: &[types::SENSITIVE],
    description: "Fails when a cluster tag value is shaped like a credential or a secret-named tag key holds a literal credential (same detector as TD09). NOT_APPLICABLE when tags were not returned.",
    risk: "Tags are visible to anyone who can describe the cluster or read tag and billing reports.",
    remediation: Remediation {
        text: "Rotate the credential, remove the tag, and keep credentials in AWS Secrets Manager.",
        cli: "aws ecs untag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:cluster/CLUSTER --tag-keys KEY",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a",
        terraform: "tags = { owner = \"team-a\" }",
    },
    references: &[
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
    ],
    compliance: &[nist("IA-5(7)"), nist("SC-28"), pci("8.6.2"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "key in tag",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","tags":[{"key":"ci","value":"AKIAIOSFODNN7EXAMPLE"}]}]}"#,
        },
        Example {
            name: "ordinary",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","tags":[{"key":"owner","value":"a"}]}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, opts: &Options) -> Outcome {
    sensitive_tags_outcome(c.tags.as_deref(), opts)
}

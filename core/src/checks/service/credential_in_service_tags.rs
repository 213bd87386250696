use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV08",
    slug: "credential-in-service-tags",
    title: "ECS service tags should not contain credentials",
    severity: Severity::High,
    category: Category::Secrets,
    types: &[types::SENSITIVE],
    description: "Fails when a service tag value is shaped like a credential or a secret-named tag key holds a literal credential (same detector as TD09). NOT_APPLICABLE when tags were not returned.",
    risk: "Tags are visible to anyone who can describe the resource or read tag and billing reports, and with propagation they are copied to every task.",
    remediation: Remediation {
        text: "Rotate the credential, remove the tag, and keep credentials in AWS Secrets Manager.",
        cli: "aws ecs untag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE --tag-keys KEY",
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
            name: "password tag",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","tags":[{"key":"db-password","value":"Hunter2Hunter2"}]}]}"#,
        },
        Example {
            name: "ordinary tags",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","tags":[{"key":"owner","value":"a"}]}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, opts: &Options) -> Outcome {
    sensitive_tags_outcome(v.service.tags.as_deref(), opts)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD32",
    slug: "credential-in-task-definition-tags",
    title: "ECS task definition tags should not contain credentials",
    severity: Severity::High,
    category: Category::Secrets,
    types: &[types::SENSITIVE],
    description: "Fails when a tag value is shaped like a credential or a secret-named tag key holds a literal credential (same detector as TD09). Tags are readable by anyone with tag:GetResources or the resource's describe permission and are copied into billing reports. NOT_APPLICABLE when tags were not returned. Evaluates every revision.",
    risk: "Tags are metadata, not secret storage: they are visible far beyond the people who may read the credential.",
    remediation: Remediation {
        text: "Rotate the credential, remove the tag, and keep credentials in AWS Secrets Manager.",
        cli: "aws ecs untag-resource --resource-arn arn:aws:ecs:...:task-definition/app:3 --tag-keys KEY",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a",
        terraform: "tags = { owner = \"team-a\" }",
    },
    references: &[
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
    ],
    compliance: &[nist("IA-5(7)"), nist("SC-28"), pci("8.6.2"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::All,
    options: &[],
    examples: &[
        Example {
            name: "token in a tag",
            expect: Status::Failed,
            json: r#"{"taskDefinition":{"family":"a","revision":1,"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/a:1","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]},"tags":[{"key":"deploy-token","value":"ghp_0123456789abcdefghijABCDEFGHIJ012345"}]}"#,
        },
        Example {
            name: "ordinary tags",
            expect: Status::Passed,
            json: r#"{"taskDefinition":{"family":"a","revision":1,"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/a:1","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]},"tags":[{"key":"owner","value":"team-a"}]}"#,
        },
        Example {
            name: "tags not returned",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","revision":1,"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/a:1","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    sensitive_tags_outcome(td.tags.as_deref(), opts)
}

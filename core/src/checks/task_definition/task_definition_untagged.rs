use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD33",
    slug: "task-definition-untagged",
    title: "ECS task definitions should be tagged",
    severity: Severity::Low,
    category: Category::Tagging,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the task definition has no tag other than `aws:` system tags, or lacks one of `required_tag_keys` (case-sensitive). Security Hub ECS.15 semantics. Tags are returned outside `taskDefinition` by `DescribeTaskDefinition --include TAGS`; when they were not returned the check is NOT_APPLICABLE. A definition not registered yet is judged by the tags it lists.",
    risk: "Untagged resources have no owner to notify and escape tag-based access control and cost allocation.",
    remediation: Remediation {
        text: "Tag the task definition with the organisation's required keys (owner, environment, ...). Tags set at registration apply to the new revision only.",
        cli: "aws ecs tag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:task-definition/app:3 --tags key=owner,value=team-a",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a",
        terraform: "tags = { owner = \"team-a\" }",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-15",
    ],
    compliance: &[fsbp("ECS.15"), nist("CM-8"), soc2("CC6.1")],
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
            name: "only system tags",
            expect: Status::Failed,
            json: r#"{"family":"a","tags":[{"key":"aws:cloudformation:stack-name","value":"s"}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "tags as a map",
            expect: Status::Passed,
            json: r#"{"family":"a","tags":{"owner":"team-a"},"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "tags not returned",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","revision":2,"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/a:2","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    tagging_outcome(td.tags.as_deref(), opts)
}

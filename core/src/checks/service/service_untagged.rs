use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV06",
    slug: "service-untagged",
    title: "ECS services should be tagged",
    severity: Severity::Low,
    category: Category::Tagging,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the service has no tag other than `aws:` system tags, or lacks one of `required_tag_keys` (Security Hub ECS.13). NOT_APPLICABLE when tags were not returned (describe with `--include TAGS`).",
    risk: "Untagged services have no owner to notify and escape tag-based access control (for example for ECS Exec) and cost allocation.",
    remediation: Remediation {
        text: "Tag the service with the organisation's required keys, and propagate tags to tasks.",
        cli: "aws ecs tag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE --tags key=owner,value=team-a",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a\nPropagateTags: SERVICE",
        terraform: "tags           = { owner = \"team-a\" }\npropagate_tags = \"SERVICE\"",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-13",
    ],
    compliance: &[fsbp("ECS.13"), nist("CM-8"), soc2("CC6.1")],
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
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","tags":[]}]}"#,
        },
        Example {
            name: "tagged",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","tags":[{"key":"owner","value":"a"}]}]}"#,
        },
        Example {
            name: "tags not returned",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, opts: &Options) -> Outcome {
    tagging_outcome(v.service.tags.as_deref(), opts)
}

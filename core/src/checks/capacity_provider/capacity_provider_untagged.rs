use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::CapacityProvider;

pub static CHECK: Check = Check {
    id: "CP02",
    slug: "capacity-provider-untagged",
    title: "ECS capacity providers should be tagged",
    severity: Severity::Low,
    category: Category::Tagging,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an Auto Scaling group capacity provider has no tag other than `aws:` tags, or lacks one of `required_tag_keys` (AWS Config `ecs-capacity-provider-tagged`). The built-in FARGATE and FARGATE_SPOT providers cannot be tagged and are NOT_APPLICABLE, as are providers whose tags were not returned.",
    risk: "Untagged capacity has no owner to notify and escapes cost allocation.",
    remediation: Remediation {
        text: "Tag the capacity provider with the organisation's required keys.",
        cli: "aws ecs tag-resource --resource-arn arn:aws:ecs:REGION:ACCOUNT:capacity-provider/CP --tags key=owner,value=team-a",
        cloudformation: "Tags:\n  - Key: owner\n    Value: team-a",
        terraform: "tags = { owner = \"team-a\" }",
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-capacity-provider-tagged.html",
    ],
    compliance: &[config_rule("ecs-capacity-provider-tagged"), nist("CM-8")],
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
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/cp","name":"cp","autoScalingGroupProvider":{"autoScalingGroupArn":"x"},"tags":[]}]}"#,
        },
        Example {
            name: "tagged",
            expect: Status::Passed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/cp","name":"cp","autoScalingGroupProvider":{"autoScalingGroupArn":"x"},"tags":[{"key":"owner","value":"a"}]}]}"#,
        },
        Example {
            name: "fargate",
            expect: Status::NotApplicable,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/FARGATE_SPOT","name":"FARGATE_SPOT","tags":[]}]}"#,
        },
    ],
    evaluator: Evaluator::CapacityProvider(eval),
};

fn eval(c: &CapacityProvider, opts: &Options) -> Outcome {
    if c.auto_scaling_group_provider.is_none() {
        return Outcome::na("built-in or managed capacity provider");
    }
    tagging_outcome(c.tags.as_deref(), opts)
}

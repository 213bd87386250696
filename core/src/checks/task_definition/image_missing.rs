use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD30",
    slug: "image-missing",
    title: "ECS container definitions should specify an image",
    severity: Severity::High,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a container definition has no `image` or an empty one. Templated images (`${IMAGE}`) count as specified. Mostly catches definitions scanned before registration, which would be rejected or filled in by a pipeline in an unreviewed way.",
    risk: "A definition without an image is completed by whatever tooling deploys it, so what finally runs was never reviewed.",
    remediation: Remediation {
        text: "Set `image` on every container definition to a reviewed image reference.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # every container with \"image\"",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Ref ImageUri",
        terraform: "container_definitions = jsonencode([{ name = \"app\", image = var.image_uri }])",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
    ],
    compliance: &[nist("CM-2"), soc2("CC8.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "empty image",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":""}]}"#,
        },
        Example {
            name: "templated image",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"${IMAGE}"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| c.image.as_deref().is_none_or(|i| i.trim().is_empty()))
            .map(|(n, _)| Evidence::container(n, "no image"))
            .collect(),
    )
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

use crate::checks::support::image;

pub static CHECK: Check = Check {
    id: "TD59",
    slug: "image-version-consistency-disabled",
    title: "ECS containers should keep software version consistency",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a container sets `versionConsistency: disabled` and its image is referenced by tag: ECS then does not resolve the tag to a digest when the deployment starts, so tasks of one deployment can run different images if the tag moves. An image referenced by digest (`@sha256:`) passes (the setting changes nothing for it), as does `enabled` or no setting (ECS's default). Templated references cannot be judged and are skipped; a definition whose images are all templated is NOT_APPLICABLE. No Security Hub control, AWS Config rule or other scanner covers this field.",
    risk: "A tag pushed again during a deployment (or by an attacker with push access) reaches part of the service unreviewed, and the deployment no longer records which image its tasks run, so a rollback or an investigation cannot tell.",
    remediation: Remediation {
        text: "Remove `versionConsistency: disabled` (ECS resolves the tag to a digest for each deployment), or reference the image by digest.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json   # without \"versionConsistency\": \"disabled\"",
        cloudformation: "ContainerDefinitions:\n  - Name: web\n    Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2\n    VersionConsistency: enabled",
        terraform: "container_definitions = jsonencode([{\n  name               = \"web\"\n  image              = \"${aws_ecr_repository.web.repository_url}:1.4.2\"\n  versionConsistency = \"enabled\"\n}])",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
    ],
    compliance: &[nist("CM-2"), nist("SI-7"), pci("6.3.2"), soc2("CC8.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "tag not resolved to a digest",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2","versionConsistency":"disabled"}]}"#,
        },
        Example {
            name: "ECS default (enabled)",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"}]}"#,
        },
        Example {
            name: "disabled but pinned by digest",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","versionConsistency":"disabled"}]}"#,
        },
        Example {
            name: "templated",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"<IMAGE1_NAME>","versionConsistency":"disabled"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let mut judged = 0;
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        let Some(img) = c.image.as_deref().and_then(image::parse) else {
            continue;
        };
        judged += 1;
        let disabled = c
            .version_consistency
            .as_deref()
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("disabled"));
        if disabled && img.digest.is_none() {
            evidence.push(Evidence::container(
                n,
                format!(
                    "versionConsistency = disabled with image {} (tag not resolved to a digest)",
                    c.image.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    if judged == 0 {
        return Outcome::na(
            "no container image reference could be resolved (templated or missing)",
        );
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

use crate::checks::support::image;

pub static CHECK: Check = Check {
    id: "TD28",
    slug: "image-not-pinned-by-digest",
    title: "ECS container images should be pinned by digest",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an image is referenced by tag instead of `@sha256:` digest. Off by default: ECS resolves tags to digests at deployment (and ECR tag immutability is the usual control); enable it where policy demands digest pinning in the definition itself.",
    risk: "A mutable tag can be re-pointed to a different image between deployments: a substitution attack on the registry or a mistaken push changes what runs.",
    remediation: Remediation {
        text: "Reference images as `repository@sha256:<digest>` (resolve the digest in CI) or enforce immutable tags on the repository.",
        cli: "aws ecr describe-images --repository-name app --image-ids imageTag=1.4.2 --query 'imageDetails[0].imageDigest'",
        cloudformation: "Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${ImageDigest}\"",
        terraform: "image = \"${aws_ecr_repository.app.repository_url}@${var.image_digest}\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability",
    ],
    compliance: &[nist("CM-14"), nist("SI-7"), soc2("CC8.1")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "tag",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "digest",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}"#,
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
        if !img.pinned_by_digest() {
            evidence.push(Evidence::container(n, "image not pinned by sha256 digest"));
        }
    }
    if judged == 0 {
        return Outcome::na(
            "no container image reference could be resolved (templated or missing)",
        );
    }
    Outcome::fail_if_any(evidence)
}

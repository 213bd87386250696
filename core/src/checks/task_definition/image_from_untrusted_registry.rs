use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

use crate::checks::support::image;

pub static CHECK: Check = Check {
    id: "TD29",
    slug: "image-from-untrusted-registry",
    title: "ECS container images should come from Amazon ECR or a trusted registry",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an image's registry is neither private Amazon ECR, ECR Public (`public.ecr.aws`) nor listed in `trusted_registries` (a host such as `ghcr.io`, or a host/path prefix such as `ghcr.io/my-org`). Docker Hub images (no registry) count as external. Templated references are skipped.",
    risk: "External registries are outside the account's IAM, scanning and audit: images can change or disappear, pulls can be rate-limited, and ECR image scanning never sees them.",
    remediation: Remediation {
        text: "Mirror the image into Amazon ECR (pull-through cache rules do this automatically) and reference the ECR copy, or add the registry to `trusted_registries` after review.",
        cli: "aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn arn:aws:secretsmanager:...",
        cloudformation: "Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/docker-hub/library/nginx:1.27\"",
        terraform: "image = \"${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com/docker-hub/library/nginx:1.27\"",
    },
    references: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"],
    compliance: &[
        nist("CM-7(5)"),
        nist("SR-3"),
        nist("SA-9"),
        pci("6.3.2"),
        soc2("CC9.2"),
        cis("4.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "trusted_registries",
        default: "(none besides Amazon ECR and ECR Public)",
        doc: "registry hosts or host/path prefixes to trust",
    }],
    examples: &[
        Example {
            name: "docker hub",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "ecr",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.0"}]}"#,
        },
        Example {
            name: "ecr public",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"public.ecr.aws/nginx/nginx:1.27"}]}"#,
        },
        Example {
            name: "templated",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"${IMAGE}"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn trusted(image: &str, img: &image::ImageRef<'_>, opts: &Options) -> bool {
    if img.is_ecr_private() || img.is_ecr_public() {
        return true;
    }
    opts.trusted_registries.iter().any(|t| {
        let t = t.trim().trim_end_matches('/');
        !t.is_empty() && (img.registry == Some(t) || image.starts_with(&format!("{t}/")))
    })
}

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    let mut judged = 0;
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        let Some(raw) = c.image.as_deref() else {
            continue;
        };
        let Some(img) = image::parse(raw) else {
            continue;
        };
        judged += 1;
        if !trusted(raw.trim(), &img, opts) {
            evidence.push(Evidence::container(
                n,
                format!("image from {}", img.registry.unwrap_or("Docker Hub")),
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

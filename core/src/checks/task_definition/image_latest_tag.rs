use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

use crate::checks::support::image;

pub static CHECK: Check = Check {
    id: "TD27",
    slug: "image-latest-tag",
    title: "ECS container images should not use the latest tag",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an image reference has the tag `latest` or no tag and no digest (which pulls `latest`). References are parsed properly: a registry port (`registry:5000/app`) is not a tag, and `@sha256:` digests pass. Templated references (`${IMAGE}`, `<IMAGE>`) cannot be judged and are skipped; a definition whose images are all templated is NOT_APPLICABLE.",
    risk: "`latest` changes under a running service: a compromised or broken upstream image is deployed on the next task start with no review and no record of which version ran.",
    remediation: Remediation {
        text: "Reference images by an immutable version tag or, better, by digest, and make the ECR repository's tags immutable.",
        cli: "aws ecr put-image-tag-mutability --repository-name app --image-tag-mutability IMMUTABLE",
        cloudformation: "Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1.4.2\"",
        terraform: "image = \"${aws_ecr_repository.app.repository_url}:1.4.2\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
    ],
    compliance: &[
        nist("CM-2"),
        nist("CM-14"),
        nist("SI-7"),
        pci("6.3.2"),
        soc2("CC8.1"),
        cis("5.27"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "latest",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:latest"}]}"#,
        },
        Example {
            name: "no tag behind a registry port",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"registry:5000/app"}]}"#,
        },
        Example {
            name: "version tag",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"registry:5000/app:1.2.3"}]}"#,
        },
        Example {
            name: "digest",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}"#,
        },
        Example {
            name: "templated",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"<IMAGE1_NAME>"}]}"#,
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
        if img.digest.is_some() {
            continue;
        }
        match img.tag {
            None => evidence.push(Evidence::container(
                n,
                format!(
                    "image {} has no tag (pulls latest)",
                    c.image.as_deref().unwrap_or("")
                ),
            )),
            Some(t) if t.eq_ignore_ascii_case("latest") => {
                evidence.push(Evidence::container(n, "image tag latest"))
            }
            _ => {}
        }
    }
    if judged == 0 {
        return Outcome::na(
            "no container image reference could be resolved (templated or missing)",
        );
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::support::repositories::RepositoryUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::registry::filter_matches;

pub static CHECK: Check = Check {
    id: "TD45",
    slug: "image-repository-tags-mutable",
    title: "The ECR repositories ECS task definitions pull from should have immutable tags",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    types: &[types::FSBP],
    description: "Security Hub ECR.2 on the repositories of the latest ACTIVE task definitions' images: passes only when `imageTagMutability` is `IMMUTABLE`. `MUTABLE`, `MUTABLE_WITH_EXCLUSION` and `IMMUTABLE_WITH_EXCLUSION` fail, as under the control; for the exclusion modes the evidence says whether a tag the task definition pulls matches an exclusion filter (that tag can be overwritten). A task definition pinned by digest is still reported: the finding is about the repository, and the evidence says the definition is pinned. NOT_AVAILABLE when the repository was not read or is in a registry the scan does not read.",
    risk: "A mutable tag can be pushed over: the next task started, or the next deployment, runs an image nobody reviewed under a tag that looks unchanged.",
    remediation: Remediation {
        text: "Make the repository's tags immutable and release under new tags (or pin task definitions by digest).",
        cli: "aws ecr put-image-tag-mutability --repository-name web --image-tag-mutability IMMUTABLE",
        cloudformation: "WebRepository:\n  Type: AWS::ECR::Repository\n  Properties:\n    ImageTagMutability: IMMUTABLE",
        terraform: "resource \"aws_ecr_repository\" \"web\" {\n  name                 = \"web\"\n  image_tag_mutability = \"IMMUTABLE\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
    ],
    compliance: &[
        fsbp("ECR.2"),
        config_rule("ecr-private-tag-immutability-enabled"),
        nist("CM-2"),
        nist("CM-8(1)"),
        nist("SI-7"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "immutable",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/web","registryId":"111122223333","repositoryName":"web","imageTagMutability":"IMMUTABLE"}]}}}"#,
        },
        Example {
            name: "mutable",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/web","registryId":"111122223333","repositoryName":"web","imageTagMutability":"MUTABLE"}]}}}"#,
        },
        Example {
            name: "immutable with an exclusion matching the tag in use",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:latest"}]}},
"repos.json":{"repositories":[{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/web","registryId":"111122223333","repositoryName":"web","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filter":"latest","filterType":"WILDCARD"}]}]}}}"#,
        },
        Example {
            name: "repository not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, _: &Options) -> Verdict {
    let pinned = v.images.iter().any(|i| {
        matches!(
            &i.place,
            crate::checks::support::repositories::Place::Here {
                digest: Some(_),
                ..
            }
        )
    });
    v.judge_repositories(|r| judge(r, pinned))
}

fn judge(r: &RepositoryUse<'_>, pinned: bool) -> Verdict {
    let Some(repo) = r.repository else {
        return Verdict::of(Outcome::unknown(r.unread.clone().unwrap_or_default()));
    };
    let Some(mode) = repo.image_tag_mutability.as_deref() else {
        return Verdict::of(Outcome::unknown(
            "the repository's imageTagMutability was not returned",
        ));
    };
    if mode.eq_ignore_ascii_case("IMMUTABLE") {
        return Verdict::of(Outcome::Passed);
    }
    let mut text = format!("tags of the repository can be overwritten (imageTagMutability {mode})");
    if mode.to_ascii_uppercase().ends_with("_WITH_EXCLUSION") {
        let excluded: Vec<&str> = r
            .tags
            .iter()
            .copied()
            .filter(|t| {
                repo.image_tag_mutability_exclusion_filters
                    .iter()
                    .any(|f| filter_matches(&f.filter, t))
            })
            .collect();
        let immutable = mode.to_ascii_uppercase().starts_with("IMMUTABLE");
        text.push_str(&match (immutable, excluded.is_empty()) {
            (true, true) => "; no tag this task definition pulls matches an exclusion filter".to_owned(),
            (true, false) => format!("; the tag{} {} this task definition pulls match an exclusion filter and stay mutable", if excluded.len() == 1 { "" } else { "s" }, excluded.join(", ")),
            (false, true) => "; the tags this task definition pulls match no exclusion filter and are mutable".to_owned(),
            (false, false) => format!("; the tag{} {} this task definition pulls match an exclusion filter and are immutable", if excluded.len() == 1 { "" } else { "s" }, excluded.join(", ")),
        });
    }
    if pinned {
        text.push_str("; this task definition pins its image by digest");
    }
    Verdict::of(Outcome::failed([text]))
}

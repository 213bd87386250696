use crate::checks::support::repositories::RepositoryUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::load_balancing::Read;

pub static CHECK: Check = Check {
    id: "TD46",
    slug: "image-repository-without-lifecycle-policy",
    title: "The ECR repositories ECS task definitions pull from should have a lifecycle policy",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    types: &[types::FSBP],
    description: "Security Hub ECR.3 on the repositories of the latest ACTIVE task definitions' images: fails when `GetLifecyclePolicy` answers `LifecyclePolicyNotFoundException`, passes when it returns a policy. Any other answer (access denied, not read) is NOT_AVAILABLE. Offline, the error document is bound to its repository by file name: `lifecycle-policy-<repository>.json` (a `/` of the name written `%2F`).",
    risk: "Without expiry, old images with known vulnerabilities stay pullable forever and can be started again by a rollback or an old task definition; storage grows without bound.",
    remediation: Remediation {
        text: "Add a lifecycle policy that expires untagged and old images; keep the digests running tasks use (rules count by tag prefix or age).",
        cli: "aws ecr put-lifecycle-policy --repository-name web --lifecycle-policy-text '{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}'",
        cloudformation: "WebRepository:\n  Type: AWS::ECR::Repository\n  Properties:\n    LifecyclePolicy:\n      LifecyclePolicyText: '{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}'",
        terraform: "resource \"aws_ecr_lifecycle_policy\" \"web\" {\n  repository = aws_ecr_repository.web.name\n  policy     = file(\"lifecycle.json\")\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-3",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
    ],
    compliance: &[
        fsbp("ECR.3"),
        config_rule("ecr-private-lifecycle-policy-configured"),
        nist("CM-2"),
        nist("SI-2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "a lifecycle policy",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4"}]}},
"lifecycle-policy-team%2Fweb.json":{"registryId":"111122223333","repositoryName":"team/web","lifecyclePolicyText":"{\"rules\":[]}"}}}"#,
        },
        Example {
            name: "LifecyclePolicyNotFoundException",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4"}]}},
"lifecycle-policy-team%2Fweb.json":{"Code":"LifecyclePolicyNotFoundException","Message":"Lifecycle policy does not exist for the repository with name 'team/web' in the registry with id '111122223333'"}}}"#,
        },
        Example {
            name: "access denied",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"lifecycle-policy-web.json":{"Code":"AccessDeniedException","Message":"not authorized to perform: ecr:GetLifecyclePolicy"}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, _: &Options) -> Verdict {
    v.judge_repositories(judge)
}

fn judge(r: &RepositoryUse<'_>) -> Verdict {
    match r.registry.lifecycle_policy(r.account, r.name) {
        Some(Read::Answered(())) => Verdict::of(Outcome::Passed),
        Some(Read::Error(e)) if e.code == "LifecyclePolicyNotFoundException" => {
            Verdict::of(Outcome::failed([
                "the repository has no lifecycle policy: old and untagged images are never expired"
                    .to_owned(),
            ]))
        }
        Some(Read::Error(e)) => Verdict::of(Outcome::unknown(format!(
            "the lifecycle policy could not be read (ecr:GetLifecyclePolicy answered {}: {})",
            e.code, e.message
        ))),
        None => Verdict::of(Outcome::unknown(
            "not read: the repository's lifecycle policy (aws ecr get-lifecycle-policy)",
        )),
    }
}

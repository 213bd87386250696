use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV03",
    slug: "fargate-platform-version-unpinned",
    title: "ECS Fargate services should pin a specific platform version",
    severity: Severity::Low,
    category: Category::ResourceManagement,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a Fargate service uses `LATEST` or no `platformVersion`. Off by default: it contradicts Security Hub ECS.10 (see SV02), which passes LATEST. Enable it where change control requires every platform change to be deliberate; SV02 still reports pinned versions that fall behind.",
    risk: "With LATEST, AWS can move tasks to a new platform version at the next deployment, a change nobody reviewed.",
    remediation: Remediation {
        text: "Set `platformVersion` to the current explicit version (for example 1.4.0) and update it deliberately.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --platform-version 1.4.0",
        cloudformation: "PlatformVersion: 1.4.0",
        terraform: "platform_version = \"1.4.0\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html",
    ],
    compliance: &[nist("CM-2"), soc2("CC8.1")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "LATEST",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformVersion":"LATEST"}]}"#,
        },
        Example {
            name: "pinned",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformVersion":"1.4.0"}]}"#,
        },
        Example {
            name: "EC2",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"EC2"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Outcome {
    if !v.service.is_fargate() {
        return Outcome::na("service does not run on Fargate");
    }
    match v.service.platform_version.as_deref() {
        Some(p) if !p.eq_ignore_ascii_case("LATEST") && !p.trim().is_empty() => Outcome::Passed,
        Some(_) => Outcome::failed(["platformVersion = LATEST".to_owned()]),
        None => Outcome::failed(["platformVersion not set (LATEST)".to_owned()]),
    }
}

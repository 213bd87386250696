use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::OsFamily;

pub static CHECK: Check = Check {
    id: "SV02",
    slug: "fargate-platform-version-outdated",
    title: "ECS Fargate services should run on the latest Fargate platform version",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::PATCH],
    description: "Applies to Fargate services: `launchType` FARGATE or a capacity provider strategy naming FARGATE or FARGATE_SPOT (such services have no `launchType`; other tools skip them). Passes when `platformVersion` is absent or `LATEST`, or equals the latest version for the service's platform family (`fargate_latest_linux_version`, default 1.4.0; `fargate_latest_windows_version`, default 1.0.0, Security Hub ECS.10's fixed values). Windows is recognised from the service's `platformFamily` or the task definition's runtime platform, and a Windows service on LATEST passes (Prowler's precedence bug fails it). Other launch types are NOT_APPLICABLE.",
    risk: "Older platform versions miss kernel, runtime and agent security patches that AWS ships only in newer versions.",
    remediation: Remediation {
        text: "Set `platformVersion` to LATEST (or the current version) and force a new deployment.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --platform-version LATEST --force-new-deployment",
        cloudformation: "PlatformVersion: LATEST",
        terraform: "platform_version = \"LATEST\"",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html",
    ],
    compliance: &[
        fsbp("ECS.10"),
        config_rule("ecs-fargate-latest-platform-version"),
        nist("SI-2"),
        nist("SI-2(2)"),
        nist("SI-2(4)"),
        nist("SI-2(5)"),
        pci("6.3.3"),
        hipaa("164.308(a)(5)(ii)(B)"),
        soc2("CC7.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[
        OptionDoc {
            key: "fargate_latest_linux_version",
            default: "1.4.0",
            doc: "Linux platform version that counts as latest",
        },
        OptionDoc {
            key: "fargate_latest_windows_version",
            default: "1.0.0",
            doc: "Windows platform version that counts as latest",
        },
    ],
    examples: &[
        Example {
            name: "old linux version",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformVersion":"1.3.0"}]}"#,
        },
        Example {
            name: "capacity provider fargate, old version",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","capacityProviderStrategy":[{"capacityProvider":"FARGATE"}],"platformVersion":"1.3.0"}]}"#,
        },
        Example {
            name: "LATEST",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformVersion":"LATEST"}]}"#,
        },
        Example {
            name: "windows LATEST",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformFamily":"WINDOWS_SERVER_2019_CORE","platformVersion":"LATEST"}]}"#,
        },
        Example {
            name: "windows 1.0.0",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"FARGATE","platformFamily":"WINDOWS_SERVER_2019_CORE","platformVersion":"1.0.0"}]}"#,
        },
        Example {
            name: "EC2",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"EC2"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

pub(crate) fn is_windows(v: &ServiceView<'_>) -> bool {
    v.service
        .platform_family
        .as_deref()
        .is_some_and(|f| f.to_ascii_uppercase().starts_with("WINDOWS"))
        || v.task_definition
            .is_some_and(|td| td.os_family() == OsFamily::Windows)
}

fn eval(v: &ServiceView<'_>, opts: &Options) -> Outcome {
    if !v.service.is_fargate() {
        return Outcome::na("service does not run on Fargate");
    }
    let version = match v.service.platform_version.as_deref() {
        None => return Outcome::Passed,
        Some(p) if p.eq_ignore_ascii_case("LATEST") || p.trim().is_empty() => {
            return Outcome::Passed;
        }
        Some(p) => p,
    };
    let latest = if is_windows(v) {
        &opts.fargate_latest_windows_version
    } else {
        &opts.fargate_latest_linux_version
    };
    match crate::model::Version::parse(version) {
        Some(current) if current >= *latest => Outcome::Passed,
        _ => Outcome::failed([format!("platformVersion = {version} (latest is {latest})")]),
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition, UserSpec};

pub static CHECK: Check = Check {
    id: "TD13",
    slug: "windows-admin-user",
    title: "ECS task definitions should configure non-administrator users in Windows container definitions",
    severity: Severity::Medium,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Evaluated when `runtimePlatform.operatingSystemFamily` is a Windows Server family or absent (Security Hub ECS.21: a Linux task definition without `runtimePlatform` is evaluated by both ECS.20 and ECS.21). Fails when any container's `user` is absent or `ContainerAdministrator` (case-insensitive).",
    risk: "ContainerAdministrator has full control of the container's Windows instance and of anything mounted into it.",
    remediation: Remediation {
        text: "Set `user` to `ContainerUser` (or another non-administrator account) in every Windows container definition. Add `runtimePlatform.operatingSystemFamily: LINUX` to Linux task definitions so this control does not apply to them.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"user\": \"ContainerUser\"",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: ContainerUser",
        terraform: "container_definitions = jsonencode([{ name = \"app\", user = \"ContainerUser\" }])",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21",
    ],
    compliance: &[
        fsbp("ECS.21"),
        config_rule("ecs-task-definition-windows-user-non-admin"),
        nist("AC-6"),
        nist("AC-6(2)"),
        nist("AC-6(10)"),
        pci("7.2.1"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "admin on windows",
            expect: Status::Failed,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2022_FULL"},"containerDefinitions":[{"name":"web","image":"mcr.microsoft.com/iis","user":"ContainerAdministrator"}]}"#,
        },
        Example {
            name: "no platform, no user",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "no platform, root user passes ECS.21",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","user":"root"}]}"#,
        },
        Example {
            name: "ContainerUser",
            expect: Status::Passed,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2022_CORE"},"containerDefinitions":[{"name":"web","image":"mcr.microsoft.com/iis","user":"ContainerUser"}]}"#,
        },
        Example {
            name: "linux is not applicable",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"LINUX"},"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.os_family() == OsFamily::Linux {
        return Outcome::na("task definition is for Linux");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter_map(|(n, c)| match c.user_spec() {
                UserSpec::Absent => Some(Evidence::container(
                    n,
                    "user not set (ContainerAdministrator by default on Windows)",
                )),
                UserSpec::WindowsAdmin => Some(Evidence::container(
                    n,
                    format!("user = {}", c.user.as_deref().unwrap_or("")),
                )),
                _ => None,
            })
            .collect(),
    )
}

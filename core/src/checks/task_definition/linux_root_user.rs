use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition, UserSpec};

pub static CHECK: Check = Check {
    id: "TD12",
    slug: "linux-root-user",
    title: "ECS task definitions should configure non-root users in Linux container definitions",
    severity: Severity::Medium,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Evaluated when `runtimePlatform.operatingSystemFamily` is LINUX or absent (Security Hub ECS.20). Fails when any container's `user` is absent or names root: `root` or UID `0`, with or without a group (`0:0`, `root:root`, `0:1000`). Placeholders that cannot be resolved are not reported.",
    risk: "A process running as root inside the container turns any container escape or writable host mount into root on the instance, and can read or change everything in the container.",
    remediation: Remediation {
        text: "Create an unprivileged user in the image and set `user` (for example `1000:1000`) in every container definition.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"user\": \"1000:1000\" in each container",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: \"1000:1000\"",
        terraform: "container_definitions = jsonencode([{ name = \"app\", user = \"1000:1000\" }])",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20",
    ],
    compliance: &[
        fsbp("ECS.20"),
        config_rule("ecs-task-definition-linux-user-non-root"),
        config_rule("ecs-task-definition-nonroot-user"),
        nist("AC-6"),
        nist("AC-6(2)"),
        nist("AC-6(10)"),
        pci("7.2.1"),
        hipaa("164.312(a)(1)"),
        soc2("CC6.1"),
        cis("4.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "user absent",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "uid 0 with group",
            expect: Status::Failed,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"LINUX"},"containerDefinitions":[{"name":"web","image":"nginx:1.27","user":"0:1000"}]}"#,
        },
        Example {
            name: "non-root uid",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","user":"1000:1000"}]}"#,
        },
        Example {
            name: "windows is not applicable",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2019_CORE"},"containerDefinitions":[{"name":"web","image":"mcr.microsoft.com/iis"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.os_family() == OsFamily::Windows {
        return Outcome::na("task definition is for Windows");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter_map(|(n, c)| match c.user_spec() {
                UserSpec::Absent => {
                    Some(Evidence::container(n, "user not set (root by default)").field("user"))
                }
                UserSpec::Root => Some(Evidence::container(
                    n,
                    format!("user = {}", c.user.as_deref().unwrap_or("")),
                )),
                _ => None,
            })
            .collect(),
    )
}

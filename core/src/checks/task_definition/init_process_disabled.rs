use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD25",
    slug: "init-process-disabled",
    title: "ECS Linux containers should run an init process",
    severity: Severity::Low,
    category: Category::ContainerSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a Linux container does not set `linuxParameters.initProcessEnabled: true`. Windows task definitions are NOT_APPLICABLE.",
    risk: "Without an init process, signals are not forwarded and zombie processes accumulate; ECS Exec sessions leave orphans behind. A hygiene issue that degrades availability and clean shutdown.",
    remediation: Remediation {
        text: "Set `linuxParameters.initProcessEnabled: true` (ECS runs tini as PID 1).",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # linuxParameters.initProcessEnabled = true",
        cloudformation: "LinuxParameters:\n  InitProcessEnabled: true",
        terraform: "linuxParameters = { initProcessEnabled = true }",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html",
    ],
    compliance: &[soc2("A1.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "not enabled",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "enabled",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","linuxParameters":{"initProcessEnabled":true}}]}"#,
        },
        Example {
            name: "windows",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2022_CORE"},"containerDefinitions":[{"name":"web","image":"mcr.microsoft.com/iis"}]}"#,
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
            .filter(|(_, c)| {
                c.linux_parameters
                    .as_ref()
                    .and_then(|l| l.init_process_enabled)
                    != Some(true)
            })
            .map(|(n, _)| Evidence::container(n, "initProcessEnabled not true"))
            .collect(),
    )
}

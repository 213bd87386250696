use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD02",
    slug: "writable-root-filesystem",
    title: "ECS containers should be limited to read-only access to root filesystems",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Checks `readonlyRootFilesystem` of every container definition. Fails when any container has it false or absent (Security Hub ECS.5 semantics). Task definitions whose `runtimePlatform.operatingSystemFamily` is a Windows Server family are NOT_APPLICABLE: the parameter is not supported on Windows.",
    risk: "A writable root filesystem lets an attacker who gains code execution modify binaries and configuration, drop tools and persist inside the container.",
    remediation: Remediation {
        text: "Set `readonlyRootFilesystem: true` on every container and mount writable volumes (bind mounts or ephemeral storage) only where the application writes, such as /tmp.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"readonlyRootFilesystem\": true in each container",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    ReadonlyRootFilesystem: true",
        terraform: "container_definitions = jsonencode([{ name = \"app\", readonlyRootFilesystem = true }])",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
    ],
    compliance: &[
        fsbp("ECS.5"),
        config_rule("ecs-containers-readonly-access"),
        nist("AC-2(1)"),
        nist("AC-3"),
        nist("AC-3(15)"),
        nist("AC-3(7)"),
        nist("AC-5"),
        nist("AC-6"),
        nist("AC-6(2)"),
        soc2("CC6.8"),
        cis("5.12"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "absent",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "false",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","readonlyRootFilesystem":false}]}"#,
        },
        Example {
            name: "true",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","readonlyRootFilesystem":true}]}"#,
        },
        Example {
            name: "windows is not applicable",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2022_CORE"},"containerDefinitions":[{"name":"web","image":"mcr.microsoft.com/iis"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.os_family() == OsFamily::Windows {
        return Outcome::na("readonlyRootFilesystem is not supported on Windows containers");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| c.readonly_root_filesystem != Some(true))
            .map(|(n, c)| match c.readonly_root_filesystem {
                Some(false) => Evidence::container(n, "readonlyRootFilesystem = false")
                    .field("readonlyRootFilesystem"),
                _ => Evidence::container(n, "readonlyRootFilesystem not set (defaults to false)")
                    .field("readonlyRootFilesystem"),
            })
            .collect(),
    )
}

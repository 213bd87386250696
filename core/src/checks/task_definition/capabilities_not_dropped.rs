use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD22",
    slug: "capabilities-not-dropped",
    title: "ECS Linux containers should drop all capabilities they do not need",
    severity: Severity::Low,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES, types::RUNTIME],
    description: "Fails when a Linux container does not list `ALL` in `linuxParameters.capabilities.drop`. Off by default: most images need adjustments (add back NET_BIND_SERVICE, CHOWN, ...) before they run with no capabilities. Windows task definitions are NOT_APPLICABLE.",
    risk: "Docker's default set (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, ...) gives a compromised process more room than most applications need, for example raw sockets for ARP spoofing.",
    remediation: Remediation {
        text: "Drop ALL capabilities and add back only those the application needs.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # linuxParameters.capabilities.drop = [\"ALL\"]",
        cloudformation: "LinuxParameters:\n  Capabilities:\n    Drop: [ALL]",
        terraform: "linuxParameters = { capabilities = { drop = [\"ALL\"] } }",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
    ],
    compliance: &[nist("AC-6"), nist("CM-7"), soc2("CC6.8"), cis("5.3")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "nothing dropped",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "drop ALL",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","linuxParameters":{"capabilities":{"drop":["ALL"]}}}]}"#,
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
                !c.linux_parameters
                    .as_ref()
                    .and_then(|l| l.capabilities.as_ref())
                    .is_some_and(|caps| caps.drop.iter().any(|d| same_capability(d, "ALL")))
            })
            .map(|(n, _)| {
                Evidence::container(n, "capabilities.drop does not include ALL")
                    .field("capabilities.drop")
            })
            .collect(),
    )
}

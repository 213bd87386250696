use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD21",
    slug: "dangerous-capability-added",
    title: "ECS containers should not add dangerous Linux capabilities",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES, types::RUNTIME],
    description: "Fails when any container's `linuxParameters.capabilities.add` contains a capability from `dangerous_capabilities` (default ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, SYS_BOOT, SYS_TIME, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE). Names match with or without the `CAP_` prefix, case-insensitively.",
    risk: "These capabilities allow loading kernel modules, reading arbitrary files, tracing other processes or reconfiguring the network: the usual building blocks of a container escape.",
    remediation: Remediation {
        text: "Remove the capability from `capabilities.add`; if a tool truly needs it, run that tool in a separate, short-lived task.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # linuxParameters.capabilities.add without SYS_ADMIN etc.",
        cloudformation: "LinuxParameters:\n  Capabilities:\n    Drop: [ALL]\n    Add: [NET_BIND_SERVICE]",
        terraform: "linuxParameters = { capabilities = { drop = [\"ALL\"], add = [\"NET_BIND_SERVICE\"] } }",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
    ],
    compliance: &[
        nist("AC-6"),
        nist("CM-7"),
        pci("2.2.4"),
        soc2("CC6.8"),
        cis("5.3"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "dangerous_capabilities",
        default: "ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, SYS_BOOT, SYS_TIME, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE",
        doc: "capabilities that must not be added",
    }],
    examples: &[
        Example {
            name: "SYS_ADMIN",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","linuxParameters":{"capabilities":{"add":["CAP_SYS_ADMIN"]}}}]}"#,
        },
        Example {
            name: "NET_BIND_SERVICE",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","linuxParameters":{"capabilities":{"add":["NET_BIND_SERVICE"],"drop":["ALL"]}}}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        let bad: Vec<String> = c
            .added_capabilities()
            .iter()
            .filter(|a| {
                opts.dangerous_capabilities
                    .iter()
                    .any(|d| same_capability(a, d))
            })
            .map(|a| capability_name(a))
            .collect();
        if !bad.is_empty() {
            evidence.push(Evidence::container(
                n,
                format!("capabilities.add includes {}", bad.join(", ")),
            ));
        }
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{NetworkMode, TaskDefinition, UserSpec};

pub static CHECK: Check = Check {
    id: "TD05",
    slug: "host-network-root-user",
    title: "ECS task definitions in host network mode should define non-root users or explicit privilege",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Applies only when `networkMode` is `host`. Fails when any container has `privileged` false or absent and `user` absent or root (`root`, `0`, `0:0`, `root:root`). Passes when every container runs as a non-root user or sets `privileged: true` explicitly: this is an intent check (the former Security Hub ECS.1, retired in March 2026 in favour of ECS.4, ECS.17, ECS.20 and ECS.21; the AWS Config rule remains). Unlike Prowler, UID `0` counts as root.",
    risk: "Root in the host's network namespace can bind privileged ports, sniff or reconfigure the instance's interfaces and reach the instance metadata service without any isolation.",
    remediation: Remediation {
        text: "Prefer `awsvpc` network mode. If host mode is required, set `user` to a non-root UID in every container definition.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"user\": \"1000\" in each container",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: \"1000\"",
        terraform: "container_definitions = jsonencode([{ name = \"app\", user = \"1000\" }])",
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-user-for-host-mode-check.html",
    ],
    compliance: &[
        fsbp("ECS.1"),
        config_rule("ecs-task-definition-user-for-host-mode-check"),
        nist("AC-3"),
        nist("AC-5"),
        nist("AC-6"),
        pci("7.2.1"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "host mode, root by default",
            expect: Status::Failed,
            json: r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "host mode, uid 0",
            expect: Status::Failed,
            json: r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27","user":"0:0"}]}"#,
        },
        Example {
            name: "host mode, non-root",
            expect: Status::Passed,
            json: r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27","user":"1000:1000"}]}"#,
        },
        Example {
            name: "host mode, explicitly privileged",
            expect: Status::Passed,
            json: r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27","privileged":true}]}"#,
        },
        Example {
            name: "awsvpc is not applicable",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","networkMode":"awsvpc","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.network_mode() != NetworkMode::Host {
        return Outcome::na("network mode is not host");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| {
                c.privileged != Some(true)
                    && matches!(c.user_spec(), UserSpec::Absent | UserSpec::Root)
            })
            .map(|(n, c)| match c.user_spec() {
                UserSpec::Absent => Evidence::container(
                    n,
                    "host network, not privileged, user not set (root by default)",
                ),
                _ => Evidence::container(
                    n,
                    format!(
                        "host network, not privileged, user = {}",
                        c.user.as_deref().unwrap_or("")
                    ),
                ),
            })
            .collect(),
    )
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD01",
    slug: "privileged-container",
    title: "ECS containers should run as non-privileged",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Checks the `privileged` parameter of every container definition. Fails when any container sets `privileged: true`; absent or false passes.",
    risk: "A privileged container gets every Linux capability and access to the host's devices: a compromise of the container is a compromise of the container instance and of every task on it.",
    remediation: Remediation {
        text: "Remove `privileged` (or set it to false) in every container definition and register a new revision; grant only the specific Linux capabilities the workload needs.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"privileged\": false in each container",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Privileged: false",
        terraform: "container_definitions = jsonencode([{ name = \"app\", privileged = false }])",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
    ],
    compliance: &[
        fsbp("ECS.4"),
        config_rule("ecs-containers-nonprivileged"),
        nist("AC-2(1)"),
        nist("AC-3"),
        nist("AC-3(15)"),
        nist("AC-3(7)"),
        nist("AC-5"),
        nist("AC-6"),
        pci("2.2.5"),
        hipaa("164.312(a)(1)"),
        soc2("CC6.1"),
        cis("5.4"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "privileged container",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","privileged":true}]}"#,
        },
        Example {
            name: "privileged false",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","privileged":false}]}"#,
        },
        Example {
            name: "privileged absent",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "one of two containers privileged",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"},{"name":"agent","image":"dd:7","privileged":"true"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| c.privileged == Some(true))
            .map(|(n, _)| Evidence::container(n, "privileged = true").field("privileged"))
            .collect(),
    )
}

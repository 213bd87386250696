use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD17",
    slug: "container-memory-hard-limit-missing",
    title: "ECS container definitions should set a memory hard limit",
    severity: Severity::Medium,
    category: Category::ResourceManagement,
    types: &[types::BEST_PRACTICES],
    description: "Fails when any container lacks a container-level `memory` (hard limit). Task-level `memory` and `memoryReservation` (a soft limit) do not satisfy it, as in the AWS Config rule `ecs-task-definition-memory-hard-limit` (discontinued by AWS Config in April 2026; kept here because the risk is unchanged). Task definitions that can only run on Fargate are NOT_APPLICABLE: Fargate enforces the task-level memory as a hard limit.",
    risk: "Without a hard limit one container can exhaust the instance's memory and get other tasks killed by the OOM killer: a denial of service that one compromised or leaking container can cause.",
    remediation: Remediation {
        text: "Set `memory` on every container definition to the most the container may use.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"memory\": 512 in each container",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Memory: 512",
        terraform: "container_definitions = jsonencode([{ name = \"app\", memory = 512 }])",
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-memory-hard-limit.html",
    ],
    compliance: &[
        config_rule("ecs-task-definition-memory-hard-limit"),
        nist("SC-5"),
        nist("SC-6"),
        soc2("A1.1"),
        cis("5.10"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "only a reservation",
            expect: Status::Failed,
            json: r#"{"family":"a","requiresCompatibilities":["EC2"],"containerDefinitions":[{"name":"web","image":"nginx:1.27","memoryReservation":256}]}"#,
        },
        Example {
            name: "hard limit",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","memory":"512"}]}"#,
        },
        Example {
            name: "fargate only",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.launch_types().fargate_only() {
        return Outcome::na("Fargate enforces the task-level memory as a hard limit");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| c.memory.is_none())
            .map(|(n, c)| match c.memory_reservation {
                Some(r) => Evidence::container(
                    n,
                    format!("no memory hard limit (memoryReservation = {r} is a soft limit)"),
                ),
                None => Evidence::container(n, "no memory hard limit"),
            })
            .collect(),
    )
}

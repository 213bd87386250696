use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{NetworkMode, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD06",
    slug: "non-awsvpc-network-mode",
    title: "ECS task definitions should use awsvpc network mode",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when the effective network mode is not `awsvpc` (`bridge`, `host`, `none`, or absent on EC2, which means Docker's bridge). Fargate task definitions are always awsvpc. AWS Config rule `ecs-awsvpc-networking-enabled` semantics.",
    risk: "Outside awsvpc, tasks share the instance's network identity: per-task security groups, VPC flow logs per task and network-level isolation between tasks are unavailable.",
    remediation: Remediation {
        text: "Set `networkMode` to `awsvpc`, give services an awsvpc network configuration with private subnets and a dedicated security group, and register a new revision.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"networkMode\": \"awsvpc\"",
        cloudformation: "NetworkMode: awsvpc",
        terraform: "network_mode = \"awsvpc\"",
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-awsvpc-networking-enabled.html",
    ],
    compliance: &[
        config_rule("ecs-awsvpc-networking-enabled"),
        nist("AC-4"),
        nist("SC-7"),
        pci("1.3.1"),
        soc2("CC6.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "bridge",
            expect: Status::Failed,
            json: r#"{"family":"a","networkMode":"bridge","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "absent on EC2",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "awsvpc",
            expect: Status::Passed,
            json: r#"{"family":"a","networkMode":"awsvpc","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "absent on Fargate",
            expect: Status::Passed,
            json: r#"{"family":"a","requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    match td.network_mode() {
        NetworkMode::Awsvpc => Outcome::Passed,
        NetworkMode::Default => {
            Outcome::failed(["networkMode not set (Docker bridge on EC2)".to_owned()])
        }
        NetworkMode::Bridge => Outcome::failed(["networkMode = bridge".to_owned()]),
        NetworkMode::Host => Outcome::failed(["networkMode = host".to_owned()]),
        NetworkMode::None => Outcome::failed(["networkMode = none".to_owned()]),
        NetworkMode::Other(m) => Outcome::failed([format!("networkMode = {m}")]),
    }
}

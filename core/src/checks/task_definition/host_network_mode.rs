use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{NetworkMode, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD04",
    slug: "host-network-mode",
    title: "ECS task definitions should not use host network mode",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when `networkMode` is `host`. Absent `networkMode` means Docker's bridge on EC2 (or awsvpc on Fargate) and passes. AWS Batch creates host-mode task definitions of its own; suppress those families in Security Hub if they are Batch's.",
    risk: "Host networking removes network isolation: the container binds the instance's interfaces directly, can reach the instance metadata service and services bound to localhost, and security groups cannot separate tasks.",
    remediation: Remediation {
        text: "Use `awsvpc` network mode (one ENI and security group per task) and register a new revision.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"networkMode\": \"awsvpc\"",
        cloudformation: "NetworkMode: awsvpc",
        terraform: "network_mode = \"awsvpc\"",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17",
    ],
    compliance: &[
        fsbp("ECS.17"),
        config_rule("ecs-task-definition-network-mode-not-host"),
        nist("AC-4"),
        nist("SC-7"),
        pci("1.4.1"),
        soc2("CC6.6"),
        cis("5.9"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "host",
            expect: Status::Failed,
            json: r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "awsvpc",
            expect: Status::Passed,
            json: r#"{"family":"a","networkMode":"awsvpc","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "absent defaults to bridge",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.network_mode() == NetworkMode::Host {
        Outcome::failed(["networkMode = host".to_owned()])
    } else {
        Outcome::Passed
    }
}

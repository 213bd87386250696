use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD18",
    slug: "fargate-task-size-missing",
    title: "Fargate task definitions should set task-level CPU and memory",
    severity: Severity::Medium,
    category: Category::ResourceManagement,
    types: &[types::BEST_PRACTICES],
    description: "For task definitions that require FARGATE, fails when the task-level `cpu` or `memory` is missing. Registration rejects such a definition, so this mostly catches task definitions scanned before they are registered. Other launch types are NOT_APPLICABLE.",
    risk: "Without an explicit task size the definition cannot run on Fargate, and copying sizes between environments by hand leads to under- or over-provisioned tasks.",
    remediation: Remediation {
        text: "Set task-level `cpu` and `memory` to a supported Fargate combination (for example 256 CPU units with 512 MiB).",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # with \"cpu\": \"256\", \"memory\": \"512\"",
        cloudformation: "Cpu: \"256\"\nMemory: \"512\"",
        terraform: "cpu    = 256\nmemory = 512",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
    ],
    compliance: &[nist("SC-6"), soc2("A1.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "fargate without cpu",
            expect: Status::Failed,
            json: r#"{"family":"a","requiresCompatibilities":["FARGATE"],"memory":"512","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "fargate sized",
            expect: Status::Passed,
            json: r#"{"family":"a","requiresCompatibilities":["FARGATE"],"cpu":".25 vcpu","memory":".5 gb","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "ec2",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if !td.launch_types().fargate {
        return Outcome::na("task definition does not require Fargate");
    }
    let mut evidence = Vec::new();
    if td.cpu.as_deref().is_none_or(|c| c.trim().is_empty()) {
        evidence.push("task-level cpu not set".to_owned());
    }
    if td.memory.as_deref().is_none_or(|m| m.trim().is_empty()) {
        evidence.push("task-level memory not set".to_owned());
    }
    Outcome::fail_if_any(evidence)
}

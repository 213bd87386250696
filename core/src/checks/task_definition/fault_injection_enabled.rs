use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD60",
    slug: "fault-injection-enabled",
    title: "ECS task definitions should not accept fault injection outside test environments",
    severity: Severity::Low,
    category: Category::Availability,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the task definition sets `enableFaultInjection: true`: the ECS agent then accepts fault injection requests (network blackhole, latency, packet loss) from any container of the task through the task metadata endpoint. Passes when the field is false or absent (ECS's default). Meant for resilience tests; the check has no way to know an environment is one, so skip it there (`--skip-check TD60`, or `disable_checks = [\"TD60\"]` in the configuration file). No Security Hub control, AWS Config rule or other scanner covers this field.",
    risk: "Any process in any container of the task, including a compromised dependency, can cut the task off the network or degrade it at will without an API call, an IAM permission or a CloudTrail record.",
    remediation: Remediation {
        text: "Register production task definitions without `enableFaultInjection`, and keep fault injection to the task definitions of test environments.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json   # with \"enableFaultInjection\": false",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  EnableFaultInjection: false",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  enable_fault_injection = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fault-injection.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html",
    ],
    compliance: &[nist("CM-7"), nist("SC-5")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "fault injection accepted",
            expect: Status::Failed,
            json: r#"{"family":"a","networkMode":"awsvpc","enableFaultInjection":true,"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "ECS default",
            expect: Status::Passed,
            json: r#"{"family":"a","networkMode":"awsvpc","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "explicitly off",
            expect: Status::Passed,
            json: r#"{"family":"a","enableFaultInjection":false,"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.enable_fault_injection == Some(true) {
        Outcome::failed([Evidence::of(
            "enableFaultInjection = true (containers can inject network faults into the task)",
        )
        .field("enableFaultInjection")])
    } else {
        Outcome::Passed
    }
}

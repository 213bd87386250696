use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD10",
    slug: "missing-log-configuration",
    title: "ECS task definitions should have a logging configuration",
    severity: Severity::High,
    category: Category::Logging,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when any container has no `logConfiguration` or no `logDriver` in it. Any driver counts (awslogs, awsfirelens, splunk, fluentd, json-file, ...). Security Hub ECS.9 semantics; disable it if logging happens outside the task definition.",
    risk: "Without a log driver, container output is lost when the task stops: there is no record to detect, investigate or prove what a compromised container did.",
    remediation: Remediation {
        text: "Add a `logConfiguration` to every container, for example the awslogs driver with a log group per service (FireLens sidecars need their own too).",
        cli: "aws logs create-log-group --log-group-name /ecs/app\n# container definition: \"logConfiguration\": {\"logDriver\": \"awslogs\", \"options\": {\"awslogs-group\": \"/ecs/app\", \"awslogs-region\": \"us-east-1\", \"awslogs-stream-prefix\": \"app\"}}",
        cloudformation: "LogConfiguration:\n  LogDriver: awslogs\n  Options:\n    awslogs-group: !Ref LogGroup\n    awslogs-region: !Ref AWS::Region\n    awslogs-stream-prefix: app",
        terraform: "logConfiguration = { logDriver = \"awslogs\", options = { awslogs-group = aws_cloudwatch_log_group.app.name, awslogs-region = var.region, awslogs-stream-prefix = \"app\" } }",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9",
    ],
    compliance: &[
        fsbp("ECS.9"),
        config_rule("ecs-task-definition-log-configuration"),
        nist("AC-4(26)"),
        nist("AU-10"),
        nist("AU-12"),
        nist("AU-2"),
        nist("AU-3"),
        nist("AU-6(3)"),
        nist("AU-6(4)"),
        nist("CA-7"),
        nist("SC-7(9)"),
        nist("SI-7(8)"),
        pci("10.2.1"),
        hipaa("164.312(b)"),
        soc2("CC7.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no logConfiguration",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "null logDriver",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":null}}]}"#,
        },
        Example {
            name: "awslogs",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/a"}}}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| c.log_driver().is_none())
            .map(|(n, c)| match c.log_configuration {
                None => Evidence::container(n, "no logConfiguration"),
                Some(_) => Evidence::container(n, "logConfiguration without logDriver")
                    .field("logConfiguration"),
            })
            .collect(),
    )
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD03",
    slug: "host-pid-mode",
    title: "ECS task definitions should not share the host's process namespace",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Checks the task-level `pidMode`. Fails when it is `host`; `task` or absent passes. A daemon task definition (ECS Managed Daemons, which ECS.3 does not look at) fails with `shared`, which joins the host's PID namespace; `none` or absent passes. (Unlike Checkov's CKV_AWS_335, the task-level field is read, not a container field.)",
    risk: "With the host's PID namespace a container sees every process on the instance and, with enough privilege, can signal or trace them, breaking isolation between tasks.",
    remediation: Remediation {
        text: "Remove `pidMode` or set it to `task` (`none` for a daemon task definition), and register a new revision.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # without \"pidMode\": \"host\"",
        cloudformation: "PidMode: task",
        terraform: "pid_mode = \"task\"",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3",
    ],
    compliance: &[
        fsbp("ECS.3"),
        config_rule("ecs-task-definition-pid-mode-check"),
        nist("AC-2(1)"),
        nist("AC-3"),
        nist("AC-3(15)"),
        nist("AC-3(7)"),
        nist("AC-5"),
        nist("AC-6"),
        soc2("CC6.1"),
        cis("5.15"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "host",
            expect: Status::Failed,
            json: r#"{"family":"a","pidMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "task",
            expect: Status::Passed,
            json: r#"{"family":"a","pidMode":"task","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "absent",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","pidMode":"host"}]}"#,
        },
        Example {
            name: "daemon shared",
            expect: Status::Failed,
            json: r#"{"daemonTaskDefinition":{"daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","pidMode":"shared","containerDefinitions":[{"name":"agent","image":"public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300"}]}}"#,
        },
        Example {
            name: "daemon none",
            expect: Status::Passed,
            json: r#"{"daemonTaskDefinition":{"daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","pidMode":"none","containerDefinitions":[{"name":"agent","image":"public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.pid_mode_is_host() {
        let mode = td.pid_mode.as_deref().unwrap_or_default();
        let mut evidence = vec![format!("pidMode = {mode}")];
        if td.daemon {
            evidence.push("a daemon with `shared` joins the host's PID namespace".to_owned());
        }
        Outcome::failed(evidence)
    } else {
        Outcome::Passed
    }
}

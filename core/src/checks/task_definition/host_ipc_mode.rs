use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD07",
    slug: "host-ipc-mode",
    title: "ECS task definitions should not share the host's IPC namespace",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Checks the task-level `ipcMode`. Fails when it is `host`; `task`, `none` or absent passes. A daemon task definition (ECS Managed Daemons) fails with `shared`, which joins the host's IPC namespace; `none` or absent passes. No Security Hub control covers this.",
    risk: "The host's IPC namespace exposes shared memory segments, semaphores and message queues of every process on the instance to the container.",
    remediation: Remediation {
        text: "Remove `ipcMode` or set it to `task` or `none` (`none` for a daemon task definition), and register a new revision.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # without \"ipcMode\": \"host\"",
        cloudformation: "IpcMode: task",
        terraform: "ipc_mode = \"task\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_ipcmode",
    ],
    compliance: &[
        nist("AC-3"),
        nist("AC-6"),
        nist("SC-4"),
        soc2("CC6.1"),
        cis("5.16"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "host",
            expect: Status::Failed,
            json: r#"{"family":"a","ipcMode":"host","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "none",
            expect: Status::Passed,
            json: r#"{"family":"a","ipcMode":"none","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "absent",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "daemon shared",
            expect: Status::Failed,
            json: r#"{"daemonTaskDefinition":{"daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","ipcMode":"shared","containerDefinitions":[{"name":"agent","image":"public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300"}]}}"#,
        },
        Example {
            name: "daemon none",
            expect: Status::Passed,
            json: r#"{"daemonTaskDefinition":{"daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","ipcMode":"none","containerDefinitions":[{"name":"agent","image":"public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.ipc_mode_is_host() {
        let mode = td.ipc_mode.as_deref().unwrap_or_default();
        let mut evidence = vec![format!("ipcMode = {mode}")];
        if td.daemon {
            evidence.push("a daemon with `shared` joins the host's IPC namespace".to_owned());
        }
        Outcome::failed(evidence)
    } else {
        Outcome::Passed
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "DM01",
    slug: "daemon-ecs-exec-enabled",
    title: "ECS Managed Daemons should not keep ECS Exec enabled",
    severity: Severity::Medium,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when any revision the daemon runs now (`currentRevisions`, read with `DescribeDaemonRevisions`) has `enableExecuteCommand` true (absent is ECS's default, false). A revision that could not be read makes the check NOT_AVAILABLE unless another one already fails. The evidence says whether the cluster logs exec sessions and encrypts them with KMS. A daemon runs on every instance of its capacity providers, so ECS Exec on a daemon opens a shell next to every workload of those instances. No Security Hub control, AWS Config rule or other scanner looks at daemons.",
    risk: "ECS Exec gives an interactive shell in the daemon's containers to anyone with ecs:ExecuteCommand. Daemons are often monitoring or security agents with host mounts and wide roles, on every instance; without session logging nothing records what was done.",
    remediation: Remediation {
        text: "Update the daemon with ECS Exec disabled and enable it only for a time-boxed investigation; if it must stay on, restrict ecs:ExecuteCommand by tag and log and encrypt sessions at the cluster.",
        cli: "aws ecs update-daemon --daemon-arn DAEMON_ARN --daemon-task-definition-arn DAEMON_TASK_DEFINITION_ARN --capacity-provider-arns CAPACITY_PROVIDER_ARN --disable-execute-command",
        cloudformation: "Type: AWS::ECS::Daemon\nProperties:\n  EnableExecuteCommand: false",
        terraform: "resource \"aws_ecs_daemon\" \"this\" {\n  enable_execute_command = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html",
    ],
    compliance: &[
        nist("AC-6"),
        nist("AC-17"),
        nist("AU-12"),
        pci("7.2.1"),
        hipaa("164.312(b)"),
    ],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "exec on",
            expect: Status::Failed,
            json: r#"{"files":{"daemon.json":{"daemon":{"daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/prod/agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","currentRevisions":[{"arn":"arn:aws:ecs:us-east-1:111122223333:daemon-revision/prod/agent/1","totalRunningCount":3}]}},"revisions.json":{"daemonRevisions":[{"daemonRevisionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-revision/prod/agent/1","daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/prod/agent","daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","enableExecuteCommand":true}],"failures":[]}}}"#,
        },
        Example {
            name: "exec off",
            expect: Status::Passed,
            json: r#"{"files":{"daemon.json":{"daemon":{"daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/prod/agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","currentRevisions":[{"arn":"arn:aws:ecs:us-east-1:111122223333:daemon-revision/prod/agent/1","totalRunningCount":3}]}},"revisions.json":{"daemonRevisions":[{"daemonRevisionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-revision/prod/agent/1","daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/prod/agent","daemonTaskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:daemon-task-definition/agent:1","enableExecuteCommand":false}],"failures":[]}}}"#,
        },
        Example {
            name: "revision not read",
            expect: Status::NotAvailable,
            json: r#"{"daemon":{"daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/prod/agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","currentRevisions":[{"arn":"arn:aws:ecs:us-east-1:111122223333:daemon-revision/prod/agent/1","totalRunningCount":3}]}}"#,
        },
    ],
    evaluator: Evaluator::Daemon(eval),
};

fn eval(v: &DaemonView<'_>, _: &Options) -> Outcome {
    let mut on = Vec::new();
    let mut unread = Vec::new();
    for (arn, revision) in &v.revisions {
        match revision.map(|r| r.enable_execute_command) {
            Some(Some(true)) => on.push(*arn),
            // Read without the field: ECS's default, off (as CreateDaemon has it).
            Some(Some(false)) | Some(None) => {}
            None => unread.push(*arn),
        }
    }
    if on.is_empty() {
        if !unread.is_empty() {
            return Outcome::unknown(format!(
                "daemon revision(s) not read: {}",
                unread.join(", ")
            ));
        }
        if v.revisions.is_empty() {
            return Outcome::na("the daemon runs no revision");
        }
        return Outcome::Passed;
    }
    let mut evidence: Vec<String> = on
        .iter()
        .map(|arn| format!("enableExecuteCommand = true on revision {arn}"))
        .collect();
    evidence.extend(crate::checks::support::exec_session_evidence(v.cluster));
    Outcome::failed(evidence)
}

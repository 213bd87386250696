use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{Cluster, ExecLogging};

pub static CHECK: Check = Check {
    id: "CL02",
    slug: "exec-logging-disabled",
    title: "ECS clusters should log ECS Exec sessions",
    severity: Severity::Medium,
    category: Category::Logging,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `configuration.executeCommandConfiguration.logging` is NONE. Absent configuration means DEFAULT (sessions logged through the task's awslogs configuration) and passes, unlike tools that report every cluster without the block.",
    risk: "Commands run through ECS Exec in production containers leave no audit trail.",
    remediation: Remediation {
        text: "Set exec logging to DEFAULT or OVERRIDE with an encrypted CloudWatch log group or S3 bucket.",
        cli: "aws ecs update-cluster --cluster CLUSTER --configuration 'executeCommandConfiguration={logging=OVERRIDE,kmsKeyId=KEY_ARN,logConfiguration={cloudWatchLogGroupName=/ecs/exec,cloudWatchEncryptionEnabled=true}}'",
        cloudformation: "Configuration:\n  ExecuteCommandConfiguration:\n    Logging: OVERRIDE\n    LogConfiguration:\n      CloudWatchLogGroupName: /ecs/exec\n      CloudWatchEncryptionEnabled: true",
        terraform: "configuration {\n  execute_command_configuration {\n    logging = \"OVERRIDE\"\n    log_configuration {\n      cloud_watch_log_group_name     = \"/ecs/exec\"\n      cloud_watch_encryption_enabled = true\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging",
    ],
    compliance: &[
        nist("AU-2"),
        nist("AU-12"),
        pci("10.2.1.2"),
        hipaa("164.312(b)"),
        soc2("CC7.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "NONE",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","configuration":{"executeCommandConfiguration":{"logging":"NONE"}}}]}"#,
        },
        Example {
            name: "absent means DEFAULT",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c"}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    if c.exec_logging() == ExecLogging::None {
        Outcome::failed(["executeCommandConfiguration.logging = NONE".to_owned()])
    } else {
        Outcome::Passed
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL03",
    slug: "exec-session-not-kms-encrypted",
    title: "ECS clusters should encrypt ECS Exec sessions with a customer managed KMS key",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `configuration.executeCommandConfiguration.kmsKeyId` is not set. The session channel is then protected by TLS only, not by a key the account controls and can audit.",
    risk: "Exec session data is not encrypted with a key whose use is logged in CloudTrail and whose access the account controls.",
    remediation: Remediation {
        text: "Create a customer managed KMS key, allow the task role kms:Decrypt on it, and set it as the cluster's exec KMS key.",
        cli: "aws ecs update-cluster --cluster CLUSTER --configuration 'executeCommandConfiguration={kmsKeyId=KEY_ARN,logging=DEFAULT}'",
        cloudformation: "Configuration:\n  ExecuteCommandConfiguration:\n    KmsKeyId: !Ref ExecKey",
        terraform: "configuration {\n  execute_command_configuration {\n    kms_key_id = aws_kms_key.exec.arn\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-encryption",
    ],
    compliance: &[
        nist("SC-8"),
        nist("SC-12"),
        nist("SC-13"),
        pci("4.2.1"),
        hipaa("164.312(e)(2)(ii)"),
        soc2("CC6.7"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no key",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c"}]}"#,
        },
        Example {
            name: "key",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","configuration":{"executeCommandConfiguration":{"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}}}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    if c.exec_config()
        .and_then(|e| e.kms_key_id.as_deref())
        .is_some_and(|k| !k.trim().is_empty())
    {
        Outcome::Passed
    } else {
        Outcome::failed(["executeCommandConfiguration.kmsKeyId not set".to_owned()])
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{Cluster, ExecLogging};

pub static CHECK: Check = Check {
    id: "CL04",
    slug: "exec-log-not-encrypted",
    title: "ECS clusters should encrypt ECS Exec session logs",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "When exec logging is OVERRIDE, fails unless every configured destination enforces encryption: `cloudWatchEncryptionEnabled` for a CloudWatch log group, `s3EncryptionEnabled` for an S3 bucket (Checkov CKV_AWS_224 semantics, per destination). DEFAULT or NONE logging is NOT_APPLICABLE.",
    risk: "Exec session logs contain whatever operators typed and printed, often credentials; stored unencrypted they widen who can read them.",
    remediation: Remediation {
        text: "Encrypt the log group with a KMS key (or the bucket with SSE-KMS) and set the matching encryption flag in the cluster's exec log configuration.",
        cli: "aws ecs update-cluster --cluster CLUSTER --configuration 'executeCommandConfiguration={logging=OVERRIDE,kmsKeyId=KEY_ARN,logConfiguration={cloudWatchLogGroupName=/ecs/exec,cloudWatchEncryptionEnabled=true}}'",
        cloudformation: "LogConfiguration:\n  CloudWatchLogGroupName: /ecs/exec\n  CloudWatchEncryptionEnabled: true",
        terraform: "log_configuration {\n  cloud_watch_log_group_name     = \"/ecs/exec\"\n  cloud_watch_encryption_enabled = true\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandLogConfiguration.html",
    ],
    compliance: &[
        nist("AU-9"),
        nist("SC-28"),
        pci("10.3.2"),
        hipaa("164.312(a)(2)(iv)"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "cloudwatch unencrypted",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","configuration":{"executeCommandConfiguration":{"logging":"OVERRIDE","logConfiguration":{"cloudWatchLogGroupName":"/ecs/exec","cloudWatchEncryptionEnabled":false}}}}]}"#,
        },
        Example {
            name: "cloudwatch encrypted",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","configuration":{"executeCommandConfiguration":{"logging":"OVERRIDE","logConfiguration":{"cloudWatchLogGroupName":"/ecs/exec","cloudWatchEncryptionEnabled":true}}}}]}"#,
        },
        Example {
            name: "default logging",
            expect: Status::NotApplicable,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c"}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    if c.exec_logging() != ExecLogging::Override {
        return Outcome::na("exec logging is not OVERRIDE");
    }
    let Some(lc) = c.exec_config().and_then(|e| e.log_configuration.as_ref()) else {
        return Outcome::failed(["logging = OVERRIDE without a log configuration".to_owned()]);
    };
    let mut evidence = Vec::new();
    if lc.cloud_watch_log_group_name.is_some() && lc.cloud_watch_encryption_enabled != Some(true) {
        evidence.push("CloudWatch exec log group without cloudWatchEncryptionEnabled".to_owned());
    }
    if lc.s3_bucket_name.is_some() && lc.s3_encryption_enabled != Some(true) {
        evidence.push("S3 exec log bucket without s3EncryptionEnabled".to_owned());
    }
    if lc.cloud_watch_log_group_name.is_none() && lc.s3_bucket_name.is_none() {
        evidence.push("logging = OVERRIDE without a CloudWatch log group or S3 bucket".to_owned());
    }
    Outcome::fail_if_any(evidence)
}

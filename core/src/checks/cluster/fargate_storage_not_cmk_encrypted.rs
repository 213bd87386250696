use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL08",
    slug: "fargate-storage-not-cmk-encrypted",
    title: "ECS clusters should encrypt Fargate ephemeral storage with a customer managed key",
    severity: Severity::Low,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId` is not set. Off by default: Fargate ephemeral storage is always encrypted with an AWS owned key; enable this where policy requires customer managed keys for data at rest.",
    risk: "With an AWS owned key the account cannot audit or revoke access to data written to task storage.",
    remediation: Remediation {
        text: "Create a KMS key whose policy allows Fargate to use it and set it as the cluster's Fargate ephemeral storage key.",
        cli: "aws ecs update-cluster --cluster CLUSTER --configuration 'managedStorageConfiguration={fargateEphemeralStorageKmsKeyId=KEY_ARN}'",
        cloudformation: "Configuration:\n  ManagedStorageConfiguration:\n    FargateEphemeralStorageKmsKeyId: !Ref StorageKey",
        terraform: "configuration {\n  managed_storage_configuration {\n    fargate_ephemeral_storage_kms_key_id = aws_kms_key.storage.arn\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-storage-encryption.html",
    ],
    compliance: &[
        nist("SC-28"),
        nist("SC-12"),
        pci("3.5.1"),
        hipaa("164.312(a)(2)(iv)"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: false,
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
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","configuration":{"managedStorageConfiguration":{"fargateEphemeralStorageKmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}}}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    let key = c
        .configuration
        .as_ref()
        .and_then(|x| x.managed_storage_configuration.as_ref())
        .and_then(|m| m.fargate_ephemeral_storage_kms_key_id.as_deref());
    if key.is_some_and(|k| !k.trim().is_empty()) {
        Outcome::Passed
    } else {
        Outcome::failed([
            "managedStorageConfiguration.fargateEphemeralStorageKmsKeyId not set".to_owned(),
        ])
    }
}

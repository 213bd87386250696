use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::load_balancing::Read;

pub static CHECK: Check = Check {
    id: "AC01",
    slug: "ebs-encryption-by-default-disabled",
    title: "EBS encryption by default should be enabled where ECS container instances run",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Evaluated once per account and region that has ECS container instances (EC2 capacity): fails when `EbsEncryptionByDefault` is false (`aws ec2 get-ebs-encryption-by-default`), Security Hub EC2.7. The resource is the account (`AwsAccount`, `AWS::::Account:<id>`), not each instance. It is evaluated only where the scan read container instances (a scan of task definitions or Fargate services alone judges no account; Fargate storage is encrypted by AWS), and archived when a region scan lists every cluster's container instances and finds none. NOT_AVAILABLE when the setting was not read or the call was refused; the AWS error code is named.",
    risk: "Every EBS volume created in the region without an explicit encryption flag, including the root and data volumes of instances an Auto Scaling group launches for ECS capacity, is stored unencrypted; image layers, container writable layers and logs on them can be read from a snapshot or a detached volume.",
    remediation: Remediation {
        text: "Enable EBS encryption by default in every region that runs ECS container instances, then replace the instances so their volumes are recreated encrypted (existing volumes cannot be encrypted in place).",
        cli: "aws ec2 enable-ebs-encryption-by-default --region REGION",
        cloudformation: "# EBS encryption by default is an account-region setting with no CloudFormation resource;\n# set it once per region with the CLI or Terraform, and set Encrypted: true in launch templates.",
        terraform: "resource \"aws_ebs_encryption_by_default\" \"on\" {\n  enabled = true\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7",
        "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    ],
    compliance: &[
        fsbp("EC2.7"),
        config_rule("ec2-ebs-encryption-by-default"),
        nist("SC-28"),
        nist("SC-28(1)"),
        pci("3.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "disabled where container instances run",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"EbsEncryptionByDefault":false,"SseType":"sse-ebs"}"#,
        },
        Example {
            name: "enabled",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"EbsEncryptionByDefault":true,"SseType":"sse-ebs"}"#,
        },
        Example {
            name: "setting not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]}"#,
        },
        Example {
            name: "the call was refused",
            expect: Status::NotAvailable,
            json: r#"{"files":{"container-instances.json":{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]},"ebs-encryption-by-default.json":{"Code":"UnauthorizedOperation","Message":"You are not authorized to perform this operation."}}}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::Ec2Capacity,
        source: crate::model::account::EBS_DEFAULT_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    // The engine judges the account only where container instances run.
    match &v.settings.ebs_encryption_by_default {
        None => Outcome::unknown(
            "not read: EBS encryption by default (aws ec2 get-ebs-encryption-by-default)"
                .to_owned(),
        ),
        Some(Read::Error(e)) => Outcome::unknown(format!(
            "not read: EBS encryption by default (ec2:GetEbsEncryptionByDefault: {})",
            e.code
        )),
        Some(Read::Answered(s)) => match s.ebs_encryption_by_default {
            Some(true) => Outcome::Passed,
            Some(false) => Outcome::failed(vec![format!(
                "EBS encryption by default is disabled in {}, where ECS container instances run: volumes created without an explicit encryption setting are not encrypted",
                v.region
            )]),
            None => Outcome::unknown(
                "not read: EBS encryption by default (the output has no EbsEncryptionByDefault)"
                    .to_owned(),
            ),
        },
    }
}

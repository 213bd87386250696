use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};
use crate::model::logs::GroupLookup;

pub static CHECK: Check = Check {
    id: "TD53",
    slug: "log-group-not-kms-encrypted",
    title: "The CloudWatch Logs groups ECS containers write to should be encrypted with a KMS key",
    severity: Severity::Low,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a log group the latest ACTIVE revisions' containers write to (`awslogs`, or FireLens `cloudwatch_logs`) has no `kmsKeyId`: its events are encrypted only with a key CloudWatch Logs owns. A group the driver will create is created without a key and fails too. The key's policy must allow `logs.<region>.amazonaws.com` with the `kms:EncryptionContext:aws:logs:arn` condition. A group in another region, or not read, is NOT_AVAILABLE.",
    risk: "Container output often carries tokens, personal data and request payloads; without a customer managed key the account cannot restrict or audit who decrypts it, nor revoke access by disabling the key.",
    remediation: Remediation {
        text: "Associate a customer managed KMS key with the group (new events are encrypted with it).",
        cli: "aws logs associate-kms-key --log-group-name /ecs/web --kms-key-id arn:aws:kms:us-east-1:111122223333:key/...",
        cloudformation: "WebLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    LogGroupName: /ecs/web\n    KmsKeyId: !GetAtt LogsKey.Arn",
        terraform: "resource \"aws_cloudwatch_log_group\" \"web\" {\n  name       = \"/ecs/web\"\n  kms_key_id = aws_kms_key.logs.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    ],
    compliance: &[
        config_rule("cloudwatch-log-group-encrypted"),
        nist("SC-12"),
        nist("SC-28"),
        pci("3.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no key",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*","retentionInDays":400}]}}}"#,
        },
        Example {
            name: "a KMS key",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*","kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}}}"#,
        },
        Example {
            name: "created by the driver, without a key",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-create-group":"true","awslogs-stream-prefix":"app"}}}]}},
"log-group-%2Fecs%2Fweb.json":{"logGroups":[]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionLogs(eval),
};

fn eval(v: &LogView<'_>, _: &Options) -> Verdict {
    v.judge_groups(|d, lookup| match lookup {
        GroupLookup::Found(g) => match g.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
            Some(key) => Verdict::of(Outcome::Passed).related(vec![Related::new("AwsKmsKey", key)]),
            None => Verdict::of(Outcome::failed([
                "the log group has no KMS key: its events are encrypted only with a key CloudWatch Logs owns".to_owned(),
            ])),
        },
        GroupLookup::Absent if d.create => Verdict::of(Outcome::failed([format!(
            "the {} driver creates the missing log group without a KMS key",
            d.driver
        )])),
        GroupLookup::Absent => Verdict::of(Outcome::na("the log group does not exist")),
        GroupLookup::Unknown(why) => Verdict::of(Outcome::unknown(why.to_owned())),
    })
}

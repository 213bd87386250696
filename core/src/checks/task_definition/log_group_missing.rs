use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::logs::GroupLookup;

pub static CHECK: Check = Check {
    id: "TD51",
    slug: "log-group-missing",
    title: "The CloudWatch Logs groups ECS containers write to should exist",
    severity: Severity::Medium,
    category: Category::Logging,
    types: &[types::BEST_PRACTICES],
    description: "For each container of the latest ACTIVE revisions that writes to CloudWatch Logs (`awslogs` with `awslogs-group`, or FireLens with a `cloudwatch_logs` output and `log_group_name`), fails when a read of that very group (`describe-log-groups --log-group-name-prefix <group>`, kept as `log-group-<group>.json`) found no such group and the driver does not create it (`awslogs-create-group` / `auto_create_group` not `true`): tasks fail to start. A group the driver creates passes (it is created without retention or key, and the execution or instance role needs `logs:CreateLogGroup`: see TD52 and TD53). A group in another region than the scanned one, or not read, is NOT_AVAILABLE.",
    risk: "Tasks cannot start (the awslogs driver fails to create its stream), so a deployment stalls or a service scales to nothing; and what the containers print is never recorded.",
    remediation: Remediation {
        text: "Create the log group (with a retention and a KMS key) before deploying, or let the driver create it.",
        cli: "aws logs create-log-group --log-group-name /ecs/web --kms-key-id arn:aws:kms:us-east-1:111122223333:key/...\naws logs put-retention-policy --log-group-name /ecs/web --retention-in-days 365",
        cloudformation: "WebLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    LogGroupName: /ecs/web\n    RetentionInDays: 365\n    KmsKeyId: !GetAtt LogsKey.Arn",
        terraform: "resource \"aws_cloudwatch_log_group\" \"web\" {\n  name              = \"/ecs/web\"\n  retention_in_days = 365\n  kms_key_id        = aws_kms_key.logs.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html",
    ],
    compliance: &[nist("AU-9"), nist("AU-12"), pci("10.2.1"), soc2("CC7.2")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the group was looked up and does not exist",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"log-group-%2Fecs%2Fweb.json":{"logGroups":[]}}}"#,
        },
        Example {
            name: "the driver creates it",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-create-group":"true","awslogs-stream-prefix":"app"}}}]}},
"log-group-%2Fecs%2Fweb.json":{"logGroups":[]}}}"#,
        },
        Example {
            name: "it exists",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*","retentionInDays":400,"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}}}"#,
        },
        Example {
            name: "not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionLogs(eval),
};

fn eval(v: &LogView<'_>, _: &Options) -> Verdict {
    v.judge_groups(|d, lookup| match lookup {
        GroupLookup::Found(_) => Verdict::of(Outcome::Passed),
        GroupLookup::Absent if d.create => Verdict::of(Outcome::Passed),
        GroupLookup::Absent => Verdict::of(Outcome::failed([format!(
            "the log group does not exist and the {} driver does not create it: tasks cannot start",
            d.driver
        )])),
        GroupLookup::Unknown(why) => Verdict::of(Outcome::unknown(why.to_owned())),
    })
}

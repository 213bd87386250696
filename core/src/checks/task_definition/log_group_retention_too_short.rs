use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::logs::GroupLookup;

pub static CHECK: Check = Check {
    id: "TD52",
    slug: "log-group-retention-too-short",
    title: "The CloudWatch Logs groups ECS containers write to should keep events for at least a year",
    severity: Severity::Medium,
    category: Category::Logging,
    types: &[types::BEST_PRACTICES],
    description: "Security Hub CloudWatch.16 on the log groups of the latest ACTIVE revisions' containers (`awslogs`, or FireLens `cloudwatch_logs`): fails when `retentionInDays` is below `min_log_retention_days` (default 365, the control's default). A group without retention never expires its events and passes, as under the control (AWS Config marks it compliant). A group the driver will create (missing, create-group `true`) is created without retention and is not applicable until it exists. A group in another region, or not read, is NOT_AVAILABLE.",
    risk: "Events expire before an incident is found and investigated: the container output an investigation needs (and audits such as PCI DSS 10.5.1 require for a year) is gone.",
    remediation: Remediation {
        text: "Set a retention of at least the minimum on the group (or remove the retention to keep events indefinitely).",
        cli: "aws logs put-retention-policy --log-group-name /ecs/web --retention-in-days 365",
        cloudformation: "WebLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    LogGroupName: /ecs/web\n    RetentionInDays: 365",
        terraform: "resource \"aws_cloudwatch_log_group\" \"web\" {\n  name              = \"/ecs/web\"\n  retention_in_days = 365\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention",
    ],
    compliance: &[
        fsbp("CloudWatch.16"),
        config_rule("cw-loggroup-retention-period-check"),
        nist("AU-11"),
        nist("SI-12"),
        pci("10.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "min_log_retention_days",
        default: "365",
        doc: "the shortest retention a container log group may have (1-3653)",
    }],
    examples: &[
        Example {
            name: "90 days",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*","retentionInDays":90}]}}}"#,
        },
        Example {
            name: "never expires",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*"}]}}}"#,
        },
        Example {
            name: "two years",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"groups.json":{"logGroups":[{"logGroupName":"/ecs/web","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:*","retentionInDays":731}]}}}"#,
        },
        Example {
            name: "the read was refused",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}]}},
"log-group-%2Fecs%2Fweb.json":{"Code":"AccessDeniedException","Message":"not authorized to perform: logs:DescribeLogGroups"}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionLogs(eval),
};

fn eval(v: &LogView<'_>, opts: &Options) -> Verdict {
    let min = i64::from(opts.min_log_retention_days);
    v.judge_groups(|_, lookup| match lookup {
        GroupLookup::Found(g) => match g.retention_in_days {
            Some(days) if days < min => Verdict::of(Outcome::failed([format!(
                "the log group keeps events {days} days, less than {min}"
            )])),
            _ => Verdict::of(Outcome::Passed),
        },
        GroupLookup::Absent => Verdict::of(Outcome::na("the log group does not exist yet")),
        GroupLookup::Unknown(why) => Verdict::of(Outcome::unknown(why.to_owned())),
    })
}

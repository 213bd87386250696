use crate::checks::support::references::Target;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::secrets::Lookup;
use crate::render::time::{date, parse_timestamp_ms};

const DAY_MS: i64 = 86_400_000;

pub static CHECK: Check = Check {
    id: "TD58",
    slug: "secret-not-rotated-recently",
    title: "The Secrets Manager secrets ECS containers take should have rotated recently",
    severity: Severity::Medium,
    category: Category::Secrets,
    types: &[types::FSBP],
    description: "Security Hub SecretsManager.4 on the secrets the latest ACTIVE revisions' containers take (`secrets`, log `secretOptions`, `repositoryCredentials`): fails when `LastRotatedDate` is more than `max_days_since_rotation` days (default 90, the control's default; 1-180) before the scan, and when a secret never rotated was created longer ago than that (`CreatedDate`; a younger secret passes). Rotation that is enabled but failing shows here, not in TD55. The evidence gives the date, not an age, so it does not change from one day to the next. The scan's clock is the Lambda's or the CLI's; without one (a library evaluation) and for a secret whose dates were not returned, NOT_AVAILABLE. Systems Manager parameters do not rotate and are not applicable; a secret in another account or region, or not read, is NOT_AVAILABLE.",
    risk: "A secret whose rotation stopped (its function fails, its schedule was removed) keeps the same credential for months while TD55 still shows rotation enabled: a leaked value stays valid and nobody is told that rotation broke.",
    remediation: Remediation {
        text: "Find why rotation stopped (the rotation function's logs, `aws secretsmanager describe-secret`), fix it and rotate now; then force new deployments so that tasks pick up the new value.",
        cli: "aws secretsmanager rotate-secret --secret-id prod/db",
        cloudformation: "DbSecretRotation:\n  Type: AWS::SecretsManager::RotationSchedule\n  Properties:\n    SecretId: !Ref DbSecret\n    RotationLambdaARN: !GetAtt RotateDb.Arn\n    RotationRules:\n      AutomaticallyAfterDays: 30",
        terraform: "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id           = aws_secretsmanager_secret.db.id\n  rotation_lambda_arn = aws_lambda_function.rotate_db.arn\n  rotation_rules { automatically_after_days = 30 }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-4",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html",
    ],
    compliance: &[
        fsbp("SecretsManager.4"),
        config_rule("secretsmanager-secret-periodic-rotation"),
        nist("IA-5(1)"),
        pci("8.3.9"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "max_days_since_rotation",
        default: "90",
        doc: "the most days a container's secret may go without rotating (1-180; Security Hub's maxDaysSinceRotation)",
    }],
    examples: &[
        Example {
            name: "rotation enabled but last done long ago",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true,"LastRotatedDate":"2026-03-01T02:00:00+00:00","CreatedDate":"2025-01-01T00:00:00+00:00"}}}"#,
        },
        Example {
            name: "rotated last month",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true,"LastRotatedDate":"2026-11-10T02:00:00Z","CreatedDate":"2025-01-01T00:00:00Z"}}}"#,
        },
        Example {
            name: "never rotated, created a year ago",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":false,"CreatedDate":1764547200.0}}}"#,
        },
        Example {
            name: "never rotated, created last week",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","CreatedDate":"2026-11-24T09:30:00.000Z"}}}"#,
        },
        Example {
            name: "no dates returned",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionSecrets(eval),
};

fn eval(v: &SecretView<'_>, opts: &Options) -> Verdict {
    let max_days = i64::from(opts.max_days_since_rotation);
    v.judge_references(|t| match t {
        Target::Secret(_, Lookup::Found(s)) => {
            let Some(now) = v.now_ms else {
                return Verdict::of(Outcome::unknown(
                    "not read: the scan's clock (a rotation's age needs one)".to_owned(),
                ));
            };
            let at = |d: &Option<serde_json::Value>| d.as_ref().and_then(parse_timestamp_ms);
            let too_old = |t: i64| now - t > max_days * DAY_MS;
            match (at(&s.last_rotated_date), at(&s.created_date)) {
                (Some(last), _) if too_old(last) => Verdict::of(Outcome::failed([format!(
                    "the secret last rotated on {}, more than {max_days} days before the scan{}",
                    date(last),
                    if s.rotation_enabled == Some(true) {
                        ": rotation is enabled but is not happening"
                    } else {
                        ""
                    }
                )])),
                (Some(_), _) => Verdict::of(Outcome::Passed),
                (None, Some(created)) if too_old(created) => Verdict::of(Outcome::failed([format!(
                    "the secret has never rotated since its creation on {}, more than {max_days} days before the scan",
                    date(created)
                )])),
                (None, Some(_)) => Verdict::of(Outcome::Passed),
                (None, None) => Verdict::of(Outcome::unknown(
                    "not read: the secret's LastRotatedDate and CreatedDate (absent from describe-secret)"
                        .to_owned(),
                )),
            }
        }
        Target::Secret(_, Lookup::Absent) => Verdict::of(Outcome::na("the secret does not exist")),
        Target::Secret(_, Lookup::Unknown(why)) => Verdict::of(Outcome::unknown((*why).to_owned())),
        Target::Parameter(..) => {
            Verdict::of(Outcome::na("Systems Manager parameters do not rotate"))
        }
    })
}

use crate::checks::support::references::Target;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::secrets::Lookup;

pub static CHECK: Check = Check {
    id: "TD55",
    slug: "secret-rotation-disabled",
    title: "The Secrets Manager secrets ECS containers take should rotate automatically",
    severity: Severity::Medium,
    category: Category::Secrets,
    types: &[types::FSBP],
    description: "Security Hub SecretsManager.1 on the secrets the latest ACTIVE revisions' containers take (`secrets`, log `secretOptions`, `repositoryCredentials`, and `/aws/reference/secretsmanager/` parameters): fails when `RotationEnabled` is not true, as under the control (a secret owned by a service, such as RDS, is named in the evidence). Tasks read a secret when they start: after a rotation, running tasks keep the old value until they are replaced. Systems Manager parameters do not rotate and are not applicable. A secret in another account or region, or not read, is NOT_AVAILABLE.",
    risk: "A credential that never changes stays valid after it leaks (through a log, an image layer or a former employee) for as long as the secret lives.",
    remediation: Remediation {
        text: "Turn on rotation with a rotation function (or a managed rotation), then force new deployments so that tasks pick up the new value.",
        cli: "aws secretsmanager rotate-secret --secret-id prod/db --rotation-lambda-arn arn:aws:lambda:us-east-1:111122223333:function:rotate-db --rotation-rules AutomaticallyAfterDays=30",
        cloudformation: "DbSecretRotation:\n  Type: AWS::SecretsManager::RotationSchedule\n  Properties:\n    SecretId: !Ref DbSecret\n    RotationLambdaARN: !GetAtt RotateDb.Arn\n    RotationRules:\n      AutomaticallyAfterDays: 30",
        terraform: "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id           = aws_secretsmanager_secret.db.id\n  rotation_lambda_arn = aws_lambda_function.rotate_db.arn\n  rotation_rules { automatically_after_days = 30 }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
    ],
    compliance: &[
        fsbp("SecretsManager.1"),
        config_rule("secretsmanager-rotation-enabled-check"),
        nist("IA-5(1)"),
        pci("8.3.9"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "rotation off",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":false}}}"#,
        },
        Example {
            name: "rotation on",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true,"RotationRules":{"AutomaticallyAfterDays":30}}}}"#,
        },
        Example {
            name: "a parameter",
            expect: Status::NotApplicable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}},
"ssm-parameter-%2Fprod%2Fapi%2Ftoken.json":{"Parameters":[{"Name":"/prod/api/token","Type":"SecureString","KeyId":"alias/aws/ssm"}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionSecrets(eval),
};

fn eval(v: &SecretView<'_>, _: &Options) -> Verdict {
    v.judge_references(|t| match t {
        Target::Secret(_, Lookup::Found(s)) => match s.rotation_enabled {
            Some(true) => Verdict::of(Outcome::Passed),
            _ => Verdict::of(Outcome::failed([format!(
                "automatic rotation is not enabled on the secret{}",
                s.owning_service
                    .as_deref()
                    .map(|o| format!(" (owned by {o})"))
                    .unwrap_or_default()
            )])),
        },
        Target::Secret(_, Lookup::Absent) => Verdict::of(Outcome::na("the secret does not exist")),
        Target::Secret(_, Lookup::Unknown(why)) => Verdict::of(Outcome::unknown((*why).to_owned())),
        Target::Parameter(..) => {
            Verdict::of(Outcome::na("Systems Manager parameters do not rotate"))
        }
    })
}

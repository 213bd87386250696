use crate::checks::support::references::Target;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::secrets::Lookup;

pub static CHECK: Check = Check {
    id: "TD54",
    slug: "secret-reference-unresolvable",
    title: "The secrets and parameters ECS containers reference should exist",
    severity: Severity::High,
    category: Category::Secrets,
    types: &[types::BEST_PRACTICES],
    description: "For each secret the latest ACTIVE revisions' containers take (`secrets`, log `secretOptions`, `repositoryCredentials`), fails when the Secrets Manager secret is scheduled for deletion (`DeletedDate`) or was not found (`describe-secret` answered `ResourceNotFoundException`, kept as `secret-<name>.json`), or when the Systems Manager parameter is missing (a `describe-parameters` read of that very name, kept as `ssm-parameter-<name>.json`, without it): tasks fail to start. `/aws/reference/secretsmanager/<id>` parameters are judged as the secret. Only metadata is read: never a secret value. A reference to another account or region, or not read, is NOT_AVAILABLE.",
    risk: "Tasks fail at start (ResourceInitializationError): a deployment or a scale-out stops, and a service whose tasks are replaced runs down to nothing.",
    remediation: Remediation {
        text: "Restore the secret (cancel its deletion) or create the parameter, or point the task definition at the secret that replaced it.",
        cli: "aws secretsmanager restore-secret --secret-id prod/db",
        cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
        terraform: "secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
    ],
    compliance: &[nist("CP-10"), nist("SC-28"), soc2("A1.2")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "a secret scheduled for deletion",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true,"DeletedDate":"2026-11-20T10:00:00+00:00"}}}"#,
        },
        Example {
            name: "a parameter that does not exist",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}},
"ssm-parameter-%2Fprod%2Fapi%2Ftoken.json":{"Parameters":[]}}}"#,
        },
        Example {
            name: "both exist",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true}}}"#,
        },
        Example {
            name: "not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionSecrets(eval),
};

fn eval(v: &SecretView<'_>, _: &Options) -> Verdict {
    v.judge_references(|t| match t {
        Target::Secret(_, Lookup::Found(s))
            if s.deleted_date.as_ref().is_some_and(|d| !d.is_null()) =>
        {
            Verdict::of(Outcome::failed([
                "the secret is scheduled for deletion: tasks cannot start".to_owned(),
            ]))
        }
        Target::Secret(_, Lookup::Found(_)) | Target::Parameter(_, Lookup::Found(_)) => {
            Verdict::of(Outcome::Passed)
        }
        Target::Secret(id, Lookup::Absent) => Verdict::of(Outcome::failed([format!(
            "the secret {id} does not exist: tasks cannot start"
        )])),
        Target::Parameter(name, Lookup::Absent) => Verdict::of(Outcome::failed([format!(
            "the parameter {name} does not exist: tasks cannot start"
        )])),
        Target::Secret(_, Lookup::Unknown(why)) | Target::Parameter(_, Lookup::Unknown(why)) => {
            Verdict::of(Outcome::unknown((*why).to_owned()))
        }
    })
}

use crate::checks::support::references::Target;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::secrets::Lookup;

pub static CHECK: Check = Check {
    id: "TD57",
    slug: "secret-in-plaintext-parameter",
    title: "ECS containers should not take secrets from plain-text Systems Manager parameters",
    severity: Severity::Medium,
    category: Category::Secrets,
    types: &[types::BEST_PRACTICES, types::SENSITIVE],
    description: "Fails when a Systems Manager parameter the latest ACTIVE revisions' containers take as a secret (`secrets`, log `secretOptions`) has `Type` `String` or `StringList` (from `describe-parameters`, which returns no value): ECS injects it like a secret, but it is stored and shown in plain text. `SecureString` passes (a note on its key is TD56's). Secrets Manager references are not applicable. A parameter in another account or region, or not read, is NOT_AVAILABLE.",
    risk: "Anyone with ssm:GetParameter or console access to Parameter Store reads the value in clear, it is not encrypted at rest with a key the account controls, and it appears in parameter history and in change events.",
    remediation: Remediation {
        text: "Store the value as a SecureString (or in Secrets Manager) under a new name and point the task definition at it; then delete the plain-text parameter.",
        cli: "aws ssm put-parameter --name /prod/api/token-secure --type SecureString --key-id alias/app-secrets --value file://token.txt",
        cloudformation: "# CloudFormation cannot create SecureString parameters: create it with the CLI or use AWS::SecretsManager::Secret",
        terraform: "resource \"aws_ssm_parameter\" \"token\" {\n  name   = \"/prod/api/token\"\n  type   = \"SecureString\"\n  key_id = aws_kms_key.secrets.arn\n  value  = var.token\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html",
    ],
    compliance: &[nist("SC-28"), nist("IA-5(7)"), pci("3.5.1"), pci("8.3.2")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "a String parameter used as a secret",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}},
"params.json":{"Parameters":[{"Name":"/prod/api/token","ARN":"arn:aws:ssm:us-east-1:111122223333:parameter/prod/api/token","Type":"String","Tier":"Standard","DataType":"text"}]}}}"#,
        },
        Example {
            name: "a SecureString",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}},
"params.json":{"Parameters":[{"Name":"/prod/api/token","Type":"SecureString","KeyId":"alias/app-secrets"}]}}}"#,
        },
        Example {
            name: "a Secrets Manager secret",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionSecrets(eval),
};

fn eval(v: &SecretView<'_>, _: &Options) -> Verdict {
    v.judge_references(|t| match t {
        Target::Parameter(_, Lookup::Found(p)) => match p.kind.as_deref() {
            Some(k @ ("String" | "StringList")) => Verdict::of(Outcome::failed([format!(
                "the parameter is a {k}: its value is stored and shown in plain text"
            )])),
            Some(_) => Verdict::of(Outcome::Passed),
            None => Verdict::of(Outcome::unknown("the parameter's Type was not returned")),
        },
        Target::Parameter(_, Lookup::Absent) => {
            Verdict::of(Outcome::na("the parameter does not exist"))
        }
        Target::Parameter(_, Lookup::Unknown(why)) => {
            Verdict::of(Outcome::unknown((*why).to_owned()))
        }
        Target::Secret(..) => Verdict::of(Outcome::na("a Secrets Manager secret, encrypted")),
    })
}

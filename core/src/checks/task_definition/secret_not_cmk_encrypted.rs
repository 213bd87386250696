use crate::checks::support::references::Target;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};
use crate::model::secrets::Lookup;

pub static CHECK: Check = Check {
    id: "TD56",
    slug: "secret-not-cmk-encrypted",
    title: "The secrets ECS containers take should be encrypted with a customer managed KMS key",
    severity: Severity::Low,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a Secrets Manager secret the latest ACTIVE revisions' containers take has no `KmsKeyId` (`describe-secret` omits it when the AWS managed key `aws/secretsmanager` encrypts the secret) or names `alias/aws/secretsmanager`, and when a `SecureString` parameter uses the AWS managed key (`KeyId` `alias/aws/ssm`). Plain-text parameters are TD57's. The execution role then needs `kms:Decrypt` on the customer managed key. A reference in another account or region, or not read, is NOT_AVAILABLE.",
    risk: "With an AWS managed key, any principal with the secret read permission can decrypt it: the key policy cannot restrict or audit who decrypts, and access cannot be cut by disabling the key.",
    remediation: Remediation {
        text: "Encrypt the secret with a customer managed key whose policy allows only the execution roles that need it.",
        cli: "aws secretsmanager update-secret --secret-id prod/db --kms-key-id arn:aws:kms:us-east-1:111122223333:key/...",
        cloudformation: "DbSecret:\n  Type: AWS::SecretsManager::Secret\n  Properties:\n    KmsKeyId: !GetAtt SecretsKey.Arn",
        terraform: "resource \"aws_secretsmanager_secret\" \"db\" {\n  name       = \"prod/db\"\n  kms_key_id = aws_kms_key.secrets.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
    ],
    compliance: &[
        config_rule("secretsmanager-using-cmk"),
        nist("SC-12"),
        nist("SC-28"),
        pci("3.6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the AWS managed key",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","RotationEnabled":true}}}"#,
        },
        Example {
            name: "a customer managed key",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::"}]}]}},
"secret.json":{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf","Name":"prod/db","KmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}"#,
        },
        Example {
            name: "a SecureString with the AWS managed key",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"API_TOKEN","valueFrom":"/prod/api/token"}]}]}},
"ssm-parameter-%2Fprod%2Fapi%2Ftoken.json":{"Parameters":[{"Name":"/prod/api/token","Type":"SecureString","KeyId":"alias/aws/ssm"}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionSecrets(eval),
};

fn eval(v: &SecretView<'_>, _: &Options) -> Verdict {
    v.judge_references(|t| match t {
        Target::Secret(_, Lookup::Found(s)) => {
            match s.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
                Some(k) if !k.ends_with("alias/aws/secretsmanager") => {
                    Verdict::of(Outcome::Passed).related(vec![Related::new("AwsKmsKey", k)])
                }
                _ => Verdict::of(Outcome::failed([
                    "the secret is encrypted with the AWS managed key aws/secretsmanager"
                        .to_owned(),
                ])),
            }
        }
        Target::Parameter(_, Lookup::Found(p)) => {
            let secure = p.kind.as_deref() == Some("SecureString");
            match p.key_id.as_deref() {
                _ if !secure => Verdict::of(Outcome::na("a plain-text parameter (see TD57)")),
                Some(k) if !k.is_empty() && !k.ends_with("alias/aws/ssm") => {
                    Verdict::of(Outcome::Passed)
                }
                _ => Verdict::of(Outcome::failed([
                    "the SecureString parameter is encrypted with the AWS managed key aws/ssm"
                        .to_owned(),
                ])),
            }
        }
        Target::Secret(_, Lookup::Absent) | Target::Parameter(_, Lookup::Absent) => {
            Verdict::of(Outcome::na("it does not exist"))
        }
        Target::Secret(_, Lookup::Unknown(why)) | Target::Parameter(_, Lookup::Unknown(why)) => {
            Verdict::of(Outcome::unknown((*why).to_owned()))
        }
    })
}

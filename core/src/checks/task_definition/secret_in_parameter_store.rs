use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD31",
    slug: "secret-in-parameter-store",
    title: "ECS container secrets should come from AWS Secrets Manager",
    severity: Severity::Low,
    category: Category::Secrets,
    types: &[types::BEST_PRACTICES],
    description: "Fails when a container's `secrets` or log `secretOptions` reference a Systems Manager parameter (an `arn:...:ssm:...:parameter/` ARN or a bare parameter name) instead of a Secrets Manager secret. Off by default: SecureString parameters are encrypted and acceptable to many teams; enable it where automatic rotation is required. Definitions without secrets are NOT_APPLICABLE.",
    risk: "Parameter Store has no built-in rotation, so such credentials tend to live for years.",
    remediation: Remediation {
        text: "Move the credential to AWS Secrets Manager, enable rotation, and reference the secret ARN in `valueFrom`.",
        cli: "aws secretsmanager create-secret --name app/db --secret-string file://secret.json\naws secretsmanager rotate-secret --secret-id app/db --rotation-lambda-arn arn:aws:lambda:...",
        cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
        terraform: "secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
    ],
    compliance: &[nist("IA-5(1)"), pci("8.3.9"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "parameter name",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"/prod/db/password"}]}]}"#,
        },
        Example {
            name: "secrets manager",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf:password::"}]}]}"#,
        },
        Example {
            name: "no secrets",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let mut any = false;
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        let log_secrets = c
            .log_configuration
            .iter()
            .flat_map(|l| l.secret_options.iter());
        for s in c.secrets.iter().chain(log_secrets) {
            let Some(from) = s.value_from.as_deref() else {
                continue;
            };
            any = true;
            if !from.contains(":secretsmanager:") {
                evidence.push(Evidence::container(
                    n,
                    format!(
                        "secret {} comes from Parameter Store",
                        s.name.as_deref().unwrap_or("(unnamed)")
                    ),
                ));
            }
        }
    }
    if !any {
        return Outcome::na("no secrets referenced");
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD08",
    slug: "secret-named-environment-variable",
    title: "Secrets should not be passed as container environment variables",
    severity: Severity::High,
    category: Category::Secrets,
    types: &[types::FSBP, types::SENSITIVE],
    description: "Fails when any container's `environment` has a variable whose name is exactly one of `secret_keys` (default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `ECS_ENGINE_AUTH_DATA`, as Security Hub ECS.8 fixes them). Names match case-sensitively, as Linux environments are; the value is irrelevant and never read. `environmentFiles` and `secrets` (Secrets Manager / Parameter Store references) are not environment values and are not flagged.",
    risk: "Environment values are plaintext in the task definition: anyone with ecs:DescribeTaskDefinition, the console, CloudTrail or a crash dump can read them, and they cannot be rotated without a new revision.",
    remediation: Remediation {
        text: "Store the credential in AWS Secrets Manager (or a SecureString parameter) and reference it in the container's `secrets` list; for AWS credentials, use a task IAM role instead of keys.",
        cli: "aws secretsmanager create-secret --name app/db --secret-string file://secret.json\n# then in the container definition: \"secrets\": [{\"name\": \"DB_PASSWORD\", \"valueFrom\": \"arn:aws:secretsmanager:...:secret:app/db\"}]",
        cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
        terraform: "secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
    ],
    compliance: &[
        fsbp("ECS.8"),
        config_rule("ecs-no-environment-secrets"),
        nist("IA-5(7)"),
        nist("SC-28"),
        pci("8.6.2"),
        hipaa("164.312(a)(2)(iv)"),
        soc2("CC6.1"),
        cis("4.10"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "secret_keys",
        default: "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA",
        doc: "environment variable names that must not appear",
    }],
    examples: &[
        Example {
            name: "AWS key in environment",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","environment":[{"name":"AWS_SECRET_ACCESS_KEY","value":"x"}]}]}"#,
        },
        Example {
            name: "lower-case name is a different variable",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","environment":[{"name":"aws_access_key_id","value":"x"}]}]}"#,
        },
        Example {
            name: "secrets reference",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","secrets":[{"name":"AWS_SECRET_ACCESS_KEY","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:k"}]}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        for var in &c.environment {
            if let Some(name) = var.name.as_deref()
                && opts.secret_keys.iter().any(|k| k.trim() == name)
            {
                evidence.push(Evidence::container(
                    n,
                    format!("environment variable {name}"),
                ));
            }
        }
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::support::secrets;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD09",
    slug: "credential-in-environment",
    title: "Container environment values and commands should not contain credentials",
    severity: Severity::Critical,
    category: Category::Secrets,
    types: &[types::SENSITIVE, types::BEST_PRACTICES],
    description: "Scans every container's `environment` values, `command` and `entryPoint` arguments and `dockerLabels` for credentials: values shaped like AWS access key IDs, private keys, GitHub/GitLab/Slack/Stripe/Google/npm/SendGrid/Twilio tokens, JWTs and URLs with embedded passwords, and literal values under secret-sounding names (PASSWORD, SECRET, TOKEN, API_KEY, ...). Placeholders (`${VAR}`, `{{ }}`, `<...>`), references (ARNs, paths, `*_FILE`), booleans and flags such as `MYSQL_ALLOW_EMPTY_PASSWORD=yes` are not reported. Evaluates every revision: a superseded revision still discloses its values to anyone who can describe it. Evidence names the container and variable; the value never leaves the process.",
    risk: "A credential in a task definition is readable by every principal with ecs:DescribeTaskDefinition, appears in CloudTrail and in CI logs, and survives in every old revision; it must be considered leaked.",
    remediation: Remediation {
        text: "Rotate the exposed credential first. Then move it to AWS Secrets Manager or a SecureString parameter, reference it from the container's `secrets`, register a new revision, and deregister (and delete) the revisions that carried it.",
        cli: "aws ecs deregister-task-definition --task-definition family:REVISION\naws ecs delete-task-definitions --task-definitions family:REVISION",
        cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
        terraform: "secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
    ],
    compliance: &[
        nist("IA-5(7)"),
        nist("SC-28"),
        nist("SC-12"),
        pci("8.3.2"),
        pci("8.6.2"),
        hipaa("164.312(a)(2)(iv)"),
        hipaa("164.312(d)"),
        soc2("CC6.1"),
        soc2("CC6.7"),
        cis("4.10"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::All,
    options: &[
        OptionDoc {
            key: "secret_name_words",
            default: "(none)",
            doc: "extra words that make a variable name secret-sounding",
        },
        OptionDoc {
            key: "secret_ignore_names",
            default: "(none)",
            doc: "variable names never reported",
        },
    ],
    examples: &[
        Example {
            name: "password literal",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","environment":[{"name":"DB_PASSWORD","value":"Sup3rS3cret!"}]}]}"#,
        },
        Example {
            name: "access key shape under any name",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","environment":[{"name":"KEY_A","value":"AKIAIOSFODNN7EXAMPLE"}]}]}"#,
        },
        Example {
            name: "password in a command",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","command":["run","--db","postgres://u:pa55word@db/app"]}]}"#,
        },
        Example {
            name: "flag named like a password",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"db","image":"mysql:8","environment":[{"name":"MYSQL_ALLOW_EMPTY_PASSWORD","value":"yes"},{"name":"KEYCLOAK_URL","value":"https://kc.example.com"}]}]}"#,
        },
        Example {
            name: "placeholder",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","environment":[{"name":"DB_PASSWORD","value":"${DB_PASSWORD}"}]}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        for var in &c.environment {
            let (Some(name), Some(value)) = (var.name.as_deref(), var.value.as_deref()) else {
                continue;
            };
            if let Some(kind) = secrets::classify(name, value, opts) {
                evidence.push(Evidence::container(
                    n,
                    format!("environment variable {name} holds {kind}"),
                ));
            }
        }
        for (field, args) in [("command", &c.command), ("entryPoint", &c.entry_point)] {
            for (i, arg) in args.iter().enumerate() {
                if let Some(kind) = secrets::classify_argument(arg, opts) {
                    evidence.push(Evidence::container(
                        n,
                        format!("{field} argument {} holds {kind}", i + 1),
                    ));
                }
            }
        }
        for (label, value) in &c.docker_labels {
            if let Some(kind) = secrets::classify(label, value, opts) {
                evidence.push(Evidence::container(
                    n,
                    format!("docker label {label} holds {kind}"),
                ));
            }
        }
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD26",
    slug: "health-check-missing",
    title: "Essential ECS containers should define a health check",
    severity: Severity::Low,
    category: Category::Monitoring,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an essential container (`essential` true or absent) has no `healthCheck` with a command.",
    risk: "Without a container health check ECS only notices that the process exited: a hung or hijacked container keeps receiving traffic and is never replaced.",
    remediation: Remediation {
        text: "Add a `healthCheck` whose command proves the application works (for example an HTTP probe of a health endpoint).",
        cli: "# container definition: \"healthCheck\": {\"command\": [\"CMD-SHELL\", \"curl -f http://localhost/health || exit 1\"], \"interval\": 30, \"retries\": 3}",
        cloudformation: "HealthCheck:\n  Command: [CMD-SHELL, \"curl -f http://localhost/health || exit 1\"]\n  Interval: 30\n  Retries: 3",
        terraform: "healthCheck = { command = [\"CMD-SHELL\", \"curl -f http://localhost/health || exit 1\"], interval = 30, retries = 3 }",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html"],
    compliance: &[nist("SI-4"), soc2("A1.2"), cis("5.26")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "essential without",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "non-essential sidecar without",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","healthCheck":{"command":["CMD","true"]}},{"name":"log","image":"fluent-bit:3","essential":false}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| {
                c.is_essential() && c.health_check.as_ref().is_none_or(|h| h.command.is_empty())
            })
            .map(|(n, _)| Evidence::container(n, "essential, no healthCheck"))
            .collect(),
    )
}

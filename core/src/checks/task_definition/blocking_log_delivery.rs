use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD11",
    slug: "blocking-log-delivery",
    title: "ECS containers should not block on log delivery",
    severity: Severity::Low,
    category: Category::Availability,
    types: &[types::BEST_PRACTICES],
    description: "For containers with a log driver, fails when `logConfiguration.options.mode` is explicitly `blocking`. An absent `mode` passes: since June 2025 ECS's default delivery mode is non-blocking (account setting `defaultLogDriverMode`), so unlike Prowler's check an unset mode is not reported. Task definitions without any logging container are NOT_APPLICABLE.",
    risk: "In blocking mode a slow or unavailable log destination stalls the application's writes to stdout/stderr, which can hang the container: an availability risk an attacker can trigger by flooding logs.",
    remediation: Remediation {
        text: "Set `mode` to `non-blocking` with a `max-buffer-size` suited to the log volume, or remove the explicit `blocking` mode.",
        cli: "# container definition: \"logConfiguration\": {\"logDriver\": \"awslogs\", \"options\": {\"mode\": \"non-blocking\", \"max-buffer-size\": \"25m\", ...}}",
        cloudformation: "LogConfiguration:\n  LogDriver: awslogs\n  Options:\n    mode: non-blocking\n    max-buffer-size: 25m",
        terraform: "logConfiguration = { logDriver = \"awslogs\", options = { mode = \"non-blocking\", \"max-buffer-size\" = \"25m\" } }",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_logconfiguration",
    ],
    compliance: &[nist("AU-5"), nist("SC-5"), soc2("A1.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "explicit blocking",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{"mode":"blocking"}}}]}"#,
        },
        Example {
            name: "mode absent",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs"}}]}"#,
        },
        Example {
            name: "no logging at all",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if containers(td).all(|(_, c)| c.log_driver().is_none()) {
        return Outcome::na("no container has a log driver");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| {
                c.log_driver().is_some()
                    && c.log_configuration
                        .as_ref()
                        .and_then(|l| l.options.mode.as_deref())
                        .is_some_and(|m| m.eq_ignore_ascii_case("blocking"))
            })
            .map(|(n, _)| Evidence::container(n, "log delivery mode = blocking"))
            .collect(),
    )
}

//! The Lambda function's job, independent of the runtime: route the event, scan, keep Security
//! Hub true, emit one CloudWatch Embedded Metric Format line, return a small summary. The
//! `bootstrap` binary wires it to the Lambda runtime with AWS adapters; `ecs-posture invoke` runs
//! it with local adapters.

use serde_json::{Value, json};
use tracing::{error, info, warn};

use crate::handler::{Handler, HandlerError, RunReport};
use crate::ports::{FindingSink, Inventory, Ledger, Notifier};
use crate::trigger::{self, Route};

/// Native ECS events for one service are collapsed to one scan per window.
pub const DEBOUNCE_MS: i64 = 60_000;

pub struct App<I, S, L, N> {
    pub handler: Handler<I, S, L, N>,
    pub debounce_ms: i64,
}

/// The CloudWatch Embedded Metric Format line for one scan.
pub fn emf(report: &RunReport, trigger: &str, error: Option<&str>, now_ms: i64) -> Value {
    let metric = |name: &str| json!({"Name": name, "Unit": "Count"});
    let f = report
        .summary
        .as_ref()
        .map(|s| s.failed_by_severity.clone())
        .unwrap_or_default();
    json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": "ecs-posture",
                "Dimensions": [["Trigger"]],
                "Metrics": [
                    metric("FailedCritical"), metric("FailedHigh"), metric("FailedMedium"), metric("FailedLow"),
                    metric("Imported"), metric("Archived"), metric("Alerted"), metric("EcsApiCalls"), metric("Errors"),
                    {"Name": "DurationMs", "Unit": "Milliseconds"},
                    {"Name": "Score", "Unit": "None"},
                ],
            }],
        },
        "Trigger": trigger,
        "Scope": report.scope,
        "FailedCritical": f.critical,
        "FailedHigh": f.high,
        "FailedMedium": f.medium,
        "FailedLow": f.low,
        "Imported": report.imported,
        "Archived": report.archived,
        "Alerted": report.alerted,
        "EcsApiCalls": report.api_calls,
        "Errors": u8::from(error.is_some()),
        "DurationMs": report.duration_ms,
        "Score": report.summary.as_ref().map_or(100, |s| s.score),
        "Complete": report.complete,
        "Error": error,
    })
}

fn summary(report: &RunReport, trigger: &str, status: &str) -> Value {
    json!({
        "status": status,
        "trigger": trigger,
        "scope": report.scope,
        "resources": report.resources,
        "imported": report.imported,
        "new": report.new,
        "fixed": report.fixed,
        "archived": report.archived,
        "alerted": report.alerted,
        "ecs_api_calls": report.api_calls,
        "duration_ms": report.duration_ms,
        "score": report.summary.as_ref().map(|s| s.score),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {source}")]
pub struct InvocationError {
    pub name: &'static str,
    #[source]
    pub source: HandlerError,
}

impl<I: Inventory, S: FindingSink, L: Ledger, N: Notifier> App<I, S, L, N> {
    /// Run one routed scan; `Err` is retryable (the invocation should fail so it is retried).
    async fn scan(
        &self,
        route: Route,
        request_id: &str,
        now_ms: i64,
        metrics: &mut Vec<Value>,
    ) -> Result<Value, InvocationError> {
        let Route::Scan {
            scope,
            debounce,
            trigger,
        } = route
        else {
            return Ok(json!({"status": "ignored"}));
        };
        if let Some(key) = debounce {
            match Box::pin(self.handler.ledger.debounce(&key, now_ms, self.debounce_ms)).await {
                Ok(true) => {}
                Ok(false) => {
                    info!(trigger = %trigger, scope = %scope.describe(), "debounced: a scan of this scope started within the window");
                    return Ok(
                        json!({"status": "debounced", "trigger": trigger, "scope": scope.describe()}),
                    );
                }
                Err(e) => {
                    return Err(InvocationError {
                        name: "LedgerError",
                        source: HandlerError::Ledger(e),
                    });
                }
            }
        }
        info!(trigger = %trigger, scope = %scope.describe(), "scan");
        match Box::pin(self.handler.run(&scope, request_id, now_ms)).await {
            Ok(report) => {
                metrics.push(emf(&report, &trigger, None, now_ms));
                Ok(summary(&report, &trigger, "ok"))
            }
            Err(e) => {
                let name = e.name();
                if let Some(report) = e.report() {
                    metrics.push(emf(report, &trigger, Some(name), now_ms));
                }
                error!(error = name, message = %e, scope = %scope.describe(), "scan failed");
                Err(InvocationError { name, source: e })
            }
        }
    }

    /// Handle one Lambda event. EMF lines are returned for the caller to print.
    pub async fn handle(
        &self,
        event: &Value,
        request_id: &str,
        now_ms: i64,
    ) -> (Result<Value, InvocationError>, Vec<Value>) {
        let mut metrics = Vec::new();
        let routed = trigger::route(event);
        let result = match routed {
            Err(e) => {
                // Not retryable: retrying a malformed event cannot help.
                error!(error = "MalformedEvent", event_id = %e.event_id, kind = %e.kind, problem = %e.problem, "event rejected");
                Ok(json!({"status": "rejected", "error": e.to_string()}))
            }
            Ok(Route::Ignored { reason }) => {
                info!(reason = %reason, "event ignored");
                Ok(json!({"status": "ignored", "reason": reason}))
            }
            Ok(Route::Batch(items)) => {
                let mut failures = Vec::new();
                let mut results = Vec::new();
                for (message_id, routed) in items {
                    match routed {
                        Err(e) => {
                            error!(error = "MalformedEvent", message_id = %message_id, kind = %e.kind, problem = %e.problem, "message rejected");
                            results.push(json!({"message_id": message_id, "status": "rejected"}));
                        }
                        Ok(Route::Ignored { reason }) => {
                            warn!(message_id = %message_id, reason = %reason, "message ignored");
                            results.push(json!({"message_id": message_id, "status": "ignored"}));
                        }
                        Ok(route) => match self
                            .scan(
                                route,
                                &format!("{request_id}/{message_id}"),
                                now_ms,
                                &mut metrics,
                            )
                            .await
                        {
                            Ok(v) => results.push(json!({"message_id": message_id, "result": v})),
                            Err(_) => failures.push(json!({"itemIdentifier": message_id})),
                        },
                    }
                }
                Ok(json!({"batchItemFailures": failures, "results": results}))
            }
            Ok(route) => self.scan(route, request_id, now_ms, &mut metrics).await,
        };
        (result, metrics)
    }
}

//! The Lambda function's job, independent of the runtime: route the event, scan, keep Security
//! Hub true, emit one CloudWatch Embedded Metric Format line, return a small typed [`Response`].
//! The `bootstrap` binary wires it to the Lambda runtime with AWS adapters; `ecs-posture invoke`
//! runs it with local adapters.
//!
//! - [`trigger`]: event -> scope (pure);
//! - [`config`]: the function's settings from environment variables, validated at start-up;
//! - [`org`]: the organization deployment (the hub): queued scans per member account-region.

pub mod config;
pub mod org;
pub mod trigger;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse};
use serde::Serialize;
use serde_json::{Value, json};
use tracing::{error, info, warn};

use crate::handler::{Handler, HandlerError, RunReport};
use crate::ports::{FindingSink, Inventory, Ledger, Notifier};
use trigger::Route;

/// Native ECS events for one service are collapsed to one scan per window.
pub const DEBOUNCE_MS: i64 = 60_000;

pub struct App<I, S, L, N> {
    pub handler: Handler<I, S, L, N>,
    pub debounce_ms: i64,
}

/// What one scan did, as the function returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanSummary {
    pub trigger: String,
    pub scope: String,
    pub resources: usize,
    pub imported: usize,
    pub new: usize,
    pub fixed: usize,
    pub archived: usize,
    pub alerted: usize,
    pub ecs_api_calls: u64,
    pub duration_ms: u64,
    pub score: Option<u8>,
    /// Alerts held by another invocation's claims (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub alerts_pending: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ScanSummary {
    fn of(report: &RunReport, trigger: &str) -> ScanSummary {
        ScanSummary {
            trigger: trigger.to_owned(),
            scope: report.scope.clone(),
            resources: report.resources,
            imported: report.imported,
            new: report.new,
            fixed: report.fixed,
            archived: report.archived,
            alerted: report.alerted,
            ecs_api_calls: report.api_calls,
            duration_ms: report.duration_ms,
            score: report.summary.as_ref().map(|s| s.score),
            alerts_pending: report.alerts_pending,
        }
    }
}

/// The outcome of one event (or one SQS message): `{"status": ..., ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Scanned; Security Hub is up to date for the scope.
    Ok(ScanSummary),
    /// A scan of the same scope started within the debounce window.
    Debounced { trigger: String, scope: String },
    /// Not an event this function handles.
    Ignored {
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A malformed event of a known type (not retried: retrying cannot fix it).
    Rejected { error: String },
    /// Organization deployments: scans queued (one SQS FIFO message per account-region).
    Queued {
        trigger: String,
        account_regions: usize,
        queued: usize,
    },
}

/// Why an SQS message was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    Rejected,
    Ignored,
}

/// One SQS message's result (failed scans are in `batchItemFailures` instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MessageResult {
    Skipped { message_id: String, status: Skipped },
    Scanned { message_id: String, result: Outcome },
}

/// The SQS partial batch response, with each message's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchResponse {
    #[serde(flatten)]
    pub sqs: SqsBatchResponse,
    pub results: Vec<MessageResult>,
}

/// What the function returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Response {
    Event(Outcome),
    Batch(BatchResponse),
}

impl Response {
    /// The response as JSON, keys in order (what the Lambda returns and `invoke --json` prints).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self)
            .unwrap_or_else(|e| json!({"status": "error", "error": e.to_string()}))
    }
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
                    {"Name": "Posture", "Unit": "None"},
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
        "Posture": report.summary.as_ref().map_or(100, |s| s.posture),
        "Complete": report.complete,
        "Error": error,
    })
}

/// The EMF line of one account-region's scan in an organization deployment: summed over the
/// invocations of a night, `AccountRegionsScanned` and `AccountRegionsFailed` are the coverage.
pub fn coverage_metric(
    target: &ecs_posture_core::fleet::Target,
    trigger: &str,
    scanned: bool,
    now_ms: i64,
) -> Value {
    json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": "ecs-posture",
                "Dimensions": [["Trigger"]],
                "Metrics": [
                    {"Name": "AccountRegionsScanned", "Unit": "Count"},
                    {"Name": "AccountRegionsFailed", "Unit": "Count"},
                ],
            }],
        },
        "Trigger": trigger,
        "Account": target.account,
        "Region": target.region,
        "AccountRegionsScanned": u8::from(scanned),
        "AccountRegionsFailed": u8::from(!scanned),
    })
}

/// The EMF line of a nightly plan: how many account-regions were queued for a scan.
pub fn targeted_metric(account_regions: usize, trigger: &str, now_ms: i64) -> Value {
    json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": "ecs-posture",
                "Dimensions": [["Trigger"]],
                "Metrics": [{"Name": "AccountRegionsTargeted", "Unit": "Count"}],
            }],
        },
        "Trigger": trigger,
        "AccountRegionsTargeted": account_regions,
    })
}

/// A scan that failed: retryable (the invocation fails so that it is retried).
#[derive(Debug, thiserror::Error)]
#[error("{name}: {source}")]
pub struct InvocationError {
    pub name: &'static str,
    #[source]
    pub source: HandlerError,
}

/// What routing leaves to do: act on a route, or the answer is already known.
enum Routed<R, A> {
    Act(R),
    Answered(A),
}

/// An event that names no scan, as its outcome (logged); otherwise its route.
fn unrouted(routed: Result<Route, trigger::TriggerError>) -> Routed<Route, Outcome> {
    match routed {
        Err(e) => {
            error!(error = "MalformedEvent", event_id = %e.event_id, kind = %e.kind, problem = %e.problem, "event rejected");
            Routed::Answered(Outcome::Rejected {
                error: e.to_string(),
            })
        }
        Ok(Route::Ignored { reason }) => {
            info!(reason = %reason, "event ignored");
            Routed::Answered(Outcome::Ignored {
                reason: Some(reason),
            })
        }
        Ok(route) => Routed::Act(route),
    }
}

/// An SQS message that names no scan, as its result (logged); otherwise its route.
fn unrouted_message(
    message_id: String,
    routed: Result<Route, trigger::TriggerError>,
) -> Routed<(String, Route), MessageResult> {
    match routed {
        Err(e) => {
            error!(error = "MalformedEvent", message_id = %message_id, kind = %e.kind, problem = %e.problem, "message rejected");
            Routed::Answered(MessageResult::Skipped {
                message_id,
                status: Skipped::Rejected,
            })
        }
        Ok(Route::Ignored { reason }) => {
            warn!(message_id = %message_id, reason = %reason, "message ignored");
            Routed::Answered(MessageResult::Skipped {
                message_id,
                status: Skipped::Ignored,
            })
        }
        Ok(route) => Routed::Act((message_id, route)),
    }
}

/// Report `message_id` for a retry in the partial batch response.
fn retry(sqs: &mut SqsBatchResponse, message_id: String) {
    let mut failure = BatchItemFailure::default();
    failure.item_identifier = message_id;
    sqs.batch_item_failures.push(failure);
}

/// The failure the Lambda runtime reports: `errorType` is the stable error name
/// (`ScanIncomplete`, `ImportFailed`, `NotifyFailed`, `AlertNotRecorded`, `LedgerError`,
/// `InventoryError`) that failure destinations and alarms can match, `errorMessage` the one-line
/// description.
impl From<InvocationError> for lambda_runtime::Diagnostic {
    fn from(e: InvocationError) -> lambda_runtime::Diagnostic {
        lambda_runtime::Diagnostic {
            error_type: e.name.to_owned(),
            error_message: e.to_string(),
        }
    }
}

impl<I: Inventory, S: FindingSink, L: Ledger, N: Notifier> App<I, S, L, N> {
    /// Run one routed scan.
    async fn scan(
        &self,
        route: Route,
        request_id: &str,
        now_ms: i64,
        metrics: &mut Vec<Value>,
    ) -> Result<Outcome, InvocationError> {
        let Route::Scan {
            scope,
            debounce,
            trigger,
            ..
        } = route
        else {
            return Ok(Outcome::Ignored { reason: None });
        };
        if let Some(key) = debounce {
            match Box::pin(self.handler.ledger.debounce(&key, now_ms, self.debounce_ms)).await {
                Ok(true) => {}
                Ok(false) => {
                    info!(trigger = %trigger, scope = %scope.describe(), "debounced: a scan of this scope started within the window");
                    return Ok(Outcome::Debounced {
                        trigger,
                        scope: scope.describe(),
                    });
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
                Ok(Outcome::Ok(ScanSummary::of(&report, &trigger)))
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

    /// Scan each SQS message; failed scans are reported for a retry of that message alone.
    async fn batch(
        &self,
        items: Vec<(String, Result<Route, trigger::TriggerError>)>,
        request_id: &str,
        now_ms: i64,
        metrics: &mut Vec<Value>,
    ) -> BatchResponse {
        let mut sqs = SqsBatchResponse::default();
        let mut results = Vec::new();
        for (message_id, routed) in items {
            let (message_id, route) = match unrouted_message(message_id, routed) {
                Routed::Act(r) => r,
                Routed::Answered(skipped) => {
                    results.push(skipped);
                    continue;
                }
            };
            let id = format!("{request_id}/{message_id}");
            match self.scan(route, &id, now_ms, metrics).await {
                Ok(result) => results.push(MessageResult::Scanned { message_id, result }),
                Err(_) => retry(&mut sqs, message_id),
            }
        }
        BatchResponse { sqs, results }
    }

    /// Handle one Lambda event. EMF lines are returned for the caller to print.
    pub async fn handle(
        &self,
        event: &Value,
        request_id: &str,
        now_ms: i64,
    ) -> (Result<Response, InvocationError>, Vec<Value>) {
        let mut metrics = Vec::new();
        let result = match unrouted(trigger::route(event)) {
            Routed::Answered(outcome) => Ok(Response::Event(outcome)),
            Routed::Act(Route::Batch(items)) => Ok(Response::Batch(
                self.batch(items, request_id, now_ms, &mut metrics).await,
            )),
            Routed::Act(route) => self
                .scan(route, request_id, now_ms, &mut metrics)
                .await
                .map(Response::Event),
        };
        (result, metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::RunReport;

    #[test]
    fn the_runtime_reports_the_stable_error_name() {
        let e = InvocationError {
            name: "ScanIncomplete",
            source: HandlerError::Incomplete {
                report: Box::new(RunReport {
                    read_errors: vec!["ListClusters: ThrottlingException: Rate exceeded".into()],
                    ..RunReport::default()
                }),
            },
        };
        let d = lambda_runtime::Diagnostic::from(e);
        assert_eq!(d.error_type, "ScanIncomplete");
        assert!(
            d.error_message.contains("ThrottlingException"),
            "{}",
            d.error_message
        );
        assert!(!d.error_message.contains('\n'));
    }
}

//! One invocation: scope -> collect -> evaluate -> plan -> execute.
//!
//! The same code serves the Lambda, `ecs-posture scan --live --publish` and `ecs-posture invoke`;
//! only the adapters differ.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;
use tracing::{info, warn};

use ecs_posture_core::checks::Check;
use ecs_posture_core::finding::{Evaluation, Severity};
use ecs_posture_core::lifecycle::{self, Alerted, ImportReason, LedgerEntry, PlanInput, Source};
use ecs_posture_core::render::{alert, asff};
use ecs_posture_core::scope::Scope;
use ecs_posture_core::summary::{Summary, summarize};
use ecs_posture_core::{Options, engine};

use crate::ports::{Collected, FindingSink, Inventory, Ledger, Notifier};

/// What the handler needs besides its ports.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: Options,
    pub checks: Vec<&'static Check>,
    /// Checks the configuration disables: their findings are archived.
    pub disabled: HashSet<&'static str>,
    pub refresh_age_ms: i64,
    /// Alert on transitions at or above this severity; `None` switches alerting off.
    pub alert_threshold: Option<Severity>,
    /// Account and region of the estate (default: from the ARNs read).
    pub account: Option<String>,
    pub region: Option<String>,
    /// How long an alert claim protects against a concurrent invocation.
    pub alert_claim_ttl_ms: i64,
}

impl Settings {
    pub fn new(options: Options) -> Result<Settings, String> {
        let checks = engine::select(&options, &[], &[], None)?;
        let disabled = disabled_checks(&checks);
        Ok(Settings {
            options,
            checks,
            disabled,
            refresh_age_ms: lifecycle::DEFAULT_REFRESH_AGE_MS,
            alert_threshold: Some(Severity::High),
            account: None,
            region: None,
            alert_claim_ttl_ms: 15 * 60 * 1000,
        })
    }
}

/// Checks that the configuration turns off (explicitly, or by not enabling them): every catalog
/// check the selection does not run.
pub fn disabled_checks(selected: &[&'static Check]) -> HashSet<&'static str> {
    ecs_posture_core::CATALOG
        .iter()
        .filter(|c| !selected.iter().any(|s| s.id == c.id))
        .map(|c| c.id)
        .collect()
}

/// What an invocation did. Returned by the Lambda, printed by the CLI.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RunReport {
    pub scope: String,
    pub account: String,
    pub region: String,
    pub resources: usize,
    pub complete: bool,
    pub read_errors: Vec<String>,
    pub api_calls: u64,
    pub api_calls_by_operation: BTreeMap<String, u64>,
    pub evaluations: usize,
    pub imported: usize,
    pub new: usize,
    pub regressed: usize,
    pub refreshed: usize,
    pub changed: usize,
    pub fixed: usize,
    pub archived: usize,
    pub unchanged: usize,
    pub failed_imports: Vec<String>,
    pub alerted: usize,
    pub alert_subject: Option<String>,
    pub duration_ms: u64,
    pub summary: Option<Summary>,
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("inventory: {0}")]
    Inventory(#[from] crate::ports::InventoryError),
    #[error(transparent)]
    Ledger(#[from] crate::ports::LedgerError),
    #[error("Security Hub rejected {count} finding(s): {details}")]
    ImportFailed {
        count: usize,
        details: String,
        report: Box<RunReport>,
    },
    #[error("alert not sent: {message}")]
    Notify {
        message: String,
        report: Box<RunReport>,
    },
    #[error("scan incomplete, nothing in the unread parts was archived: {}", .report.read_errors.join("; "))]
    Incomplete { report: Box<RunReport> },
}

impl HandlerError {
    /// Stable error names for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            HandlerError::Inventory(_) => "InventoryError",
            HandlerError::Ledger(_) => "LedgerError",
            HandlerError::ImportFailed { .. } => "ImportFailed",
            HandlerError::Notify { .. } => "NotifyFailed",
            HandlerError::Incomplete { .. } => "ScanIncomplete",
        }
    }

    pub fn report(&self) -> Option<&RunReport> {
        match self {
            HandlerError::ImportFailed { report, .. }
            | HandlerError::Notify { report, .. }
            | HandlerError::Incomplete { report } => Some(report),
            _ => None,
        }
    }
}

pub struct Handler<I, S, L, N> {
    pub inventory: I,
    pub sink: S,
    pub ledger: L,
    pub notifier: N,
    pub settings: Settings,
}

/// Build the ASFF finding for a planned import.
fn planned_finding(
    p: &lifecycle::PlannedImport,
    evaluations: &[Evaluation],
    collected: &Collected,
) -> Option<Value> {
    match p.source {
        Source::Evaluation(i) => {
            let e = &evaluations[i];
            let details = asff::resource_details(&collected.snapshot, e);
            Some(asff::finding(e, details.as_ref(), &p.import))
        }
        Source::Entry => {
            let check = lifecycle::check_of(&p.entry)?;
            let subject = asff::Subject {
                check,
                resource_type: &p.entry.resource_type,
                arn: &p.entry.resource_arn,
                name: &p.entry.resource_name,
                cluster: p.entry.cluster.as_deref(),
                evidence: if p.import.record_state == asff::RecordState::Active {
                    &p.entry.evidence
                } else {
                    &[]
                },
            };
            Some(asff::subject_finding(&subject, None, &p.import))
        }
    }
}

impl<I: Inventory, S: FindingSink, L: Ledger, N: Notifier> Handler<I, S, L, N> {
    /// Scan `scope` and keep Security Hub true. `run_id` identifies this invocation (alert
    /// claims); `now_ms` is the clock.
    pub async fn run(
        &self,
        scope: &Scope,
        run_id: &str,
        now_ms: i64,
    ) -> Result<RunReport, HandlerError> {
        let started = Instant::now();
        // Boxed: SDK futures are large, and nesting them inline overflows small stacks in debug builds.
        let collected = Box::pin(self.inventory.collect(scope)).await?;
        let mut ctx = engine::Context::for_snapshot(&collected.snapshot);
        if let Some(a) = &self.settings.account {
            ctx.account = a.clone();
        }
        if let Some(r) = &self.settings.region {
            ctx.region = r.clone();
        }
        let evaluations = engine::evaluate(
            &collected.snapshot,
            &self.settings.checks,
            &self.settings.options,
            &ctx,
        );
        let ledger: HashMap<String, LedgerEntry> =
            Box::pin(self.ledger.load(&ctx.account, &ctx.region)).await?;
        let plan = lifecycle::plan(&PlanInput {
            evaluations: &evaluations,
            ledger: &ledger,
            coverage: &collected.coverage,
            checks_run: &self.settings.checks,
            disabled_checks: &self.settings.disabled,
            now_ms,
            refresh_age_ms: self.settings.refresh_age_ms,
            alert_threshold: self.settings.alert_threshold.unwrap_or(Severity::Critical),
        });
        let mut report = RunReport {
            scope: scope.describe(),
            account: ctx.account.clone(),
            region: ctx.region.clone(),
            resources: collected.snapshot.resource_count(),
            complete: collected.is_complete(),
            read_errors: collected.errors.clone(),
            api_calls: collected.api_call_total(),
            api_calls_by_operation: collected.api_calls.clone(),
            evaluations: evaluations.len(),
            new: plan.count(ImportReason::New),
            regressed: plan.count(ImportReason::Regressed),
            refreshed: plan.count(ImportReason::Refresh),
            changed: plan.count(ImportReason::Changed),
            fixed: plan.count(ImportReason::Fixed),
            archived: plan.count(ImportReason::Archived),
            unchanged: plan.unchanged,
            summary: Some(summarize(&evaluations)),
            ..RunReport::default()
        };
        for u in &collected.coverage.unreadable {
            report.read_errors.push(format!("could not read {u}"));
        }
        for p in &plan.imports {
            info!(finding_id = %p.id, check_id = %p.entry.check_id, resource_arn = %p.entry.resource_arn, status = p.entry.state.as_str(), reason = ?p.reason, note = p.note.unwrap_or(""), "planned import");
        }

        // Import, then remember only what Security Hub accepted.
        let mut findings = Vec::with_capacity(plan.imports.len());
        let mut by_id: HashMap<&str, &lifecycle::PlannedImport> = HashMap::new();
        for p in &plan.imports {
            match planned_finding(p, &evaluations, &collected) {
                Some(f) => {
                    findings.push(f);
                    by_id.insert(p.id.as_str(), p);
                }
                None => {
                    warn!(finding_id = %p.id, check_id = %p.entry.check_id, "check no longer in the catalog; finding left as is")
                }
            }
        }
        let import = if findings.is_empty() {
            Default::default()
        } else {
            Box::pin(self.sink.import(findings)).await
        };
        let accepted: Vec<LedgerEntry> = import
            .accepted
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).map(|p| p.entry.clone()))
            .collect();
        Box::pin(self.ledger.record(&accepted)).await?;
        report.imported = accepted.len();
        report.failed_imports = import
            .failed
            .iter()
            .map(|f| format!("{} ({}: {})", f.id, f.code, f.message))
            .collect();

        // Alert on transitions whose finding Security Hub holds.
        let accepted_ids: HashSet<&str> = import.accepted.iter().map(String::as_str).collect();
        let due: Vec<&lifecycle::AlertItem> = if self.settings.alert_threshold.is_some() {
            plan.alerts
                .iter()
                .filter(|a| {
                    accepted_ids.contains(a.id.as_str())
                        || ledger
                            .get(&a.id)
                            .is_some_and(|e| e.state == lifecycle::FindingState::Failed)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut notify_error = None;
        if !due.is_empty() {
            let marks: Vec<(String, Alerted)> = due
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        Alerted {
                            failing_since_ms: a.failing_since_ms,
                            severity: a.severity,
                            at_ms: now_ms,
                        },
                    )
                })
                .collect();
            let claimed: HashSet<String> = Box::pin(self.ledger.claim_alerts(
                &marks,
                run_id,
                now_ms,
                self.settings.alert_claim_ttl_ms,
            ))
            .await?
            .into_iter()
            .collect();
            let items: Vec<lifecycle::AlertItem> = due
                .iter()
                .filter(|a| claimed.contains(&a.id))
                .map(|a| (*a).clone())
                .collect();
            if !items.is_empty() {
                let message = alert::render(&items, &ctx.account, &ctx.region);
                let claimed_marks: Vec<(String, Alerted)> = marks
                    .into_iter()
                    .filter(|(id, _)| claimed.contains(id))
                    .collect();
                match Box::pin(self.notifier.publish(&message)).await {
                    Ok(message_id) => {
                        Box::pin(self.ledger.record_alerts(&claimed_marks, run_id)).await?;
                        info!(message_id = %message_id, findings = items.len(), subject = %message.subject, "alert published");
                        report.alerted = items.len();
                        report.alert_subject = Some(message.subject);
                    }
                    Err(e) => {
                        let ids: Vec<String> =
                            claimed_marks.iter().map(|(id, _)| id.clone()).collect();
                        Box::pin(self.ledger.release_alerts(&ids, run_id)).await?;
                        notify_error = Some(e.0);
                    }
                }
            }
        }
        report.duration_ms = started.elapsed().as_millis() as u64;

        if !import.failed.is_empty() {
            let details = import
                .failed
                .iter()
                .take(20)
                .map(|f| format!("{} ({}: {})", f.id, f.code, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(HandlerError::ImportFailed {
                count: import.failed.len(),
                details,
                report: Box::new(report),
            });
        }
        if let Some(message) = notify_error {
            return Err(HandlerError::Notify {
                message,
                report: Box::new(report),
            });
        }
        if !report.complete {
            return Err(HandlerError::Incomplete {
                report: Box::new(report),
            });
        }
        Ok(report)
    }
}

//! One invocation: scope -> collect -> evaluate -> plan -> execute.
//!
//! The same code serves the Lambda, `ecs-posture scan --live --publish` and `ecs-posture invoke`;
//! only the adapters differ. [`Handler::run`] reads as its steps: collect and plan, import, alert,
//! finish.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use tracing::{info, warn};

use ecs_posture_core::Options;
use ecs_posture_core::checks::Check;
use ecs_posture_core::engine::{self, Context, UnknownCheck};
use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::finding::Severity;
use ecs_posture_core::lifecycle::{
    self, AlertItem, Alerted, FindingState, ImportReason, LedgerEntry, Plan, PlanInput,
    PlannedImport, RecordState, Source,
};
use ecs_posture_core::render::{alert, asff};
use ecs_posture_core::scope::Scope;
use ecs_posture_core::summary::{Summary, summarize};

use crate::ports::{
    AccountsError, Collected, FailedFinding, FindingSink, Intent, Inventory, InventoryError,
    Ledger, LedgerError, Notifier, NotifyError, QueueError, ReachError,
};

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
    /// The account's name where known (an organization's), named in alerts.
    pub account_name: Option<String>,
    pub region: Option<String>,
    /// How long an alert claim protects against a concurrent invocation.
    pub alert_claim_ttl_ms: i64,
}

impl Settings {
    /// The checks the options select, with the defaults for everything else.
    pub fn new(options: Options) -> Result<Settings, UnknownCheck> {
        let checks = engine::select(&options, &[], &[], None)?;
        let disabled = disabled_checks(&checks);
        Ok(Settings {
            options,
            checks,
            disabled,
            refresh_age_ms: lifecycle::DEFAULT_REFRESH_AGE_MS,
            alert_threshold: Some(Severity::High),
            account: None,
            account_name: None,
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
    /// Findings another invocation was importing at the same time (left to it).
    pub contended: usize,
    pub alerted: usize,
    /// Alerts due that another invocation holds a claim on (it is sending them, or it stopped
    /// and they go out once its claims expire).
    pub alerts_pending: usize,
    pub alert_subject: Option<String>,
    pub duration_ms: u64,
    pub summary: Option<Summary>,
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("inventory: {0}")]
    Inventory(#[from] InventoryError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("Security Hub rejected {count} finding(s): {details}")]
    ImportFailed {
        count: usize,
        details: String,
        report: Box<RunReport>,
    },
    #[error("alert not sent: {source}")]
    Notify {
        #[source]
        source: NotifyError,
        report: Box<RunReport>,
    },
    /// SNS accepted the alert (`message_id`) but the ledger did not take the alert marks: the
    /// claims hold the findings back until they expire, when a later run may alert them again
    /// (the one repetition at-least-once delivery leaves).
    #[error(
        "alert published (SNS message {message_id}, {count} finding(s)) but not recorded in the ledger; it may be sent again once its claims expire: {source}"
    )]
    AlertNotRecorded {
        message_id: String,
        count: usize,
        #[source]
        source: LedgerError,
    },
    /// A member account-region's clients could not be had (organization deployments).
    #[error(transparent)]
    Reach(#[from] ReachError),
    /// Scans could not be queued (organization deployments).
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The member accounts could not be listed (organization deployments).
    #[error(transparent)]
    Accounts(#[from] AccountsError),
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
            HandlerError::AlertNotRecorded { .. } => "AlertNotRecorded",
            HandlerError::Reach(_) => "MemberUnreachable",
            HandlerError::Queue(_) => "QueueFailed",
            HandlerError::Accounts(_) => "AccountsUnavailable",
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

/// What one scan read, concluded and planned.
struct Scanned {
    collected: Collected,
    ctx: Context,
    evaluations: Vec<Evaluation>,
    ledger: HashMap<String, LedgerEntry>,
    plan: Plan,
}

/// What Security Hub accepted and refused, and what was left to a concurrent invocation.
struct Imported {
    accepted: Vec<String>,
    failed: Vec<FailedFinding>,
    contended: HashSet<String>,
}

/// The alert sent (or not).
#[derive(Default)]
struct Alerting {
    alerted: usize,
    pending: usize,
    subject: Option<String>,
    error: Option<NotifyError>,
}

/// The planned imports left to a concurrent invocation.
fn contended_imports<'a>(
    scanned: &'a Scanned,
    imported: &'a Imported,
) -> impl Iterator<Item = &'a PlannedImport> {
    scanned
        .plan
        .imports
        .iter()
        .filter(|p| imported.contended.contains(&p.id))
}

/// The ASFF finding for a planned import, or `None` when its check left the catalog.
fn planned_finding(
    p: &PlannedImport,
    evaluations: &[Evaluation],
    collected: &Collected,
) -> Option<asff::Finding> {
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
                account: &p.entry.account,
                region: &p.entry.region,
                name: &p.entry.resource_name,
                cluster: p.entry.cluster.as_deref(),
                evidence: if p.import.record_state == RecordState::Active {
                    (&p.entry.evidence[..]).into()
                } else {
                    (&[][..]).into()
                },
                related: &[],
                severity: p.entry.severity,
            };
            Some(asff::subject_finding(&subject, None, &p.import))
        }
    }
}

fn failed_line(f: &FailedFinding) -> String {
    format!("{} ({}: {})", f.id, f.code, f.message)
}

impl Scanned {
    /// The report of what was read and planned (imports and alerts are added as they happen).
    fn report(&self, scope: &Scope) -> RunReport {
        let c = &self.collected;
        RunReport {
            scope: scope.describe(),
            account: self.ctx.account.clone(),
            region: self.ctx.region.clone(),
            resources: c.snapshot.resource_count(),
            complete: c.is_complete(),
            read_errors: c.read_errors(),
            api_calls: c.api_call_total(),
            api_calls_by_operation: c.api_calls.clone(),
            evaluations: self.evaluations.len(),
            new: self.plan.count(ImportReason::New),
            regressed: self.plan.count(ImportReason::Regressed),
            refreshed: self.plan.count(ImportReason::Refresh),
            changed: self.plan.count(ImportReason::Changed),
            fixed: self.plan.count(ImportReason::Fixed),
            archived: self.plan.count(ImportReason::Archived),
            unchanged: self.plan.unchanged,
            summary: Some(summarize(&self.evaluations)),
            ..RunReport::default()
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
        let scanned = Box::pin(self.collect_and_plan(scope, now_ms)).await?;
        let mut report = scanned.report(scope);
        let imported = Box::pin(self.import(&scanned)).await?;
        report.imported = imported.accepted.len();
        report.contended = imported.contended.len();
        // What was left to a concurrent invocation is counted there, not here.
        for p in contended_imports(&scanned, &imported) {
            let count = match p.reason {
                ImportReason::New => &mut report.new,
                ImportReason::Regressed => &mut report.regressed,
                ImportReason::Changed => &mut report.changed,
                ImportReason::Refresh => &mut report.refreshed,
                ImportReason::Fixed => &mut report.fixed,
                ImportReason::Archived => &mut report.archived,
            };
            *count = count.saturating_sub(1);
        }
        report.failed_imports = imported.failed.iter().map(failed_line).collect();
        let alerting = Box::pin(self.alert(&scanned, &imported, run_id, now_ms)).await?;
        report.alerted = alerting.alerted;
        report.alerts_pending = alerting.pending;
        if alerting.pending > 0 {
            warn!(
                alerts_pending = alerting.pending,
                "alerts held by another invocation's claims"
            );
        }
        report.alert_subject = alerting.subject;
        report.duration_ms = started.elapsed().as_millis() as u64;
        finish(report, imported.failed, alerting.error)
    }

    /// Read the scope, evaluate it and plan the lifecycle against the ledger.
    async fn collect_and_plan(&self, scope: &Scope, now_ms: i64) -> Result<Scanned, HandlerError> {
        let collected = Box::pin(self.inventory.collect(scope)).await?;
        let mut ctx = Context::for_snapshot(&collected.snapshot);
        ctx.now_ms = Some(now_ms);
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
        let ledger = Box::pin(self.ledger.load(&ctx.account, &ctx.region)).await?;
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
        for p in &plan.imports {
            info!(finding_id = %p.id, check_id = %p.entry.check_id, resource_arn = %p.entry.resource_arn, status = p.entry.state.as_str(), reason = ?p.reason, note = p.note.unwrap_or(""), "planned import");
        }
        Ok(Scanned {
            collected,
            ctx,
            evaluations,
            ledger,
            plan,
        })
    }

    /// Write the planned entries to the ledger as pending, import those this invocation won,
    /// then settle in the ledger what Security Hub accepted. A stop anywhere leaves pending
    /// entries that the next invocation imports again: the ledger always knows everything
    /// Security Hub may hold.
    async fn import(&self, s: &Scanned) -> Result<Imported, HandlerError> {
        let mut planned: Vec<(&PlannedImport, asff::Finding)> =
            Vec::with_capacity(s.plan.imports.len());
        for p in &s.plan.imports {
            match planned_finding(p, &s.evaluations, &s.collected) {
                Some(f) => planned.push((p, f)),
                None => {
                    warn!(finding_id = %p.id, check_id = %p.entry.check_id, "check no longer in the catalog; finding left as is")
                }
            }
        }
        let intents: Vec<Intent> = planned
            .iter()
            .map(|(p, _)| Intent {
                entry: p.entry.clone(),
                seen_ms: s.ledger.get(&p.id).map(|e| e.last_imported_ms),
            })
            .collect();
        let won: HashSet<String> = if intents.is_empty() {
            HashSet::new()
        } else {
            Box::pin(self.ledger.reserve(&intents))
                .await?
                .into_iter()
                .collect()
        };
        let mut contended = HashSet::new();
        let mut findings = Vec::with_capacity(planned.len());
        let mut by_id: HashMap<String, &PlannedImport> = HashMap::new();
        for (p, f) in planned {
            if won.contains(&p.id) {
                by_id.insert(p.id.clone(), p);
                findings.push(f);
            } else {
                info!(finding_id = %p.id, "another invocation is importing this finding; left to it");
                contended.insert(p.id.clone());
            }
        }
        let report = if findings.is_empty() {
            Default::default()
        } else {
            Box::pin(self.sink.import(findings)).await
        };
        let accepted: Vec<LedgerEntry> = report
            .accepted
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).map(|p| p.entry.clone()))
            .collect();
        Box::pin(self.ledger.record(&accepted)).await?;
        Ok(Imported {
            accepted: report.accepted,
            failed: report.failed,
            contended,
        })
    }

    /// Alert once on the planned transitions whose finding Security Hub holds: claim, publish,
    /// record (or release the claims when Publish fails).
    async fn alert(
        &self,
        s: &Scanned,
        imported: &Imported,
        run_id: &str,
        now_ms: i64,
    ) -> Result<Alerting, HandlerError> {
        if self.settings.alert_threshold.is_none() {
            return Ok(Alerting::default());
        }
        let accepted: HashSet<&str> = imported.accepted.iter().map(String::as_str).collect();
        let due: Vec<&AlertItem> = s
            .plan
            .alerts
            .iter()
            .filter(|a| {
                !imported.contended.contains(&a.id)
                    && (accepted.contains(a.id.as_str())
                        || s.ledger
                            .get(&a.id)
                            .is_some_and(|e| e.state == FindingState::Failed && !e.pending))
            })
            .collect();
        if due.is_empty() {
            return Ok(Alerting::default());
        }
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
        let items: Vec<AlertItem> = due
            .iter()
            .filter(|a| claimed.contains(&a.id))
            .map(|a| (*a).clone())
            .collect();
        let pending = due.len() - items.len();
        if items.is_empty() {
            return Ok(Alerting {
                pending,
                ..Alerting::default()
            });
        }
        let message = alert::render_named(
            &items,
            &s.ctx.account,
            self.settings.account_name.as_deref(),
            &s.ctx.region,
        );
        let claimed_marks: Vec<(String, Alerted)> = marks
            .into_iter()
            .filter(|(id, _)| claimed.contains(id))
            .collect();
        match Box::pin(self.notifier.publish(&message)).await {
            Ok(message_id) => {
                Box::pin(self.ledger.record_alerts(&claimed_marks, run_id))
                    .await
                    .map_err(|source| HandlerError::AlertNotRecorded {
                        message_id: message_id.clone(),
                        count: items.len(),
                        source,
                    })?;
                info!(message_id = %message_id, findings = items.len(), subject = %message.subject, "alert published");
                Ok(Alerting {
                    alerted: items.len(),
                    pending,
                    subject: Some(message.subject),
                    error: None,
                })
            }
            Err(e) => {
                let ids: Vec<String> = claimed_marks.into_iter().map(|(id, _)| id).collect();
                Box::pin(self.ledger.release_alerts(&ids, run_id)).await?;
                Ok(Alerting {
                    pending,
                    error: Some(e),
                    ..Alerting::default()
                })
            }
        }
    }
}

/// The invocation's outcome: rejected imports first, then an unsent alert, then an incomplete
/// read; each carries the report of what was done.
fn finish(
    report: RunReport,
    failed: Vec<FailedFinding>,
    notify_error: Option<NotifyError>,
) -> Result<RunReport, HandlerError> {
    if !failed.is_empty() {
        let details = failed
            .iter()
            .take(20)
            .map(failed_line)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(HandlerError::ImportFailed {
            count: failed.len(),
            details,
            report: Box::new(report),
        });
    }
    if let Some(source) = notify_error {
        return Err(HandlerError::Notify {
            source,
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

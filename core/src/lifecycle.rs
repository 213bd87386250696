//! The finding lifecycle: from evaluations, the ledger and the clock to a plan of what to import
//! into Security Hub, what to archive and what to alert on. Pure; the shell executes the plan
//! and writes the ledger only for what Security Hub accepted and SNS delivered.
//!
//! Rules:
//! - new FAILED -> import ACTIVE/FAILED (CreatedAt = FirstObservedAt = now), alert;
//! - still FAILED -> re-import only when the last import is older than the refresh age (so the
//!   finding never nears Security Hub's 90-day deletion) or its severity or evidence changed;
//! - FAILED -> PASSED -> import the same Id as PASSED with severity INFORMATIONAL;
//! - PASSED -> FAILED (regression) -> import FAILED (a new FAILED episode), alert;
//! - NOT_APPLICABLE now (superseded or deregistered revision, ...) -> ARCHIVED;
//! - a finding whose resource is absent from a part of the scope that was read completely
//!   (deleted service, deregistered or superseded revision) -> ARCHIVED; absence from a part
//!   that could not be read proves nothing and archives nothing;
//! - a finding of a check disabled in the configuration -> ARCHIVED;
//! - PASSED evaluations that were never FAILED are not imported.
//!
//! UpdatedAt is in milliseconds and strictly increases for an Id. Alerts fire once per
//! transition: a FAILED episode (identified by when it started) at a severity.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

use crate::checks::{Check, Revisions, catalog};
use crate::evaluation::{Evaluation, finding_id};
use crate::finding::{ResourceKind, Severity, Status};
use crate::scope::Coverage;

/// Default re-import age for findings that are still failing: 7 days.
pub const DEFAULT_REFRESH_AGE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingState {
    Failed,
    Passed,
    Archived,
}

impl FindingState {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::Failed => "FAILED",
            FindingState::Passed => "PASSED",
            FindingState::Archived => "ARCHIVED",
        }
    }
}

/// The last alert sent for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerted {
    /// Start of the FAILED episode the alert was about.
    pub failing_since_ms: i64,
    pub severity: Severity,
    pub at_ms: i64,
}

/// What the ledger remembers of one finding Id (what Security Hub last accepted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: String,
    pub check_id: String,
    pub resource_arn: String,
    pub resource_type: String,
    pub resource_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub account: String,
    pub region: String,
    pub state: FindingState,
    pub severity: Severity,
    pub evidence_hash: String,
    /// The evidence of the last import (names containers and fields, never values): lets a
    /// finding be refreshed while its resource is not re-read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    pub created_at_ms: i64,
    /// First observation of the current FAILED episode.
    pub first_observed_ms: i64,
    /// UpdatedAt of the last import Security Hub accepted (of the intended one while pending).
    pub last_imported_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerted: Option<Alerted>,
    /// Written before the import and not yet settled: Security Hub may hold this state or the
    /// one before it. The next plan imports the finding's current state again, whatever it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
}

/// How a finding is imported (ASFF `RecordState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordState {
    Active,
    Archived,
}

/// Timestamps and state of one import of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import {
    pub compliance: Status,
    pub record_state: RecordState,
    pub created_at_ms: i64,
    pub first_observed_ms: i64,
    pub updated_at_ms: i64,
}

impl Import {
    /// A first import now, of the evaluation's own status.
    pub fn new_at(status: Status, now_ms: i64) -> Import {
        Import {
            compliance: status,
            record_state: RecordState::Active,
            created_at_ms: now_ms,
            first_observed_ms: now_ms,
            updated_at_ms: now_ms,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportReason {
    New,
    Regressed,
    Changed,
    Refresh,
    Fixed,
    Archived,
}

/// Where an import's content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An evaluation of this run (index into the evaluations).
    Evaluation(usize),
    /// A ledger entry whose resource or check is gone.
    Entry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedImport {
    pub id: String,
    pub reason: ImportReason,
    pub source: Source,
    pub import: Import,
    /// Why a finding is archived.
    pub note: Option<&'static str>,
    /// The ledger entry to write once Security Hub accepts the import.
    pub entry: LedgerEntry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    New,
    Regressed,
    Escalated,
}

#[derive(Debug, Clone)]
pub struct AlertItem {
    pub id: String,
    pub check: &'static Check,
    pub severity: Severity,
    pub transition: Transition,
    pub failing_since_ms: i64,
    pub resource_type: String,
    pub resource_arn: String,
    pub resource_name: String,
    pub cluster: Option<String>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub imports: Vec<PlannedImport>,
    pub alerts: Vec<AlertItem>,
    /// FAILED findings already current in Security Hub.
    pub unchanged: usize,
}

impl Plan {
    pub fn count(&self, reason: ImportReason) -> usize {
        self.imports.iter().filter(|i| i.reason == reason).count()
    }
}

pub struct PlanInput<'a> {
    pub evaluations: &'a [Evaluation],
    /// Ledger entries of the account and region scanned, by finding Id.
    pub ledger: &'a HashMap<String, LedgerEntry>,
    pub coverage: &'a Coverage,
    /// Checks that ran in this scan.
    pub checks_run: &'a [&'static Check],
    /// Checks the configuration disables (their findings are archived).
    pub disabled_checks: &'a HashSet<&'static str>,
    pub now_ms: i64,
    pub refresh_age_ms: i64,
    pub alert_threshold: Severity,
}

pub fn evidence_hash(evidence: &[String]) -> String {
    let mut h = Sha256::new();
    for e in evidence {
        h.update(e.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The ledger entry of an import of `e`; `evidence` is its text lines and `hash` their hash.
#[allow(clippy::too_many_arguments)]
fn entry_for(
    e: &Evaluation,
    id: &str,
    evidence: Vec<String>,
    hash: String,
    state: FindingState,
    created: i64,
    first: i64,
    updated: i64,
    alerted: Option<Alerted>,
) -> LedgerEntry {
    LedgerEntry {
        id: id.to_owned(),
        check_id: e.check.id.to_owned(),
        resource_arn: e.resource.arn.clone(),
        resource_type: e.resource.kind.asff_type().to_owned(),
        resource_name: e.resource.name.clone(),
        cluster: e.resource.cluster.clone(),
        account: e.resource.account().to_owned(),
        region: e.resource.region().to_owned(),
        state,
        severity: e.severity(),
        evidence_hash: hash,
        evidence,
        created_at_ms: created,
        first_observed_ms: first,
        last_imported_ms: updated,
        alerted,
        pending: false,
    }
}

/// UpdatedAt for the next import of an Id: now, but strictly after the previous one.
fn next_update(now: i64, previous: Option<&LedgerEntry>) -> i64 {
    previous.map_or(now, |p| now.max(p.last_imported_ms + 1))
}

fn alert_due(
    severity: Severity,
    threshold: Severity,
    failing_since: i64,
    alerted: Option<&Alerted>,
) -> bool {
    severity >= threshold
        && !alerted.is_some_and(|a| a.failing_since_ms == failing_since && a.severity >= severity)
}

pub fn plan(input: &PlanInput<'_>) -> Plan {
    let now = input.now_ms;
    let mut out = Plan::default();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, e) in input.evaluations.iter().enumerate() {
        let id = finding_id(e);
        let prev = input.ledger.get(&id);
        seen.insert(id.clone());
        match (e.status, prev) {
            (Status::Failed, prev) => {
                let lines = e.evidence_lines();
                let hash = evidence_hash(&lines);
                let (reason, created, first) = match prev {
                    None => (Some(ImportReason::New), now, now),
                    Some(p) if p.state != FindingState::Failed => {
                        (Some(ImportReason::Regressed), p.created_at_ms, now)
                    }
                    Some(p) if p.severity != e.severity() || p.evidence_hash != hash => (
                        Some(ImportReason::Changed),
                        p.created_at_ms,
                        p.first_observed_ms,
                    ),
                    // Security Hub may not hold the last intended import: import it again.
                    Some(p) if p.pending || now - p.last_imported_ms >= input.refresh_age_ms => (
                        Some(ImportReason::Refresh),
                        p.created_at_ms,
                        p.first_observed_ms,
                    ),
                    Some(p) => (None, p.created_at_ms, p.first_observed_ms),
                };
                let alerted = prev.and_then(|p| p.alerted);
                if alert_due(e.severity(), input.alert_threshold, first, alerted.as_ref()) {
                    let transition = match prev {
                        None => Transition::New,
                        Some(p) if p.state != FindingState::Failed => Transition::Regressed,
                        Some(p)
                            if alerted
                                .is_some_and(|a| a.failing_since_ms == p.first_observed_ms) =>
                        {
                            Transition::Escalated
                        }
                        Some(_) => Transition::New,
                    };
                    out.alerts.push(AlertItem {
                        id: id.clone(),
                        check: e.check,
                        severity: e.severity(),
                        transition,
                        failing_since_ms: first,
                        resource_type: e.resource.kind.asff_type().to_owned(),
                        resource_arn: e.resource.arn.clone(),
                        resource_name: e.resource.name.clone(),
                        cluster: e.resource.cluster.clone(),
                        evidence: lines.clone(),
                    });
                }
                match reason {
                    Some(reason) => {
                        let updated = next_update(now, prev);
                        let created = if prev.is_none() { updated } else { created };
                        let first = if prev.is_none() || reason == ImportReason::Regressed {
                            updated
                        } else {
                            first
                        };
                        out.imports.push(PlannedImport {
                            id: id.clone(),
                            reason,
                            source: Source::Evaluation(i),
                            import: Import {
                                compliance: Status::Failed,
                                record_state: RecordState::Active,
                                created_at_ms: created,
                                first_observed_ms: first,
                                updated_at_ms: updated,
                            },
                            note: None,
                            entry: entry_for(
                                e,
                                &id,
                                lines,
                                hash,
                                FindingState::Failed,
                                created,
                                first,
                                updated,
                                alerted.filter(|a| a.failing_since_ms == first),
                            ),
                        });
                        // An alert planned for a new episode refers to the episode's real start.
                        if let Some(a) = out.alerts.last_mut().filter(|a| a.id == id) {
                            a.failing_since_ms = first;
                        }
                    }
                    None => out.unchanged += 1,
                }
            }
            (Status::Passed, Some(p))
                if p.state == FindingState::Failed
                    || (p.pending && p.state == FindingState::Passed) =>
            {
                let updated = next_update(now, Some(p));
                out.imports.push(PlannedImport {
                    id: id.clone(),
                    reason: ImportReason::Fixed,
                    source: Source::Evaluation(i),
                    import: Import {
                        compliance: Status::Passed,
                        record_state: RecordState::Active,
                        created_at_ms: p.created_at_ms,
                        first_observed_ms: p.first_observed_ms,
                        updated_at_ms: updated,
                    },
                    note: None,
                    entry: entry_for(
                        e,
                        &id,
                        Vec::new(),
                        evidence_hash(&[]),
                        FindingState::Passed,
                        p.created_at_ms,
                        p.first_observed_ms,
                        updated,
                        p.alerted,
                    ),
                });
            }
            // Unknown (something the check needs could not be read): nothing is proven, so the
            // finding is neither changed nor archived; a failure Security Hub holds is kept
            // alive with its last known evidence.
            (Status::NotAvailable, Some(p))
                if p.state == FindingState::Failed
                    && (p.pending || now - p.last_imported_ms >= input.refresh_age_ms) =>
            {
                out.imports.push(keep_alive(
                    p,
                    now,
                    "not read in this scan; last known state kept",
                ));
            }
            // A revision NOT_APPLICABLE as superseded or deregistered is only proven so when
            // every service listing and describe succeeded (a service not read may run it).
            (Status::NotApplicable, Some(p))
                if (p.state != FindingState::Archived || p.pending)
                    && !(e.resource.kind == ResourceKind::TaskDefinition
                        && input.coverage.service_reads_failed) =>
            {
                out.imports.push(archive(
                    p,
                    now,
                    e.not_applicable_reason().unwrap_or("no longer applicable"),
                    Source::Evaluation(i),
                ));
            }
            _ => {}
        }
    }
    let ran: HashSet<&str> = input.checks_run.iter().map(|c| c.id).collect();
    let mut rest: Vec<&LedgerEntry> = input
        .ledger
        .values()
        .filter(|p| (p.state != FindingState::Archived || p.pending) && !seen.contains(&p.id))
        .collect();
    rest.sort_by(|a, b| a.id.cmp(&b.id));
    for p in rest {
        if input.disabled_checks.contains(p.check_id.as_str()) {
            out.imports.push(archive(
                p,
                now,
                "check disabled in the configuration",
                Source::Entry,
            ));
        } else if ran.contains(p.check_id.as_str())
            && input.coverage.covers(&p.resource_type, &p.resource_arn)
        {
            let still_readable = p.resource_type == "AwsEcsTaskDefinition"
                && input
                    .coverage
                    .active_task_definitions
                    .contains(&p.resource_arn)
                && check_of(p).is_some_and(|c| c.revisions == Revisions::All);
            if !still_readable {
                let why = if p.resource_type == ResourceKind::Account.asff_type() {
                    "no ECS workload in the account-region needs this setting any more"
                } else {
                    "resource deleted, deregistered or superseded"
                };
                out.imports.push(archive(p, now, why, Source::Entry));
            } else if p.state == FindingState::Failed
                && (p.pending || now - p.last_imported_ms >= input.refresh_age_ms)
            {
                // A superseded revision is not re-read, but what this check found in it is
                // still exposed: keep the finding alive in Security Hub.
                out.imports
                    .push(keep_alive(p, now, "superseded revision still readable"));
            }
        }
    }
    out
}

/// Import a FAILED entry again as it stands (its last evidence), so Security Hub keeps it.
fn keep_alive(p: &LedgerEntry, now: i64, note: &'static str) -> PlannedImport {
    let updated = next_update(now, Some(p));
    PlannedImport {
        id: p.id.clone(),
        reason: ImportReason::Refresh,
        source: Source::Entry,
        import: Import {
            compliance: Status::Failed,
            record_state: RecordState::Active,
            created_at_ms: p.created_at_ms,
            first_observed_ms: p.first_observed_ms,
            updated_at_ms: updated,
        },
        note: Some(note),
        entry: LedgerEntry {
            last_imported_ms: updated,
            pending: false,
            ..p.clone()
        },
    }
}

fn archive(p: &LedgerEntry, now: i64, note: &'static str, source: Source) -> PlannedImport {
    let updated = next_update(now, Some(p));
    // An entry archived while pending kept the evidence of its last state: failing ones have some.
    let failing = p.state == FindingState::Failed
        || (p.state == FindingState::Archived && !p.evidence.is_empty());
    let compliance = if failing {
        Status::Failed
    } else {
        Status::Passed
    };
    PlannedImport {
        id: p.id.clone(),
        reason: ImportReason::Archived,
        source,
        import: Import {
            compliance,
            record_state: RecordState::Archived,
            created_at_ms: p.created_at_ms,
            first_observed_ms: p.first_observed_ms,
            updated_at_ms: updated,
        },
        note: Some(note),
        entry: LedgerEntry {
            state: FindingState::Archived,
            last_imported_ms: updated,
            pending: false,
            ..p.clone()
        },
    }
}

/// The check of a ledger entry, if the catalog still has it.
pub fn check_of(entry: &LedgerEntry) -> Option<&'static Check> {
    catalog::find(&entry.check_id)
}

#[cfg(test)]
mod tests;

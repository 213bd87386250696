//! The small traits the handler runs over: where the estate comes from, where findings go, what
//! is remembered between invocations, and who is alerted. AWS adapters serve production; local
//! adapters (folders and files) are the embedded default and the fast test doubles.

use std::collections::{BTreeMap, HashMap};

use ecs_posture_core::lifecycle::{Alerted, LedgerEntry};
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::render::alert::Alert;
use ecs_posture_core::scope::{Coverage, Scope};
use serde_json::Value;

/// What an inventory read for a scope.
#[derive(Debug, Default)]
pub struct Collected {
    pub snapshot: Snapshot,
    pub coverage: Coverage,
    /// API calls made, by operation.
    pub api_calls: BTreeMap<String, u64>,
    /// Reads that failed (listing or describe), described without secrets.
    pub errors: Vec<String>,
}

impl Collected {
    pub fn api_call_total(&self) -> u64 {
        self.api_calls.values().sum()
    }

    /// True when every listing and describe of the scope succeeded.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty() && self.coverage.unreadable.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InventoryError(pub String);

/// Reads the ECS estate for a scope.
pub trait Inventory {
    fn collect(
        &self,
        scope: &Scope,
    ) -> impl std::future::Future<Output = Result<Collected, InventoryError>> + Send;
}

/// A finding Security Hub did not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedFinding {
    pub id: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    pub accepted: Vec<String>,
    pub failed: Vec<FailedFinding>,
    pub batches: usize,
}

/// Imports ASFF findings (BatchImportFindings input) and says which were accepted.
pub trait FindingSink {
    fn import(
        &self,
        findings: Vec<Value>,
    ) -> impl std::future::Future<Output = ImportReport> + Send;
}

#[derive(Debug, thiserror::Error)]
#[error("ledger: {0}")]
pub struct LedgerError(pub String);

/// Remembers, per finding Id, what Security Hub accepted and which alerts were sent.
pub trait Ledger {
    /// Entries of one account and region.
    fn load(
        &self,
        account: &str,
        region: &str,
    ) -> impl std::future::Future<Output = Result<HashMap<String, LedgerEntry>, LedgerError>> + Send;
    /// Record accepted imports. An entry is written only if it is newer (last_imported_ms) than
    /// the stored one, so concurrent or repeated invocations cannot roll state back.
    fn record(
        &self,
        entries: &[LedgerEntry],
    ) -> impl std::future::Future<Output = Result<(), LedgerError>> + Send;
    /// Claim the right to alert on these transitions; returns the Ids claimed by `owner`. A
    /// transition already alerted, or claimed by another live invocation, is not returned.
    fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> impl std::future::Future<Output = Result<Vec<String>, LedgerError>> + Send;
    /// Record alerts as sent (after Publish succeeded) and drop the claims.
    fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> impl std::future::Future<Output = Result<(), LedgerError>> + Send;
    /// Collapse bursts: true when no scan for `key` started within `window_ms` (and records this
    /// one), false when one did.
    fn debounce(
        &self,
        key: &str,
        now_ms: i64,
        window_ms: i64,
    ) -> impl std::future::Future<Output = Result<bool, LedgerError>> + Send;
    /// Give claims back after a failed Publish, so the next invocation retries.
    fn release_alerts(
        &self,
        ids: &[String],
        owner: &str,
    ) -> impl std::future::Future<Output = Result<(), LedgerError>> + Send;
}

#[derive(Debug, thiserror::Error)]
#[error("notifier: {0}")]
pub struct NotifyError(pub String);

/// Sends one alert.
pub trait Notifier {
    fn publish(
        &self,
        alert: &Alert,
    ) -> impl std::future::Future<Output = Result<String, NotifyError>> + Send;
}

/// A notifier that sends nothing (alerting switched off).
pub struct NoNotifier;

impl Notifier for NoNotifier {
    async fn publish(&self, _alert: &Alert) -> Result<String, NotifyError> {
        Ok(String::new())
    }
}

//! The small traits the handler runs over: where the estate comes from, where findings go, what
//! is remembered between invocations, and who is alerted. AWS adapters serve production; local
//! adapters (folders and files) are the embedded default and the fast test doubles.
//!
//! Each port has its own error type; an adapter's error (which keeps the AWS SDK error as its
//! `source`) is wrapped, never flattened into text, so the chain stays inspectable.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use ecs_posture_core::fleet::{Extent, ScanMessage, Target};
use ecs_posture_core::lifecycle::{Alerted, LedgerEntry};
use ecs_posture_core::model::{InputError, Snapshot};
use ecs_posture_core::render::alert::Alert;
use ecs_posture_core::render::asff::Finding;
use ecs_posture_core::scope::{Coverage, Scope};

/// A boxed error of an adapter, kept as the `source` of a port error.
pub type AdapterError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What an inventory read for a scope.
#[derive(Debug, Default)]
pub struct Collected {
    pub snapshot: Snapshot,
    pub coverage: Coverage,
    /// API calls made, by operation.
    pub api_calls: BTreeMap<String, u64>,
    /// Reads that failed (listing or describe), described without secrets.
    pub errors: Vec<String>,
    /// The text of each document read from a file, by source name (locates findings in SARIF);
    /// empty for reads through the API.
    pub texts: HashMap<String, String>,
}

impl Collected {
    pub fn api_call_total(&self) -> u64 {
        self.api_calls.values().sum()
    }

    /// True when every listing and describe of the scope succeeded.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty() && self.coverage.unreadable.is_empty()
    }

    /// Every read error, those of resources that could not be read included.
    pub fn read_errors(&self) -> Vec<String> {
        let mut out = self.errors.clone();
        out.extend(
            self.coverage
                .unreadable
                .iter()
                .map(|u| format!("could not read {u}")),
        );
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// Documents that could not be read or parsed (every one is named).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Input(Vec<InputError>),
    /// A listing that sizes the account-region failed (the call and the service's answer).
    #[error("{0}")]
    Listing(String),
}

/// Reads the ECS estate for a scope.
pub trait Inventory {
    fn collect(
        &self,
        scope: &Scope,
    ) -> impl Future<Output = Result<Collected, InventoryError>> + Send;

    /// The clusters and task definition families of the region, from listings only (no
    /// describes), to decide whether one scan covers it. By default, from a whole-region read.
    fn extent(&self) -> impl Future<Output = Result<Extent, InventoryError>> + Send
    where
        Self: Sync,
    {
        async move {
            let c = self.collect(&Scope::Region).await?;
            Ok(Extent::of_snapshot(&c.snapshot))
        }
    }
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

/// Imports ASFF findings (BatchImportFindings) and says which were accepted.
pub trait FindingSink {
    fn import(&self, findings: Vec<Finding>) -> impl Future<Output = ImportReport> + Send;
}

/// An entry to write before its import, with the stored `last_imported_ms` the plan was made
/// against (`None`: the plan saw no entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub entry: LedgerEntry,
    pub seen_ms: Option<i64>,
}

/// A ledger read or write that failed.
#[derive(Debug, thiserror::Error)]
#[error("ledger: {source}")]
pub struct LedgerError {
    #[source]
    pub source: AdapterError,
}

impl LedgerError {
    pub fn new(source: impl Into<AdapterError>) -> LedgerError {
        LedgerError {
            source: source.into(),
        }
    }
}

/// Remembers, per finding Id, what Security Hub accepted and which alerts were sent.
pub trait Ledger {
    /// Entries of one account and region.
    fn load(
        &self,
        account: &str,
        region: &str,
    ) -> impl Future<Output = Result<HashMap<String, LedgerEntry>, LedgerError>> + Send;
    /// Write the entries an invocation is about to import, marked pending, before the import:
    /// the ledger then knows everything Security Hub may hold. Each is written only if the stored
    /// entry is still the one the plan saw (its `last_imported_ms`, or none at all), so of two
    /// overlapping invocations only one imports a finding and starts its episode. Returns the
    /// Ids written.
    fn reserve(
        &self,
        intents: &[Intent],
    ) -> impl Future<Output = Result<Vec<String>, LedgerError>> + Send;
    /// Settle accepted imports (the entries, no longer pending). An entry is written only if it
    /// is at least as new (last_imported_ms) as the stored one, so concurrent or repeated
    /// invocations cannot roll state back.
    fn record(
        &self,
        entries: &[LedgerEntry],
    ) -> impl Future<Output = Result<(), LedgerError>> + Send;
    /// Claim the right to alert on these transitions; returns the Ids claimed by `owner`. A
    /// transition already alerted, or claimed by another live invocation, is not returned.
    fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> impl Future<Output = Result<Vec<String>, LedgerError>> + Send;
    /// Record alerts as sent (after Publish succeeded) and drop the claims.
    fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> impl Future<Output = Result<(), LedgerError>> + Send;
    /// Collapse bursts: true when no scan for `key` started within `window_ms` (and records this
    /// one), false when one did.
    fn debounce(
        &self,
        key: &str,
        now_ms: i64,
        window_ms: i64,
    ) -> impl Future<Output = Result<bool, LedgerError>> + Send;
    /// Give claims back after a failed Publish, so the next invocation retries.
    fn release_alerts(
        &self,
        ids: &[String],
        owner: &str,
    ) -> impl Future<Output = Result<(), LedgerError>> + Send;
}

/// An alert that could not be sent.
#[derive(Debug, thiserror::Error)]
#[error("notifier: {source}")]
pub struct NotifyError {
    #[source]
    pub source: AdapterError,
}

impl NotifyError {
    pub fn new(source: impl Into<AdapterError>) -> NotifyError {
        NotifyError {
            source: source.into(),
        }
    }
}

/// Sends one alert; returns the message id.
pub trait Notifier {
    fn publish(&self, alert: &Alert) -> impl Future<Output = Result<String, NotifyError>> + Send;
}

/// An optional notifier: `None` sends nothing (alerting switched off).
impl<N: Notifier + Sync> Notifier for Option<N> {
    async fn publish(&self, alert: &Alert) -> Result<String, NotifyError> {
        match self {
            Some(n) => n.publish(alert).await,
            None => Ok(String::new()),
        }
    }
}

/// A shared ledger: every account-region's handler writes to the hub's one ledger.
impl<L: Ledger + Sync> Ledger for &L {
    fn load(
        &self,
        account: &str,
        region: &str,
    ) -> impl Future<Output = Result<HashMap<String, LedgerEntry>, LedgerError>> + Send {
        (**self).load(account, region)
    }
    fn reserve(
        &self,
        intents: &[Intent],
    ) -> impl Future<Output = Result<Vec<String>, LedgerError>> + Send {
        (**self).reserve(intents)
    }
    fn record(
        &self,
        entries: &[LedgerEntry],
    ) -> impl Future<Output = Result<(), LedgerError>> + Send {
        (**self).record(entries)
    }
    fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> impl Future<Output = Result<Vec<String>, LedgerError>> + Send {
        (**self).claim_alerts(items, owner, now_ms, ttl_ms)
    }
    fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> impl Future<Output = Result<(), LedgerError>> + Send {
        (**self).record_alerts(items, owner)
    }
    fn debounce(
        &self,
        key: &str,
        now_ms: i64,
        window_ms: i64,
    ) -> impl Future<Output = Result<bool, LedgerError>> + Send {
        (**self).debounce(key, now_ms, window_ms)
    }
    fn release_alerts(
        &self,
        ids: &[String],
        owner: &str,
    ) -> impl Future<Output = Result<(), LedgerError>> + Send {
        (**self).release_alerts(ids, owner)
    }
}

/// A shared notifier (the hub's one alert topic).
impl<N: Notifier + Sync> Notifier for &N {
    fn publish(&self, alert: &Alert) -> impl Future<Output = Result<String, NotifyError>> + Send {
        (**self).publish(alert)
    }
}

/// The clients of one member account-region could not be had (its role is missing, denies
/// sts:AssumeRole, ...). The message names account, region, role and action.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct ReachError {
    #[source]
    pub source: AdapterError,
}

impl ReachError {
    pub fn new(source: impl Into<AdapterError>) -> ReachError {
        ReachError {
            source: source.into(),
        }
    }
}

/// The inventory and finding sink of one member account-region (its own Security Hub).
pub trait Reach {
    type Inventory: Inventory + Send + Sync;
    type Sink: FindingSink + Send + Sync;
    fn reach(
        &self,
        target: &Target,
    ) -> impl Future<Output = Result<(Self::Inventory, Self::Sink), ReachError>> + Send;
}

/// Scan messages could not be queued.
#[derive(Debug, thiserror::Error)]
#[error("scan queue: {source}")]
pub struct QueueError {
    #[source]
    pub source: AdapterError,
}

impl QueueError {
    pub fn new(source: impl Into<AdapterError>) -> QueueError {
        QueueError {
            source: source.into(),
        }
    }
}

/// Queues scans (SQS FIFO: one message group per account-region).
pub trait ScanQueue {
    /// Queue every message; returns how many were queued.
    fn send(
        &self,
        messages: &[ScanMessage],
    ) -> impl Future<Output = Result<usize, QueueError>> + Send;
}

/// The member accounts could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("accounts: {source}")]
pub struct AccountsError {
    #[source]
    pub source: AdapterError,
}

impl AccountsError {
    pub fn new(source: impl Into<AdapterError>) -> AccountsError {
        AccountsError {
            source: source.into(),
        }
    }
}

/// Member account ids with their names where known.
pub type Members = Vec<(String, Option<String>)>;

/// The member accounts a deployment covers, with their names where known.
pub trait Accounts {
    fn accounts(
        &self,
    ) -> impl Future<Output = Result<Vec<(String, Option<String>)>, AccountsError>> + Send;
}

/// A fixed list of accounts (the `Accounts` parameter given as ids).
impl Accounts for Vec<String> {
    async fn accounts(&self) -> Result<Vec<(String, Option<String>)>, AccountsError> {
        Ok(self.iter().map(|a| (a.clone(), None)).collect())
    }
}

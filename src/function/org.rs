//! The function in an organization deployment (the hub): the nightly schedule queues one scan
//! per member account-region on an SQS FIFO queue (message group = account-region), an ECS
//! change forwarded from a member queues a rescan of that scope behind whatever the
//! account-region has queued, and each queued message scans one account-region through the
//! member role, importing into that member's own Security Hub; the ledger and the alert topic
//! are the hub's. One account-region's failure fails its own message only.

use std::collections::BTreeSet;

use aws_lambda_events::event::sqs::SqsBatchResponse;
use serde_json::Value;
use tracing::{error, info, warn};

use ecs_posture_core::fleet::{self, Extent, SplitLimits, Target};
use ecs_posture_core::scope::Scope;

use super::trigger::{self, Route};
use super::{
    BatchResponse, InvocationError, MessageResult, Outcome, Response, Routed, ScanSummary, Skipped,
    emf, retry, unrouted, unrouted_message,
};
use crate::handler::{Handler, HandlerError, Settings};
use crate::ports::{Accounts, Inventory, Ledger, Members, Notifier, Reach, ScanQueue};

/// The member accounts, listed at most once per `ttl` (one ListAccounts per function instance
/// and ttl, not one per event or scan).
pub struct CachedAccounts<A> {
    inner: A,
    ttl: std::time::Duration,
    cache: std::sync::Mutex<Option<(std::time::Instant, Members)>>,
}

impl<A> CachedAccounts<A> {
    pub fn new(inner: A, ttl: std::time::Duration) -> CachedAccounts<A> {
        CachedAccounts {
            inner,
            ttl,
            cache: std::sync::Mutex::new(None),
        }
    }
}

impl<A: Accounts + Sync> Accounts for CachedAccounts<A> {
    async fn accounts(&self) -> Result<Members, crate::ports::AccountsError> {
        let fresh = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .as_ref()
                .filter(|(at, _)| at.elapsed() < self.ttl)
                .map(|(_, list)| list.clone())
        };
        if let Some(list) = fresh {
            return Ok(list);
        }
        let list = self.inner.accounts().await?;
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((std::time::Instant::now(), list.clone()));
        Ok(list)
    }
}

/// The hub: ports shared by every account-region, and the clients of each through `reach`.
pub struct OrgApp<R, L, N, Q, A> {
    pub reach: R,
    pub ledger: L,
    pub notifier: Option<N>,
    pub queue: Q,
    pub accounts: A,
    /// The regions scanned in every account.
    pub regions: Vec<String>,
    /// Settings of every scan (account and region are set per message).
    pub settings: Settings,
    pub debounce_ms: i64,
    /// Above these sizes a queued region-wide scan is split into parts (`None`: never).
    pub split: Option<SplitLimits>,
}

fn rejected(error: impl Into<String>) -> Outcome {
    Outcome::Rejected {
        error: error.into(),
    }
}

impl<R, L, N, Q, A> OrgApp<R, L, N, Q, A>
where
    R: Reach + Sync,
    L: Ledger + Sync,
    N: Notifier + Sync,
    Q: ScanQueue + Sync,
    A: Accounts + Sync,
{
    /// The account-regions covered: every (account, region) of the accounts and regions.
    async fn targets(&self) -> Result<Vec<Target>, HandlerError> {
        let accounts: Vec<String> = self
            .accounts
            .accounts()
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        Ok(fleet::targets(&accounts, &self.regions))
    }

    /// Queue one region-wide scan per account-region.
    async fn plan_nightly(&self, trigger: &str, now_ms: i64) -> Result<Outcome, HandlerError> {
        let targets = self.targets().await?;
        let window = ecs_posture_core::render::time::rfc3339_millis(now_ms);
        let messages = fleet::plan_nightly(&targets, &window);
        let queued = self.queue.send(&messages).await?;
        info!(trigger = %trigger, account_regions = targets.len(), queued, "scans queued");
        Ok(Outcome::Queued {
            trigger: trigger.to_owned(),
            account_regions: targets.len(),
            queued,
        })
    }

    /// Queue a rescan of `scope` in `target` (an event forwarded from a member).
    async fn plan_rescan(
        &self,
        target: Target,
        scope: Scope,
        debounce: Option<String>,
        trigger: &str,
        event_id: &str,
        now_ms: i64,
    ) -> Result<Outcome, HandlerError> {
        if !self.regions.contains(&target.region) {
            return Ok(Outcome::Ignored {
                reason: Some(format!("region {} is not covered", target.region)),
            });
        }
        let covered = self.accounts.accounts().await?;
        if !covered.iter().any(|(a, _)| *a == target.account) {
            return Ok(Outcome::Ignored {
                reason: Some(format!("account {} is not covered", target.account)),
            });
        }
        if let Some(key) = debounce {
            let key = format!("{}#{key}", target.ledger_partition());
            if !self.ledger.debounce(&key, now_ms, self.debounce_ms).await? {
                return Ok(Outcome::Debounced {
                    trigger: trigger.to_owned(),
                    scope: scope.describe(),
                });
            }
        }
        let message = fleet::plan_rescan(&target, scope, trigger, event_id);
        let queued = self.queue.send(std::slice::from_ref(&message)).await?;
        info!(trigger = %trigger, account = %target.account, region = %target.region, scope = %message.body.scope.describe(), "rescan queued");
        Ok(Outcome::Queued {
            trigger: trigger.to_owned(),
            account_regions: 1,
            queued,
        })
    }

    /// Split a region-wide scan of `target` into parts queued in its message group when its
    /// listings exceed the limits; `None` when one scan covers it. `key` (the message id) makes
    /// a redelivered message queue the same parts, deduplicated.
    async fn split(
        &self,
        target: &Target,
        inventory: &R::Inventory,
        limits: SplitLimits,
        trigger: &str,
        key: &str,
    ) -> Result<Option<usize>, HandlerError> {
        let listed = inventory.extent().await?;
        if !limits.exceeded_by(&listed) {
            // One scan covers it: the handler reads the ledger itself, once.
            return Ok(None);
        }
        let known = Extent::of_ledger(
            self.ledger
                .load(&target.account, &target.region)
                .await?
                .values(),
        );
        let Some(parts) = fleet::plan_parts(target, &listed, &known, limits, trigger, key) else {
            return Ok(None);
        };
        let queued = self.queue.send(&parts).await?;
        info!(account = %target.account, region = %target.region, clusters = listed.clusters.len(), families = listed.families.len(), parts = parts.len(), queued, "account-region split into parts");
        Ok(Some(parts.len()))
    }

    /// Scan `scope` in `target` through its member role; the hub's ledger and topic. A large
    /// account-region's region-wide scan queues its parts instead.
    #[allow(clippy::too_many_arguments)]
    async fn scan(
        &self,
        target: &Target,
        scope: &Scope,
        trigger: &str,
        run_id: &str,
        message_id: &str,
        now_ms: i64,
        metrics: &mut Vec<Value>,
    ) -> Result<Outcome, InvocationError> {
        let fail = |source: HandlerError| InvocationError {
            name: source.name(),
            source,
        };
        let (inventory, sink) = match self.reach.reach(target).await {
            Ok(clients) => clients,
            Err(e) => {
                error!(error = "MemberUnreachable", account = %target.account, region = %target.region, message = %e, "scan failed");
                metrics.push(super::coverage_metric(target, trigger, false, now_ms));
                return Err(fail(HandlerError::Reach(e)));
            }
        };
        if *scope == Scope::Region
            && let Some(limits) = self.split
        {
            match self
                .split(target, &inventory, limits, trigger, message_id)
                .await
            {
                Ok(Some(parts)) => {
                    return Ok(Outcome::Queued {
                        trigger: trigger.to_owned(),
                        account_regions: 1,
                        queued: parts,
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    error!(error = e.name(), message = %e, account = %target.account, region = %target.region, "scan failed");
                    metrics.push(super::coverage_metric(target, trigger, false, now_ms));
                    return Err(fail(e));
                }
            }
        }
        let mut settings = self.settings.clone();
        settings.account_name = match self.accounts.accounts().await {
            Ok(list) => list
                .into_iter()
                .find(|(id, _)| *id == target.account)
                .and_then(|(_, name)| name),
            Err(e) => {
                warn!(message = %e, "account names unavailable; alerts name the account by id");
                None
            }
        };
        settings.account = Some(target.account.clone());
        settings.region = Some(target.region.clone());
        let handler = Handler {
            inventory,
            sink,
            ledger: &self.ledger,
            notifier: self.notifier.as_ref(),
            settings,
        };
        info!(trigger = %trigger, account = %target.account, region = %target.region, scope = %scope.describe(), "scan");
        match Box::pin(handler.run(scope, run_id, now_ms)).await {
            Ok(report) => {
                metrics.push(emf(&report, trigger, None, now_ms));
                metrics.push(super::coverage_metric(target, trigger, true, now_ms));
                Ok(Outcome::Ok(ScanSummary::of(&report, trigger)))
            }
            Err(e) => {
                let name = e.name();
                if let Some(report) = e.report() {
                    metrics.push(emf(report, trigger, Some(name), now_ms));
                }
                metrics.push(super::coverage_metric(target, trigger, false, now_ms));
                error!(error = name, message = %e, account = %target.account, region = %target.region, scope = %scope.describe(), "scan failed");
                Err(fail(e))
            }
        }
    }

    /// Queued scans, one per message. Messages of one account-region keep their order: after a
    /// failure, the later messages of that group in the batch are returned unprocessed (SQS FIFO
    /// redelivers them in order); other account-regions go on.
    async fn batch(
        &self,
        items: Vec<(String, Result<Route, trigger::TriggerError>)>,
        request_id: &str,
        now_ms: i64,
        metrics: &mut Vec<Value>,
    ) -> BatchResponse {
        let mut sqs = SqsBatchResponse::default();
        let mut results = Vec::new();
        let mut failed_groups: BTreeSet<String> = BTreeSet::new();
        for (message_id, routed) in items {
            let (message_id, route) = match unrouted_message(message_id, routed) {
                Routed::Act(r) => r,
                Routed::Answered(skipped) => {
                    results.push(skipped);
                    continue;
                }
            };
            let Route::Scan {
                scope,
                trigger,
                target: Some(target),
                ..
            } = route
            else {
                error!(error = "MalformedEvent", message_id = %message_id, problem = "a queued scan names no account and region", "message rejected");
                results.push(MessageResult::Skipped {
                    message_id,
                    status: Skipped::Rejected,
                });
                continue;
            };
            if failed_groups.contains(&target.group_id()) {
                warn!(message_id = %message_id, account = %target.account, region = %target.region, "left for a retry behind the failed scan of its account-region");
                retry(&mut sqs, message_id);
                continue;
            }
            let run_id = format!("{request_id}/{message_id}");
            match self
                .scan(
                    &target,
                    &scope,
                    &trigger,
                    &run_id,
                    &message_id,
                    now_ms,
                    metrics,
                )
                .await
            {
                Ok(result) => results.push(MessageResult::Scanned { message_id, result }),
                Err(_) => {
                    failed_groups.insert(target.group_id());
                    retry(&mut sqs, message_id);
                }
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
        let queue_failed = |e: HandlerError| InvocationError {
            name: e.name(),
            source: e,
        };
        let result = match unrouted(trigger::route(event)) {
            Routed::Answered(outcome) => Ok(Response::Event(outcome)),
            // `unrouted` answered every ignored event already.
            Routed::Act(Route::Ignored { reason }) => Ok(Response::Event(Outcome::Ignored {
                reason: Some(reason),
            })),
            Routed::Act(Route::Batch(items)) => Ok(Response::Batch(
                self.batch(items, request_id, now_ms, &mut metrics).await,
            )),
            Routed::Act(Route::Scan {
                scope: Scope::Region,
                trigger,
                target: None,
                ..
            }) => match self.plan_nightly(&trigger, now_ms).await {
                Ok(outcome) => {
                    if let Outcome::Queued {
                        account_regions, ..
                    } = &outcome
                    {
                        metrics.push(super::targeted_metric(*account_regions, &trigger, now_ms));
                    }
                    Ok(Response::Event(outcome))
                }
                Err(e) => {
                    error!(error = e.name(), message = %e, "scans not queued");
                    Err(queue_failed(e))
                }
            },
            Routed::Act(Route::Scan { target: None, .. }) => Ok(Response::Event(rejected(
                "in an organization deployment a scan request names its account and region",
            ))),
            Routed::Act(Route::Scan {
                scope,
                debounce,
                trigger,
                target: Some(target),
            }) => {
                let event_id = event
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or(request_id)
                    .to_owned();
                match self
                    .plan_rescan(target, scope, debounce, &trigger, &event_id, now_ms)
                    .await
                {
                    Ok(outcome) => Ok(Response::Event(outcome)),
                    Err(e) => {
                        error!(error = e.name(), message = %e, "rescan not queued");
                        Err(queue_failed(e))
                    }
                }
            }
        };
        (result, metrics)
    }
}

//! DynamoDB ledger: one item per finding Id (partition key `id`), written with conditional
//! updates so that concurrent or repeated invocations never roll state back, never double-alert,
//! and never record an alert that was not published. An invocation reads only its own
//! account-region, by a Query of the [`LEDGER_INDEX`] index (never a Scan of the table).
//!
//! Item attributes: `entry` (the ledger entry as JSON), `account`, `region`, `state`,
//! `last_imported_ms`, `alerted_since`/`alerted_severity`/`alerted_at` (the last alert),
//! `claim_owner`/`claim_until` (an alert being published), `expires_at` (TTL, archived entries),
//! `pending` (written before an import, removed when it is settled; the entry JSON says so too).

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::query::QueryError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use ecs_posture_core::finding::Severity;
use ecs_posture_core::lifecycle::{Alerted, FindingState, LedgerEntry};

use crate::ports::{Intent, Ledger, LedgerError};

/// A DynamoDB call of the ledger that failed; the SDK error is the `source`.
#[derive(Debug, thiserror::Error)]
pub enum DynamoError {
    #[error(
        "Query {table} index {LEDGER_INDEX} (account {account}, region {region}): {}{}",
        super::sdk_error_summary(.source),
        if super::sdk_error_code(.source) == Some("ValidationException") {
            " (the ledger table needs the global secondary index by-account-region: partition key account, sort key region, both strings, all attributes projected; template.yaml creates it)"
        } else {
            ""
        }
    )]
    Query {
        table: String,
        account: String,
        region: String,
        #[source]
        source: SdkError<QueryError, HttpResponse>,
    },
    #[error("UpdateItem {table} {id}: {}", super::sdk_error_summary(.source))]
    UpdateItem {
        table: String,
        id: String,
        #[source]
        source: SdkError<UpdateItemError, HttpResponse>,
    },
    #[error("{table}: item {id} holds a malformed entry: {source}")]
    MalformedEntry {
        table: String,
        id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{id}: the entry cannot be written as JSON: {source}")]
    Encode {
        id: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The global secondary index that holds one account-region's entries together (partition key
/// `account`, sort key `region`): an invocation queries its own account-region, whatever the
/// size of the organization the table serves.
pub const LEDGER_INDEX: &str = "by-account-region";

/// Archived entries are kept this long after their last import (DynamoDB TTL).
const ARCHIVED_RETENTION_SECS: i64 = 180 * 24 * 60 * 60;

pub struct DynamoLedger {
    client: Client,
    table: String,
}

impl DynamoLedger {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoLedger {
        DynamoLedger {
            client,
            table: table.into(),
        }
    }
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn rank(s: Severity) -> i64 {
    Severity::ALL.len() as i64 - 1 - Severity::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
}

fn from_rank(r: i64) -> Severity {
    let idx =
        (Severity::ALL.len() as i64 - 1 - r).clamp(0, Severity::ALL.len() as i64 - 1) as usize;
    Severity::ALL[idx]
}

fn num(item: &HashMap<String, AttributeValue>, k: &str) -> Option<i64> {
    item.get(k)
        .and_then(|v| v.as_n().ok())
        .and_then(|x| x.parse().ok())
}

impl DynamoLedger {
    /// An UpdateItem of `e`'s entry with its values bound (`:e` the entry JSON, marked pending
    /// or not, `:u`, `:a`, `:r`, `:s`); the caller adds the update and condition expressions.
    fn entry_update(
        &self,
        e: &LedgerEntry,
        pending: bool,
    ) -> Result<UpdateItemFluentBuilder, LedgerError> {
        let json = serde_json::to_string(&LedgerEntry {
            alerted: None,
            pending,
            ..e.clone()
        })
        .map_err(|source| {
            LedgerError::new(DynamoError::Encode {
                id: e.id.clone(),
                source,
            })
        })?;
        Ok(self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(&e.id))
            .expression_attribute_names("#a", "account")
            .expression_attribute_names("#r", "region")
            .expression_attribute_names("#s", "state")
            .expression_attribute_values(":e", s(&json))
            .expression_attribute_values(":u", n(e.last_imported_ms))
            .expression_attribute_values(":a", s(&e.account))
            .expression_attribute_values(":r", s(&e.region))
            .expression_attribute_values(":s", s(e.state.as_str())))
    }

    /// The outcome of a conditional UpdateItem on `id`: `true` when applied, `false` when its
    /// condition did not hold.
    fn applied<T>(
        &self,
        result: Result<T, SdkError<UpdateItemError, HttpResponse>>,
        id: &str,
    ) -> Result<bool, LedgerError> {
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(source) => Err(LedgerError::new(DynamoError::UpdateItem {
                table: self.table.clone(),
                id: id.to_owned(),
                source,
            })),
        }
    }
}

impl Ledger for DynamoLedger {
    async fn load(
        &self,
        account: &str,
        region: &str,
    ) -> Result<HashMap<String, LedgerEntry>, LedgerError> {
        let mut out = HashMap::new();
        // A global secondary index is read eventually consistently: an entry written an instant
        // ago may be missing. The conditional writes make that safe (a plan from a stale read
        // loses its reservation instead of overwriting), and one account-region's invocations
        // are serialized by the queue's message group.
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(LEDGER_INDEX)
            .key_condition_expression("#a = :a AND #r = :r")
            .expression_attribute_names("#a", "account")
            .expression_attribute_names("#r", "region")
            .expression_attribute_values(":a", s(account))
            .expression_attribute_values(":r", s(region))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let r = page.map_err(|source| {
                LedgerError::new(DynamoError::Query {
                    table: self.table.clone(),
                    account: account.to_owned(),
                    region: region.to_owned(),
                    source,
                })
            })?;
            for item in r.items() {
                let Some(text) = item.get("entry").and_then(|v| v.as_s().ok()) else {
                    continue;
                };
                let mut entry: LedgerEntry = serde_json::from_str(text).map_err(|source| {
                    LedgerError::new(DynamoError::MalformedEntry {
                        table: self.table.clone(),
                        id: item
                            .get("id")
                            .and_then(|v| v.as_s().ok())
                            .cloned()
                            .unwrap_or_default(),
                        source,
                    })
                })?;
                entry.alerted = match (num(item, "alerted_since"), num(item, "alerted_severity")) {
                    (Some(since), Some(sev)) => Some(Alerted {
                        failing_since_ms: since,
                        severity: from_rank(sev),
                        at_ms: num(item, "alerted_at").unwrap_or(0),
                    }),
                    _ => None,
                };
                out.insert(entry.id.clone(), entry);
            }
        }
        Ok(out)
    }

    async fn reserve(&self, intents: &[Intent]) -> Result<Vec<String>, LedgerError> {
        let mut won = Vec::new();
        for i in intents {
            let e = &i.entry;
            let req = self
                .entry_update(e, true)?
                .update_expression(
                    "SET entry = :e, last_imported_ms = :u, #a = :a, #r = :r, #s = :s, pending = :p",
                )
                .expression_attribute_values(":p", AttributeValue::Bool(true));
            // Only over the entry the plan saw: a concurrent invocation that wrote first wins.
            // The same write again (the SDK retrying an attempt whose answer was lost) holds
            // too: the item then carries this very entry at this very time.
            let own = "(last_imported_ms = :u AND entry = :e)";
            let req = match i.seen_ms {
                None => req.condition_expression(format!(
                    "attribute_not_exists(id) OR attribute_not_exists(last_imported_ms) OR {own}"
                )),
                Some(seen) => req
                    .condition_expression(format!("last_imported_ms = :seen OR {own}"))
                    .expression_attribute_values(":seen", n(seen)),
            };
            if self.applied(req.send().await, &e.id)? {
                won.push(e.id.clone());
            } else {
                tracing::info!(finding_id = %e.id, "another invocation is importing this finding");
            }
        }
        Ok(won)
    }

    async fn record(&self, entries: &[LedgerEntry]) -> Result<(), LedgerError> {
        for e in entries {
            let req = self.entry_update(e, false)?.condition_expression(
                "attribute_not_exists(id) OR attribute_not_exists(last_imported_ms) OR last_imported_ms <= :u",
            );
            let req = if e.state == FindingState::Archived {
                req.update_expression("SET entry = :e, last_imported_ms = :u, #a = :a, #r = :r, #s = :s, expires_at = :x REMOVE pending")
                    .expression_attribute_values(":x", n(e.last_imported_ms / 1000 + ARCHIVED_RETENTION_SECS))
            } else {
                req.update_expression("SET entry = :e, last_imported_ms = :u, #a = :a, #r = :r, #s = :s REMOVE expires_at, pending")
            };
            if !self.applied(req.send().await, &e.id)? {
                tracing::info!(finding_id = %e.id, "ledger already holds a newer import");
                continue;
            }
            if e.alerted.is_none() {
                // A new FAILED episode: forget the alert of an earlier one (not a concurrent one's).
                let r = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .key("id", s(&e.id))
                    .update_expression("REMOVE alerted_since, alerted_severity, alerted_at")
                    .condition_expression("attribute_exists(alerted_since) AND alerted_since < :f")
                    .expression_attribute_values(":f", n(e.first_observed_ms))
                    .send()
                    .await;
                self.applied(r, &e.id)?;
            }
        }
        Ok(())
    }

    async fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<Vec<String>, LedgerError> {
        let mut won = Vec::new();
        for (id, a) in items {
            let r = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("id", s(id))
                .update_expression("SET claim_owner = :o, claim_until = :until")
                .condition_expression(
                    "attribute_exists(id) AND (attribute_not_exists(claim_until) OR claim_until < :now OR claim_owner = :o) \
                     AND (attribute_not_exists(alerted_since) OR alerted_since <> :since OR alerted_severity < :sev)",
                )
                .expression_attribute_values(":o", s(owner))
                .expression_attribute_values(":until", n(now_ms + ttl_ms))
                .expression_attribute_values(":now", n(now_ms))
                .expression_attribute_values(":since", n(a.failing_since_ms))
                .expression_attribute_values(":sev", n(rank(a.severity)))
                .send()
                .await;
            match self.applied(r, id) {
                Ok(true) => won.push(id.clone()),
                Ok(false) => tracing::info!(finding_id = %id, "alert already sent or being sent"),
                Err(e) => {
                    // Give back what this call claimed, so that the next invocation alerts
                    // instead of waiting for the claims to expire.
                    if let Err(release) = self.release_alerts(&won, owner).await {
                        tracing::warn!(error = %release, claims = won.len(), "claims not released");
                    }
                    return Err(e);
                }
            }
        }
        Ok(won)
    }

    async fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> Result<(), LedgerError> {
        for (id, a) in items {
            let r = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("id", s(id))
                .update_expression("SET alerted_since = :since, alerted_severity = :sev, alerted_at = :at REMOVE claim_owner, claim_until")
                .condition_expression("claim_owner = :o")
                .expression_attribute_values(":since", n(a.failing_since_ms))
                .expression_attribute_values(":sev", n(rank(a.severity)))
                .expression_attribute_values(":at", n(a.at_ms))
                .expression_attribute_values(":o", s(owner))
                .send()
                .await;
            if !self.applied(r, id)? {
                tracing::warn!(finding_id = %id, "alert claim lost before it was recorded");
            }
        }
        Ok(())
    }

    async fn debounce(&self, key: &str, now_ms: i64, window_ms: i64) -> Result<bool, LedgerError> {
        let r = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(&format!("debounce#{key}")))
            .update_expression("SET debounce_until = :until, expires_at = :x")
            .condition_expression("attribute_not_exists(debounce_until) OR debounce_until < :now")
            .expression_attribute_values(":until", n(now_ms + window_ms))
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":x", n((now_ms + window_ms) / 1000 + 3600))
            .send()
            .await;
        self.applied(r, &format!("debounce#{key}"))
    }

    async fn release_alerts(&self, ids: &[String], owner: &str) -> Result<(), LedgerError> {
        for id in ids {
            let r = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("id", s(id))
                .update_expression("REMOVE claim_owner, claim_until")
                .condition_expression("claim_owner = :o")
                .expression_attribute_values(":o", s(owner))
                .send()
                .await;
            self.applied(r, id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_rank_round_trips() {
        for s in Severity::ALL {
            assert_eq!(from_rank(rank(s)), s);
        }
        assert!(rank(Severity::Critical) > rank(Severity::High));
    }
}

//! The handler in process, over in-memory ports: the lifecycle it executes (import, record only
//! what was accepted, alert once, retry what failed), without files, emulators or AWS.

use std::collections::HashMap;
use std::sync::Mutex;

use ecs_posture::handler::{Handler, HandlerError, Settings};
use ecs_posture::ports::{
    Collected, FailedFinding, FindingSink, ImportReport, Intent, Inventory, InventoryError, Ledger,
    LedgerError, Notifier, NotifyError,
};
use ecs_posture_core::Options;
use ecs_posture_core::lifecycle::{Alerted, FindingState, LedgerEntry};
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::render::alert::Alert;
use ecs_posture_core::render::asff::Finding;
use ecs_posture_core::scope::{self, Scope};

const TD: &str = "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1";

fn task_definition(privileged: bool) -> String {
    format!(
        r#"{{"taskDefinition": {{"taskDefinitionArn": "{TD}", "family": "web", "revision": 1, "status": "ACTIVE",
        "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512",
        "containerDefinitions": [{{"name": "web", "image": "nginx:1.27", "privileged": {privileged}}}]}}, "tags": []}}"#
    )
}

/// The estate as one document the test can change between runs.
struct MemInventory(Mutex<String>);

impl Inventory for MemInventory {
    async fn collect(&self, scope: &Scope) -> Result<Collected, InventoryError> {
        let mut s = Snapshot::default();
        let doc = self.0.lock().unwrap().clone();
        s.add_document("mem.json", &doc)
            .map_err(|e| InventoryError::Input(vec![e]))?;
        let (snapshot, coverage) = scope::select(&s, scope);
        Ok(Collected {
            snapshot,
            coverage,
            ..Collected::default()
        })
    }
}

/// Accepts every finding except the checks it is told to reject.
#[derive(Default)]
struct MemSink {
    imported: Mutex<Vec<Finding>>,
    reject_check: Mutex<Option<&'static str>>,
}

impl FindingSink for MemSink {
    async fn import(&self, findings: Vec<Finding>) -> ImportReport {
        let reject = *self.reject_check.lock().unwrap();
        let mut report = ImportReport {
            batches: 1,
            ..ImportReport::default()
        };
        for f in findings {
            if Some(f.generator_id) == reject {
                report.failed.push(FailedFinding {
                    id: f.id.clone(),
                    code: "InvalidInput".into(),
                    message: "rejected by the test".into(),
                });
            } else {
                report.accepted.push(f.id.clone());
                self.imported.lock().unwrap().push(f);
            }
        }
        report
    }
}

#[derive(Default)]
struct MemLedger {
    entries: Mutex<HashMap<String, LedgerEntry>>,
    claims: Mutex<HashMap<String, String>>,
    /// Settling fails (the invocation stops between the import and the ledger write).
    fail_record: Mutex<bool>,
    /// Findings of these checks are being imported by another invocation.
    taken_checks: Mutex<Vec<&'static str>>,
    /// Another invocation holds every alert claim (it stopped between claim and Publish).
    claims_held: Mutex<bool>,
}

impl Ledger for MemLedger {
    async fn load(
        &self,
        account: &str,
        region: &str,
    ) -> Result<HashMap<String, LedgerEntry>, LedgerError> {
        Ok(self
            .entries
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, e)| e.account == account && e.region == region)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    async fn reserve(&self, intents: &[Intent]) -> Result<Vec<String>, LedgerError> {
        let taken = self.taken_checks.lock().unwrap().clone();
        let mut entries = self.entries.lock().unwrap();
        let mut won = Vec::new();
        for i in intents {
            let stored = entries.get(&i.entry.id).map(|e| e.last_imported_ms);
            if stored == i.seen_ms && !taken.contains(&i.entry.check_id.as_str()) {
                entries.insert(
                    i.entry.id.clone(),
                    LedgerEntry {
                        pending: true,
                        ..i.entry.clone()
                    },
                );
                won.push(i.entry.id.clone());
            }
        }
        Ok(won)
    }

    async fn record(&self, new: &[LedgerEntry]) -> Result<(), LedgerError> {
        if *self.fail_record.lock().unwrap() {
            return Err(LedgerError::new("the ledger is unreachable (test)"));
        }
        let mut entries = self.entries.lock().unwrap();
        for e in new {
            let alerted = e.alerted.or_else(|| {
                entries
                    .get(&e.id)
                    .and_then(|o| o.alerted)
                    .filter(|a| a.failing_since_ms == e.first_observed_ms)
            });
            entries.insert(
                e.id.clone(),
                LedgerEntry {
                    alerted,
                    ..e.clone()
                },
            );
        }
        Ok(())
    }

    async fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        _now_ms: i64,
        _ttl_ms: i64,
    ) -> Result<Vec<String>, LedgerError> {
        if *self.claims_held.lock().unwrap() {
            return Ok(Vec::new());
        }
        let entries = self.entries.lock().unwrap();
        let mut claims = self.claims.lock().unwrap();
        let mut won = Vec::new();
        for (id, a) in items {
            let done = entries
                .get(id)
                .and_then(|e| e.alerted)
                .is_some_and(|x| x.failing_since_ms == a.failing_since_ms);
            if !done && !claims.contains_key(id) {
                claims.insert(id.clone(), owner.to_owned());
                won.push(id.clone());
            }
        }
        Ok(won)
    }

    async fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        _owner: &str,
    ) -> Result<(), LedgerError> {
        let mut entries = self.entries.lock().unwrap();
        let mut claims = self.claims.lock().unwrap();
        for (id, a) in items {
            if let Some(e) = entries.get_mut(id) {
                e.alerted = Some(*a);
            }
            claims.remove(id);
        }
        Ok(())
    }

    async fn debounce(&self, _: &str, _: i64, _: i64) -> Result<bool, LedgerError> {
        Ok(true)
    }

    async fn release_alerts(&self, ids: &[String], _owner: &str) -> Result<(), LedgerError> {
        let mut claims = self.claims.lock().unwrap();
        for id in ids {
            claims.remove(id);
        }
        Ok(())
    }
}

/// Records alerts; fails while `down` is set.
#[derive(Default)]
struct MemNotifier {
    sent: Mutex<Vec<Alert>>,
    down: Mutex<bool>,
}

impl Notifier for MemNotifier {
    async fn publish(&self, alert: &Alert) -> Result<String, NotifyError> {
        if *self.down.lock().unwrap() {
            return Err(NotifyError::new("the topic is unreachable (test)"));
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push(alert.clone());
        Ok(format!("message-{}", sent.len()))
    }
}

type MemHandler = Handler<MemInventory, MemSink, MemLedger, Option<MemNotifier>>;

fn handler(privileged: bool, alerts: bool) -> MemHandler {
    let mut settings = Settings::new(Options::default()).unwrap();
    settings.alert_threshold = alerts.then_some(ecs_posture_core::Severity::High);
    Handler {
        inventory: MemInventory(Mutex::new(task_definition(privileged))),
        sink: MemSink::default(),
        ledger: MemLedger::default(),
        notifier: alerts.then(MemNotifier::default),
        settings,
    }
}

fn sent(h: &MemHandler) -> usize {
    h.notifier
        .as_ref()
        .map_or(0, |n| n.sent.lock().unwrap().len())
}

fn state_of(h: &MemHandler, check: &str) -> Option<FindingState> {
    h.ledger
        .entries
        .lock()
        .unwrap()
        .values()
        .find(|e| e.check_id == check)
        .map(|e| e.state)
}

const T0: i64 = 1_780_000_000_000;
const MINUTE: i64 = 60_000;

#[tokio::test]
async fn imports_once_alerts_once_and_records_what_was_accepted() {
    let h = handler(true, true);
    let first = h.run(&Scope::Region, "run-1", T0).await.unwrap();
    assert!(first.new > 0 && first.imported == first.new, "{first:?}");
    assert_eq!(h.sink.imported.lock().unwrap().len(), first.imported);
    assert_eq!(state_of(&h, "TD01"), Some(FindingState::Failed));
    assert_eq!(sent(&h), 1, "one alert for the new HIGH findings");
    assert!(first.alerted > 0 && first.alert_subject.is_some());

    let second = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert_eq!(
        (second.imported, second.alerted),
        (0, 0),
        "an unchanged estate imports and alerts nothing"
    );
    assert_eq!(second.unchanged, first.new);
    assert_eq!(sent(&h), 1);

    // Fixed: the same Id turns PASSED, and nothing is alerted.
    *h.inventory.0.lock().unwrap() = task_definition(false);
    let third = h
        .run(&Scope::Region, "run-3", T0 + 2 * MINUTE)
        .await
        .unwrap();
    assert_eq!(third.fixed, 1, "{third:?}");
    assert_eq!(state_of(&h, "TD01"), Some(FindingState::Passed));
    let last = h.sink.imported.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.generator_id, "TD01");
    assert_eq!(last.to_json()["Compliance"]["Status"], "PASSED");
    assert_eq!(sent(&h), 1);

    // Failing again: a new episode, alerted again.
    *h.inventory.0.lock().unwrap() = task_definition(true);
    let fourth = h
        .run(&Scope::Region, "run-4", T0 + 3 * MINUTE)
        .await
        .unwrap();
    assert_eq!(fourth.regressed, 1, "{fourth:?}");
    assert_eq!(sent(&h), 2);
}

#[tokio::test]
async fn a_rejected_finding_is_not_settled_and_is_imported_again() {
    let h = handler(true, true);
    *h.sink.reject_check.lock().unwrap() = Some("TD01");
    let err = h.run(&Scope::Region, "run-1", T0).await.unwrap_err();
    let HandlerError::ImportFailed { count, report, .. } = &err else {
        panic!("expected ImportFailed, got {err}")
    };
    assert_eq!(*count, 1);
    assert_eq!(err.name(), "ImportFailed");
    let pending = |h: &MemHandler| {
        h.ledger
            .entries
            .lock()
            .unwrap()
            .values()
            .find(|e| e.check_id == "TD01")
            .map(|e| e.pending)
    };
    assert_eq!(
        pending(&h),
        Some(true),
        "a rejected finding is not settled: its entry stays pending"
    );
    assert!(report.imported > 0, "the other findings were imported");
    let first_alert = h.notifier.as_ref().unwrap().sent.lock().unwrap()[0]
        .body
        .clone();
    assert!(
        !first_alert.contains("(TD01"),
        "no alert for what Security Hub refused"
    );

    *h.sink.reject_check.lock().unwrap() = None;
    let again = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert_eq!(
        (again.imported, again.refreshed),
        (1, 1),
        "the rejected finding is imported on the next run"
    );
    assert_eq!(state_of(&h, "TD01"), Some(FindingState::Failed));
    assert_eq!(pending(&h), Some(false));
    assert_eq!(again.alerted, 1, "and alerted once Security Hub holds it");
}

#[tokio::test]
async fn a_failed_publish_releases_the_claims_and_the_next_run_alerts() {
    let h = handler(true, true);
    *h.notifier.as_ref().unwrap().down.lock().unwrap() = true;
    let err = h.run(&Scope::Region, "run-1", T0).await.unwrap_err();
    assert_eq!(err.name(), "NotifyFailed", "{err}");
    assert!(
        h.ledger.claims.lock().unwrap().is_empty(),
        "claims released"
    );
    assert_eq!(sent(&h), 0);

    *h.notifier.as_ref().unwrap().down.lock().unwrap() = false;
    let again = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert_eq!(again.imported, 0, "the findings were already imported");
    assert!(again.alerted > 0, "the alert goes out on the next run");
    assert_eq!(sent(&h), 1);
}

#[tokio::test]
async fn without_a_notifier_nothing_is_alerted() {
    let h = handler(true, false);
    let r = h.run(&Scope::Region, "run-1", T0).await.unwrap();
    assert!(r.imported > 0);
    assert_eq!((r.alerted, r.alert_subject), (0, None));
    assert!(h.ledger.claims.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_bad_document_is_an_inventory_error_naming_it() {
    let h = handler(true, true);
    *h.inventory.0.lock().unwrap() = "{\"taskDefinition\": ".to_owned();
    let err = h.run(&Scope::Region, "run-1", T0).await.unwrap_err();
    assert_eq!(err.name(), "InventoryError");
    assert!(err.to_string().contains("mem.json"), "{err}");
    assert!(h.sink.imported.lock().unwrap().is_empty());
}

/// A stop between the import and the ledger write leaves Security Hub ahead of a ledger that
/// knows it (pending entries): a later fix still reaches Security Hub.
#[tokio::test]
async fn a_stop_after_the_import_still_converges() {
    let h = handler(true, false);
    *h.ledger.fail_record.lock().unwrap() = true;
    let err = h.run(&Scope::Region, "run-1", T0).await.unwrap_err();
    assert_eq!(err.name(), "LedgerError");
    let td01_failed = |h: &MemHandler| {
        h.sink
            .imported
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|f| f.generator_id == "TD01")
            .map(|f| f.to_json()["Compliance"]["Status"].clone())
    };
    assert_eq!(
        td01_failed(&h).unwrap(),
        "FAILED",
        "Security Hub holds the finding"
    );
    assert!(
        h.ledger.entries.lock().unwrap().values().all(|e| e.pending),
        "the ledger knows what Security Hub may hold"
    );
    // Fixed, with the ledger back: the fix reaches Security Hub.
    *h.ledger.fail_record.lock().unwrap() = false;
    *h.inventory.0.lock().unwrap() = task_definition(false);
    let r = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert_eq!(r.fixed, 1, "{r:?}");
    assert_eq!(td01_failed(&h).unwrap(), "PASSED");
    assert!(
        h.ledger
            .entries
            .lock()
            .unwrap()
            .values()
            .all(|e| !e.pending)
    );
    // And then nothing more to do.
    let r = h
        .run(&Scope::Region, "run-3", T0 + 2 * MINUTE)
        .await
        .unwrap();
    assert_eq!(r.imported, 0);
}

/// A finding another invocation is importing (it wrote its entry first) is left to it: not
/// imported, not alerted, and counted.
#[tokio::test]
async fn findings_another_invocation_is_importing_are_left_to_it() {
    let h = handler(true, true);
    *h.ledger.taken_checks.lock().unwrap() = vec!["TD01"];
    let r = h.run(&Scope::Region, "run-1", T0).await.unwrap();
    assert_eq!(r.contended, 1, "{r:?}");
    assert!(
        !h.sink
            .imported
            .lock()
            .unwrap()
            .iter()
            .any(|f| f.generator_id == "TD01")
    );
    let alert = &h.notifier.as_ref().unwrap().sent.lock().unwrap()[0];
    assert!(!alert.body.contains("(TD01"), "{}", alert.body);
}

/// Alerts held by another invocation's claims are reported, not silently skipped.
#[tokio::test]
async fn alerts_held_elsewhere_are_reported() {
    let h = handler(true, true);
    *h.ledger.claims_held.lock().unwrap() = true;
    let r = h.run(&Scope::Region, "run-1", T0).await.unwrap();
    assert_eq!(r.alerted, 0);
    assert!(r.alerts_pending > 0, "{r:?}");
    assert_eq!(sent(&h), 0);
    *h.ledger.claims_held.lock().unwrap() = false;
    let r = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert!(r.alerted > 0 && r.alerts_pending == 0, "{r:?}");
    assert_eq!(sent(&h), 1);
}

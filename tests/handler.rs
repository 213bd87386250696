//! The handler in process, over in-memory ports: the lifecycle it executes (import, record only
//! what was accepted, alert once, retry what failed), without files, emulators or AWS.

use std::collections::HashMap;
use std::sync::Mutex;

use ecs_posture::handler::{Handler, HandlerError, Settings};
use ecs_posture::ports::{
    Collected, FailedFinding, FindingSink, ImportReport, Inventory, InventoryError, Ledger,
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

    async fn record(&self, new: &[LedgerEntry]) -> Result<(), LedgerError> {
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
async fn a_rejected_finding_is_not_recorded_and_is_imported_again() {
    let h = handler(true, true);
    *h.sink.reject_check.lock().unwrap() = Some("TD01");
    let err = h.run(&Scope::Region, "run-1", T0).await.unwrap_err();
    let HandlerError::ImportFailed { count, report, .. } = &err else {
        panic!("expected ImportFailed, got {err}")
    };
    assert_eq!(*count, 1);
    assert_eq!(err.name(), "ImportFailed");
    assert_eq!(
        state_of(&h, "TD01"),
        None,
        "a rejected finding is not recorded"
    );
    assert!(report.imported > 0, "the other findings were imported");

    *h.sink.reject_check.lock().unwrap() = None;
    let again = h.run(&Scope::Region, "run-2", T0 + MINUTE).await.unwrap();
    assert_eq!(
        again.new, 1,
        "the rejected finding is imported on the next run"
    );
    assert_eq!(state_of(&h, "TD01"), Some(FindingState::Failed));
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

use super::*;
use crate::checks::catalog::find;
use crate::finding::Outcome;
use crate::{Context, Options, Snapshot, evaluate};

const DAY: i64 = 24 * 60 * 60 * 1000;
const T0: i64 = 1_700_000_000_000;

fn td(rev: u32, privileged: bool) -> String {
    format!(
        r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:{rev}","family":"app","revision":{rev},"status":"ACTIVE","containerDefinitions":[{{"name":"c","image":"x:1","privileged":{privileged}}}]}},"tags":[]}}"#
    )
}

fn evals(docs: &[String], checks: &[&str]) -> Vec<Evaluation> {
    let mut s = Snapshot::default();
    for d in docs {
        s.add_document("d.json", d).unwrap();
    }
    let checks: Vec<&'static Check> = checks.iter().map(|c| find(c).unwrap()).collect();
    evaluate(&s, &checks, &Options::default(), &Context::for_snapshot(&s))
}

struct World {
    ledger: HashMap<String, LedgerEntry>,
}

impl World {
    fn new() -> World {
        World {
            ledger: HashMap::new(),
        }
    }

    /// Plan, then accept every import and alert (what the shell does when all succeeds).
    fn run(
        &mut self,
        evals: &[Evaluation],
        coverage: &Coverage,
        checks: &[&str],
        now: i64,
    ) -> Plan {
        let checks_run: Vec<&'static Check> = checks.iter().map(|c| find(c).unwrap()).collect();
        let p = plan(&PlanInput {
            evaluations: evals,
            ledger: &self.ledger,
            coverage,
            checks_run: &checks_run,
            disabled_checks: &HashSet::new(),
            now_ms: now,
            refresh_age_ms: 7 * DAY,
            alert_threshold: Severity::High,
        });
        self.accept(&p, now);
        p
    }

    fn accept(&mut self, p: &Plan, now: i64) {
        for i in &p.imports {
            self.ledger.insert(i.id.clone(), i.entry.clone());
        }
        for a in &p.alerts {
            if let Some(e) = self.ledger.get_mut(&a.id) {
                e.alerted = Some(Alerted {
                    failing_since_ms: a.failing_since_ms,
                    severity: a.severity,
                    at_ms: now,
                });
            }
        }
    }
}

fn full_coverage() -> Coverage {
    Coverage {
        all_task_definitions: true,
        all_clusters: true,
        ..Coverage::default()
    }
}

#[test]
fn new_failure_is_imported_and_alerted_once() {
    let mut w = World::new();
    let e = evals(&[td(1, true)], &["TD01"]);
    let p = w.run(&e, &full_coverage(), &["TD01"], T0);
    assert_eq!(p.imports.len(), 1);
    let i = &p.imports[0];
    assert_eq!(i.reason, ImportReason::New);
    assert_eq!(
        (
            i.import.created_at_ms,
            i.import.first_observed_ms,
            i.import.updated_at_ms
        ),
        (T0, T0, T0)
    );
    assert_eq!(i.import.compliance, Status::Failed);
    assert_eq!(p.alerts.len(), 1);
    assert_eq!(p.alerts[0].transition, Transition::New);
    // Rerun: nothing to import, nothing to alert.
    let p = w.run(&e, &full_coverage(), &["TD01"], T0 + 60_000);
    assert!(p.imports.is_empty() && p.alerts.is_empty());
    assert_eq!(p.unchanged, 1);
}

#[test]
fn passed_never_failed_is_not_imported() {
    let mut w = World::new();
    let e = evals(&[td(1, false)], &["TD01"]);
    let p = w.run(&e, &full_coverage(), &["TD01"], T0);
    assert!(p.imports.is_empty() && p.alerts.is_empty());
}

#[test]
fn still_failing_is_refreshed_after_the_refresh_age() {
    let mut w = World::new();
    let e = evals(&[td(1, true)], &["TD01"]);
    w.run(&e, &full_coverage(), &["TD01"], T0);
    assert!(
        w.run(&e, &full_coverage(), &["TD01"], T0 + 6 * DAY)
            .imports
            .is_empty()
    );
    let p = w.run(&e, &full_coverage(), &["TD01"], T0 + 7 * DAY);
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Refresh);
    assert_eq!(p.imports[0].import.created_at_ms, T0, "CreatedAt is kept");
    assert_eq!(
        p.imports[0].import.first_observed_ms, T0,
        "FirstObservedAt is kept"
    );
    assert!(p.alerts.is_empty(), "a refresh is not a transition");
}

#[test]
fn changed_evidence_is_reimported_without_alert() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    let two = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:1","family":"app","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"c","image":"x:1","privileged":true},{"name":"d","image":"x:1","privileged":true}]},"tags":[]}"#;
    let p = w.run(
        &evals(&[two.to_owned()], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 1000,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Changed);
    assert!(p.alerts.is_empty());
}

#[test]
fn fixed_is_imported_as_passed_then_regression_alerts_again() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    let p = w.run(
        &evals(&[td(1, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 1000,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Fixed);
    assert_eq!(p.imports[0].import.compliance, Status::Passed);
    assert_eq!(p.imports[0].import.record_state, RecordState::Active);
    assert!(
        w.run(
            &evals(&[td(1, false)], &["TD01"]),
            &full_coverage(),
            &["TD01"],
            T0 + 2000
        )
        .imports
        .is_empty()
    );
    let p = w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 3000,
    );
    assert_eq!(p.imports[0].reason, ImportReason::Regressed);
    assert_eq!(p.imports[0].import.created_at_ms, T0);
    assert_eq!(p.imports[0].import.first_observed_ms, T0 + 3000);
    assert_eq!(p.alerts.len(), 1);
    assert_eq!(p.alerts[0].transition, Transition::Regressed);
}

#[test]
fn superseded_revision_is_archived_and_new_revision_tracked() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    // Revision 2 is registered and fixed: revision 1 is superseded (NOT_APPLICABLE) -> archived.
    let p = w.run(
        &evals(&[td(1, true), td(2, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 1000,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Archived);
    assert_eq!(p.imports[0].import.record_state, RecordState::Archived);
    assert!(p.alerts.is_empty());
    // The same run again changes nothing.
    let p = w.run(
        &evals(&[td(1, true), td(2, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 2000,
    );
    assert!(p.imports.is_empty() && p.alerts.is_empty());
}

#[test]
fn absent_resource_is_archived_only_when_covered() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    // A scan that could not list task definitions proves nothing.
    let p = w.run(&[], &Coverage::default(), &["TD01"], T0 + 1000);
    assert!(p.imports.is_empty());
    // Nor does a scan whose listing failed for that very resource.
    let mut c = full_coverage();
    c.unreadable
        .insert("arn:aws:ecs:us-east-1:111122223333:task-definition/app:1".into());
    assert!(w.run(&[], &c, &["TD01"], T0 + 2000).imports.is_empty());
    // A family listed completely without the revision: deregistered -> archived.
    let mut c = Coverage::default();
    c.task_definition_families.insert("app".into());
    let p = w.run(&[], &c, &["TD01"], T0 + 3000);
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Archived);
    assert_eq!(p.imports[0].import.compliance, Status::Failed);
}

#[test]
fn findings_of_checks_that_did_not_run_are_kept() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01", "TD02"]),
        &full_coverage(),
        &["TD01", "TD02"],
        T0,
    );
    assert_eq!(w.ledger.len(), 2);
    // A scan narrowed to TD01 must not archive TD02's finding (Prowler #1626).
    let p = w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 1000,
    );
    assert!(p.imports.is_empty());
    let p = w.run(&[], &full_coverage(), &["TD01"], T0 + 2000);
    assert_eq!(p.imports.len(), 1, "only TD01's finding is provably gone");
}

#[test]
fn disabled_checks_are_archived() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    let disabled: HashSet<&'static str> = ["TD01"].into_iter().collect();
    let p = plan(&PlanInput {
        evaluations: &[],
        ledger: &w.ledger,
        coverage: &Coverage::default(),
        checks_run: &[],
        disabled_checks: &disabled,
        now_ms: T0 + 1000,
        refresh_age_ms: 7 * DAY,
        alert_threshold: Severity::High,
    });
    assert_eq!(p.imports.len(), 1);
    assert_eq!(
        p.imports[0].note,
        Some("check disabled in the configuration")
    );
}

#[test]
fn updated_at_strictly_increases_even_when_the_clock_does_not() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    // Same millisecond (or a clock that went backwards): still a newer UpdatedAt.
    let p = w.run(
        &evals(&[td(1, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    assert_eq!(p.imports[0].import.updated_at_ms, T0 + 1);
    let p = w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 - 5000,
    );
    assert_eq!(p.imports[0].import.updated_at_ms, T0 + 2);
}

#[test]
fn unsent_alert_is_retried_but_never_doubled() {
    let mut w = World::new();
    let e = evals(&[td(1, true)], &["TD01"]);
    let checks_run = [find("TD01").unwrap()];
    let cov = Coverage::default();
    let none = HashSet::new();
    fn go(
        e: &[Evaluation],
        ledger: &HashMap<String, LedgerEntry>,
        cov: &Coverage,
        checks: &[&'static Check],
        none: &HashSet<&'static str>,
        now: i64,
    ) -> Plan {
        plan(&PlanInput {
            evaluations: e,
            ledger,
            coverage: cov,
            checks_run: checks,
            disabled_checks: none,
            now_ms: now,
            refresh_age_ms: 7 * DAY,
            alert_threshold: Severity::High,
        })
    }
    // Import accepted, publish failed: the ledger has the entry without an alert mark.
    let p = go(&e, &w.ledger, &cov, &checks_run, &none, T0);
    for i in &p.imports {
        w.ledger.insert(i.id.clone(), i.entry.clone());
    }
    let p = go(&e, &w.ledger, &cov, &checks_run, &none, T0 + 1000);
    assert!(p.imports.is_empty());
    assert_eq!(p.alerts.len(), 1, "the alert is retried");
    w.accept(&p, T0 + 1000);
    let p = go(&e, &w.ledger, &cov, &checks_run, &none, T0 + 2000);
    assert!(p.alerts.is_empty(), "and sent once");
}

#[test]
fn threshold_filters_alerts() {
    let mut w = World::new();
    // TD02 is HIGH, TD25 is LOW: only the HIGH one alerts at the default threshold.
    let e = evals(&[td(1, true)], &["TD02", "TD25"]);
    let p = w.run(&e, &full_coverage(), &["TD02", "TD25"], T0);
    assert_eq!(p.imports.len(), 2);
    assert_eq!(
        p.alerts.iter().map(|a| a.check.id).collect::<Vec<_>>(),
        vec!["TD02"]
    );
}

#[test]
fn severity_change_is_an_escalation() {
    let mut w = World::new();
    let e = evals(&[td(1, true)], &["TD01"]);
    w.run(&e, &full_coverage(), &["TD01"], T0);
    // Simulate an older catalog that rated the finding MEDIUM and alerted at MEDIUM.
    for entry in w.ledger.values_mut() {
        entry.severity = Severity::Medium;
        if let Some(a) = entry.alerted.as_mut() {
            a.severity = Severity::Medium;
        }
    }
    let p = w.run(&e, &full_coverage(), &["TD01"], T0 + 1000);
    assert_eq!(p.imports[0].reason, ImportReason::Changed);
    assert_eq!(p.alerts.len(), 1);
    assert_eq!(p.alerts[0].transition, Transition::Escalated);
}

#[test]
fn ledger_entries_round_trip_as_json() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    let entry = w.ledger.values().next().unwrap().clone();
    let text = serde_json::to_string(&entry).unwrap();
    assert_eq!(serde_json::from_str::<LedgerEntry>(&text).unwrap(), entry);
    assert_eq!(entry.account, "111122223333");
    assert_eq!(entry.region, "us-east-1");
    assert!(check_of(&entry).is_some());
}

#[test]
fn superseded_revision_with_an_every_revision_finding_stays_active_and_is_refreshed() {
    let secret = |rev: u32| {
        format!(
            r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:{rev}","family":"app","revision":{rev},"status":"ACTIVE","containerDefinitions":[{{"name":"c","image":"x:1","environment":[{{"name":"DB_PASSWORD","value":"Sup3rS3cret!"}}]}}]}},"tags":[]}}"#
        )
    };
    let mut w = World::new();
    w.run(
        &evals(&[secret(1)], &["TD09"]),
        &full_coverage(),
        &["TD09"],
        T0,
    );
    // Revision 2 replaces it; the region scan describes only revision 2 but lists revision 1 as ACTIVE.
    let mut cov = full_coverage();
    cov.active_task_definitions
        .insert("arn:aws:ecs:us-east-1:111122223333:task-definition/app:1".into());
    let two = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:2","family":"app","revision":2,"status":"ACTIVE","containerDefinitions":[{"name":"c","image":"x:1"}]},"tags":[]}"#.to_owned();
    let p = w.run(
        &evals(std::slice::from_ref(&two), &["TD09"]),
        &cov,
        &["TD09"],
        T0 + 1000,
    );
    assert!(
        p.imports.is_empty(),
        "the finding of the still-readable revision is kept: {:?}",
        p.imports
            .iter()
            .map(|i| (&i.id, i.reason, i.note))
            .collect::<Vec<_>>()
    );
    let p = w.run(
        &evals(std::slice::from_ref(&two), &["TD09"]),
        &cov,
        &["TD09"],
        T0 + 8 * DAY,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Refresh);
    assert_eq!(p.imports[0].source, Source::Entry);
    assert!(
        !p.imports[0].entry.evidence.is_empty(),
        "the refresh carries the last evidence"
    );
    // Deregistered: no longer in the ACTIVE listing -> archived.
    let p = w.run(
        &evals(&[two], &["TD09"]),
        &full_coverage(),
        &["TD09"],
        T0 + 9 * DAY,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Archived);
}

#[test]
fn superseded_revisions_are_archived_only_when_every_service_read_succeeded() {
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    // Revision 2 supersedes 1, but a service listing failed: a service not read may run 1.
    let mut c = full_coverage();
    c.service_reads_failed = true;
    let now = evals(&[td(1, true), td(2, false)], &["TD01"]);
    let p = w.run(&now, &c, &["TD01"], T0 + 1000);
    assert!(
        p.imports.iter().all(|i| i.reason != ImportReason::Archived),
        "nothing archived: {:?}",
        p.imports.iter().map(|i| i.reason).collect::<Vec<_>>()
    );
    // Absent revision, same failed read: not archived either.
    let p = w.run(&evals(&[td(2, false)], &["TD01"]), &c, &["TD01"], T0 + 2000);
    assert!(p.imports.iter().all(|i| i.reason != ImportReason::Archived));
    // Every read succeeded: superseded -> archived.
    let p = w.run(&now, &full_coverage(), &["TD01"], T0 + 3000);
    assert_eq!(p.count(ImportReason::Archived), 1);
}

#[test]
fn a_deleted_cluster_proves_its_services_gone() {
    let svc = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/old/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/old","status":"ACTIVE","launchType":"FARGATE","platformVersion":"1.3.0"}]}"#.to_owned();
    let mut w = World::new();
    let mut c = full_coverage();
    c.clusters
        .insert("arn:aws:ecs:us-east-1:111122223333:cluster/old".into());
    c.services_of_clusters
        .insert("arn:aws:ecs:us-east-1:111122223333:cluster/old".into());
    let p = w.run(&evals(&[svc], &["SV02"]), &c, &["SV02"], T0);
    assert_eq!(p.count(ImportReason::New), 1);
    // The region's complete cluster listing no longer has the cluster: its service is gone.
    let mut gone = full_coverage();
    gone.clusters
        .insert("arn:aws:ecs:us-east-1:111122223333:cluster/other".into());
    let p = w.run(&[], &gone, &["SV02"], T0 + 1000);
    assert_eq!(p.count(ImportReason::Archived), 1);
    // A listing that was not complete proves nothing.
    let mut w2 = World::new();
    w2.ledger = w.ledger.clone();
    for e in w2.ledger.values_mut() {
        e.state = FindingState::Failed;
    }
    let partial = Coverage::default();
    assert!(
        w2.run(&[], &partial, &["SV02"], T0 + 2000)
            .imports
            .is_empty()
    );
}

/// Pending entries (written before an import that may not have reached Security Hub) are
/// imported again with the current state, whatever it is.
#[test]
fn pending_entries_are_imported_again() {
    let mut w = World::new();
    let p = w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    assert_eq!(p.count(ImportReason::New), 1);
    let pend = |w: &mut World| {
        for e in w.ledger.values_mut() {
            e.pending = true;
        }
    };
    // Still failing, pending: imported again (with the same episode), not left as unchanged.
    pend(&mut w);
    let p = w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 1000,
    );
    assert_eq!(p.count(ImportReason::Refresh), 1);
    assert_eq!(p.imports[0].import.first_observed_ms, T0);
    assert!(
        !p.imports[0].entry.pending,
        "the planned entry is settled state"
    );
    // A pending PASSED (a fix that may not have reached Security Hub), still passing: again.
    let p = w.run(
        &evals(&[td(1, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 2000,
    );
    assert_eq!(p.count(ImportReason::Fixed), 1);
    pend(&mut w);
    let p = w.run(
        &evals(&[td(1, false)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0 + 3000,
    );
    assert_eq!(p.count(ImportReason::Fixed), 1, "imported PASSED again");
    // Settled PASSED: nothing.
    assert!(
        w.run(
            &evals(&[td(1, false)], &["TD01"]),
            &full_coverage(),
            &["TD01"],
            T0 + 4000
        )
        .imports
        .is_empty()
    );
    // A pending archive whose resource is still gone: archived again, FAILED kept as FAILED.
    let mut w = World::new();
    w.run(
        &evals(&[td(1, true)], &["TD01"]),
        &full_coverage(),
        &["TD01"],
        T0,
    );
    let p = w.run(&[], &full_coverage(), &["TD01"], T0 + 1000);
    assert_eq!(p.count(ImportReason::Archived), 1);
    pend(&mut w);
    let p = w.run(&[], &full_coverage(), &["TD01"], T0 + 2000);
    assert_eq!(p.count(ImportReason::Archived), 1);
    assert_eq!(p.imports[0].import.compliance, Status::Failed);
}

/// An evaluation that could not be made (a surrounding resource not read) proves nothing: the
/// FAILED finding is neither resolved nor archived, and is kept alive in Security Hub with its
/// last evidence once it is due for a refresh; it never starts an episode.
#[test]
fn not_available_keeps_the_last_known_state() {
    let mut w = World::new();
    let failing = evals(&[td(1, true)], &["TD01"]);
    w.run(&failing, &full_coverage(), &["TD01"], T0);
    let unknown: Vec<Evaluation> = failing
        .iter()
        .map(|e| {
            Evaluation::new(
                e.check,
                e.resource.clone(),
                Outcome::unknown("security group sg-1 not read"),
            )
        })
        .collect();
    assert_eq!(unknown[0].status, Status::NotAvailable);
    assert_eq!(unknown[0].reason(), Some("security group sg-1 not read"));
    let p = w.run(&unknown, &full_coverage(), &["TD01"], T0 + DAY);
    assert!(p.imports.is_empty() && p.alerts.is_empty(), "{p:?}");
    let p = w.run(&unknown, &full_coverage(), &["TD01"], T0 + 8 * DAY);
    assert_eq!(p.imports.len(), 1);
    let i = &p.imports[0];
    assert_eq!(i.reason, ImportReason::Refresh);
    assert_eq!(i.source, Source::Entry, "the last known evidence");
    assert_eq!(i.import.compliance, Status::Failed);
    assert_eq!(i.import.record_state, RecordState::Active);
    assert_eq!(i.import.first_observed_ms, T0);
    assert!(p.alerts.is_empty());
    // Never seen before: nothing to import.
    let mut fresh = World::new();
    let p = fresh.run(&unknown, &full_coverage(), &["TD01"], T0);
    assert!(p.imports.is_empty() && p.alerts.is_empty());
}

#[test]
fn an_account_setting_is_archived_only_when_the_whole_region_shows_no_workload_needing_it() {
    let cluster = "arn:aws:ecs:eu-west-1:111122223333:cluster/prod";
    let instance = r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-1","status":"ACTIVE","agentConnected":true}],"EbsEncryptionByDefault":false}"#
        .to_owned();
    let mut w = World::new();
    let first = evals(&[instance], &["AC01"]);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].resource.arn, "AWS::::Account:111122223333");
    assert_eq!(first[0].resource.region(), "eu-west-1");
    let p = w.run(&first, &full_coverage(), &["AC01"], T0);
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].entry.resource_type, "AwsAccount");
    assert_eq!(p.imports[0].entry.region, "eu-west-1");
    assert!(
        p.imports[0]
            .id
            .starts_with("ecs-posture/eu-west-1/111122223333/AC01/")
    );
    // A scoped scan (one service's cluster) proves nothing about the account.
    let mut scoped = Coverage::default();
    scoped.services_of_clusters.insert(cluster.into());
    assert!(w.run(&[], &scoped, &["AC01"], T0 + 1000).imports.is_empty());
    // A region scan whose container instance listing failed for a cluster proves nothing.
    let mut partial = full_coverage();
    partial.clusters.insert(cluster.into());
    assert!(
        w.run(&[], &partial, &["AC01"], T0 + 2000)
            .imports
            .is_empty()
    );
    // Container instances listed but not the cluster's services (Fargate workloads), or not
    // every task definition (images): still nothing proven.
    partial
        .container_instances_of_clusters
        .insert(cluster.into());
    assert!(
        w.run(&[], &partial, &["AC01"], T0 + 2500)
            .imports
            .is_empty()
    );
    partial.services_of_clusters.insert(cluster.into());
    partial.all_task_definitions = false;
    assert!(
        w.run(&[], &partial, &["AC01"], T0 + 2600)
            .imports
            .is_empty()
    );
    // The region read whole, nothing left: the setting protects nothing.
    partial.all_task_definitions = true;
    let p = w.run(&[], &partial, &["AC01"], T0 + 3000);
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[0].reason, ImportReason::Archived);
    assert!(
        p.imports[0]
            .note
            .is_some_and(|n| n.contains("no ECS workload")),
        "{:?}",
        p.imports[0].note
    );
}

//! The live path end to end against a real AWS API emulator (moto, on loopback) through the real
//! AWS SDK: ECS inventory, Security Hub lifecycle, DynamoDB ledger, SNS alerts read back from SQS,
//! faults injected by a loopback proxy.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;

use common::estate::{Estate, SECRET, alerts, findings, network, register, seed};
use common::{ACCOUNT, Fault, Moto, Proxy, REGION, Rule};
use ecs_posture::aws::{
    dynamodb::DynamoLedger, ecs::EcsInventory, securityhub::SecurityHubSink, sns::SnsNotifier,
};
use ecs_posture::handler::{Handler, HandlerError, RunReport, Settings};
use ecs_posture::ports::Ledger;
use ecs_posture_core::Options;
use ecs_posture_core::scope::Scope;

type AwsHandler = Handler<EcsInventory, SecurityHubSink, DynamoLedger, SnsNotifier>;

/// A handler whose clients go through `url` (moto, or the proxy in front of it).
async fn handler(url: &str, estate: &Estate) -> AwsHandler {
    let cfg = common::sdk(url).await;
    let mut settings = Settings::new(Options::default()).unwrap();
    settings.alert_threshold = Some(ecs_posture_core::Severity::High);
    Handler {
        inventory: EcsInventory::new(aws_sdk_ecs::Client::new(&cfg)),
        sink: SecurityHubSink::new(aws_sdk_securityhub::Client::new(&cfg))
            .with_retries(2, Duration::from_millis(10)),
        ledger: DynamoLedger::new(aws_sdk_dynamodb::Client::new(&cfg), "ledger"),
        notifier: SnsNotifier::new(aws_sdk_sns::Client::new(&cfg), &estate.topic),
        settings,
    }
}

/// A handler that reads ECS and what surrounds the workloads (EC2, Elastic Load Balancing, SSM).
fn surroundings_handler(cfg: &aws_config::SdkConfig, topic: &str, opts: Options) -> AwsHandler {
    let mut settings = Settings::new(opts).unwrap();
    settings.alert_threshold = Some(ecs_posture_core::Severity::High);
    Handler {
        inventory: EcsInventory::from_config(cfg),
        sink: SecurityHubSink::new(aws_sdk_securityhub::Client::new(cfg)),
        ledger: DynamoLedger::new(aws_sdk_dynamodb::Client::new(cfg), "ledger"),
        notifier: SnsNotifier::new(aws_sdk_sns::Client::new(cfg), topic),
        settings,
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn run(h: &AwsHandler, scope: &Scope, now: i64) -> Result<RunReport, HandlerError> {
    h.run(scope, &format!("test-{now}"), now).await
}

fn status_of(f: &aws_sdk_securityhub::types::AwsSecurityFinding) -> (String, String) {
    (
        f.compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        f.record_state()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    )
}

fn ids_for<'a>(
    all: &'a HashMap<String, aws_sdk_securityhub::types::AwsSecurityFinding>,
    check: &str,
    resource_part: &str,
) -> Vec<&'a aws_sdk_securityhub::types::AwsSecurityFinding> {
    all.values()
        .filter(|f| {
            f.generator_id() == Some(check)
                && f.resources()
                    .iter()
                    .any(|r| r.id().is_some_and(|id| id.contains(resource_part)))
        })
        .collect()
}

const T0: i64 = 1_780_000_000_000;

#[test]
fn region_scan_keeps_security_hub_true_over_time() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let h = handler(&moto.url(), &estate).await;

        // First scan: findings land, one alert for the new HIGH/CRITICAL ones.
        let report = run(&h, &Scope::Region, T0).await.expect("first scan");
        assert!(report.complete, "{:?}", report.read_errors);
        assert!(report.new > 0 && report.imported == report.new);
        let all = findings(&estate.cfg).await;
        assert_eq!(
            all.len(),
            report.imported,
            "one Security Hub finding per import"
        );
        let td01 = ids_for(&all, "TD01", "task-definition/web:1");
        assert_eq!(td01.len(), 1);
        assert_eq!(status_of(td01[0]), ("FAILED".into(), "ACTIVE".into()));
        assert_eq!(ids_for(&all, "SV01", "service/prod/web").len(), 1);
        assert!(
            ids_for(&all, "SV01", "service/staging/api").is_empty(),
            "PASSED evaluations that never failed are not imported"
        );
        let sent = alerts(&estate).await;
        assert_eq!(sent.len(), 1, "one alert per invocation");
        let subject = sent[0]["Subject"].as_str().unwrap();
        assert!(
            subject.len() < 100 && subject.contains("CRITICAL"),
            "{subject}"
        );
        assert_eq!(
            sent[0]["MessageAttributes"]["severity"]["Value"],
            "CRITICAL"
        );
        assert!(sent[0]["Message"].as_str().unwrap().contains("How to fix"));
        assert_eq!(
            report.alerted as u64,
            sent[0]["MessageAttributes"]["finding_count"]["Value"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        );

        // Rerun: nothing new, no duplicate finding, no alert.
        let report = run(&h, &Scope::Region, T0 + 60_000)
            .await
            .expect("second scan");
        assert_eq!(report.imported, 0);
        assert_eq!(findings(&estate.cfg).await.len(), all.len());
        assert!(alerts(&estate).await.is_empty());

        // Fix the service and register a compliant revision that the service now runs.
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        let web2 = register(&ecs, "web", false, false).await;
        ecs.update_service()
            .cluster("prod")
            .service("web")
            .task_definition(&web2)
            .network_configuration(network(&estate.subnet, &estate.sg, false))
            .send()
            .await
            .expect("UpdateService");
        let report = run(&h, &Scope::Region, T0 + 120_000)
            .await
            .expect("third scan");
        assert!(report.fixed >= 1 && report.archived >= 1, "{report:?}");
        let all = findings(&estate.cfg).await;
        let sv01 = ids_for(&all, "SV01", "service/prod/web");
        assert_eq!(status_of(sv01[0]), ("PASSED".into(), "ACTIVE".into()));
        assert_eq!(
            sv01[0]
                .severity()
                .and_then(|s| s.label())
                .map(|l| l.as_str()),
            Some("INFORMATIONAL")
        );
        let old = ids_for(&all, "TD01", "task-definition/web:1");
        assert_eq!(
            old[0].record_state().map(|s| s.as_str()),
            Some("ARCHIVED"),
            "the superseded revision's finding is archived"
        );
        // The secret is still readable in the superseded revision: its finding stays active.
        let secret = ids_for(&all, "TD09", "task-definition/web:1");
        assert_eq!(status_of(secret[0]), ("FAILED".into(), "ACTIVE".into()));
        // Fixes and archives do not alert; the new revision's own HIGH failures do, once.
        for a in alerts(&estate).await {
            let body = a["Message"].as_str().unwrap_or_default();
            assert!(
                body.contains("web:2")
                    && !body.contains("web:1")
                    && !body.contains("service/prod/web"),
                "{body}"
            );
        }

        // Deregister the old revision: its remaining findings are archived.
        ecs.deregister_task_definition()
            .task_definition("web:1")
            .send()
            .await
            .expect("DeregisterTaskDefinition");
        let report = run(&h, &Scope::TaskDefinition("web:1".into()), T0 + 180_000)
            .await
            .expect("rescan of the deregistered revision");
        assert!(report.archived >= 1, "{report:?}");
        let all = findings(&estate.cfg).await;
        assert!(
            ids_for(&all, "TD09", "task-definition/web:1")
                .iter()
                .all(|f| f.record_state().map(|s| s.as_str()) == Some("ARCHIVED"))
        );

        // The same invocation again changes nothing.
        let before = findings(&estate.cfg).await;
        let report = run(&h, &Scope::Region, T0 + 240_000).await.expect("repeat");
        assert_eq!(report.imported, 0, "{report:?}");
        let after = findings(&estate.cfg).await;
        assert_eq!(before.len(), after.len());
        for (id, f) in &before {
            assert_eq!(after[id].updated_at(), f.updated_at(), "{id} was touched");
        }
        assert!(alerts(&estate).await.is_empty());
    })
}

#[test]
fn secret_values_never_leave_the_process() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        let logs = common::logs::capture();
        run(&h, &Scope::Region, T0).await.expect("scan");
        let seen = proxy.seen();
        assert!(
            seen.iter()
                .any(|s| s.operation.contains("/findings/import")),
            "findings went through the proxy"
        );
        assert!(
            seen.iter().any(|s| s.operation == "Publish"),
            "the alert went through the proxy"
        );
        for s in &seen {
            assert!(
                !s.body.contains(SECRET),
                "{} request carries the secret value",
                s.operation
            );
        }
        let log = logs.text();
        assert!(log.contains("planned import"), "logs were captured");
        if let Some(line) = log.lines().find(|l| l.contains(SECRET)) {
            panic!(
                "the logs carry the secret value: {}",
                &line[..line.len().min(300)]
            );
        }
        // The finding names where the secret is.
        let all = findings(&estate.cfg).await;
        let td09 = ids_for(&all, "TD09", "task-definition/web:1");
        assert!(td09[0].description().unwrap_or("").contains("DB_PASSWORD"));
    })
}

#[test]
fn throttled_ecs_reads_archive_nothing_and_pass_nothing() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        run(&h, &Scope::Region, T0).await.expect("baseline");
        let _ = alerts(&estate).await;
        let baseline = findings(&estate.cfg).await;

        // Transient throttling is absorbed by the SDK's retries.
        proxy.add(Rule::new(
            "DescribeServices",
            Fault::Error {
                status: 400,
                code: "ThrottlingException",
                message: "Rate exceeded",
                json: true,
            },
            1,
        ));
        let r = run(&h, &Scope::Region, T0 + 1000)
            .await
            .expect("a throttled call is retried");
        assert!(r.complete);

        // Throttling past the retries: the services are unread, nothing of theirs is archived or passed.
        proxy.clear();
        proxy.add(Rule::json_error(
            "DescribeServices",
            "ThrottlingException",
            "Rate exceeded",
        ));
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        ecs.update_service()
            .cluster("prod")
            .service("web")
            .network_configuration(network(&estate.subnet, &estate.sg, false))
            .send()
            .await
            .unwrap();
        let err = run(&h, &Scope::Region, T0 + 2000)
            .await
            .expect_err("an incomplete scan is an error");
        assert_eq!(err.name(), "ScanIncomplete");
        assert!(
            err.to_string().contains("DescribeServices") && err.to_string().contains("Throttling"),
            "{err}"
        );
        let after = findings(&estate.cfg).await;
        let sv01 = ids_for(&after, "SV01", "service/prod/web");
        assert_eq!(
            status_of(sv01[0]),
            ("FAILED".into(), "ACTIVE".into()),
            "an unread service is never reported as passing or archived"
        );
        assert_eq!(after.len(), baseline.len());

        // Once ECS answers again the fix is seen.
        proxy.clear();
        let r = run(&h, &Scope::Region, T0 + 3000).await.expect("recovered");
        assert!(r.fixed >= 1);
    })
}

#[test]
fn security_hub_failures_are_retried_by_the_next_invocation() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;

        // Throttling on Security Hub is absorbed by the SDK's retries.
        proxy.add(Rule::new(
            "/findings/import",
            Fault::Error {
                status: 429,
                code: "TooManyRequestsException",
                message: "Rate exceeded",
                json: true,
            },
            1,
        ));
        let r = run(&h, &Scope::Cluster("staging".into()), T0 - 1000)
            .await
            .expect("a throttled import is retried");
        assert!(r.imported > 0 && r.failed_imports.is_empty(), "{r:?}");
        assert!(
            proxy.count("/findings/import") >= 2,
            "the throttled call was retried"
        );
        let _ = alerts(&estate).await;
        proxy.clear();

        // 5xx on every import: nothing recorded in the ledger, no alert, a clear error.
        proxy.add(Rule::new(
            "/findings/import",
            Fault::Error {
                status: 500,
                code: "InternalException",
                message: "boom",
                json: true,
            },
            usize::MAX,
        ));
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("imports failed");
        assert_eq!(err.name(), "ImportFailed");
        assert!(
            err.to_string().contains("ecs-posture/us-east-1/"),
            "the error names the findings: {err}"
        );
        let ledger = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(
            ledger.values().all(|e| e.pending
                || (!e.resource_arn.contains("/prod/") && !e.resource_arn.contains("web:"))),
            "nothing settled for findings Security Hub did not accept (their entries stay pending)"
        );
        assert!(
            alerts(&estate).await.is_empty(),
            "no alert for findings that are not in Security Hub"
        );

        // FailedFindings for one finding: the others are recorded, that one is retried next time.
        proxy.clear();
        let victim = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let v2 = victim.clone();
        proxy.add(Rule::new(
            "/findings/import",
            Fault::Rewrite(std::sync::Arc::new(move |req: &str, _resp: &str| {
                let body: Value = serde_json::from_str(req).unwrap();
                let findings = body["Findings"].as_array().unwrap();
                let id = findings[0]["Id"].as_str().unwrap().to_owned();
                *v2.lock().unwrap() = id.clone();
                serde_json::json!({"FailedCount": 1, "SuccessCount": findings.len() - 1, "FailedFindings": [{"Id": id, "ErrorCode": "InvalidInput", "ErrorMessage": "rejected by test"}]}).to_string()
            })),
            1,
        ));
        let err = run(&h, &Scope::Region, T0 + 1000)
            .await
            .expect_err("one finding failed");
        let victim = victim.lock().unwrap().clone();
        assert!(
            err.to_string().contains(&victim) && err.to_string().contains("InvalidInput"),
            "{err}"
        );
        let ledger = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(
            ledger[&victim].pending,
            "a rejected finding is not settled: its entry stays pending"
        );
        assert!(ledger.values().any(|e| !e.pending));
        let sent = alerts(&estate).await;
        assert_eq!(sent.len(), 1);

        // Clean run: the failed finding is imported; the alert for it comes now, once.
        proxy.clear();
        let r = run(&h, &Scope::Region, T0 + 2000).await.expect("clean run");
        assert_eq!(r.imported, 1);
        let ledger = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(!ledger[&victim].pending, "settled once accepted");
        let _ = alerts(&estate).await;
        let r = run(&h, &Scope::Region, T0 + 3000).await.expect("steady");
        assert_eq!((r.imported, r.alerted), (0, 0));
    })
}

#[test]
fn failed_publish_is_retried_and_never_doubled() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(Rule::new(
            "Publish",
            Fault::Error {
                status: 500,
                code: "InternalError",
                message: "sns down",
                json: false,
            },
            usize::MAX,
        ));
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("publish failed");
        assert_eq!(err.name(), "NotifyFailed");
        assert!(err.to_string().contains("Publish"), "{err}");
        assert_eq!(
            proxy.count("Publish"),
            1,
            "Publish is tried once per claim, not retried by the SDK"
        );
        assert!(alerts(&estate).await.is_empty());
        assert!(
            err.report().unwrap().imported > 0,
            "findings were still imported"
        );
        proxy.clear();
        let r = run(&h, &Scope::Region, T0 + 1000).await.expect("retry");
        assert_eq!(r.imported, 0, "no duplicate imports");
        assert!(r.alerted > 0);
        assert_eq!(alerts(&estate).await.len(), 1);
        let r = run(&h, &Scope::Region, T0 + 2000).await.expect("steady");
        assert_eq!(r.alerted, 0);
        assert!(
            alerts(&estate).await.is_empty(),
            "never two alerts for one transition"
        );
    })
}

/// A Publish whose answer is lost was delivered: the SDK must not publish it again, and the run
/// says the alert may not have gone out (the next run retries once the claims are released).
#[test]
fn a_lost_publish_answer_is_not_published_again() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(Rule::new("Publish", Fault::LoseAnswer, 1));
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("the answer was lost");
        assert_eq!(err.name(), "NotifyFailed");
        assert_eq!(proxy.count("Publish"), 1, "one Publish request, not six");
        assert_eq!(
            alerts(&estate).await.len(),
            1,
            "the message was delivered once"
        );
    })
}

/// A ledger write whose answer is lost is retried by the SDK; the retry finds its own write
/// (not another invocation's) and the finding is imported, not left aside as contended.
#[test]
fn a_lost_ledger_answer_is_its_own_write() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(Rule::new("UpdateItem", Fault::LoseAnswer, 2).when_body("pending = :p"));
        let r = run(&h, &Scope::Region, T0)
            .await
            .expect("the retries succeed");
        assert_eq!(r.contended, 0, "no finding left aside as another's");
        assert_eq!(r.imported, findings(&estate.cfg).await.len());
        assert!(r.imported > 3 && r.alerted > 0);
        let ledger = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(ledger.values().all(|e| !e.pending));
    })
}

/// Claiming fails part-way (the first claim won, the second fails past the retries): the claim
/// already won is given back, so the next run alerts every finding at once instead of holding
/// one back until the claim expires.
#[test]
fn a_claim_failure_part_way_releases_the_claims_won() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(
            Rule::new(
                "UpdateItem",
                Fault::Error {
                    status: 500,
                    code: "InternalServerError",
                    message: "ledger down",
                    json: true,
                },
                usize::MAX,
            )
            .when_body("SET claim_owner")
            .after(1),
        );
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("claiming failed");
        assert_eq!(err.name(), "LedgerError", "{err}");
        assert!(err.to_string().contains("UpdateItem"), "{err}");
        assert!(alerts(&estate).await.is_empty());
        let claims = proxy
            .seen()
            .iter()
            .filter(|s| s.operation.contains("UpdateItem") && s.body.contains("SET claim_owner"))
            .count();
        assert!(claims >= 2, "one claim won, then the failing one");
        proxy.clear();
        // Well within the claims' 15 minutes.
        let r = run(&h, &Scope::Region, T0 + 1000).await.expect("next run");
        assert_eq!(r.alerts_pending, 0, "nothing held back");
        assert!(r.alerted > 1, "every due alert goes out now: {}", r.alerted);
        let sent = alerts(&estate).await;
        assert_eq!(sent.len(), 1);
        let body = sent[0]["Message"].as_str().unwrap();
        assert_eq!(body.matches("\n  ARN: ").count(), r.alerted);
        let released = proxy
            .seen()
            .iter()
            .filter(|s| {
                s.body.contains("REMOVE claim_owner, claim_until")
                    && !s.body.contains("alerted_since")
            })
            .count();
        assert_eq!(released, 1, "the claim won is released");
    })
}

/// SNS took the alert but the ledger did not take the alert marks: the run fails with a named
/// error saying so; the claims keep the findings from being alerted again while they last; once
/// they expire a later run alerts them once more (the repetition at-least-once delivery leaves,
/// documented in docs/architecture.md), and then never again.
#[test]
fn an_alert_not_recorded_is_held_then_sent_once_more() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(
            Rule::new(
                "UpdateItem",
                Fault::Error {
                    status: 500,
                    code: "InternalServerError",
                    message: "ledger down",
                    json: true,
                },
                usize::MAX,
            )
            .when_body("SET alerted_since"),
        );
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("the alert marks failed");
        assert_eq!(err.name(), "AlertNotRecorded", "{err}");
        let text = err.to_string();
        assert!(
            text.contains("alert published") && text.contains("UpdateItem"),
            "{text}"
        );
        assert_eq!(alerts(&estate).await.len(), 1, "delivered once");
        proxy.clear();
        let r = run(&h, &Scope::Region, T0 + 1000)
            .await
            .expect("within the claims");
        assert_eq!(r.alerted, 0);
        assert!(r.alerts_pending > 0, "held alerts are reported");
        assert!(
            alerts(&estate).await.is_empty(),
            "not sent again while claimed"
        );
        let ttl = h.settings.alert_claim_ttl_ms;
        let r = run(&h, &Scope::Region, T0 + ttl + 2000)
            .await
            .expect("after expiry");
        assert!(r.alerted > 0 && r.alerts_pending == 0);
        assert_eq!(alerts(&estate).await.len(), 1, "sent once more");
        let r = run(&h, &Scope::Region, T0 + ttl + 3000)
            .await
            .expect("steady");
        assert_eq!((r.alerted, r.alerts_pending), (0, 0));
        assert!(alerts(&estate).await.is_empty());
    })
}

/// The ledger fails after Security Hub accepted the findings (the settle writes): the entries
/// written before the import are still there, pending, and a later fix reaches Security Hub.
#[test]
fn a_ledger_failure_after_the_import_still_converges() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(
            Rule::new(
                "UpdateItem",
                Fault::Error {
                    status: 500,
                    code: "InternalServerError",
                    message: "ledger down",
                    json: true,
                },
                usize::MAX,
            )
            .when_body("REMOVE"),
        );
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("the ledger is down");
        assert_eq!(err.name(), "LedgerError");
        let before = findings(&estate.cfg).await;
        assert!(!before.is_empty(), "Security Hub holds the findings");
        let pending = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(
            !pending.is_empty() && pending.values().all(|e| e.pending),
            "the ledger knows what Security Hub may hold"
        );
        proxy.clear();
        let r = run(&h, &Scope::Region, T0 + 1000).await.expect("converges");
        assert_eq!(
            r.imported,
            before.len(),
            "every pending finding is imported again"
        );
        let settled = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        assert!(settled.values().all(|e| !e.pending));
        let r = run(&h, &Scope::Region, T0 + 2000).await.expect("steady");
        assert_eq!(r.imported, 0);
    })
}

/// Two invocations at once (a nightly scan and an event) import each finding once and alert
/// once: the entry written first before the import wins the finding.
#[test]
fn overlapping_invocations_alert_once() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        // Through the proxy: it makes moto's conditional writes atomic, as DynamoDB's are.
        let proxy = Proxy::start(moto.port);
        let a = handler(&proxy.url(), &estate).await;
        let b = handler(&proxy.url(), &estate).await;
        let (ra, rb) = tokio::join!(
            a.run(&Scope::Region, "run-a", T0),
            b.run(&Scope::Region, "run-b", T0 + 1)
        );
        let (ra, rb) = (ra.expect("a"), rb.expect("b"));
        assert!(ra.alerted + rb.alerted > 0);
        // Each finding is alerted once, whichever invocation imported it (two invocations that
        // split the findings send one message each).
        let messages = alerts(&estate).await;
        assert!(!messages.is_empty() && messages.len() <= 2);
        let mut alerted = std::collections::BTreeMap::new();
        for m in &messages {
            let body = m["Message"].as_str().unwrap();
            let mut check = "";
            for line in body.lines() {
                if line.starts_with('[') {
                    check = line.rsplit('(').next().unwrap_or("");
                } else if let Some(arn) = line.trim().strip_prefix("ARN: ") {
                    *alerted
                        .entry((check.to_owned(), arn.to_owned()))
                        .or_insert(0) += 1;
                }
            }
        }
        assert_eq!(alerted.values().sum::<usize>(), ra.alerted + rb.alerted);
        assert!(
            alerted.values().all(|n| *n == 1),
            "no finding alerted twice: {alerted:?}"
        );
        let all = findings(&estate.cfg).await;
        assert_eq!(
            ra.new + rb.new,
            all.len(),
            "each finding started once: {} + {} for {}",
            ra.new,
            rb.new,
            all.len()
        );
        let r = run(&a, &Scope::Region, T0 + 1000).await.expect("steady");
        assert_eq!((r.imported, r.alerted), (0, 0));
        assert!(alerts(&estate).await.is_empty());
    })
}

/// A revision superseded by a newer one but still run by a service is kept while the service
/// reads fail: nothing is archived until every service listing and describe succeeded.
#[test]
fn failed_service_reads_archive_no_revision() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        run(&h, &Scope::Region, T0).await.expect("nightly");
        let open_before = h.ledger.load(ACCOUNT, REGION).await.unwrap();
        // web:2 supersedes web:1, which the prod service still runs.
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        register(&ecs, "web", false, false).await;
        for op in ["ListServices", "DescribeServices"] {
            proxy.clear();
            proxy.add(Rule::new(
                op,
                Fault::Error {
                    status: 500,
                    code: "ServerException",
                    message: "down",
                    json: true,
                },
                usize::MAX,
            ));
            let err = run(&h, &Scope::Region, T0 + 1000)
                .await
                .expect_err("service reads failed");
            let report = err.report().expect("a report");
            assert_eq!(report.archived, 0, "{op} failing: nothing archived");
            let ledger = h.ledger.load(ACCOUNT, REGION).await.unwrap();
            for (id, e) in &open_before {
                if e.resource_arn.ends_with("task-definition/web:1") {
                    assert_ne!(
                        ledger[id].state,
                        ecs_posture_core::lifecycle::FindingState::Archived,
                        "{op} failing: {id} kept"
                    );
                }
            }
        }
    })
}

/// A deleted cluster proves its services gone: the complete cluster listing no longer returns
/// it, or a service rescan finds no cluster (ClusterNotFoundException).
#[test]
fn a_deleted_cluster_archives_its_services() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        run(&h, &Scope::Region, T0).await.expect("nightly");
        let api_open = |l: &HashMap<String, ecs_posture_core::lifecycle::LedgerEntry>| {
            l.values()
                .filter(|e| {
                    e.resource_arn.contains(":service/staging/")
                        && e.state != ecs_posture_core::lifecycle::FindingState::Archived
                })
                .count()
        };
        assert!(api_open(&h.ledger.load(ACCOUNT, REGION).await.unwrap()) > 0);
        // A service rescan: the cluster is gone.
        proxy.add(Rule::json_error(
            "DescribeServices",
            "ClusterNotFoundException",
            "Cluster not found.",
        ));
        let scope = Scope::Service(format!(
            "arn:aws:ecs:{REGION}:{ACCOUNT}:service/staging/api"
        ));
        let r = run(&h, &scope, T0 + 1000)
            .await
            .expect("a deleted cluster is no error");
        assert!(r.archived > 0, "{r:?}");
        assert_eq!(api_open(&h.ledger.load(ACCOUNT, REGION).await.unwrap()), 0);

        // The same through a region scan whose cluster listing no longer has the cluster.
        let moto2 = Moto::start();
        let estate2 = seed(&moto2).await;
        let proxy2 = Proxy::start(moto2.port);
        let h2 = handler(&proxy2.url(), &estate2).await;
        run(&h2, &Scope::Region, T0).await.expect("nightly");
        proxy2.add(Rule::new(
            "ListClusters",
            Fault::Rewrite(std::sync::Arc::new(|_req: &str, resp: &str| {
                let mut v: Value = serde_json::from_str(resp).unwrap();
                if let Some(list) = v["clusterArns"].as_array_mut() {
                    list.retain(|a| !a.as_str().unwrap_or("").ends_with("/staging"));
                }
                v.to_string()
            })),
            usize::MAX,
        ));
        let r = run(&h2, &Scope::Region, T0 + 1000).await.expect("region");
        assert!(r.archived > 0, "{r:?}");
        assert_eq!(api_open(&h2.ledger.load(ACCOUNT, REGION).await.unwrap()), 0);
    })
}

#[test]
fn a_dying_emulator_loses_nothing() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        run(&h, &Scope::Region, T0).await.expect("baseline");
        let baseline = findings(&estate.cfg).await;
        let _ = alerts(&estate).await;
        // The server dies after three more requests, in the middle of the inventory.
        proxy
            .die_after
            .store(proxy.count("") + 3, std::sync::atomic::Ordering::SeqCst);
        let err = run(&h, &Scope::Region, T0 + 1000)
            .await
            .expect_err("the scan cannot finish");
        assert!(!err.to_string().is_empty());
        proxy.clear();
        let after = findings(&estate.cfg).await;
        assert_eq!(after.len(), baseline.len());
        for (id, f) in &baseline {
            assert_eq!(
                status_of(&after[id]),
                status_of(f),
                "{id} changed while the emulator was down"
            );
        }
        let r = run(&h, &Scope::Region, T0 + 2000).await.expect("recovered");
        assert_eq!((r.imported, r.alerted), (0, 0));
    })
}

/// A publish stopped at any of its requests (the endpoints die there) converges on the next
/// run: Security Hub and the ledger agree, nothing stays pending, and the run after imports
/// nothing. The test command stops at every 11th request (about ten stop points, each a
/// different phase: reads, ledger, import, settle, alert); `scripts/campaign-stops.sh` runs it
/// with a stop at every request (`ECS_POSTURE_STOP_STRIDE=1`, a few minutes).
#[test]
fn a_stop_at_any_request_of_a_publish_converges() {
    use ecs_posture_core::lifecycle::FindingState;
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        run(&h, &Scope::Region, T0).await.expect("baseline");
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        let stride: usize = std::env::var("ECS_POSTURE_STOP_STRIDE")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(11);
        let mut now = T0;
        let mut stops = 0;
        for k in (0..1_000).step_by(stride) {
            now += 10_000;
            // A change to publish: a new web revision, privileged every other time.
            register(&ecs, "web", k % 2 == 0, false).await;
            proxy.die_in(k);
            let stopped = run(&h, &Scope::Region, now).await.is_err();
            proxy.die_in(usize::MAX);
            now += 1_000;
            run(&h, &Scope::Region, now)
                .await
                .unwrap_or_else(|e| panic!("stop at request {k}: the next run fails: {e}"));
            now += 1_000;
            let r = run(&h, &Scope::Region, now).await.expect("steady");
            assert_eq!(r.imported, 0, "stop at request {k}: {r:?}");
            let sh = findings(&estate.cfg).await;
            for (id, e) in h.ledger.load(ACCOUNT, REGION).await.unwrap() {
                assert!(!e.pending, "stop at request {k}: {id} still pending");
                let (compliance, record) = status_of(&sh[&id]);
                let expected = match e.state {
                    FindingState::Failed => ("FAILED", "ACTIVE"),
                    FindingState::Passed => ("PASSED", "ACTIVE"),
                    FindingState::Archived => (compliance.as_str(), "ARCHIVED"),
                };
                assert_eq!(
                    (compliance.as_str(), record.as_str()),
                    expected,
                    "stop at request {k}: Security Hub and the ledger disagree on {id}"
                );
            }
            if !stopped {
                break;
            }
            stops += 1;
        }
        assert!(
            stops * stride > 50,
            "stops spread over the whole publish: {stops} every {stride} requests"
        );
        eprintln!("stop points: {stops} (every {stride} requests), every one converged");
        let _ = alerts(&estate).await;
    })
}

/// Every finding the core renders for the example estate goes through the SDK's types and its
/// serializer unchanged: the BatchImportFindings body the SDK sends is the core's ASFF JSON.
#[test]
fn rendered_findings_round_trip_through_the_sdk() {
    use ecs_posture::ports::FindingSink;
    use ecs_posture_core::lifecycle::{Import, RecordState};
    use ecs_posture_core::render::asff;
    use ecs_posture_core::{Context, Status, evaluate, select};

    common::block_on(|| async move {
        let moto = Moto::start();
        let proxy = Proxy::start(moto.port);
        let cfg = common::sdk(&proxy.url()).await;
        aws_sdk_securityhub::Client::new(&cfg)
            .enable_security_hub()
            .send()
            .await
            .expect("enable Security Hub");
        let mut snapshot = ecs_posture_core::Snapshot::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate");
        let mut files = vec![
            root.join("clusters.json"),
            root.join("services.json"),
            root.join("capacity-providers.json"),
            root.join("container-instances.json"),
        ];
        for e in std::fs::read_dir(root.join("task-definitions")).unwrap() {
            files.push(e.unwrap().path());
        }
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            snapshot
                .add_document(&f.display().to_string(), &text)
                .unwrap();
        }
        let opts = Options {
            enable_checks: ecs_posture_core::CATALOG
                .iter()
                .map(|c| c.id.to_owned())
                .collect(),
            ..Options::default()
        };
        let checks = select(&opts, &[], &[], None).unwrap();
        let evals = evaluate(&snapshot, &checks, &opts, &Context::for_snapshot(&snapshot));
        let mut findings = Vec::new();
        for (i, e) in evals
            .iter()
            .filter(|e| e.status != Status::NotApplicable)
            .enumerate()
        {
            let details = asff::resource_details(&snapshot, e);
            let mut import = Import::new_at(e.status, T0 + i as i64);
            if i % 7 == 0 {
                import.record_state = RecordState::Archived;
            }
            findings.push(asff::finding(e, details.as_ref(), &import));
        }
        let kinds: std::collections::BTreeSet<&str> = findings
            .iter()
            .map(|f| f.resources[0].r#type.as_str())
            .collect();
        assert!(
            kinds.len() >= 5,
            "every kind of resource is rendered: {kinds:?}"
        );
        assert!(findings.iter().any(|f| {
            f.resources[0]
                .details
                .as_ref()
                .is_some_and(|d| !d.other.is_empty())
        }));
        let expected: HashMap<String, Value> = findings
            .iter()
            .map(|f| (f.id.clone(), f.to_json()))
            .collect();
        let sink = SecurityHubSink::new(aws_sdk_securityhub::Client::new(&cfg));
        let report = sink.import(findings).await;
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        assert_eq!(report.accepted.len(), expected.len());
        let mut sent = 0;
        for s in proxy
            .seen()
            .iter()
            .filter(|s| s.operation.contains("/findings/import"))
        {
            let body: Value = serde_json::from_str(&s.body).unwrap();
            for f in body["Findings"].as_array().unwrap() {
                let id = f["Id"].as_str().unwrap();
                assert_eq!(f, &expected[id], "{id} changed on its way through the SDK");
                sent += 1;
            }
        }
        assert_eq!(sent, expected.len());
    })
}

/// A burst naming the same resources many times (a DeleteTaskDefinitions event with many
/// revisions of one family, a cluster named again and again) reads each once.
/// An answer that cannot be parsed carries the raw body in the SDK's own error; nothing of it
/// reaches the run's errors, its report or the logs: errors are code, message and request id.
#[test]
fn a_garbled_answer_leaks_nothing() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        proxy.add(Rule::new(
            "DescribeTaskDefinition",
            Fault::Rewrite(std::sync::Arc::new(|_req: &str, resp: &str| {
                // The real answer (with the planted secret), cut in the middle: not JSON.
                resp[..resp.len() * 2 / 3].to_owned()
            })),
            usize::MAX,
        ));
        let logs = common::logs::capture();
        let err = run(&h, &Scope::Region, T0)
            .await
            .expect_err("unreadable task definitions");
        assert_eq!(err.name(), "ScanIncomplete");
        let report = err.report().unwrap();
        assert!(!report.read_errors.is_empty());
        let texts = [
            err.to_string(),
            report.read_errors.join("\n"),
            serde_json::to_string(report).unwrap(),
            logs.text(),
        ];
        assert!(
            texts[1].contains("DescribeTaskDefinition"),
            "errors name the call: {}",
            texts[1]
        );
        for (i, t) in texts.iter().enumerate() {
            assert!(!t.contains(SECRET), "text {i} carries the secret value");
            assert!(
                t.lines().all(|l| l.len() < 2_000),
                "text {i} has no body dumps"
            );
        }
    })
}

#[test]
fn repeated_scopes_are_read_once() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let h = handler(&proxy.url(), &estate).await;
        let mut parts: Vec<Scope> = (1..=50)
            .map(|r| Scope::TaskDefinition(format!("web:{r}")))
            .collect();
        parts.extend((0..50).map(|_| Scope::Cluster("prod".into())));
        parts.push(Scope::TaskDefinition("api:1".into()));
        let scope = Scope::Many(parts);
        let _ = run(&h, &scope, T0).await;
        let calls = |op: &str| proxy.count(op);
        assert_eq!(
            calls("ListClusters"),
            1,
            "the services of both families are found once"
        );
        assert_eq!(calls("ListTaskDefinitions"), 2, "one listing per family");
        // The cluster scope's describe, and one for the clusters running the families' services.
        assert!(
            calls("DescribeClusters") <= 2,
            "the cluster named 50 times is read once: {}",
            calls("DescribeClusters")
        );
        assert!(
            calls("DescribeTaskDefinition") <= 54,
            "each named revision at most once: {}",
            calls("DescribeTaskDefinition")
        );
    })
}

#[test]
fn list_pagination_is_followed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        // The first ListClusters page names only a ghost cluster and a nextToken; moto itself never paginates.
        proxy.add(Rule::new(
            "ListClusters",
            Fault::Rewrite(std::sync::Arc::new(|req: &str, resp: &str| {
                if req.contains("nextToken") {
                    resp.to_owned()
                } else {
                    r#"{"clusterArns":[],"nextToken":"page-2"}"#.to_owned()
                }
            })),
            2,
        ));
        let h = handler(&proxy.url(), &estate).await;
        let r = run(&h, &Scope::Region, T0).await.expect("scan");
        assert_eq!(r.api_calls_by_operation["ListClusters"], 2);
        assert!(
            r.resources >= 6,
            "both clusters were found on page 2: {r:?}"
        );
    })
}

fn cli(moto: &Moto, args: &[&str]) -> std::process::Output {
    cli_at(&moto.url(), args)
}

/// The CLI with its AWS endpoint at `url` (moto, or a proxy in front of it).
fn cli_at(url: &str, args: &[&str]) -> std::process::Output {
    common::aws_env(
        &mut std::process::Command::new(env!("CARGO_BIN_EXE_ecs-posture")),
        url,
    )
    .args(args)
    .env("AWS_MAX_ATTEMPTS", "2")
    .env_remove("AWS_PROFILE")
    .output()
    .expect("run ecs-posture")
}

/// `scan --live --format json --all` against the emulator: the report and standard error.
fn scan_live(moto: &Moto) -> (Value, String) {
    let out = cli(
        moto,
        &[
            "scan",
            "--live",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--all",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        stderr,
    )
}

/// The evaluation of `check` on the task definition of `family` in a JSON report.
fn evaluation_on(report: &Value, check: &str, family: &str) -> Value {
    report["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["check_id"] == check
                && e["resource"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(&format!("{family}:")))
        })
        .cloned()
        .unwrap_or_else(|| panic!("{check} on {family}: {report}"))
}

async fn edge_service_behind_a_load_balancer(estate: &Estate) {
    let (_, tg) =
        common::estate::http_load_balancer(&estate.cfg, "edge", &estate.subnet, false).await;
    let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
    ecs.create_cluster()
        .cluster_name("edge")
        .send()
        .await
        .unwrap();
    let td = register(&ecs, "edge", false, false).await;
    ecs.create_service()
        .cluster("edge")
        .service_name("edge")
        .task_definition(&td)
        .desired_count(1)
        .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
        .network_configuration(network(&estate.subnet, &estate.sg, false))
        .load_balancers(common::estate::behind(&tg))
        .send()
        .await
        .expect("CreateService");
}

/// (check, resource ARN, status) of a JSON report's evaluations whose resource `keep` accepts,
/// sorted: what a live scan and an offline scan of its snapshot must agree on.
fn verdicts(doc: &Value, keep: impl Fn(&str) -> bool) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = doc["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| keep(e["resource"]["arn"].as_str().unwrap()))
        .map(|e| {
            (
                e["check_id"].as_str().unwrap().to_owned(),
                e["resource"]["arn"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn cli_live_scan_snapshot_and_publish() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let dir = tempfile::tempdir().unwrap();
        let snap = dir.path().join("estate");
        // A service behind a load balancer in a cluster of its own, so the snapshot carries
        // load balancing too (written per load balancer: listeners and attributes).
        edge_service_behind_a_load_balancer(&estate).await;

        // scan --live reads through the SDK and reports like the offline scan, with API call counts.
        let live = cli(
            &moto,
            &["scan", "--live", "--format", "json", "--fail-on", "none"],
        );
        assert_eq!(
            live.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&live.stderr)
        );
        assert!(String::from_utf8_lossy(&live.stderr).contains("ECS API calls: "));
        let live_json: Value = serde_json::from_slice(&live.stdout).unwrap();

        // snapshot --live writes ECS API JSON that scans offline to the same evaluations.
        let out = cli(&moto, &["snapshot", "--live", "-o", snap.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let offline = cli(
            &moto,
            &[
                "scan",
                snap.to_str().unwrap(),
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        let offline_json: Value = serde_json::from_slice(&offline.stdout).unwrap();
        assert_eq!(
            verdicts(&live_json, |_| true),
            verdicts(&offline_json, |_| true)
        );
        assert!(
            !std::fs::read_to_string(snap.join("task-definitions/web-1.json"))
                .unwrap()
                .is_empty()
        );
        for file in [
            "target-groups.json",
            "load-balancers.json",
            "listeners-edge.json",
            "lb-attributes-edge.json",
        ] {
            assert!(snap.join(file).is_file(), "snapshot wrote {file}");
        }
        assert!(
            verdicts(&offline_json, |_| true)
                .iter()
                .any(|(c, arn, s)| c == "SV16"
                    && arn.ends_with("service/edge/edge")
                    && s == "FAILED"),
            "the load balancer checks judge the offline copy too"
        );

        // --publish with a scope flag and a ledger file: imports, alerts, and a second run is quiet.
        let ledger = dir.path().join("ledger.json");
        let args = [
            "scan",
            "--live",
            "--cluster",
            "prod",
            "--publish",
            "--ledger-file",
            ledger.to_str().unwrap(),
            "--sns-topic-arn",
            &estate.topic,
            "--format",
            "json",
        ];
        let first = cli(&moto, &args);
        assert_eq!(
            first.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let report: Value = serde_json::from_slice(&first.stdout).unwrap();
        assert!(
            report["new"].as_u64().unwrap() > 0 && report["alerted"].as_u64().unwrap() > 0,
            "{report}"
        );
        assert_eq!(report["scope"], "cluster prod");
        assert_eq!(alerts(&estate).await.len(), 1);
        let second = cli(&moto, &args);
        let report: Value = serde_json::from_slice(&second.stdout).unwrap();
        assert_eq!(
            (report["imported"].as_u64(), report["alerted"].as_u64()),
            (Some(0), Some(0))
        );
        assert!(alerts(&estate).await.is_empty());
        // clusters --live: one line of posture per cluster; report --live reads the same way.
        let clusters = cli(&moto, &["clusters", "--live"]);
        assert_eq!(
            clusters.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&clusters.stderr)
        );
        let text = String::from_utf8_lossy(&clusters.stdout);
        assert!(
            text.starts_with("CLUSTER") && text.contains("prod") && text.contains("staging"),
            "{text}"
        );
        let summary = cli(
            &moto,
            &[
                "report",
                "--live",
                "--cluster",
                "prod",
                "--format",
                "summary",
            ],
        );
        assert_eq!(
            summary.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&summary.stderr)
        );
        assert!(String::from_utf8_lossy(&summary.stdout).contains("web"));
        let usage = cli(&moto, &["scan", "--live", "--publish"]);
        assert_eq!(usage.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&usage.stderr).contains("--ledger-table"));
    })
}

/// The networking around awsvpc services, read live through EC2 and published: an
/// internet-reachable service (public IP, a subnet whose main table routes to an internet
/// gateway, SSH open) fails the exposure checks with its subnet, route table and group as related
/// resources, a private service fails none of them, each network resource is read once, and
/// revoking the SSH rule resolves what it caused on the next scan.
#[test]
fn network_exposure_is_published_with_its_related_resources_and_resolved_by_a_fix() {
    use aws_sdk_ec2::types::{Filter, IpPermission, IpRange};
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ec2 = aws_sdk_ec2::Client::new(&cfg);
        let vpc = ec2
            .describe_vpcs()
            .filters(Filter::builder().name("is-default").values("true").build())
            .send()
            .await
            .expect("DescribeVpcs")
            .vpcs()[0]
            .vpc_id()
            .unwrap()
            .to_owned();
        let in_vpc = Filter::builder().name("vpc-id").values(&vpc).build();
        let public_subnet = ec2
            .describe_subnets()
            .filters(in_vpc.clone())
            .send()
            .await
            .unwrap()
            .subnets()[0]
            .subnet_id()
            .unwrap()
            .to_owned();
        // The main table routes to an internet gateway: the default subnets are public.
        let main_table = common::estate::route_main_table_to_internet(&ec2, &vpc).await;
        // A private subnet with its own table (no internet route).
        let private_subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block("172.31.200.0/24")
            .send()
            .await
            .expect("CreateSubnet")
            .subnet()
            .and_then(|s| s.subnet_id())
            .unwrap()
            .to_owned();
        let private_table = ec2
            .create_route_table()
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap()
            .route_table()
            .and_then(|t| t.route_table_id())
            .unwrap()
            .to_owned();
        ec2.associate_route_table()
            .route_table_id(&private_table)
            .subnet_id(&private_subnet)
            .send()
            .await
            .expect("AssociateRouteTable");
        let open = |port: i32| {
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(port)
                .to_port(port)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build()
        };
        let group = |name: &'static str, ports: Vec<i32>| {
            let ec2 = ec2.clone();
            let vpc = vpc.clone();
            async move {
                let id = ec2
                    .create_security_group()
                    .group_name(name)
                    .description(name)
                    .vpc_id(&vpc)
                    .send()
                    .await
                    .expect("CreateSecurityGroup")
                    .group_id()
                    .unwrap()
                    .to_owned();
                ec2.authorize_security_group_ingress()
                    .group_id(&id)
                    .set_ip_permissions(Some(ports.into_iter().map(open).collect()))
                    .send()
                    .await
                    .expect("AuthorizeSecurityGroupIngress");
                id
            }
        };
        let web_sg = group("web", vec![22, 443]).await;
        let api_sg = group("api", vec![443]).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .unwrap();
        let td = register(&ecs, "web", false, false).await;
        // The private api sits behind an internet-facing application load balancer that serves
        // plain HTTP without a redirect.
        let (alb, tg) = common::estate::http_load_balancer(&cfg, "api", &public_subnet, true).await;
        for (name, subnet, sg, public) in [
            ("web", &public_subnet, &web_sg, true),
            ("api", &private_subnet, &api_sg, false),
        ] {
            let mut create = ecs
                .create_service()
                .cluster("prod")
                .service_name(name)
                .task_definition(&td)
                .desired_count(1)
                .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
                .network_configuration(network(subnet, sg, public));
            if name == "api" {
                create = create.load_balancers(common::estate::behind(&tg));
            }
            create.send().await.expect("CreateService");
        }
        aws_sdk_securityhub::Client::new(&cfg)
            .enable_security_hub()
            .send()
            .await
            .unwrap();
        let (topic, _) = common::estate::hub(&cfg).await;
        let args = [
            "scan",
            "--live",
            "--publish",
            "--ledger-table",
            "ledger",
            "--sns-topic-arn",
            &topic,
            "--format",
            "json",
        ];
        let first = cli(&moto, &args);
        let stderr = String::from_utf8_lossy(&first.stderr);
        assert_eq!(first.status.code(), Some(0), "{stderr}");
        let report: Value = serde_json::from_slice(&first.stdout).unwrap();
        for op in [
            "DescribeSubnets",
            "DescribeSecurityGroups",
            "DescribeRouteTables",
            "DescribeFlowLogs",
            "DescribeVpcEndpoints",
        ] {
            assert_eq!(
                report["api_calls_by_operation"][op], 1,
                "{op} once for both services: {report}"
            );
        }
        for op in [
            "DescribeTargetGroups",
            "DescribeLoadBalancers",
            "DescribeListeners",
            "DescribeLoadBalancerAttributes",
        ] {
            assert_eq!(
                report["api_calls_by_operation"][op], 1,
                "{op} once for the one load balancer: {report}"
            );
        }
        let held = findings(&cfg).await;
        let of = |check: &str, service: &str| {
            held.values()
                .filter(|f| {
                    f.generator_id() == Some(check)
                        && f.resources()[0]
                            .id()
                            .is_some_and(|id| id.ends_with(&format!("service/prod/{service}")))
                })
                .cloned()
                .collect::<Vec<_>>()
        };
        let reachable = of("SV09", "web");
        assert_eq!(reachable.len(), 1, "{:?}", held.keys());
        let f = &reachable[0];
        assert_eq!(status_of(f), ("FAILED".into(), "ACTIVE".into()));
        assert_eq!(
            f.severity().and_then(|s| s.label()).map(|l| l.as_str()),
            Some("CRITICAL"),
            "SSH is a high-risk port"
        );
        let types: Vec<&str> = f.resources().iter().filter_map(|r| r.r#type()).collect();
        assert_eq!(
            types,
            [
                "AwsEcsService",
                "AwsEc2Subnet",
                "AwsEc2RouteTable",
                "AwsEc2SecurityGroup"
            ]
        );
        let ids: Vec<&str> = f.resources().iter().filter_map(|r| r.id()).collect();
        assert!(ids[1].ends_with(&public_subnet) && ids[2].ends_with(&main_table));
        assert!(
            ids[3].ends_with(&format!("security-group/{web_sg}")),
            "{ids:?}"
        );
        for check in ["SV10", "SV11", "SV12", "SV14"] {
            assert_eq!(of(check, "web").len(), 1, "{check} on web");
        }
        for check in ["SV09", "SV10", "SV11", "SV12"] {
            assert!(of(check, "api").is_empty(), "{check} on the private api");
        }
        assert_eq!(of("SV14", "api").len(), 1, "no flow logs in its VPC either");
        // The load balancer in front of api: HTTP without a redirect (ELB.1), an unencrypted
        // listener (ELB.18), default attributes (ELB.4/5/6); each names the load balancer.
        for check in ["SV16", "SV18", "SV19", "SV20", "SV21"] {
            let found = of(check, "api");
            assert_eq!(found.len(), 1, "{check} on api: {:?}", held.keys());
            let types: Vec<&str> = found[0]
                .resources()
                .iter()
                .filter_map(|r| r.r#type())
                .collect();
            assert_eq!(types, ["AwsEcsService", "AwsElbv2LoadBalancer"], "{check}");
            assert_eq!(found[0].resources()[1].id(), Some(alb.as_str()));
        }
        assert!(of("SV17", "api").is_empty(), "no TLS listener to judge");
        assert!(of("SV16", "web").is_empty(), "web has no load balancer");

        // The fix: SSH is closed. SV10 and SV11 resolve; the service stays reachable on 443,
        // now HIGH.
        ec2.revoke_security_group_ingress()
            .group_id(&web_sg)
            .ip_permissions(open(22))
            .send()
            .await
            .expect("RevokeSecurityGroupIngress");
        // As the function does on the CloudTrail event: rescan the services using the group.
        let h = surroundings_handler(&cfg, &topic, Options::default());
        let report = h
            .run(&Scope::SecurityGroup(web_sg.clone()), "sg-event", now_ms())
            .await
            .expect("the rescan succeeds");
        assert_eq!(
            report.api_calls_by_operation.get("DescribeServices"),
            Some(&1),
            "one service listing for the region: {report:?}"
        );
        assert_eq!(
            report.resources, 3,
            "web, its cluster and revision: {report:?}"
        );
        assert_eq!(report.fixed, 2, "SV10 and SV11: {report:?}");
        let held = findings(&cfg).await;
        let get = |check: &str| {
            held.values()
                .find(|f| {
                    f.generator_id() == Some(check)
                        && f.resources()[0]
                            .id()
                            .is_some_and(|id| id.ends_with("service/prod/web"))
                })
                .cloned()
                .unwrap()
        };
        assert_eq!(status_of(&get("SV10")).0, "PASSED");
        assert_eq!(status_of(&get("SV11")).0, "PASSED");
        let still = get("SV09");
        assert_eq!(status_of(&still).0, "FAILED");
        assert_eq!(
            still.severity().and_then(|s| s.label()).map(|l| l.as_str()),
            Some("HIGH")
        );

        // The load balancer fix: HTTP now redirects to HTTPS. The listener change rescans the
        // services behind the load balancer (api only), and ELB.1 resolves.
        let elb = aws_sdk_elasticloadbalancingv2::Client::new(&cfg);
        let listener = elb
            .describe_listeners()
            .load_balancer_arn(&alb)
            .send()
            .await
            .unwrap()
            .listeners()[0]
            .listener_arn()
            .unwrap()
            .to_owned();
        elb.modify_listener()
            .listener_arn(&listener)
            .default_actions(
                aws_sdk_elasticloadbalancingv2::types::Action::builder()
                    .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Redirect)
                    .redirect_config(
                        aws_sdk_elasticloadbalancingv2::types::RedirectActionConfig::builder()
                            .protocol("HTTPS")
                            .port("443")
                            .status_code(
                                aws_sdk_elasticloadbalancingv2::types::RedirectActionStatusCodeEnum::Http301,
                            )
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("ModifyListener");
        let report = h
            .run(
                &Scope::LoadBalancer(alb.clone()),
                "listener-event",
                now_ms(),
            )
            .await
            .expect("the rescan succeeds");
        assert_eq!(
            report.resources, 3,
            "api, its cluster and revision: {report:?}"
        );
        assert_eq!(report.fixed, 1, "ELB.1: {report:?}");
        let held = findings(&cfg).await;
        let sv16 = held
            .values()
            .find(|f| f.generator_id() == Some("SV16"))
            .unwrap();
        assert_eq!(status_of(sv16).0, "PASSED");

        // SV26 (off by default): the private api now pulls from ECR and logs with awslogs; its
        // VPC has only an ecr.dkr endpoint (private DNS on), the public web needs none.
        let ecr_td = ecs
            .register_task_definition()
            .family("api")
            .network_mode(aws_sdk_ecs::types::NetworkMode::Awsvpc)
            .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name("app")
                    .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.0")
                    .log_configuration(
                        aws_sdk_ecs::types::LogConfiguration::builder()
                            .log_driver(aws_sdk_ecs::types::LogDriver::Awslogs)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition")
            .task_definition()
            .and_then(|t| t.task_definition_arn())
            .unwrap()
            .to_owned();
        ecs.update_service()
            .cluster("prod")
            .service("api")
            .task_definition(&ecr_td)
            .send()
            .await
            .expect("UpdateService");
        let endpoint = ec2
            .create_vpc_endpoint()
            .vpc_id(&vpc)
            .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
            .service_name("com.amazonaws.us-east-1.ecr.dkr")
            .subnet_ids(&private_subnet)
            .private_dns_enabled(true)
            .send()
            .await
            .expect("CreateVpcEndpoint");
        assert!(endpoint.vpc_endpoint().is_some());
        let out = cli(
            &moto,
            &[
                "scan",
                "--live",
                "--check",
                "SV26",
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let of = |service: &str| {
            report["evaluations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["resource"]["name"] == service)
                .unwrap_or_else(|| panic!("{service}: {report}"))
                .clone()
        };
        let api = of("api");
        assert_eq!(api["status"], "FAILED", "{api}");
        let evidence = api["evidence"].to_string();
        for missing in ["ecr.api", "s3", "logs"] {
            assert!(
                evidence.contains(&format!("endpoint for {missing} ")),
                "{evidence}"
            );
        }
        assert!(
            !evidence.contains("ecr.dkr"),
            "the ecr.dkr endpoint counts: {evidence}"
        );
        assert_eq!(api["related_resources"][0]["type"], "AwsEc2Vpc");
        assert_eq!(
            of("web")["status"],
            "NOT_APPLICABLE",
            "web runs in a public subnet"
        );

        // What the function does on CreateVpcEndpoint (`Scope::Vpc`): the services placed in the
        // VPC, found through its subnets (DescribeSubnets by VPC id), are read and judged again.
        let opts = Options {
            enable_checks: vec!["SV26".into()],
            ..Options::default()
        };
        let h = surroundings_handler(&cfg, &topic, opts);
        let report = h
            .run(&Scope::Vpc(vpc.clone()), "vpc-endpoint-event", now_ms())
            .await
            .expect("the rescan succeeds");
        assert!(report.complete, "{report:?}");
        assert_eq!(
            report.resources, 5,
            "web and api (both in the VPC), their cluster and revisions: {report:?}"
        );
        assert_eq!(
            report.api_calls_by_operation.get("DescribeSubnets"),
            Some(&2),
            "the VPC's subnets, then the services' own: {report:?}"
        );
        let held = findings(&cfg).await;
        let sv26 = held
            .values()
            .find(|f| {
                f.generator_id() == Some("SV26")
                    && f.resources()[0]
                        .id()
                        .is_some_and(|id| id.ends_with("service/prod/api"))
            })
            .expect("SV26 on api imported by the VPC rescan");
        assert_eq!(status_of(sv26).0, "FAILED");
    })
}

/// Load balancer reads against moto: a batch of target groups that answers "not found" (one was
/// deleted) is read again one ARN at a time, so the others are still judged; an attribute read
/// that answers an AWS error is kept as the CLI's error document and its checks are
/// NOT_AVAILABLE, never PASSED; a load balancer shared by two services is read once.
#[test]
fn load_balancer_reads_isolate_a_deleted_target_group_and_keep_errors() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let (subnet, sg) = moto.default_network();
        let cfg = common::sdk(&moto.url()).await;
        let mut groups = Vec::new();
        for name in ["one", "two"] {
            groups.push(
                common::estate::http_load_balancer(&cfg, name, &subnet, false)
                    .await
                    .1,
            );
        }
        let deleted = format!(
            "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/gone/0123456789abcdef"
        );
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster().cluster_name("c").send().await.unwrap();
        let td = register(&ecs, "app", false, false).await;
        for (service, tgs) in [
            ("a", vec![groups[0].clone(), deleted.clone()]),
            ("b", vec![groups[1].clone()]),
            ("c", vec![groups[1].clone()]),
        ] {
            ecs.create_service()
                .cluster("c")
                .service_name(service)
                .task_definition(&td)
                .desired_count(1)
                .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
                .network_configuration(network(&subnet, &sg, false))
                .set_load_balancers(Some(
                    tgs.iter().map(|t| common::estate::behind(t)).collect(),
                ))
                .send()
                .await
                .expect("CreateService");
        }
        let proxy = Proxy::start(moto.port);
        proxy.add(
            Rule::new(
                "DescribeLoadBalancerAttributes",
                Fault::Error {
                    status: 403,
                    code: "AccessDenied",
                    message: "not authorized to perform: elasticloadbalancing:DescribeLoadBalancerAttributes",
                    json: false,
                },
                usize::MAX,
            )
            .when_body("two"),
        );
        let through = common::sdk(&proxy.url()).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let calls = &read.collected.api_calls;
        assert_eq!(
            calls.get("DescribeTargetGroups"),
            Some(&4),
            "one batch, then each of its three ARNs: {calls:?}"
        );
        assert_eq!(calls.get("DescribeLoadBalancers"), Some(&1), "{calls:?}");
        assert_eq!(calls.get("DescribeListeners"), Some(&2), "{calls:?}");
        assert_eq!(
            calls.get("DescribeLoadBalancerAttributes"),
            Some(&2),
            "each load balancer once, however many services share it: {calls:?}"
        );
        let doc = |name: &str| {
            read.docs
                .iter()
                .find(|(s, _)| s == name)
                .map(|(_, d)| d.clone())
                .unwrap_or_else(|| panic!("no {name} document"))
        };
        assert_eq!(doc("lb-attributes-two.json")["Code"], "AccessDenied");
        assert!(doc("lb-attributes-one.json")["Attributes"].is_array());
        assert!(doc("listeners-two.json")["Listeners"].is_array());
        assert!(
            read.collected
                .errors
                .iter()
                .any(|e| e.contains("DescribeLoadBalancerAttributes two")),
            "{:?}",
            read.collected.errors
        );
        assert!(
            !read
                .collected
                .errors
                .iter()
                .any(|e| e.contains("TargetGroupNotFound")),
            "a deleted group is absent, not a failed read: {:?}",
            read.collected.errors
        );

        let snap = &read.collected.snapshot;
        let checks: Vec<_> = ["SV16", "SV17", "SV21"]
            .iter()
            .map(|c| ecs_posture_core::checks::catalog::find(c).unwrap())
            .collect();
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &Options::default(),
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        let of = |check: &str, service: &str| {
            evals
                .iter()
                .find(|e| e.check.id == check && e.resource.name == service)
                .unwrap_or_else(|| panic!("{check} on {service}"))
        };
        use ecs_posture_core::finding::Status;
        for service in ["b", "c"] {
            assert_eq!(of("SV16", service).status, Status::Failed);
            let e = of("SV21", service);
            assert_eq!(e.status, Status::NotAvailable, "never PASSED");
            assert!(e.reason().unwrap_or("").contains("AccessDenied"));
        }
        // The service naming the deleted group still fails on what was read (its other
        // group's load balancer serves plain HTTP, without deletion protection); where nothing
        // fails (no TLS listener to judge) it is unknown, naming the group.
        assert_eq!(of("SV16", "a").status, Status::Failed);
        assert_eq!(of("SV21", "a").status, Status::Failed);
        let e = of("SV17", "a");
        assert_eq!(e.status, Status::NotAvailable);
        assert!(
            e.reason().unwrap_or("").contains("target group gone"),
            "{e:?}"
        );
    })
}

/// A container instance whose EC2 instance allows IMDSv1, running a bridge-mode service: read
/// live (one DescribeInstances, one DescribeVolumes), judged on IMDSv2 (EC2.8) and on what its
/// tasks can reach, each finding naming the instance; requiring IMDSv2 with hop limit 1 fixes
/// both.
#[test]
fn container_instance_metadata_exposure_is_read_live_and_fixed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let (subnet, _) = moto.default_network();
        let cfg = common::sdk(&moto.url()).await;
        let ec2 = aws_sdk_ec2::Client::new(&cfg);
        // An ECS-optimized AL2023 release from January 2025: far behind the current release
        // moto's public parameter names (2026-09-22).
        let image = ec2
            .register_image()
            .name("al2023-ami-ecs-hvm-2023.0.20250101-kernel-6.1-x86_64")
            .root_device_name("/dev/xvda")
            .send()
            .await
            .expect("RegisterImage")
            .image_id()
            .unwrap()
            .to_owned();
        // The instance role is an administrator: tasks reaching its credentials get everything.
        let iam = aws_sdk_iam::Client::new(&cfg);
        role(
            &iam,
            "hosts",
            true,
            &[(
                "admin",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        let profile = iam
            .create_instance_profile()
            .instance_profile_name("hosts")
            .send()
            .await
            .expect("CreateInstanceProfile")
            .instance_profile()
            .map(|p| p.arn().to_owned())
            .unwrap();
        iam.add_role_to_instance_profile()
            .instance_profile_name("hosts")
            .role_name("hosts")
            .send()
            .await
            .expect("AddRoleToInstanceProfile");
        let instance = ec2
            .run_instances()
            .image_id(&image)
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet)
            .iam_instance_profile(
                aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                    .arn(&profile)
                    .build(),
            )
            .send()
            .await
            .expect("RunInstances")
            .instances()[0]
            .instance_id()
            .unwrap()
            .to_owned();
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster()
            .cluster_name("hosts")
            .send()
            .await
            .unwrap();
        ecs.register_container_instance()
            .cluster("hosts")
            .instance_identity_document(format!(r#"{{"instanceId":"{instance}"}}"#))
            .send()
            .await
            .expect("RegisterContainerInstance");
        let td = ecs
            .register_task_definition()
            .family("proxy")
            .network_mode(aws_sdk_ecs::types::NetworkMode::Bridge)
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name("app")
                    .image("nginx:1.27")
                    .memory(256)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition")
            .task_definition()
            .and_then(|t| t.task_definition_arn())
            .unwrap()
            .to_owned();
        ecs.create_service()
            .cluster("hosts")
            .service_name("proxy")
            .task_definition(&td)
            .desired_count(1)
            .launch_type(aws_sdk_ecs::types::LaunchType::Ec2)
            .send()
            .await
            .expect("CreateService");

        let scan = || scan_live(&moto);
        let status = |report: &Value, check: &str| -> (String, Value) {
            let e = report["evaluations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["check_id"] == check)
                .unwrap_or_else(|| panic!("{check} evaluated: {report}"));
            (e["status"].as_str().unwrap().to_owned(), e.clone())
        };
        let (first, stderr) = scan();
        for op in [
            "DescribeInstances 1",
            "DescribeVolumes 1",
            "GetEbsEncryptionByDefault 1",
            "DescribeImages 1",
            "GetParameters 1",
        ] {
            assert!(stderr.contains(op), "{op}: {stderr}");
        }
        let (ami, e) = status(&first, "CI08");
        assert_eq!(ami, "FAILED", "{e}");
        let evidence = e["evidence"][0].as_str().unwrap();
        assert!(
            evidence.contains(&format!("AMI {image} (al2023-ami-ecs-hvm-2023.0.20250101"))
                && evidence.contains("days behind the current release")
                && evidence.contains("al2023-ami-ecs-hvm-2023.0.2026"),
            "{evidence}"
        );
        // EC2.7 once for the account-region where the container instance runs: moto starts
        // with EBS encryption by default off.
        let (ebs, e) = status(&first, "AC01");
        assert_eq!(ebs, "FAILED", "{e}");
        assert_eq!(e["resource"]["type"], "AwsAccount", "{e}");
        assert_eq!(e["resource"]["arn"], "AWS::::Account:123456789012", "{e}");
        assert_eq!(e["resource"]["account"], "123456789012", "{e}");
        assert_eq!(e["resource"]["region"], "us-east-1", "{e}");
        assert_eq!(
            first["evaluations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["check_id"] == "AC01")
                .count(),
            1
        );
        let (imds, e) = status(&first, "CI04");
        assert_eq!(imds, "FAILED", "moto's default is HttpTokens optional: {e}");
        assert_eq!(e["related_resources"][0]["type"], "AwsEc2Instance");
        assert!(
            e["related_resources"][0]["arn"]
                .as_str()
                .unwrap()
                .ends_with(&format!("instance/{instance}"))
        );
        let (reach, e) = status(&first, "CI05");
        assert_eq!(reach, "FAILED", "{e}");
        assert_eq!(
            e["severity"], "CRITICAL",
            "the instance role is an administrator: {e}"
        );
        assert!(
            e["evidence"]
                .to_string()
                .contains("the instance role hosts may perform every action on every resource"),
            "{e}"
        );
        assert!(
            e["related_resources"].to_string().contains(":role/hosts"),
            "{e}"
        );
        assert!(
            e["evidence"][0]
                .as_str()
                .unwrap()
                .contains("service proxy runs bridge-mode tasks")
        );
        // EC2.9 and EC2.3 agree with what EC2 says of the instance and its volume.
        let described = ec2
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await
            .unwrap();
        let i = &described.reservations()[0].instances()[0];
        assert_eq!(
            status(&first, "CI06").0,
            if i.public_ip_address().is_some() {
                "FAILED"
            } else {
                "PASSED"
            }
        );
        assert_ne!(
            status(&first, "CI07").0,
            "NOT_AVAILABLE",
            "its volume was read"
        );

        ec2.enable_ebs_encryption_by_default()
            .send()
            .await
            .expect("EnableEbsEncryptionByDefault");
        ec2.modify_instance_metadata_options()
            .instance_id(&instance)
            .http_tokens(aws_sdk_ec2::types::HttpTokensState::Required)
            .http_put_response_hop_limit(1)
            .send()
            .await
            .expect("ModifyInstanceMetadataOptions");
        // The metadata change's rescan: the instance's cluster, read whole.
        let read = EcsInventory::from_config(&cfg)
            .read(&Scope::Instance(instance.clone()))
            .await;
        let snap = &read.collected.snapshot;
        assert_eq!(snap.container_instances.len(), 1);
        assert_eq!(snap.services.len(), 1, "the cluster's services come along");
        assert!(snap.network.instance(&instance).is_some());
        let (second, _) = scan();
        assert_eq!(status(&second, "CI04").0, "PASSED");
        assert_eq!(status(&second, "AC01").0, "PASSED");
        assert_eq!(
            status(&second, "CI05").0,
            "PASSED",
            "bridge tasks get no token at hop limit 1"
        );
    })
}

/// A role as IAM stores it in moto: a trust policy, inline policies, attached customer managed
/// policies (created here).
async fn role(
    iam: &aws_sdk_iam::Client,
    name: &str,
    trust_condition: bool,
    inline: &[(&str, &str)],
    managed: &[(&str, &str)],
) -> String {
    let condition = if trust_condition {
        r#","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#
    } else {
        ""
    };
    let arn = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ecs-tasks.amazonaws.com"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
        ))
        .send()
        .await
        .expect("CreateRole")
        .role()
        .map(|r| r.arn().to_owned())
        .unwrap();
    for (policy, doc) in inline {
        iam.put_role_policy()
            .role_name(name)
            .policy_name(*policy)
            .policy_document(*doc)
            .send()
            .await
            .expect("PutRolePolicy");
    }
    for (policy, doc) in managed {
        let policy_arn = iam
            .create_policy()
            .policy_name(*policy)
            .policy_document(*doc)
            .send()
            .await
            .expect("CreatePolicy")
            .policy()
            .and_then(|p| p.arn())
            .unwrap()
            .to_owned();
        iam.attach_role_policy()
            .role_name(name)
            .policy_arn(policy_arn)
            .send()
            .await
            .expect("AttachRolePolicy");
    }
    arn
}

#[test]
fn task_roles_are_read_once_per_account_judged_and_fixed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let iam = aws_sdk_iam::Client::new(&cfg);
        const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let task = role(
            &iam,
            "app-task",
            false,
            &[("admin", ADMIN)],
            &[(
                "s3-all",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            )],
        )
        .await;
        let exec = role(
            &iam,
            "app-exec",
            true,
            &[],
            &[(
                "read-secrets",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","ecr:BatchGetImage"],"Resource":"*"}]}"#,
            )],
        )
        .await;
        // A role nobody uses: never read on its own, left out of the snapshot.
        role(&iam, "unrelated", false, &[("admin", ADMIN)], &[]).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        for family in ["web", "api"] {
            ecs.register_task_definition()
                .family(family)
                .task_role_arn(&task)
                // By name: the account's role of that name.
                .execution_role_arn("app-exec")
                .container_definitions(
                    aws_sdk_ecs::types::ContainerDefinition::builder()
                        .name("app")
                        .image("nginx:1.27")
                        .memory(256)
                        .build(),
                )
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        let scan = || scan_live(&moto);
        let on = evaluation_on;
        let (first, stderr) = scan();
        // One read of the account's authorization details for both families and both roles.
        assert!(
            stderr.contains("GetAccountAuthorizationDetails 1"),
            "{stderr}"
        );
        for op in [
            "GetRole ",
            "GetRolePolicy ",
            "GetPolicy ",
            "GetPolicyVersion ",
        ] {
            assert!(!stderr.contains(op), "{op}: {stderr}");
        }
        for family in ["web", "api"] {
            let admin = on(&first, "TD35", family);
            assert_eq!(admin["status"], "FAILED", "{admin}");
            assert_eq!(admin["severity"], "CRITICAL");
            assert_eq!(admin["related_resources"][0]["type"], "AwsIamRole");
            assert_eq!(admin["related_resources"][0]["arn"], task.as_str());
            assert!(
                admin["evidence"][0]
                    .as_str()
                    .unwrap()
                    .contains("task role app-task: allows every action on every resource by inline policy admin"),
                "{admin}"
            );
            let wildcard = on(&first, "TD37", family);
            assert_eq!(wildcard["status"], "FAILED", "{wildcard}");
            assert!(
                wildcard["evidence"][0]
                    .as_str()
                    .unwrap()
                    .contains("customer managed policy s3-all allows Action s3:*")
            );
            let secrets = on(&first, "TD41", family);
            assert_eq!(secrets["status"], "FAILED", "{secrets}");
            assert!(
                secrets["evidence"]
                    .to_string()
                    .contains("execution role app-exec: allows secretsmanager:GetSecretValue"),
                "{secrets}"
            );
            assert!(
                secrets["related_resources"].to_string().contains(&exec),
                "the execution role named by name resolves to its ARN: {secrets}"
            );
            let shared = on(&first, "TD40", family);
            assert_eq!(shared["status"], "FAILED", "{shared}");
            let trust = on(&first, "TD42", family);
            assert_eq!(trust["status"], "FAILED", "{trust}");
            assert!(
                trust["evidence"].to_string().contains("task role app-task"),
                "only the task role lacks the condition: {trust}"
            );
            assert!(
                !trust["evidence"].to_string().contains("app-exec"),
                "{trust}"
            );
        }

        // A scoped scan (one family's new revision) reads its two roles one by one.
        let read = EcsInventory::from_config(&cfg)
            .read(&Scope::TaskDefinition("web".into()))
            .await;
        let calls = &read.collected.api_calls;
        assert_eq!(
            calls.get("GetAccountAuthorizationDetails"),
            None,
            "{calls:?}"
        );
        assert_eq!(calls.get("GetRole"), Some(&2), "{calls:?}");
        assert_eq!(calls.get("GetRolePolicy"), Some(&1), "{calls:?}");
        assert_eq!(
            calls.get("GetPolicyVersion"),
            Some(&2),
            "s3-all and read-secrets, once each: {calls:?}"
        );
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        let snap = &read.collected.snapshot;
        assert_eq!(snap.identity.counts().0, 2);
        assert!(snap.partial);
        let opts = Options::default();
        let checks = ecs_posture_core::engine::select(&opts, &[], &[], None).unwrap();
        let ctx = ecs_posture_core::engine::Context::for_snapshot(snap);
        let evals = ecs_posture_core::engine::evaluate(snap, &checks, &opts, &ctx);
        let status = |id: &str| {
            evals
                .iter()
                .find(|e| e.check.id == id)
                .map(|e| e.status)
                .unwrap()
        };
        assert_eq!(status("TD35"), ecs_posture_core::finding::Status::Failed);
        assert_eq!(
            status("TD40"),
            ecs_posture_core::finding::Status::NotAvailable,
            "a scoped scan sees one family: sharing is unknown, not absent"
        );

        // A change to one role rescans the families naming it (by name or ARN); a policy's new
        // default version, those of the roles it is attached to.
        let families = |scope: Scope| {
            let cfg = cfg.clone();
            async move {
                let read = EcsInventory::from_config(&cfg).read(&scope).await;
                assert!(
                    read.collected.errors.is_empty(),
                    "{:?}",
                    read.collected.errors
                );
                let mut f: Vec<String> = read
                    .collected
                    .snapshot
                    .task_definitions
                    .iter()
                    .filter_map(|t| t.item.family.clone())
                    .collect();
                f.sort();
                f.dedup();
                (f, read.collected.api_calls)
            }
        };
        let (f, _) = families(Scope::Role("app-exec".into())).await;
        assert_eq!(f, ["api", "web"]);
        let (f, calls) = families(Scope::Policy(
            "arn:aws:iam::123456789012:policy/s3-all".into(),
        ))
        .await;
        assert_eq!(f, ["api", "web"]);
        assert_eq!(calls.get("ListEntitiesForPolicy"), Some(&1), "{calls:?}");
        let (f, _) = families(Scope::Role("unrelated".into())).await;
        assert!(f.is_empty(), "no family uses it: {f:?}");

        // The fix: the inline administrator grant goes; the next scan passes it.
        iam.delete_role_policy()
            .role_name("app-task")
            .policy_name("admin")
            .send()
            .await
            .expect("DeleteRolePolicy");
        let (second, _) = scan();
        for family in ["web", "api"] {
            assert_eq!(on(&second, "TD35", family)["status"], "PASSED");
            assert_eq!(on(&second, "TD37", family)["status"], "FAILED");
        }
    })
}

#[test]
fn a_refused_account_read_falls_back_to_each_role_and_says_why_where_that_fails_too() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let proxy = Proxy::start(moto.port);
        let cfg = common::sdk(&moto.url()).await;
        let iam = aws_sdk_iam::Client::new(&cfg);
        let task = role(
            &iam,
            "app-task",
            true,
            &[(
                "admin",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.register_task_definition()
            .family("web")
            .task_role_arn(&task)
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name("app")
                    .image("nginx:1.27")
                    .memory(256)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let denied = |op: &'static str| {
            Rule::new(
                op,
                Fault::Error {
                    status: 403,
                    code: "AccessDenied",
                    message: "not authorized to perform this action",
                    json: false,
                },
                100,
            )
        };
        proxy.add(denied("GetAccountAuthorizationDetails"));
        let through = common::sdk(&proxy.url()).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let c = &read.collected;
        assert_eq!(c.api_calls.get("GetAccountAuthorizationDetails"), Some(&1));
        assert_eq!(c.api_calls.get("GetRole"), Some(&1), "{:?}", c.api_calls);
        assert!(
            c.errors.iter().any(|e| e.contains("GetAccountAuthorizationDetails") && e.contains("AccessDenied")),
            "{:?}",
            c.errors
        );
        assert!(matches!(
            c.snapshot.identity.role(&task, "123456789012"),
            ecs_posture_core::model::identity::RoleLookup::Found(_)
        ));
        // The role by itself refused too: unknown, with the reason, never passed.
        proxy.add(denied("GetRole"));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let snap = &read.collected.snapshot;
        let opts = Options::default();
        let checks = ecs_posture_core::engine::select(&opts, &["TD35".into()], &[], None).unwrap();
        let ctx = ecs_posture_core::engine::Context::for_snapshot(snap);
        let evals = ecs_posture_core::engine::evaluate(snap, &checks, &opts, &ctx);
        assert_eq!(evals.len(), 1);
        assert_eq!(
            evals[0].status,
            ecs_posture_core::finding::Status::NotAvailable
        );
        let why = evals[0].reason().unwrap_or_default();
        assert!(
            why.contains("iam:GetAccountAuthorizationDetails: AccessDenied"),
            "{why}"
        );
    })
}

/// The repositories of the images in use, read live: judged on the task definitions pulling
/// from them (the repository and the running image as related resources), each read once, and
/// fixed by the next scan.
#[test]
fn image_repositories_are_read_once_judged_and_fixed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecr = aws_sdk_ecr::Client::new(&cfg);
        for name in ["web", "api"] {
            ecr.create_repository()
                .repository_name(name)
                .send()
                .await
                .expect("CreateRepository");
        }
        ecr.put_image_tag_mutability()
            .repository_name("api")
            .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
            .send()
            .await
            .expect("PutImageTagMutability");
        ecr.put_lifecycle_policy()
            .repository_name("api")
            .lifecycle_policy_text(r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#)
            .send()
            .await
            .expect("PutLifecyclePolicy");
        ecr.set_repository_policy()
            .repository_name("web")
            .policy_text(r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull-anywhere","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#)
            .send()
            .await
            .expect("SetRepositoryPolicy");
        let digest = scanned_image(
            &moto,
            &ecr,
            ("web", "1.4", 7023),
            serde_json::json!({
                "findingSeverityCounts": {"CRITICAL": 1, "HIGH": 1},
                "findings": [
                    {"name": "CVE-2024-3094", "severity": "CRITICAL"},
                    {"name": "CVE-2023-44487", "severity": "HIGH"}
                ]
            }),
        )
        .await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
        for (family, image) in [
            ("web", format!("{host}/web@{digest}")),
            ("api", format!("{host}/api:2.0")),
            ("edge", "nginx:1.27".to_owned()),
        ] {
            ecs.register_task_definition()
                .family(family)
                .container_definitions(
                    aws_sdk_ecs::types::ContainerDefinition::builder()
                        .name("app")
                        .image(image)
                        .memory(256)
                        .build(),
                )
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        let scan = || scan_live(&moto);
        let on = evaluation_on;
        let (first, stderr) = scan();
        // Each repository read once; one scan read for the one pinned digest; the unpinned api
        // has no running task, so its running digest is unknown and no scan of it is read.
        for expected in [
            "ecr:DescribeRepositories 1",
            "ecr:GetRegistryScanningConfiguration 1",
            "ecr:BatchGetRepositoryScanningConfiguration 1",
            "ecr:GetLifecyclePolicy 2",
            "ecr:GetRepositoryPolicy 2",
            "ecr:DescribeImageScanFindings 1",
        ] {
            assert!(stderr.contains(expected), "{expected}: {stderr}");
        }
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/web";
        let vulnerable = on(&first, "TD49", "web");
        assert_eq!(vulnerable["status"], "FAILED", "{vulnerable}");
        assert_eq!(vulnerable["severity"], "CRITICAL");
        assert!(
            vulnerable["evidence"][0]
                .as_str()
                .unwrap()
                .contains("1 CRITICAL and 1 HIGH vulnerabilities: CVE-2024-3094, CVE-2023-44487"),
            "{vulnerable}"
        );
        assert_eq!(
            vulnerable["related_resources"][0]["arn"],
            format!("{repo}@{digest}")
        );
        assert_eq!(vulnerable["related_resources"][1]["arn"], repo);
        assert_eq!(on(&first, "TD49", "api")["status"], "NOT_AVAILABLE");
        assert_eq!(on(&first, "TD49", "edge")["status"], "NOT_APPLICABLE");
        let open = on(&first, "TD48", "web");
        assert_eq!(open["status"], "FAILED", "{open}");
        assert_eq!(open["severity"], "CRITICAL");
        assert!(
            open["evidence"][0]
                .as_str()
                .unwrap()
                .contains("pull-anywhere")
        );
        assert_eq!(on(&first, "TD48", "api")["status"], "PASSED");
        for (check, web, api) in [
            ("TD45", "FAILED", "PASSED"),
            ("TD46", "FAILED", "PASSED"),
            ("TD47", "FAILED", "FAILED"),
            ("TD44", "FAILED", "FAILED"),
        ] {
            assert_eq!(on(&first, check, "web")["status"], web, "{check} web");
            assert_eq!(on(&first, check, "api")["status"], api, "{check} api");
        }

        // A change to one repository rescans the families pulling from it; a registry-wide
        // change, every family pulling from the registry.
        for (scope, want) in [
            (Scope::Repository("web".into()), vec!["web"]),
            (Scope::Repository("*".into()), vec!["api", "web"]),
        ] {
            let read = EcsInventory::from_config(&cfg).read(&scope).await;
            assert!(
                read.collected.errors.is_empty(),
                "{:?}",
                read.collected.errors
            );
            let mut families: Vec<String> = read
                .collected
                .snapshot
                .task_definitions
                .iter()
                .filter_map(|t| t.item.family.clone())
                .collect();
            families.sort();
            families.dedup();
            assert_eq!(families, want, "{scope:?}");
        }

        // The fixes: enhanced continuous scanning of every repository, immutable tags on web.
        ecr.put_registry_scanning_configuration()
            .scan_type(aws_sdk_ecr::types::ScanType::Enhanced)
            .rules(
                aws_sdk_ecr::types::RegistryScanningRule::builder()
                    .scan_frequency(aws_sdk_ecr::types::ScanFrequency::ContinuousScan)
                    .repository_filters(
                        aws_sdk_ecr::types::ScanningRepositoryFilter::builder()
                            .filter("*")
                            .filter_type(aws_sdk_ecr::types::ScanningRepositoryFilterType::Wildcard)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("PutRegistryScanningConfiguration");
        ecr.put_image_tag_mutability()
            .repository_name("web")
            .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
            .send()
            .await
            .expect("PutImageTagMutability");
        let (second, _) = scan();
        for family in ["web", "api"] {
            assert_eq!(on(&second, "TD44", family)["status"], "PASSED", "{family}");
        }
        assert_eq!(on(&second, "TD45", "web")["status"], "PASSED");
        assert_eq!(on(&second, "TD46", "web")["status"], "FAILED");
    })
}

/// The log groups containers write to, read live by name: one read for every group, a group the
/// answer lacks proven missing, and a retention fix passing on the next scan.
#[test]
fn log_groups_are_read_by_name_judged_and_fixed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        logs.create_log_group()
            .log_group_name("/ecs/web")
            .send()
            .await
            .expect("CreateLogGroup");
        logs.put_retention_policy()
            .log_group_name("/ecs/web")
            .retention_in_days(30)
            .send()
            .await
            .expect("PutRetentionPolicy");
        // A group nobody writes to: listed by the emulator, never kept.
        logs.create_log_group()
            .log_group_name("/other/unrelated")
            .send()
            .await
            .expect("CreateLogGroup");
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        for (family, group, create) in [
            ("web", "/ecs/web", "false"),
            ("api", "/ecs/api", "false"),
            ("jobs", "/ecs/jobs", "true"),
        ] {
            ecs.register_task_definition()
                .family(family)
                .container_definitions(
                    aws_sdk_ecs::types::ContainerDefinition::builder()
                        .name("app")
                        .image("nginx:1.27")
                        .memory(256)
                        .log_configuration(
                            aws_sdk_ecs::types::LogConfiguration::builder()
                                .log_driver(aws_sdk_ecs::types::LogDriver::Awslogs)
                                .options("awslogs-group", group)
                                .options("awslogs-region", "us-east-1")
                                .options("awslogs-create-group", create)
                                .options("awslogs-stream-prefix", "app")
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        let (first, stderr) = scan_live(&moto);
        assert!(stderr.contains("logs:DescribeLogGroups 1"), "{stderr}");
        let on = evaluation_on;
        let missing = on(&first, "TD51", "api");
        assert_eq!(missing["status"], "FAILED", "{missing}");
        assert!(
            missing["evidence"][0]
                .as_str()
                .unwrap()
                .contains("does not exist and the awslogs driver does not create it")
        );
        assert_eq!(
            missing["related_resources"][0]["arn"],
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api"
        );
        assert_eq!(on(&first, "TD51", "jobs")["status"], "PASSED");
        assert_eq!(on(&first, "TD51", "web")["status"], "PASSED");
        let short = on(&first, "TD52", "web");
        assert_eq!(short["status"], "FAILED", "{short}");
        assert!(
            short["evidence"][0]
                .as_str()
                .unwrap()
                .contains("30 days, less than 365")
        );
        assert_eq!(on(&first, "TD53", "web")["status"], "FAILED");
        assert_eq!(on(&first, "TD53", "jobs")["status"], "FAILED");
        assert_eq!(on(&first, "TD52", "api")["status"], "NOT_APPLICABLE");

        // A change to one group rescans the families writing to it.
        let read = EcsInventory::from_config(&cfg)
            .read(&Scope::LogGroup("/ecs/web".into()))
            .await;
        let families: Vec<String> = read
            .collected
            .snapshot
            .task_definitions
            .iter()
            .filter_map(|t| t.item.family.clone())
            .collect();
        assert_eq!(families, ["web"]);

        // The fixes: a year and a month of retention; the missing group created.
        logs.put_retention_policy()
            .log_group_name("/ecs/web")
            .retention_in_days(400)
            .send()
            .await
            .expect("PutRetentionPolicy");
        logs.create_log_group()
            .log_group_name("/ecs/api")
            .send()
            .await
            .expect("CreateLogGroup");
        let (second, _) = scan_live(&moto);
        assert_eq!(on(&second, "TD52", "web")["status"], "PASSED");
        assert_eq!(on(&second, "TD51", "api")["status"], "PASSED");
        assert_eq!(
            on(&second, "TD52", "api")["status"],
            "PASSED",
            "a group without retention never expires"
        );
    })
}

/// The issue's story end to end through the CLI: a service whose task role is an administrator
/// shared by two families, whose image comes from a mutable ECR repository with a critical
/// finding, whose log group was created with nothing set, and whose secret is a plain-text
/// parameter. `scan --live --publish` imports exactly those findings with their related
/// resources; removing the administrator grant resolves that finding on the next scan; neither
/// planted secret value appears in any request, output, snapshot or log.
#[test]
fn a_workloads_surroundings_are_published_and_no_secret_value_leaves() {
    const PLANTED_SECRET: &str = "planted-secret-7f3a9c41d2";
    const PLANTED_PARAMETER: &str = "planted-parameter-9c2e51b7aa";
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let iam = aws_sdk_iam::Client::new(&cfg);
        const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let task_role = role(&iam, "app-task", true, &[("admin", ADMIN)], &[]).await;
        let ecr = aws_sdk_ecr::Client::new(&cfg);
        ecr.create_repository()
            .repository_name("web")
            .send()
            .await
            .expect("CreateRepository");
        let digest = scanned_image(
            &moto,
            &ecr,
            ("web", "2.1", 1200),
            serde_json::json!({
                "findingSeverityCounts": {"CRITICAL": 1},
                "findings": [{"name": "CVE-2024-6387", "severity": "CRITICAL"}]
            }),
        )
        .await;
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        logs.create_log_group()
            .log_group_name("/ecs/web")
            .send()
            .await
            .expect("CreateLogGroup");
        aws_sdk_ssm::Client::new(&cfg)
            .put_parameter()
            .name("/prod/web/api-token")
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .value(PLANTED_PARAMETER)
            .send()
            .await
            .expect("PutParameter");
        let secret_arn = aws_sdk_secretsmanager::Client::new(&cfg)
            .create_secret()
            .name("prod/web/db")
            .secret_string(PLANTED_SECRET)
            .send()
            .await
            .expect("CreateSecret")
            .arn()
            .expect("an ARN")
            .to_owned();
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .expect("CreateCluster");
        let image = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@{digest}");
        for (family, image) in [("web", image.as_str()), ("api", "nginx:1.27")] {
            let mut container = aws_sdk_ecs::types::ContainerDefinition::builder()
                .name("app")
                .image(image)
                .memory(256);
            if family == "web" {
                container = container
                    .log_configuration(
                        aws_sdk_ecs::types::LogConfiguration::builder()
                            .log_driver(aws_sdk_ecs::types::LogDriver::Awslogs)
                            .options("awslogs-group", "/ecs/web")
                            .options("awslogs-region", "us-east-1")
                            .options("awslogs-stream-prefix", "web")
                            .build()
                            .unwrap(),
                    )
                    .secrets(
                        aws_sdk_ecs::types::Secret::builder()
                            .name("API_TOKEN")
                            .value_from("/prod/web/api-token")
                            .build()
                            .unwrap(),
                    )
                    .secrets(
                        aws_sdk_ecs::types::Secret::builder()
                            .name("DB_PASSWORD")
                            .value_from(&secret_arn)
                            .build()
                            .unwrap(),
                    );
            }
            ecs.register_task_definition()
                .family(family)
                .task_role_arn(&task_role)
                .container_definitions(container.build())
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        ecs.create_service()
            .cluster("prod")
            .service_name("web")
            .task_definition("web")
            .desired_count(1)
            .send()
            .await
            .expect("CreateService");
        let topic = aws_sdk_sns::Client::new(&cfg)
            .create_topic()
            .name("posture")
            .send()
            .await
            .expect("CreateTopic")
            .topic_arn()
            .unwrap()
            .to_owned();

        let proxy = Proxy::start(moto.port);
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger.json");
        let publish = || {
            common::aws_env(
                &mut std::process::Command::new(env!("CARGO_BIN_EXE_ecs-posture")),
                &proxy.url(),
            )
            .args([
                "scan",
                "--live",
                "--publish",
                "--ledger-file",
                ledger.to_str().unwrap(),
                "--sns-topic-arn",
                &topic,
                "--format",
                "json",
                "--fail-on",
                "none",
            ])
            .env("AWS_MAX_ATTEMPTS", "2")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("run ecs-posture")
        };
        let first = publish();
        let mut outputs = vec![first.stdout.clone(), first.stderr.clone()];
        assert_eq!(
            first.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let held = findings(&cfg).await;
        let failed = |held: &HashMap<String, aws_sdk_securityhub::types::AwsSecurityFinding>| {
            let mut out: Vec<(String, String)> = held
                .values()
                .filter(|f| {
                    f.compliance().and_then(|c| c.status()).map(|s| s.as_str()) == Some("FAILED")
                        && f.record_state().map(|s| s.as_str()) == Some("ACTIVE")
                })
                .filter_map(|f| {
                    let check = f.id()?.split('/').nth(3)?.to_owned();
                    let number: u32 = check.strip_prefix("TD")?.parse().ok()?;
                    let family = f.resources().first()?.id()?.rsplit('/').next()?;
                    (35..=57)
                        .contains(&number)
                        .then(|| (check, family.split(':').next().unwrap_or("").to_owned()))
                })
                .collect();
            out.sort();
            out
        };
        let expected: Vec<(String, String)> = [
            ("TD35", "api"),
            ("TD35", "web"),
            ("TD38", "api"),
            ("TD38", "web"),
            ("TD39", "api"),
            ("TD39", "web"),
            ("TD40", "api"),
            ("TD40", "web"),
            ("TD41", "api"),
            ("TD41", "web"),
            ("TD44", "web"),
            ("TD45", "web"),
            ("TD46", "web"),
            ("TD47", "web"),
            ("TD49", "web"),
            ("TD53", "web"),
            ("TD55", "web"),
            ("TD56", "web"),
            ("TD57", "web"),
        ]
        .iter()
        .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
        .collect();
        assert_eq!(failed(&held), expected);
        let finding = |check: &str, family: &str| finding_in(&held, check, family).clone();
        let related = |check: &str, family: &str| -> Vec<(String, String)> {
            finding(check, family)
                .resources()
                .iter()
                .skip(1)
                .map(|r| {
                    (
                        r.r#type().unwrap_or("").to_owned(),
                        r.id().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(
            related("TD35", "web"),
            [("AwsIamRole".to_owned(), task_role.clone())]
        );
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/web";
        assert_eq!(
            related("TD49", "web"),
            [
                (
                    "AwsEcrContainerImage".to_owned(),
                    format!("{repo}@{digest}")
                ),
                ("AwsEcrRepository".to_owned(), repo.to_owned())
            ]
        );
        assert_eq!(
            finding("TD49", "web")
                .severity()
                .and_then(|s| s.label())
                .map(|l| l.as_str()),
            Some("CRITICAL")
        );
        assert_eq!(
            related("TD45", "web"),
            [("AwsEcrRepository".to_owned(), repo.to_owned())]
        );
        assert_eq!(
            related("TD53", "web"),
            [(
                "AwsLogsLogGroup".to_owned(),
                "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web".to_owned()
            )]
        );
        assert_eq!(
            related("TD57", "web"),
            [(
                "Other".to_owned(),
                "arn:aws:ssm:us-east-1:123456789012:parameter/prod/web/api-token".to_owned()
            )]
        );

        // The fix: the administrator grant goes; the next scan resolves that finding.
        iam.delete_role_policy()
            .role_name("app-task")
            .policy_name("admin")
            .send()
            .await
            .expect("DeleteRolePolicy");
        let second = publish();
        assert_eq!(second.status.code(), Some(0));
        outputs.extend([second.stdout.clone(), second.stderr.clone()]);
        let held = findings(&cfg).await;
        for family in ["web", "api"] {
            let f = finding_in(&held, "TD35", family);
            assert_eq!(
                f.compliance().and_then(|c| c.status()).map(|s| s.as_str()),
                Some("PASSED"),
                "{family}"
            );
        }
        let still: Vec<(String, String)> = failed(&held);
        assert!(still.contains(&("TD49".to_owned(), "web".to_owned())));
        assert!(!still.iter().any(|(c, _)| c == "TD35"));

        // No planted value anywhere: requests (the proxy saw every one), outputs, the snapshot.
        let snap = dir.path().join("snap");
        let out = common::aws_env(
            &mut std::process::Command::new(env!("CARGO_BIN_EXE_ecs-posture")),
            &proxy.url(),
        )
        .args(["snapshot", "--live", "-o", snap.to_str().unwrap()])
        .env_remove("AWS_PROFILE")
        .output()
        .expect("snapshot");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.extend([out.stdout, out.stderr]);
        // The snapshot scanned offline reaches the live verdicts on what the containers use:
        // every answer kept under the name that binds it (repository names, digests, groups,
        // parameters with a `/`).
        let verdicts = |report: &[u8]| -> Vec<(String, String, String)> {
            let v: Value = serde_json::from_slice(report).unwrap();
            let mut out: Vec<(String, String, String)> = v["evaluations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| {
                    e["check_id"]
                        .as_str()
                        .and_then(|c| c.strip_prefix("TD"))
                        .and_then(|n| n.parse::<u32>().ok())
                        .is_some_and(|n| (44..=58).contains(&n))
                })
                .map(|e| {
                    (
                        e["check_id"].as_str().unwrap().to_owned(),
                        e["resource"]["name"].as_str().unwrap().to_owned(),
                        e["status"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            out.sort();
            out
        };
        let offline = std::process::Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .args([
                "scan",
                snap.to_str().unwrap(),
                "--format",
                "json",
                "--fail-on",
                "none",
            ])
            .output()
            .expect("offline scan");
        assert_eq!(
            offline.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&offline.stderr)
        );
        let (report, stderr) = scan_live(&moto);
        outputs.push(stderr.into_bytes());
        let report = serde_json::to_vec(&report).unwrap();
        outputs.push(report.clone());
        let live = verdicts(&report);
        assert!(live.iter().any(|(c, _, s)| c == "TD49" && s == "FAILED"));
        // The secret was created a moment ago: never rotated, but young (its CreatedDate read).
        assert!(
            live.iter()
                .any(|(c, r, s)| c == "TD58" && r.starts_with("web:") && s == "PASSED"),
            "{live:?}"
        );
        assert_eq!(verdicts(&offline.stdout), live);
        outputs.extend([offline.stdout, offline.stderr]);
        for f in std::fs::read_dir(&snap).unwrap().flatten() {
            if f.path().is_file() {
                outputs.push(std::fs::read(f.path()).unwrap());
            }
        }
        let seen = proxy.seen();
        assert!(seen.iter().any(|s| s.operation.contains("DescribeSecret")));
        assert!(
            seen.iter()
                .any(|s| s.operation.contains("DescribeParameters"))
        );
        for s in &seen {
            assert!(
                !s.operation.contains("GetSecretValue")
                    && !s.operation.ends_with(".GetParameter")
                    && !s.operation.contains("GetParametersByPath"),
                "{} reads a value",
                s.operation
            );
            for planted in [PLANTED_SECRET, PLANTED_PARAMETER] {
                assert!(
                    !s.body.contains(planted),
                    "{} carries {planted}",
                    s.operation
                );
            }
        }
        for o in &outputs {
            let text = String::from_utf8_lossy(o);
            for planted in [PLANTED_SECRET, PLANTED_PARAMETER] {
                assert!(!text.contains(planted), "an output carries {planted}");
            }
        }
    })
}

/// Push an image (a manifest told apart by `size`) to `repository` under `tag`, scan it, and
/// have the emulator answer its scan with `findings`; its digest.
async fn scanned_image(
    moto: &Moto,
    ecr: &aws_sdk_ecr::Client,
    (repository, tag, size): (&str, &str, u32),
    findings: Value,
) -> String {
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{size},"digest":"sha256:{size:064x}"}},"layers":[]}}"#
    );
    let digest = ecr
        .put_image()
        .repository_name(repository)
        .image_tag(tag)
        .image_manifest(manifest)
        .send()
        .await
        .expect("PutImage")
        .image()
        .and_then(|i| i.image_id())
        .and_then(|i| i.image_digest())
        .expect("a digest")
        .to_owned();
    ecr.start_image_scan()
        .repository_name(repository)
        .image_id(
            aws_sdk_ecr::types::ImageIdentifier::builder()
                .image_digest(&digest)
                .build(),
        )
        .send()
        .await
        .expect("StartImageScan");
    let results = serde_json::json!({"region": "us-east-1", "results": [{
        "registryId": "123456789012",
        "repositoryName": repository,
        "imageId": {"imageDigest": digest, "imageTag": tag},
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindings": findings,
    }]});
    let (status, _) = common::http(
        moto.port,
        "POST",
        "/moto-api/static/ecr/scan-finding-results",
        &[("Content-Type", "application/json")],
        results.to_string().as_bytes(),
    )
    .expect("moto answers");
    assert_eq!(status, 201);
    digest
}

fn finding_in<'a>(
    held: &'a HashMap<String, aws_sdk_securityhub::types::AwsSecurityFinding>,
    check: &str,
    family: &str,
) -> &'a aws_sdk_securityhub::types::AwsSecurityFinding {
    held.values()
        .find(|f| {
            f.id().is_some_and(|id| id.split('/').nth(3) == Some(check))
                && f.resources()
                    .first()
                    .and_then(|r| r.id())
                    .is_some_and(|id| id.contains(&format!("task-definition/{family}:")))
        })
        .unwrap_or_else(|| panic!("{check} on {family}"))
}

/// The one evaluation of an account check in a JSON report (`None`: not evaluated).
fn account_evaluation(report: &Value, check: &str) -> Option<Value> {
    let found: Vec<&Value> = report["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["check_id"] == check)
        .collect();
    assert!(found.len() <= 1, "{check} is judged once: {found:?}");
    found.first().map(|e| {
        assert_eq!(e["resource"]["type"], "AwsAccount", "{e}");
        assert_eq!(e["resource"]["arn"], "AWS::::Account:123456789012", "{e}");
        (*e).clone()
    })
}

/// GuardDuty's detector and Inspector's ECR scanning, read live once each where a Fargate
/// service and the account's own ECR image run, judged on the account, and passing once fixed;
/// `snapshot --live` keeps the answers under the names that bind them and an offline scan of it
/// reaches the same verdicts.
#[test]
fn detection_services_are_read_where_workloads_run_and_fixed() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        // Only task definitions using another registry: no detection service is read.
        ecs.register_task_definition()
            .family("batch")
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name("app")
                    .image("public.ecr.aws/docker/library/nginx:1.27")
                    .memory(256)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition");
        let (quiet, stderr) = scan_live(&moto);
        assert!(
            !stderr.contains("guardduty:") && !stderr.contains("inspector2:"),
            "{stderr}"
        );
        for check in ["AC02", "AC03", "AC04"] {
            assert!(account_evaluation(&quiet, check).is_none(), "{check}");
        }

        // A Fargate service whose image comes from the account's registry.
        ecs.create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .expect("CreateCluster");
        let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4";
        let td = ecs
            .register_task_definition()
            .family("web")
            .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Fargate)
            .network_mode(aws_sdk_ecs::types::NetworkMode::Awsvpc)
            .cpu("256")
            .memory("512")
            .container_definitions(
                aws_sdk_ecs::types::ContainerDefinition::builder()
                    .name("web")
                    .image(image)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition")
            .task_definition
            .and_then(|t| t.task_definition_arn)
            .unwrap();
        ecs.create_service()
            .cluster("prod")
            .service_name("web")
            .task_definition(&td)
            .desired_count(1)
            .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
            .send()
            .await
            .expect("CreateService");
        let inspector = aws_sdk_inspector2::Client::new(&cfg);
        inspector
            .enable()
            .account_ids("123456789012")
            .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ec2)
            .send()
            .await
            .expect("Enable");

        // No detector; Inspector on for EC2 only.
        let (first, stderr) = scan_live(&moto);
        for call in [
            "guardduty:ListDetectors 1",
            "inspector2:BatchGetAccountStatus 1",
        ] {
            assert!(stderr.contains(call), "{call}: {stderr}");
        }
        assert!(!stderr.contains("guardduty:GetDetector"), "{stderr}");
        let gd = account_evaluation(&first, "AC02").expect("AC02");
        assert_eq!(gd["status"], "FAILED", "{gd}");
        let evidence = gd["evidence"][0].as_str().unwrap();
        assert!(
            evidence.contains("no detector") && evidence.contains("Fargate"),
            "{evidence}"
        );
        assert!(
            account_evaluation(&first, "AC03").is_none(),
            "no container instance"
        );
        let i2 = account_evaluation(&first, "AC04").expect("AC04");
        assert_eq!(i2["status"], "FAILED", "{i2}");
        assert!(i2["evidence"][0].as_str().unwrap().contains("DISABLED"));
        assert_eq!(
            i2["compliance"][0],
            serde_json::json!({"framework": "aws-fsbp", "control": "Inspector.2"})
        );

        // Runtime Monitoring on, the Fargate agent not managed.
        let guardduty = aws_sdk_guardduty::Client::new(&cfg);
        let feature = |fargate: &str| {
            aws_sdk_guardduty::types::DetectorFeatureConfiguration::builder()
                .name(aws_sdk_guardduty::types::DetectorFeature::RuntimeMonitoring)
                .status(aws_sdk_guardduty::types::FeatureStatus::Enabled)
                .additional_configuration(
                    aws_sdk_guardduty::types::DetectorAdditionalConfiguration::builder()
                        .name(aws_sdk_guardduty::types::FeatureAdditionalConfiguration::EcsFargateAgentManagement)
                        .status(aws_sdk_guardduty::types::FeatureStatus::from(fargate))
                        .build(),
                )
                .build()
        };
        let detector = guardduty
            .create_detector()
            .enable(true)
            .features(feature("DISABLED"))
            .send()
            .await
            .expect("CreateDetector")
            .detector_id
            .unwrap();
        let (second, stderr) = scan_live(&moto);
        assert!(stderr.contains("guardduty:GetDetector 1"), "{stderr}");
        let gd = account_evaluation(&second, "AC02").expect("AC02");
        assert_eq!(gd["status"], "FAILED", "{gd}");
        assert!(
            gd["evidence"][0]
                .as_str()
                .unwrap()
                .contains("ECS_FARGATE_AGENT_MANAGEMENT"),
            "{gd}"
        );

        // The fixes: the Fargate agent managed, Inspector scanning ECR.
        guardduty
            .update_detector()
            .detector_id(&detector)
            .features(feature("ENABLED"))
            .send()
            .await
            .expect("UpdateDetector");
        inspector
            .enable()
            .account_ids("123456789012")
            .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
            .send()
            .await
            .expect("Enable");
        let (third, _) = scan_live(&moto);
        assert_eq!(
            account_evaluation(&third, "AC02").unwrap()["status"],
            "PASSED"
        );
        assert_eq!(
            account_evaluation(&third, "AC04").unwrap()["status"],
            "PASSED"
        );

        // The snapshot keeps each answer under the name that binds it; offline, the same verdicts.
        let dir = tempfile::tempdir().unwrap();
        let out = cli(
            &moto,
            &["snapshot", "--live", "-o", dir.path().to_str().unwrap()],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for file in [
            "guardduty-detectors.json",
            "guardduty-detector.json",
            "inspector2-account-status.json",
        ] {
            assert!(dir.path().join(file).is_file(), "{file}");
        }
        let offline = std::process::Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .args(["scan", "--format", "json", "--fail-on", "none", "--all"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            offline.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&offline.stderr)
        );
        let offline: Value = serde_json::from_slice(&offline.stdout).unwrap();
        for check in ["AC02", "AC04"] {
            assert_eq!(
                account_evaluation(&offline, check).unwrap()["status"],
                "PASSED",
                "{check}"
            );
        }
    })
}

/// `versionConsistency` travels through RegisterTaskDefinition, the emulator and
/// DescribeTaskDefinition: TD59 judges the live revision as it judges the snapshot of it.
#[test]
fn version_consistency_is_judged_live_and_in_the_snapshot() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        for (family, disabled) in [("drifting", true), ("consistent", false)] {
            let mut c = aws_sdk_ecs::types::ContainerDefinition::builder()
                .name("app")
                .image(format!(
                    "{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{family}:1.0"
                ))
                .memory(256);
            if disabled {
                c = c.version_consistency(aws_sdk_ecs::types::VersionConsistency::Disabled);
            }
            ecs.register_task_definition()
                .family(family)
                .container_definitions(c.build())
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        let verdicts = |out: &std::process::Output| -> Vec<(String, String)> {
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            let mut v: Vec<(String, String)> = report["evaluations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["check_id"] == "TD59")
                .map(|e| {
                    (
                        e["resource"]["name"].as_str().unwrap().to_owned(),
                        e["status"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let args = ["--format", "json", "--fail-on", "none", "--check", "TD59"];
        let mut live_args = vec!["scan", "--live"];
        live_args.extend(args);
        let live = verdicts(&cli(&moto, &live_args));
        assert_eq!(
            live,
            vec![
                ("consistent:1".to_owned(), "PASSED".to_owned()),
                ("drifting:1".to_owned(), "FAILED".to_owned()),
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        let snap = dir.path().join("estate");
        let out = cli(&moto, &["snapshot", "--live", "-o", snap.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut offline_args = vec!["scan", snap.to_str().unwrap()];
        offline_args.extend(args);
        assert_eq!(
            verdicts(&cli(&moto, &offline_args)),
            live,
            "the snapshot keeps the field"
        );
    })
}

/// ECS Managed Daemons, which moto does not implement: their answers are recorded responses
/// shaped as the ECS service model defines them, replayed on loopback to the real SDK. A region
/// scan pages through ListDaemons, survives a throttled DescribeDaemonRevisions, evaluates the
/// superseded revision a daemon still runs and the family's latest; a refused listing leaves
/// the daemons unknown (nothing provable gone), a region without the feature has none, and a
/// deleted daemon is proven gone.
#[test]
fn daemons_are_read_from_recorded_answers_with_pages_and_throttling() {
    common::block_on(|| async move {
        use ecs_posture_core::finding::Status;
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        let cluster = ecs
            .create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .unwrap()
            .cluster()
            .and_then(|c| c.cluster_arn())
            .unwrap()
            .to_owned();
        let p = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:");
        let (agent, logs) = (
            format!("{p}daemon/prod/agent"),
            format!("{p}daemon/prod/logs"),
        );
        let td = |rev: u32, privileged: bool, pid: &str| {
            format!(
                r#"{{"daemonTaskDefinition":{{"daemonTaskDefinitionArn":"{p}daemon-task-definition/agent:{rev}","family":"agent","revision":{rev},"status":"ACTIVE","pidMode":"{pid}","ipcMode":"none","registeredAt":1.7800000E9,"containerDefinitions":[{{"name":"agent","image":"public.ecr.aws/example/agent:{rev}.0","essential":true,"privileged":{privileged},"logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/agent"}}}}}}]}}}}"#
            )
        };
        let detail = |arn: &str, revision: &str| {
            format!(
                r#"{{"daemon":{{"daemonArn":"{arn}","clusterArn":"{cluster}","status":"ACTIVE","createdAt":1.7800000E9,"currentRevisions":[{{"arn":"{revision}","capacityProviders":[{{"arn":"{p}capacity-provider/managed","runningCount":3}}],"totalRunningCount":3}}]}}}}"#
            )
        };
        let (rev_agent, rev_logs) = (
            format!("{p}daemon-revision/prod/agent/1"),
            format!("{p}daemon-revision/prod/logs/2"),
        );
        let proxy = Proxy::start(moto.port);
        // The more specific operations first: rules match on the operation name's text.
        proxy.add(Rule::new(
            "DescribeDaemonRevisions",
            Fault::Error {
                status: 400,
                code: "ThrottlingException",
                message: "Rate exceeded",
                json: true,
            },
            1,
        ));
        proxy.add(Rule::reply(
            "DescribeDaemonRevisions",
            &format!(
                r#"{{"daemonRevisions":[{{"daemonRevisionArn":"{rev_agent}","clusterArn":"{cluster}","daemonArn":"{agent}","daemonTaskDefinitionArn":"{p}daemon-task-definition/agent:1","enableExecuteCommand":true,"containerImages":[{{"containerName":"agent","image":"public.ecr.aws/example/agent:1.0","imageDigest":"sha256:{}"}}]}},{{"daemonRevisionArn":"{rev_logs}","clusterArn":"{cluster}","daemonArn":"{logs}","daemonTaskDefinitionArn":"{p}daemon-task-definition/agent:2","enableExecuteCommand":false}}],"failures":[]}}"#,
                "a".repeat(64)
            ),
        ));
        proxy.add(
            Rule::reply("DescribeDaemonTaskDefinition", &td(1, true, "shared"))
                .when_body("agent:1"),
        );
        proxy.add(
            Rule::reply("DescribeDaemonTaskDefinition", &td(2, false, "none")).when_body("agent:2"),
        );
        proxy.add(Rule::reply("ListDaemonTaskDefinitions", &format!(
            r#"{{"daemonTaskDefinitions":[{{"arn":"{p}daemon-task-definition/agent:1","status":"ACTIVE"}},{{"arn":"{p}daemon-task-definition/agent:2","status":"ACTIVE"}}]}}"#
        )));
        proxy.add(
            Rule::reply(
                "ListTagsForResource",
                r#"{"tags":[{"key":"team","value":"platform"}]}"#,
            )
            .when_body("daemon-task-definition"),
        );
        proxy.add(
            Rule::reply("DescribeDaemon", &detail(&agent, &rev_agent))
                .when_body("daemon/prod/agent"),
        );
        proxy.add(
            Rule::reply("DescribeDaemon", &detail(&logs, &rev_logs)).when_body("daemon/prod/logs"),
        );
        proxy.add(
            Rule::reply(
                "ListDaemons",
                &format!(
                    r#"{{"daemonSummariesList":[{{"daemonArn":"{logs}","status":"ACTIVE"}}]}}"#
                ),
            )
            .when_body("page-2"),
        );
        proxy.add(Rule::reply("ListDaemons", &format!(
            r#"{{"daemonSummariesList":[{{"daemonArn":"{agent}","status":"ACTIVE","createdAt":1.7800000E9}}],"nextToken":"page-2"}}"#
        )));
        let through = common::sdk(&proxy.url()).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let c = &read.collected;
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(
            c.api_calls.get("ListDaemons"),
            Some(&2),
            "two pages: {:?}",
            c.api_calls
        );
        assert_eq!(c.api_calls.get("DescribeDaemon"), Some(&2));
        assert_eq!(
            c.api_calls.get("DescribeDaemonRevisions"),
            Some(&1),
            "both revisions in one call"
        );
        assert_eq!(c.api_calls.get("ListDaemonTaskDefinitions"), Some(&1));
        assert_eq!(
            c.api_calls.get("DescribeDaemonTaskDefinition"),
            Some(&2),
            "the latest and the superseded revision a daemon runs, each once"
        );
        assert_eq!(
            proxy.count("DescribeDaemonRevisions"),
            2,
            "throttled once, retried by the SDK"
        );
        let pages: Vec<String> = proxy
            .seen()
            .into_iter()
            .filter(|s| s.operation.ends_with(".ListDaemons"))
            .map(|s| s.body)
            .collect();
        assert!(
            pages[0].contains(&cluster) && !pages[0].contains("nextToken"),
            "{pages:?}"
        );
        assert!(pages[1].contains(r#""nextToken":"page-2""#), "{pages:?}");
        assert!(c.coverage.daemons_of_clusters.contains(&cluster));
        assert!(c.coverage.all_daemon_task_definitions && !c.coverage.daemon_reads_failed);
        let snap = &c.snapshot;
        assert_eq!((snap.daemons.len(), snap.daemon_revisions.len()), (2, 2));
        let defs: Vec<&str> = snap
            .task_definitions
            .iter()
            .filter(|t| t.item.daemon)
            .filter_map(|t| t.item.task_definition_arn.as_deref())
            .collect();
        assert_eq!(defs.len(), 2, "{defs:?}");
        let opts = Options::default();
        let checks = ecs_posture_core::select(&opts, &[], &[], None).unwrap();
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &opts,
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        let status = |check: &str, arn: &str| {
            evals
                .iter()
                .find(|e| e.check.id == check && e.resource.arn == arn)
                .map(|e| e.status)
                .unwrap_or_else(|| panic!("{check} on {arn}"))
        };
        let one = format!("{p}daemon-task-definition/agent:1");
        assert_eq!(
            status("TD01", &one),
            Status::Failed,
            "superseded, but a daemon runs it"
        );
        assert_eq!(status("TD03", &one), Status::Failed, "pidMode shared");
        assert_eq!(
            status("TD01", &format!("{p}daemon-task-definition/agent:2")),
            Status::Passed
        );
        assert_eq!(status("DM01", &agent), Status::Failed);
        assert_eq!(status("DM01", &logs), Status::Passed);

        // snapshot --live writes the daemons' outputs as files that scan offline to the same
        // verdicts as the live scan.
        let run_cli = |args: &[&str]| cli_at(&proxy.url(), args);
        let daemon_verdicts = |out: &std::process::Output| {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            verdicts(&doc, |arn| arn.contains(":daemon"))
        };
        let live = daemon_verdicts(&run_cli(&[
            "scan",
            "--live",
            "--format",
            "json",
            "--all",
            "--fail-on",
            "none",
        ]));
        assert!(
            live.iter()
                .any(|(c, a, s)| c == "DM01" && *a == agent && s == "FAILED"),
            "{live:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let out = run_cli(&["snapshot", "--live", "-o", dir.path().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for file in [
            "task-definitions/daemon-agent-1.json",
            "task-definitions/daemon-agent-2.json",
            "daemon-prod-agent.json",
            "daemon-prod-logs.json",
            "daemon-revisions.json",
        ] {
            assert!(dir.path().join(file).exists(), "{file} not written");
        }
        let offline = daemon_verdicts(&run_cli(&[
            "scan",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--all",
            "--fail-on",
            "none",
        ]));
        assert_eq!(live, offline);

        // A listing refused: the cluster's daemons are unknown, nothing of theirs provably gone.
        proxy.clear();
        proxy.add(Rule::json_error(
            "ListDaemons",
            "AccessDeniedException",
            "not authorized to perform: ecs:ListDaemons",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Cluster("prod".into()))
            .await;
        let c = &read.collected;
        assert!(
            c.errors.iter().any(|e| e.contains("ListDaemons")
                && e.contains(&cluster)
                && e.contains("AccessDenied")),
            "{:?}",
            c.errors
        );
        assert!(c.coverage.daemon_reads_failed);
        assert!(!c.coverage.covers("AwsEcsDaemon", &agent));
        assert!(!c.coverage.covers("AwsEcsDaemonTaskDefinition", &one));

        // Where Managed Daemons do not exist, a cluster has none: no error.
        proxy.clear();
        proxy.add(Rule::json_error(
            "ListDaemons",
            "UnsupportedFeatureException",
            "Managed Daemons are not supported in this region",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Cluster("prod".into()))
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert!(read.collected.snapshot.daemons.is_empty());
        assert!(read.collected.coverage.covers("AwsEcsDaemon", &agent));

        // A deleted daemon (the DeleteDaemon event's rescan) is proven gone.
        proxy.clear();
        proxy.add(Rule::json_error(
            "DescribeDaemon",
            "DaemonNotFoundException",
            "The specified daemon was not found",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Daemon(agent.clone()))
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert!(read.collected.coverage.covers("AwsEcsDaemon", &agent));
    });
}

/// ECS's account settings through the real SDK: one ListAccountSettings a scan where clusters
/// run, asking for the account's effective defaults (the root user's); AC05 and AC07 judge them
/// on the account; a refused call leaves them NOT_AVAILABLE naming the error, never PASSED.
#[test]
fn ecs_account_settings_are_read_once_and_judged_on_the_account() {
    common::block_on(|| async move {
        use ecs_posture_core::finding::Status;
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .unwrap();
        for (name, value) in [
            (
                aws_sdk_ecs::types::SettingName::ContainerInsights,
                "disabled",
            ),
            (
                aws_sdk_ecs::types::SettingName::TagResourceAuthorization,
                "on",
            ),
        ] {
            ecs.put_account_setting()
                .name(name)
                .value(value)
                .send()
                .await
                .expect("PutAccountSetting");
        }
        let proxy = Proxy::start(moto.port);
        let through = common::sdk(&proxy.url()).await;
        let judged = |read: &ecs_posture::aws::ecs::Documents| {
            let snap = &read.collected.snapshot;
            let checks: Vec<_> = ["AC05", "AC07"]
                .iter()
                .map(|c| ecs_posture_core::checks::catalog::find(c).unwrap())
                .collect();
            ecs_posture_core::evaluate(
                snap,
                &checks,
                &Options::default(),
                &ecs_posture_core::Context::for_snapshot(snap),
            )
            .into_iter()
            .map(|e| {
                assert_eq!(e.resource.arn, format!("AWS::::Account:{ACCOUNT}"));
                (e.check.id, e.status, e.reason().unwrap_or("").to_owned())
            })
            .collect::<Vec<_>>()
        };
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert_eq!(
            read.collected.api_calls.get("ListAccountSettings"),
            Some(&1)
        );
        let asked = proxy
            .seen()
            .into_iter()
            .find(|s| s.operation.ends_with(".ListAccountSettings"))
            .unwrap()
            .body;
        assert!(
            asked.contains(r#""effectiveSettings":true"#)
                && asked.contains(&format!("arn:aws:iam::{ACCOUNT}:root")),
            "{asked}"
        );
        let verdicts = judged(&read);
        assert_eq!(verdicts.len(), 2, "{verdicts:?}");
        assert!(
            verdicts.contains(&("AC05", Status::Failed, String::new())),
            "{verdicts:?}"
        );
        assert!(
            verdicts.contains(&("AC07", Status::Passed, String::new())),
            "{verdicts:?}"
        );

        // Refused: unknown, naming the error, and the error document kept for snapshot --live.
        proxy.add(Rule::json_error(
            "ListAccountSettings",
            "AccessDeniedException",
            "not authorized to perform: ecs:ListAccountSettings",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        assert!(
            read.collected
                .errors
                .iter()
                .any(|e| e.contains("ListAccountSettings in account") && e.contains("AccessDenied")),
            "{:?}",
            read.collected.errors
        );
        assert!(
            read.docs
                .iter()
                .any(|(s, d)| s == "ecs-account-settings.json"
                    && d["Code"] == "AccessDeniedException")
        );
        for (id, status, reason) in judged(&read) {
            assert_eq!(status, Status::NotAvailable, "{id}");
            assert!(reason.contains("AccessDeniedException"), "{id}: {reason}");
        }
    });
}

/// ECS Managed Instances providers, which moto does not model: DescribeCapacityProviders'
/// answer is rewritten to the recorded shape of a Managed Instances provider launching into
/// moto's default subnet. The subnet and its VPC's route tables are read through EC2 like a
/// service's; CP03 fails at HIGH (public route, public addresses on launch) naming them.
#[test]
fn managed_instances_providers_are_judged_by_the_subnets_they_launch_into() {
    common::block_on(|| async move {
        use ecs_posture_core::finding::{Severity, Status};
        let moto = Moto::start();
        let (subnet, sg) = moto.default_network();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_capacity_provider()
            .name("managed")
            .auto_scaling_group_provider(
                aws_sdk_ecs::types::AutoScalingGroupProvider::builder()
                    .auto_scaling_group_arn(format!(
                        "arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/placeholder"
                    ))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("CreateCapacityProvider");
        ecs.create_cluster()
            .cluster_name("prod")
            .capacity_providers("managed")
            .send()
            .await
            .expect("CreateCluster");
        let provider = format!(
            r#"{{"capacityProviders":[{{"capacityProviderArn":"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/managed","name":"managed","status":"ACTIVE","type":"MANAGED_INSTANCES","managedInstancesProvider":{{"infrastructureRoleArn":"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRole","instanceLaunchTemplate":{{"ec2InstanceProfileArn":"arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole","networkConfiguration":{{"subnets":["{subnet}"],"securityGroups":["{sg}"]}},"monitoring":"BASIC","instanceMetadataTagsPropagation":true}},"propagateTags":"NONE"}},"tags":[]}}],"failures":[]}}"#
        );
        let proxy = Proxy::start(moto.port);
        proxy.add(Rule::new(
            "DescribeCapacityProviders",
            Fault::Rewrite(std::sync::Arc::new(move |_req: &str, _resp: &str| {
                provider.clone()
            })),
            usize::MAX,
        ));
        let through = common::sdk(&proxy.url()).await;
        let judge = |snap: &ecs_posture_core::Snapshot| {
            let checks = [ecs_posture_core::checks::catalog::find("CP03").unwrap()];
            let mut evals = ecs_posture_core::evaluate(
                snap,
                &checks,
                &Options::default(),
                &ecs_posture_core::Context::for_snapshot(snap),
            );
            assert_eq!(evals.len(), 1);
            evals.remove(0)
        };
        // moto's default VPC has no route to an internet gateway: the subnet is private.
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        assert_eq!(judge(&read.collected.snapshot).status, Status::Passed);
        // Its main table gains a default route to an internet gateway: public.
        let ec2 = aws_sdk_ec2::Client::new(&cfg);
        let described = ec2
            .describe_subnets()
            .subnet_ids(&subnet)
            .send()
            .await
            .unwrap();
        let vpc = described.subnets()[0].vpc_id().unwrap().to_owned();
        common::estate::route_main_table_to_internet(&ec2, &vpc).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let c = &read.collected;
        let snap = &c.snapshot;
        assert_eq!(snap.capacity_providers.len(), 1);
        assert_eq!(
            snap.capacity_providers[0].item.managed_instances_subnets(),
            std::slice::from_ref(&subnet)
        );
        assert!(
            proxy
                .seen()
                .iter()
                .any(|s| s.operation == "DescribeSubnets" && s.body.contains(&subnet)),
            "the provider's subnet is read"
        );
        let e = &judge(snap);
        assert_eq!(e.status, Status::Failed, "{:?}", e.reason());
        assert_eq!(e.severity(), Severity::High, "{:?}", e.evidence());
        assert!(
            e.related()
                .iter()
                .any(|r| r.resource_type == "AwsEc2Subnet" && r.arn.ends_with(&subnet)),
            "{:?}",
            e.related()
        );
        assert!(
            e.related()
                .iter()
                .any(|r| r.resource_type == "AwsEc2RouteTable"),
            "{:?}",
            e.related()
        );

        // CP05: the instance profile resolves to its role through the account's authorization
        // details; the instance role is an administrator, the infrastructure role is not.
        let iam = aws_sdk_iam::Client::new(&cfg);
        role(
            &iam,
            "ecsInfrastructureRole",
            false,
            &[(
                "ec2",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        let instance_role = role(
            &iam,
            "ecsInstanceRole",
            false,
            &[(
                "all",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        iam.create_instance_profile()
            .instance_profile_name("ecsInstanceRole")
            .send()
            .await
            .expect("CreateInstanceProfile");
        iam.add_role_to_instance_profile()
            .instance_profile_name("ecsInstanceRole")
            .role_name("ecsInstanceRole")
            .send()
            .await
            .expect("AddRoleToInstanceProfile");
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let snap = &read.collected.snapshot;
        let checks = [ecs_posture_core::checks::catalog::find("CP05").unwrap()];
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &Options::default(),
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        assert_eq!(evals.len(), 1);
        let e = &evals[0];
        assert_eq!(e.status, Status::Failed, "{:?}", e.reason());
        assert_eq!(e.severity(), Severity::Critical);
        assert_eq!(e.related().len(), 1, "{:?}", e.related());
        assert_eq!(e.related()[0].arn, instance_role);

        // A change to a role rescans the Managed Instances providers (one listing).
        let before = proxy.count("DescribeCapacityProviders");
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Role("ecsInstanceRole".into()))
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert_eq!(proxy.count("DescribeCapacityProviders") - before, 1);
        let snap = &read.collected.snapshot;
        assert_eq!(snap.capacity_providers.len(), 1);
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &Options::default(),
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        assert_eq!(evals[0].status, Status::Failed, "{:?}", evals[0].reason());
    });
}

/// ECS Gateways, which moto does not implement: recorded answers shaped as the ECS service
/// model defines them. A region scan pages through ListGateways and describes each gateway
/// once; GW01-GW04 judge them; a deleted gateway is proven gone; a region without the feature
/// has none; a refused listing proves nothing gone.
#[test]
fn gateways_are_read_from_recorded_answers_and_judged() {
    common::block_on(|| async move {
        use ecs_posture_core::finding::Status;
        let moto = Moto::start();
        let p = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:gateway/");
        let (edge, internal) = (format!("{p}edge"), format!("{p}internal"));
        // The edge gateway's infrastructure role, in moto's IAM, is an administrator (GW05).
        let cfg = common::sdk(&moto.url()).await;
        let gateway_role = role(
            &aws_sdk_iam::Client::new(&cfg),
            "ecsGatewayRole",
            false,
            &[(
                "all",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        let proxy = Proxy::start(moto.port);
        proxy.add(
            Rule::reply(
                "DescribeGateway",
                &format!(
                    r#"{{"gateway":{{"gatewayArn":"{edge}","name":"edge","status":"ACTIVE","infrastructureRoleArn":"{gateway_role}","deletionProtection":false,"accessType":"PUBLIC","configuration":{{"hostSharedAlb":{{"networkConfiguration":{{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"}},"scheme":"internet-facing","port":443,"protocol":"HTTPS","httpDesync":"monitor"}}}},"tags":[]}}}}"#
                ),
            )
            .when_body("edge"),
        );
        proxy.add(
            Rule::reply(
                "DescribeGateway",
                &format!(
                    r#"{{"gateway":{{"gatewayArn":"{internal}","name":"internal","status":"ACTIVE","deletionProtection":true,"accessType":"PRIVATE","configuration":{{"hostSharedAlb":{{"scheme":"internal","accessLogs":{{"destination":{{"s3":{{"bucket":"gw-logs"}}}}}},"httpDesync":"strictest"}}}}}}}}"#
                ),
            )
            .when_body("internal"),
        );
        proxy.add(
            Rule::reply(
                "ListGateways",
                &format!(r#"{{"gateways":[{{"gatewayArn":"{internal}","name":"internal","status":"ACTIVE"}}]}}"#),
            )
            .when_body("page-2"),
        );
        proxy.add(Rule::reply(
            "ListGateways",
            &format!(
                r#"{{"gateways":[{{"gatewayArn":"{edge}","name":"edge","status":"ACTIVE"}}],"nextToken":"page-2"}}"#
            ),
        ));
        let through = common::sdk(&proxy.url()).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let c = &read.collected;
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(
            c.api_calls.get("ListGateways"),
            Some(&2),
            "{:?}",
            c.api_calls
        );
        assert_eq!(c.api_calls.get("DescribeGateway"), Some(&2));
        assert!(c.coverage.all_gateways);
        assert!(
            c.coverage
                .covers("AwsEcsGateway", &format!("{p}deleted-long-ago"))
        );
        let snap = &c.snapshot;
        assert_eq!(snap.gateways.len(), 2);
        let checks: Vec<_> = ["GW01", "GW02", "GW03", "GW04", "GW05"]
            .iter()
            .map(|c| ecs_posture_core::checks::catalog::find(c).unwrap())
            .collect();
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &Options::default(),
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        let status = |check: &str, arn: &str| {
            evals
                .iter()
                .find(|e| e.check.id == check && e.resource.arn == arn)
                .map(|e| e.status)
                .unwrap_or_else(|| panic!("{check} on {arn}"))
        };
        for check in ["GW01", "GW02", "GW03", "GW04"] {
            assert_eq!(status(check, &edge), Status::Failed, "{check} on edge");
        }
        assert_eq!(status("GW05", &edge), Status::Failed, "GW05 on edge");
        assert_eq!(status("GW05", &internal), Status::NotApplicable);
        assert_eq!(status("GW01", &internal), Status::Passed);
        assert_eq!(status("GW02", &internal), Status::NotApplicable);
        assert_eq!(status("GW03", &internal), Status::Passed);
        assert_eq!(status("GW04", &internal), Status::Passed);

        // A change to a role rescans the gateways (their infrastructure roles may be it).
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Role("ecsGatewayRole".into()))
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        let snap = &read.collected.snapshot;
        assert_eq!(snap.gateways.len(), 2);
        let evals = ecs_posture_core::evaluate(
            snap,
            &checks,
            &Options::default(),
            &ecs_posture_core::Context::for_snapshot(snap),
        );
        assert!(
            evals.iter().any(|e| e.check.id == "GW05"
                && e.resource.arn == edge
                && e.status == Status::Failed)
        );

        // The UpdateGateway rescan of a deleted gateway proves it gone.
        proxy.clear();
        proxy.add(Rule::json_error(
            "DescribeGateway",
            "GatewayNotFoundException",
            "The specified gateway was not found",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Gateway(edge.clone()))
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert!(read.collected.coverage.covers("AwsEcsGateway", &edge));

        // A refused listing: nothing proven gone.
        proxy.clear();
        proxy.add(Rule::json_error(
            "ListGateways",
            "AccessDeniedException",
            "not authorized to perform: ecs:ListGateways",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        assert!(
            read.collected
                .errors
                .iter()
                .any(|e| e.contains("ListGateways") && e.contains("AccessDenied")),
            "{:?}",
            read.collected.errors
        );
        assert!(!read.collected.coverage.covers("AwsEcsGateway", &edge));

        // Where the operation is not deployed (the daemon test covers
        // UnsupportedFeatureException): no gateways, and no error.
        proxy.clear();
        proxy.add(Rule::json_error(
            "ListGateways",
            "UnknownOperationException",
            "",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        assert!(
            read.collected.errors.is_empty(),
            "{:?}",
            read.collected.errors
        );
        assert!(read.collected.coverage.covers("AwsEcsGateway", &edge));
    });
}

trait EvidenceText {
    fn evidence_joined(&self) -> String;
}

impl EvidenceText for ecs_posture_core::evaluation::Evaluation {
    fn evidence_joined(&self) -> String {
        ecs_posture_core::finding::join_evidence(self.evidence(), "; ")
    }
}

/// ECS Express Mode services, whose Express description moto does not implement: the service
/// lives in moto, `DescribeServices` and `DescribeExpressGatewayService` answer recorded
/// documents shaped as the ECS service model defines them. Every Express service a region scan
/// describes is described once more; SV28 sees its public endpoint, SV29 its infrastructure
/// role (in moto's IAM, an administrator), SV30 leaves the credential to TD09 because the task
/// definition was read; a refused description leaves SV28-SV30 NOT_AVAILABLE and the service's
/// other checks judged; a service rescan reads the description too.
#[test]
fn express_services_are_described_and_judged() {
    common::block_on(|| async move {
        use ecs_posture_core::finding::Status;
        let moto = Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        ecs.create_cluster()
            .cluster_name("default")
            .send()
            .await
            .unwrap();
        let td = register(&ecs, "default-web", false, true).await;
        let (subnet, sg) = moto.default_network();
        ecs.create_service()
            .cluster("default")
            .service_name("web")
            .task_definition(&td)
            .desired_count(1)
            .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
            .network_configuration(network(&subnet, &sg, false))
            .send()
            .await
            .expect("CreateService");
        let iam = aws_sdk_iam::Client::new(&cfg);
        let infra = role(
            &iam,
            "express-infra",
            false,
            &[(
                "all",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )],
            &[],
        )
        .await;
        let arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web");
        let cluster = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default");
        let services = format!(
            r#"{{"services":[{{"serviceArn":"{arn}","serviceName":"web","clusterArn":"{cluster}","status":"ACTIVE","desiredCount":1,"runningCount":1,"pendingCount":0,"launchType":"FARGATE","taskDefinition":"{td}","networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["{subnet}"],"securityGroups":["{sg}"],"assignPublicIp":"DISABLED"}}}},"deployments":[],"resourceManagementType":"ECS","tags":[]}}],"failures":[]}}"#
        );
        let express = format!(
            r#"{{"service":{{"cluster":"{cluster}","serviceName":"web","serviceArn":"{arn}","infrastructureRoleArn":"{infra}","status":{{"statusCode":"ACTIVE"}},"currentDeployment":"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/default/web/1","activeConfigurations":[{{"serviceRevisionArn":"arn:aws:ecs:{REGION}:{ACCOUNT}:service-revision/default/web/1","executionRoleArn":"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole","taskDefinitionArn":"{td}","cpu":"256","memory":"512","networkConfiguration":{{"subnets":["{subnet}"],"securityGroups":["{sg}"]}},"healthCheckPath":"/","primaryContainer":{{"image":"nginx:1.27","containerPort":80,"environment":[{{"name":"DB_PASSWORD","value":"{SECRET}"}}]}},"ingressPaths":[{{"accessType":"PUBLIC","endpoint":"https://we-0123456789.ecs.{REGION}.on.aws"}}],"createdAt":1.7800000E9}}],"createdAt":1.7800000E9}}}}"#
        );
        let proxy = Proxy::start(moto.port);
        proxy.add(Rule::reply("DescribeServices", &services));
        proxy.add(Rule::reply("DescribeExpressGatewayService", &express));
        let through = common::sdk(&proxy.url()).await;
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Region)
            .await;
        let c = &read.collected;
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(
            c.api_calls.get("DescribeExpressGatewayService"),
            Some(&1),
            "{:?}",
            c.api_calls
        );
        assert_eq!(c.snapshot.express_services.len(), 1);
        let ids = ["SV01", "SV28", "SV29", "SV30", "TD09"];
        let checks: Vec<_> = ids
            .iter()
            .map(|c| ecs_posture_core::checks::catalog::find(c).unwrap())
            .collect();
        let judge = |snap: &ecs_posture_core::model::Snapshot| {
            ecs_posture_core::evaluate(
                snap,
                &checks,
                &Options::default(),
                &ecs_posture_core::Context::for_snapshot(snap),
            )
        };
        let evals = judge(&c.snapshot);
        let on = |check: &str, resource: &str| {
            evals
                .iter()
                .find(|e| e.check.id == check && e.resource.arn == resource)
                .unwrap_or_else(|| panic!("{check} on {resource}"))
                .clone()
        };
        let public = on("SV28", &arn);
        assert_eq!(public.status, Status::Failed);
        assert!(
            public
                .evidence_joined()
                .contains(&format!("https://we-0123456789.ecs.{REGION}.on.aws")),
            "{}",
            public.evidence_joined()
        );
        let admin = on("SV29", &arn);
        assert_eq!(
            admin.status,
            Status::Failed,
            "{} {:?}",
            admin.evidence_joined(),
            admin.reason()
        );
        assert!(admin.related().iter().any(|r| r.arn == infra));
        assert_eq!(on("SV30", &arn).status, Status::NotApplicable);
        assert_eq!(on("SV01", &arn).status, Status::Passed);
        // The credential is reported once, on the task definition.
        assert_eq!(on("TD09", &td).status, Status::Failed);
        let dump = format!("{evals:?}");
        assert!(!dump.contains(SECRET), "a secret value left the process");

        // snapshot --live writes the Express description beside the services; scanned offline
        // it reaches the live verdicts on the service.
        let run_cli = |args: &[&str]| {
            let out = cli_at(&proxy.url(), args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out
        };
        let scan = ["--format", "json", "--all", "--fail-on", "none"];
        let on_service = |out: std::process::Output| {
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            verdicts(&doc, |a| a == arn)
        };
        let live = on_service(run_cli(&[&["scan", "--live"][..], &scan[..]].concat()));
        assert!(
            live.iter().any(|(c, _, s)| c == "SV28" && s == "FAILED"),
            "{live:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap();
        run_cli(&["snapshot", "--live", "-o", path]);
        let written = std::fs::read_to_string(dir.path().join("express-default-web.json"))
            .expect("express-default-web.json written");
        assert!(written.contains("ingressPaths"));
        let offline = on_service(run_cli(&[&["scan", path][..], &scan[..]].concat()));
        assert_eq!(live, offline);

        // A refused description: the Express checks are unknown, the service still judged.
        proxy.clear();
        proxy.add(Rule::reply("DescribeServices", &services));
        proxy.add(Rule::json_error(
            "DescribeExpressGatewayService",
            "AccessDeniedException",
            "not authorized to perform: ecs:DescribeExpressGatewayService",
        ));
        let read = EcsInventory::from_config(&through)
            .read(&Scope::Service(arn.clone()))
            .await;
        let c = &read.collected;
        assert!(
            c.errors
                .iter()
                .any(|e| e.contains("DescribeExpressGatewayService") && e.contains(&arn)),
            "{:?}",
            c.errors
        );
        assert!(c.coverage.covers("AwsEcsService", &arn));
        let evals = judge(&c.snapshot);
        for check in ["SV28", "SV29", "SV30"] {
            let e = evals
                .iter()
                .find(|e| e.check.id == check && e.resource.arn == arn)
                .unwrap();
            assert_eq!(e.status, Status::NotAvailable, "{check}");
        }
        assert!(
            evals.iter().any(|e| e.check.id == "SV01"
                && e.resource.arn == arn
                && e.status == Status::Passed)
        );
    });
}

//! Every file of events/ is routed as documented, and the function's job runs on it with the
//! local adapters over the example estate.

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;

use ecs_posture::function::trigger::{Route, route};
use ecs_posture::function::{App, Outcome, Response};
use ecs_posture::handler::{Handler, Settings};
use ecs_posture::local::{FileLedger, FileNotifier, FileSink, FolderInventory};
use ecs_posture_core::Options;
use ecs_posture_core::scope::Scope;

const A: &str = "arn:aws:ecs:eu-west-1:111122223333:";
const PROD_API_LB: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/prod-api/50dc6c495c0c9188";

fn load(name: &str) -> Value {
    let path = format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

enum Expect {
    Scan(Scope),
    Debounced(Scope),
    Ignored,
    Rejected,
    Batch,
}

fn expectations() -> Vec<(&'static str, Expect)> {
    use Expect::*;
    vec![
        ("schedule.json", Scan(Scope::Region)),
        ("scheduler-region.json", Scan(Scope::Region)),
        (
            "scheduler-clusters.json",
            Scan(Scope::Many(vec![
                Scope::Cluster("prod".into()),
                Scope::Service(format!("{A}service/staging/web")),
            ])),
        ),
        (
            "cloudtrail-register-task-definition.json",
            Scan(Scope::TaskDefinition(format!("{A}task-definition/web:7"))),
        ),
        (
            "cloudtrail-deregister-task-definition.json",
            Scan(Scope::TaskDefinition(format!("{A}task-definition/web:6"))),
        ),
        (
            "cloudtrail-delete-task-definitions.json",
            Scan(Scope::Many(vec![
                Scope::TaskDefinition(format!("{A}task-definition/web:5")),
                Scope::TaskDefinition(format!("{A}task-definition/web:4")),
            ])),
        ),
        (
            "cloudtrail-register-daemon-task-definition.json",
            Scan(Scope::DaemonTaskDefinition(format!(
                "{A}daemon-task-definition/node-agent:3"
            ))),
        ),
        (
            "cloudtrail-create-daemon.json",
            Scan(Scope::Daemon(format!("{A}daemon/prod/node-agent"))),
        ),
        (
            "cloudtrail-delete-daemon.json",
            Scan(Scope::Daemon(format!("{A}daemon/prod/old-agent"))),
        ),
        (
            "cloudtrail-put-account-setting-default.json",
            Debounced(Scope::Region),
        ),
        (
            "cloudtrail-update-gateway.json",
            Scan(Scope::Gateway(format!("{A}gateway/edge"))),
        ),
        (
            "cloudtrail-create-express-gateway-service.json",
            Scan(Scope::Service(format!("{A}service/default/web"))),
        ),
        (
            "cloudtrail-update-express-gateway-service.json",
            Scan(Scope::Service(format!("{A}service/default/api"))),
        ),
        (
            "cloudtrail-create-service.json",
            Scan(Scope::Service(format!("{A}service/staging/web"))),
        ),
        (
            "cloudtrail-update-service.json",
            Scan(Scope::Service(format!("{A}service/prod/web"))),
        ),
        (
            "cloudtrail-delete-service.json",
            Scan(Scope::Service(format!("{A}service/prod/legacy"))),
        ),
        (
            "cloudtrail-create-task-set.json",
            Scan(Scope::Service("prod/api".into())),
        ),
        (
            "cloudtrail-create-cluster.json",
            Scan(Scope::Cluster(format!("{A}cluster/batch"))),
        ),
        (
            "cloudtrail-update-cluster-settings.json",
            Scan(Scope::Cluster(format!("{A}cluster/prod"))),
        ),
        (
            "cloudtrail-put-cluster-capacity-providers.json",
            Scan(Scope::Cluster(format!("{A}cluster/prod"))),
        ),
        (
            "cloudtrail-delete-cluster.json",
            Scan(Scope::Cluster(format!("{A}cluster/old"))),
        ),
        (
            "cloudtrail-update-capacity-provider.json",
            Scan(Scope::CapacityProvider(format!(
                "{A}capacity-provider/prod-asg"
            ))),
        ),
        (
            "cloudtrail-tag-resource.json",
            Scan(Scope::Service(format!("{A}service/prod/worker"))),
        ),
        (
            "cloudtrail-authorize-security-group-ingress.json",
            Debounced(Scope::SecurityGroup("sg-0default".into())),
        ),
        (
            "cloudtrail-modify-subnet-attribute.json",
            Debounced(Scope::Subnet("subnet-0a1b2c3d".into())),
        ),
        (
            "cloudtrail-create-route.json",
            Debounced(Scope::RouteTable("rtb-0prodmain".into())),
        ),
        (
            "cloudtrail-create-vpc-endpoint.json",
            Debounced(Scope::Vpc("vpc-0prod".into())),
        ),
        (
            "cloudtrail-delete-vpc-endpoints.json",
            Debounced(Scope::VpcEndpoint("vpce-0s3gateway".into())),
        ),
        (
            "cloudtrail-modify-listener.json",
            Debounced(Scope::LoadBalancer(PROD_API_LB.into())),
        ),
        (
            "cloudtrail-modify-load-balancer-attributes.json",
            Debounced(Scope::LoadBalancer(PROD_API_LB.into())),
        ),
        (
            "cloudtrail-modify-instance-metadata-options.json",
            Debounced(Scope::Instance("i-0a1b2c3d4e5f60718".into())),
        ),
        (
            "cloudtrail-disable-ebs-encryption-by-default.json",
            Debounced(Scope::Region),
        ),
        ("cloudtrail-update-detector.json", Debounced(Scope::Region)),
        (
            "cloudtrail-inspector2-disable.json",
            Debounced(Scope::Region),
        ),
        (
            "cloudtrail-put-role-policy.json",
            Debounced(Scope::Role("api-task".into())),
        ),
        (
            "cloudtrail-set-default-policy-version.json",
            Debounced(Scope::Policy(
                "arn:aws:iam::111122223333:policy/read-secrets".into(),
            )),
        ),
        (
            "cloudtrail-put-image-tag-mutability.json",
            Debounced(Scope::Repository("worker".into())),
        ),
        (
            "cloudtrail-put-retention-policy.json",
            Debounced(Scope::LogGroup("/ecs/web".into())),
        ),
        (
            "cloudtrail-cancel-rotate-secret.json",
            Debounced(Scope::Secret("api/db".into())),
        ),
        ("cloudtrail-failed-call.json", Ignored),
        ("cloudtrail-malformed.json", Rejected),
        (
            "ecs-deployment-state-change.json",
            Debounced(Scope::Service(format!("{A}service/prod/web"))),
        ),
        (
            "ecs-service-action.json",
            Debounced(Scope::Service(format!("{A}service/prod/web"))),
        ),
        ("sqs-fanout.json", Batch),
        ("unrelated-event.json", Ignored),
    ]
}

#[test]
fn every_event_file_is_covered() {
    let mut files: Vec<String> =
        std::fs::read_dir(format!("{}/events", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".json"))
            .collect();
    files.sort();
    let mut expected: Vec<String> = expectations()
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    expected.sort();
    assert_eq!(
        files, expected,
        "every events/ file needs an expectation here and a line in events/README.md"
    );
    let readme =
        std::fs::read_to_string(format!("{}/events/README.md", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    for f in &files {
        assert!(
            readme.contains(f.as_str()),
            "events/README.md does not describe {f}"
        );
    }
}

#[test]
fn every_event_routes_as_documented() {
    for (name, expect) in expectations() {
        let event = load(name);
        let routed = route(&event);
        match (expect, routed) {
            (
                Expect::Scan(scope),
                Ok(Route::Scan {
                    scope: got,
                    debounce: None,
                    ..
                }),
            ) => assert_eq!(got, scope, "{name}"),
            (
                Expect::Debounced(scope),
                Ok(Route::Scan {
                    scope: got,
                    debounce: Some(key),
                    ..
                }),
            ) => {
                assert_eq!(got, scope, "{name}");
                let id = match &scope {
                    Scope::SecurityGroup(x)
                    | Scope::Subnet(x)
                    | Scope::RouteTable(x)
                    | Scope::Vpc(x)
                    | Scope::VpcEndpoint(x)
                    | Scope::LoadBalancer(x)
                    | Scope::Instance(x)
                    | Scope::Role(x)
                    | Scope::Policy(x)
                    | Scope::Repository(x)
                    | Scope::LogGroup(x)
                    | Scope::Secret(x)
                    | Scope::Parameter(x) => x.as_str(),
                    Scope::Region if name.contains("detector") => "guardduty-detector",
                    Scope::Region if name.contains("inspector2") => "inspector2",
                    Scope::Region if name.contains("account-setting") => "ecs-account-settings",
                    Scope::Region => "ebs-encryption-by-default",
                    _ => "service/prod/web",
                };
                assert!(key.contains(id), "{name}: {key}");
            }
            (Expect::Ignored, Ok(Route::Ignored { .. })) => {}
            (Expect::Rejected, Err(e)) => {
                assert_eq!(
                    e.event_id, "7bf73129-1428-4cd3-a780-95db273d1602",
                    "{name}: the event id is named"
                );
            }
            (Expect::Batch, Ok(Route::Batch(items))) => {
                assert_eq!(items.len(), 2);
                assert!(
                    matches!(&items[0].1, Ok(Route::Scan { scope: Scope::Cluster(c), .. }) if c == "staging")
                );
                assert!(items[1].1.is_err());
            }
            (_, got) => panic!("{name}: unexpected route {got:?}"),
        }
    }
}

fn app(out: &std::path::Path) -> App<FolderInventory, FileSink, FileLedger, FileNotifier> {
    let mut settings = Settings::new(Options::default()).unwrap();
    settings.alert_threshold = Some(ecs_posture_core::Severity::High);
    App {
        handler: Handler {
            inventory: FolderInventory {
                paths: vec![format!("{}/examples/estate", env!("CARGO_MANIFEST_DIR"))],
            },
            sink: FileSink {
                dir: out.join("securityhub"),
            },
            ledger: FileLedger::new(out.join("ledger.json")),
            notifier: FileNotifier {
                dir: out.join("sns"),
            },
            settings,
        },
        debounce_ms: 60_000,
    }
}

#[tokio::test]
async fn the_function_handles_every_event_on_the_local_estate() {
    for (name, expect) in expectations() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(dir.path());
        let (result, metrics) = app.handle(&load(name), "req-1", 1_780_000_000_000).await;
        let v = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        match expect {
            Expect::Scan(_) | Expect::Debounced(_) => {
                assert!(
                    matches!(v, Response::Event(Outcome::Ok(_))),
                    "{name}: {v:?}"
                );
                // The wire format: {"status": "ok", "trigger": ..., "imported": ...}.
                let json = v.to_json();
                assert_eq!(json["status"], "ok", "{name}: {json}");
                assert!(
                    json["imported"].is_u64() && json["trigger"].is_string(),
                    "{json}"
                );
                assert_eq!(metrics.len(), 1, "{name}: one EMF line per scan");
                assert_eq!(
                    metrics[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
                    "ecs-posture"
                );
            }
            Expect::Ignored => {
                assert!(
                    matches!(v, Response::Event(Outcome::Ignored { .. })),
                    "{name}"
                );
                assert_eq!(v.to_json()["status"], "ignored", "{name}");
            }
            Expect::Rejected => {
                assert!(
                    matches!(v, Response::Event(Outcome::Rejected { .. })),
                    "{name}"
                );
                assert_eq!(v.to_json()["status"], "rejected", "{name}");
            }
            Expect::Batch => {
                let Response::Batch(b) = &v else {
                    panic!("{name}: not a batch response: {v:?}")
                };
                assert_eq!(
                    b.sqs.batch_item_failures.len(),
                    0,
                    "a malformed message is not retried"
                );
                assert_eq!(b.results.len(), 2);
                let json = v.to_json();
                assert_eq!(json["batchItemFailures"].as_array().unwrap().len(), 0);
                assert_eq!(json["results"].as_array().unwrap().len(), 2);
            }
        }
    }
}

#[tokio::test]
async fn bursts_of_native_events_cost_one_scan_per_window() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let event = load("ecs-service-action.json");
    let (first, _) = app.handle(&event, "a", 1_780_000_000_000).await;
    assert!(matches!(first.unwrap(), Response::Event(Outcome::Ok(_))));
    let (second, m) = app.handle(&event, "b", 1_780_000_010_000).await;
    assert!(matches!(
        second.unwrap(),
        Response::Event(Outcome::Debounced { .. })
    ));
    assert!(m.is_empty());
    let (third, _) = app.handle(&event, "c", 1_780_000_070_001).await;
    assert!(
        matches!(third.unwrap(), Response::Event(Outcome::Ok(_))),
        "a new window scans again"
    );
}

#[test]
fn invoke_twice_imports_and_alerts_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "invoke",
                "events/schedule.json",
                "--estate",
                "examples/estate",
                "--out",
                out.to_str().unwrap(),
                "--json",
            ])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let s: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert!(
        s["imported"].as_u64().unwrap() > 0 && s["alerted"].as_u64().unwrap() > 0,
        "{s}"
    );
    let batch: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("securityhub/batch-0001.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        batch["Findings"].as_array().unwrap().len() as u64,
        s["imported"].as_u64().unwrap()
    );
    let alert: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sns/alert-0001.json")).unwrap())
            .unwrap();
    assert!(alert["Subject"].as_str().unwrap().len() < 100);
    let second = run();
    let s: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(
        (s["imported"].as_u64(), s["alerted"].as_u64()),
        (Some(0), Some(0)),
        "{s}"
    );
    assert!(!out.join("sns/alert-0002.json").exists());
    // The human form says where things went.
    let third = Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "invoke",
            "events/cloudtrail-register-task-definition.json",
            "--estate",
            "examples/estate",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&third.stdout);
    assert!(
        text.contains("RegisterTaskDefinition") && text.contains("securityhub"),
        "{text}"
    );
    assert!(
        !text.contains("Pr0dPassw0rd"),
        "the event's secret value is never echoed"
    );
}

/// Two `invoke` runs at once on one `--out` folder (two shells, a cron job and a person): the
/// file ledger is locked across processes and batch and alert files are claimed exclusively, so
/// no import is lost, the ledger knows every finding the local Security Hub holds, and every
/// finding is alerted once. A run that plans while the other holds entries pending imports those
/// again (imports are at least once: the same Id with a later UpdatedAt; Security Hub keeps one).
#[test]
fn two_invokes_at_once_on_one_folder_alert_once() {
    for round in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let start = || {
            Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args([
                    "invoke",
                    "events/schedule.json",
                    "--estate",
                    "examples/estate",
                    "--out",
                    out.to_str().unwrap(),
                    "--json",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        let mut imported = 0;
        let mut alerted = 0;
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let s: Value = serde_json::from_slice(&o.stdout).unwrap();
            imported += s["imported"].as_u64().unwrap();
            alerted += s["alerted"].as_u64().unwrap();
        }
        // Every import either run reported is in a batch file (none overwritten).
        let mut written = 0;
        let mut held: HashMap<String, String> = HashMap::new();
        for f in std::fs::read_dir(out.join("securityhub")).unwrap() {
            let batch: Value =
                serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
            for finding in batch["Findings"].as_array().unwrap() {
                written += 1;
                let updated = finding["UpdatedAt"].as_str().unwrap().to_owned();
                let id = finding["Id"].as_str().unwrap().to_owned();
                let latest = held.entry(id).or_default();
                if updated > *latest {
                    *latest = updated;
                }
            }
        }
        assert_eq!(imported, written, "round {round}: no import lost");
        // The ledger knows exactly what Security Hub holds, settled, at its latest import.
        let ledger: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("ledger.json")).unwrap())
                .unwrap();
        let entries = ledger["entries"].as_object().unwrap();
        assert_eq!(entries.len(), held.len(), "round {round}");
        assert!(
            imported <= 2 * held.len() as u64,
            "round {round}: at most one repeat per finding"
        );
        for (id, e) in entries {
            assert!(held.contains_key(id), "round {round}: {id} never imported");
            assert_ne!(e["pending"], Value::Bool(true), "round {round}: {id}");
        }
        let alerts: Vec<_> = std::fs::read_dir(out.join("sns")).unwrap().collect();
        assert_eq!(alerts.len(), 1, "round {round}: one alert, not two");
        let alert: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("sns/alert-0001.json")).unwrap(),
        )
        .unwrap();
        let body = alert["Message"].as_str().unwrap();
        assert_eq!(
            body.matches("\n  ARN: ").count() as u64,
            alerted,
            "round {round}"
        );
    }
}

/// After a nightly scan, an event-driven rescan of an unchanged estate imports nothing, alerts
/// nothing and moves no timestamp: a scoped scan reads the context its checks need (a service's
/// cluster) and plans against the same ledger partition.
#[tokio::test]
async fn rescans_of_an_unchanged_estate_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (nightly, _) = app
        .handle(&load("schedule.json"), "nightly", 1_780_000_000_000)
        .await;
    assert!(matches!(nightly.unwrap(), Response::Event(Outcome::Ok(_))));
    let ledger = || std::fs::read_to_string(dir.path().join("ledger.json")).unwrap();
    let entries =
        |text: &str| -> Value { serde_json::from_str::<Value>(text).unwrap()["entries"].clone() };
    let before = entries(&ledger());
    let mut now = 1_780_000_100_000;
    for (name, expect) in expectations() {
        if !matches!(expect, Expect::Scan(_)) {
            continue;
        }
        now += 1_000;
        let (result, _) = app.handle(&load(name), "rescan", now).await;
        let Ok(Response::Event(Outcome::Ok(s))) = result else {
            panic!("{name}: {result:?}")
        };
        assert_eq!(
            (s.imported, s.new, s.archived, s.alerted),
            (0, 0, 0, 0),
            "{name}: an unchanged estate changes nothing"
        );
    }
    assert_eq!(entries(&ledger()), before, "no entry moved");
}

/// A change to what surrounds workloads rescans exactly the services that use it, on the example
/// estate: the subnet and route table of prod (web and api's task set), the load balancer in
/// front of api.
#[tokio::test]
async fn surrounding_changes_select_the_services_that_use_them() {
    use ecs_posture::ports::Inventory;
    let inventory = FolderInventory {
        paths: vec![format!("{}/examples/estate", env!("CARGO_MANIFEST_DIR"))],
    };
    for (file, want) in [
        (
            "cloudtrail-modify-subnet-attribute.json",
            vec!["api", "web"],
        ),
        ("cloudtrail-create-route.json", vec!["api", "web"]),
        ("cloudtrail-modify-listener.json", vec!["api"]),
        (
            "cloudtrail-modify-load-balancer-attributes.json",
            vec!["api"],
        ),
        ("cloudtrail-put-role-policy.json", vec!["api"]),
        ("cloudtrail-set-default-policy-version.json", vec!["api"]),
        ("cloudtrail-put-image-tag-mutability.json", vec!["worker"]),
        ("cloudtrail-put-retention-policy.json", vec!["web"]),
        ("cloudtrail-cancel-rotate-secret.json", vec!["api"]),
    ] {
        let Ok(Route::Scan { scope, .. }) = route(&load(file)) else {
            panic!("{file} routes to a scan");
        };
        let collected = inventory.collect(&scope).await.expect("collects");
        let mut names: Vec<String> = collected
            .snapshot
            .services
            .iter()
            .map(|s| s.item.display_name())
            .collect();
        names.sort();
        assert_eq!(names, want, "{file}");
    }
}

//! Several accounts and regions from one process, against moto over HTTP: every member's
//! findings go into that member's own Security Hub through the member role, one digest per
//! account-region, a member whose role is denied fails alone and archives nothing, and each
//! account-region's ECS reads stay within their request budget.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use std::process::Command;
use std::time::Duration;

use aws_config::SdkConfig;
use common::estate::{member, seed_member};
use common::{Moto, Proxy, Rule};

const MEMBERS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ROLE: &str = common::estate::MEMBER_ROLE;

struct Org {
    base: SdkConfig,
    topic: String,
    queue: String,
}

async fn seed(moto: &Moto) -> Org {
    let base = common::sdk(&moto.url()).await;
    for account in MEMBERS {
        for region in REGIONS {
            let cfg = member(&base, account, region).await;
            seed_member(&cfg, account, region, &format!("app-{account}-{region}")).await;
        }
    }
    // The hub's ledger and topic, in the caller's account and region.
    let estate = common::estate::hub(&base).await;
    Org {
        base,
        topic: estate.0,
        queue: estate.1,
    }
}

fn cli(proxy: &Proxy, args: &[&str]) -> std::process::Output {
    common::aws_env(
        &mut Command::new(env!("CARGO_BIN_EXE_ecs-posture")),
        &proxy.url(),
    )
    .args(args)
    .env("AWS_MAX_ATTEMPTS", "2")
    .env_remove("RUST_LOG")
    .output()
    .expect("run ecs-posture")
}

fn publish_args(org: &Org) -> Vec<String> {
    [
        "scan",
        "--live",
        "--publish",
        "--accounts",
        &MEMBERS.join(","),
        "--regions",
        &REGIONS.join(","),
        "--role-name",
        ROLE,
        "--ledger-table",
        "ledger",
        "--sns-topic-arn",
        &org.topic,
        "--concurrency",
        "3",
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// (account, region) -> every ecs-posture finding Security Hub holds there, read with that
/// member's credentials.
async fn member_findings(
    base: &SdkConfig,
) -> BTreeMap<(String, String), HashMap<String, aws_sdk_securityhub::types::AwsSecurityFinding>> {
    let mut out = BTreeMap::new();
    for account in MEMBERS {
        for region in REGIONS {
            let cfg = member(base, account, region).await;
            out.insert(
                (account.to_owned(), region.to_owned()),
                common::estate::findings(&cfg).await,
            );
        }
    }
    out
}

#[test]
fn an_org_scan_publishes_each_member_into_its_own_security_hub() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let org = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let args = publish_args(&org);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cli(&proxy, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("6 account-region(s) targeted, 6 scanned, 0 failed"),
            "{stderr}"
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
        assert_eq!(report["scanned"], 6, "{report}");

        let held = member_findings(&org.base).await;
        for ((account, region), findings) in &held {
            assert!(!findings.is_empty(), "{account} {region} has findings");
            for f in findings.values() {
                assert_eq!(f.aws_account_id(), Some(account.as_str()));
                assert_eq!(f.region(), Some(region.as_str()), "{:?}", f.id());
                for r in f.resources() {
                    let id = r.id().unwrap_or_default();
                    assert!(
                        !id.starts_with("arn:") || id.contains(&format!(":{region}:{account}:")),
                        "{account} {region} holds another's resource {id}"
                    );
                }
            }
            assert!(
                findings.values().any(|f| f.generator_id() == Some("TD01")
                    && f.resources().iter().any(|r| r
                        .id()
                        .is_some_and(|id| id.contains(&format!("app-{account}-{region}"))))),
                "{account} {region}: its privileged revision"
            );
        }
        // One digest per account-region, each naming it.
        let alerts = common::estate::queue_messages(&org.base, &org.queue).await;
        let mut digests: BTreeSet<(String, String)> = BTreeSet::new();
        for a in &alerts {
            let attrs = &a["MessageAttributes"];
            digests.insert((
                attrs["account"]["Value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                attrs["region"]["Value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
        assert_eq!(alerts.len(), 6, "{alerts:?}");
        assert_eq!(digests.len(), 6, "{digests:?}");
        assert!(digests.contains(&("222222222222".to_owned(), "eu-west-1".to_owned())));
        // The ledger and topic are the hub's: nothing of them in a member account.
        let steady = cli(&proxy, &args);
        assert_eq!(steady.status.code(), Some(0));
        let report: serde_json::Value = serde_json::from_slice(&steady.stdout).unwrap();
        for t in report["account_regions"].as_array().unwrap() {
            assert_eq!(t["report"]["imported"], 0, "{t}");
        }
    })
}

#[test]
fn a_member_whose_role_is_denied_fails_alone_and_archives_nothing() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let org = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let args = publish_args(&org);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(cli(&proxy, &args).status.code(), Some(0));
        let before = member_findings(&org.base).await;
        // Member 222222222222 removes its role; the others keep changing.
        proxy.add(Rule::deny_assume_role("222222222222"));
        for account in ["111111111111", "222222222222"] {
            let cfg = member(&org.base, account, "us-east-1").await;
            seed_member(
                &cfg,
                &format!("{account}x"),
                "us-east-1",
                &format!("new-{account}"),
            )
            .await;
        }
        let o = cli(&proxy, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(3), "{stderr}");
        for region in REGIONS {
            let line = stderr
                .lines()
                .find(|l| l.starts_with("error: 222222222222 ") && l.contains(region))
                .unwrap_or_else(|| panic!("a line for 222222222222 {region}: {stderr}"));
            assert!(
                line.contains("sts:AssumeRole")
                    && line.contains("arn:aws:iam::222222222222:role/ecs-posture-member")
                    && line.contains("AccessDenied"),
                "{line}"
            );
        }
        assert!(
            stderr.contains("6 account-region(s) targeted, 4 scanned, 2 failed"),
            "{stderr}"
        );
        let after = member_findings(&org.base).await;
        for region in REGIONS {
            let key = ("222222222222".to_owned(), region.to_owned());
            assert_eq!(
                after[&key].len(),
                before[&key].len(),
                "nothing new imported for the denied member"
            );
            for f in after[&key].values() {
                assert_eq!(
                    f.record_state().map(|s| s.as_str()),
                    Some("ACTIVE"),
                    "nothing archived where nothing was read"
                );
            }
        }
        let key = ("111111111111".to_owned(), "us-east-1".to_owned());
        assert!(
            after[&key].len() > before[&key].len(),
            "the other members still publish"
        );
    })
}

#[test]
fn each_account_region_keeps_to_its_ecs_request_budget() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let org = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let o = cli(
            &proxy,
            &[
                "scan",
                "--live",
                "--accounts",
                &MEMBERS.join(","),
                "--regions",
                &REGIONS.join(","),
                "--role-name",
                ROLE,
                "--concurrency",
                "6",
                "--ecs-rate",
                "2",
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let text = doc.to_string();
        for account in MEMBERS {
            for region in REGIONS {
                assert!(
                    text.contains(&format!("app-{account}-{region}")),
                    "{account} {region}"
                );
            }
        }
        let _ = org;
        // ECS requests by signer (one assumed-role session per account, and the region).
        let mut by_signer: HashMap<String, Vec<std::time::Instant>> = HashMap::new();
        for s in proxy.seen() {
            if s.operation
                .starts_with("AmazonEC2ContainerServiceV20141113.")
            {
                by_signer.entry(s.signer.clone()).or_default().push(s.at);
            }
        }
        assert_eq!(by_signer.len(), 6, "{:?}", by_signer.keys());
        for (signer, mut times) in by_signer {
            times.sort();
            assert!(times.len() >= 4, "{signer}: {}", times.len());
            // At most burst (2) + rate (2) x 1 s in any one-second window.
            for (i, t) in times.iter().enumerate() {
                let within = times[i..]
                    .iter()
                    .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
                    .count();
                assert!(within <= 4, "{signer}: {within} ECS requests within 1 s");
            }
            let span = times.last().unwrap().duration_since(times[0]).as_secs_f64();
            let least = (times.len() as f64 - 2.0) / 2.0 - 0.3;
            assert!(
                span >= least,
                "{signer}: {} requests in {span:.2} s",
                times.len()
            );
        }
    })
}

#[test]
fn bad_fleet_arguments_are_usage_errors() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["scan", "--live", "--accounts", "1234", "--role-name", ROLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"1234\" is not an AWS account id"));
    let o = run(&["scan", "--live", "--regions", "us_east_1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"us_east_1\" is not an AWS region"));
    let o = run(&["scan", "--live", "--accounts", "111111111111"]);
    assert_eq!(o.status.code(), Some(2), "--accounts needs --role-name");
    let o = run(&["scan", "examples/estate", "--regions", "us-east-1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "scan",
        "--live",
        "--regions",
        "us-east-1",
        "--ecs-rate",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

// ---- The hub function, in process, with local adapters (folders per member, files out) ----

mod hub {
    use std::path::{Path, PathBuf};

    use ecs_posture::function::org::OrgApp;
    use ecs_posture::function::{Outcome, Response};
    use ecs_posture::handler::Settings;
    use ecs_posture::local::{FileLedger, FileNotifier, FileQueue, FolderReach};
    use ecs_posture_core::Options;
    use serde_json::{Value, json};

    pub const ACCOUNTS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
    pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

    /// The example estate as member `account` in `region` (its ARNs rewritten).
    fn member_estate(root: &Path, account: &str, region: &str) {
        let src = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/estate"));
        let dst = root.join(account).join(region);
        for entry in walk(&src) {
            let rel = entry.strip_prefix(&src).unwrap();
            if entry.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&entry)
                    .unwrap()
                    .replace("111122223333", account)
                    .replace("eu-west-1", region);
                let out = dst.join(rel);
                std::fs::create_dir_all(out.parent().unwrap()).unwrap();
                std::fs::write(out, text).unwrap();
            }
        }
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    pub type App = OrgApp<FolderReach, FileLedger, FileNotifier, FileQueue, Vec<String>>;

    /// A hub over three members in two regions; member `missing` has no estate (unreachable).
    pub fn app(dir: &Path, missing: Option<&str>) -> App {
        for a in ACCOUNTS {
            if Some(a) == missing {
                continue;
            }
            for r in REGIONS {
                member_estate(&dir.join("estates"), a, r);
            }
        }
        let mut settings = Settings::new(Options::default()).unwrap();
        settings.alert_threshold = Some(ecs_posture_core::Severity::High);
        OrgApp {
            reach: FolderReach {
                root: dir.join("estates"),
                out: dir.join("securityhub"),
            },
            ledger: FileLedger::new(dir.join("ledger.json")),
            notifier: Some(FileNotifier {
                dir: dir.join("sns"),
            }),
            queue: FileQueue {
                path: dir.join("queue.jsonl"),
            },
            accounts: ACCOUNTS.iter().map(|s| s.to_string()).collect(),
            regions: REGIONS.iter().map(|s| s.to_string()).collect(),
            settings,
            debounce_ms: 60_000,
            split: Some(ecs_posture_core::fleet::SplitLimits::default()),
        }
    }

    pub fn load(name: &str) -> Value {
        let p = format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    /// The SQS FIFO event delivering `messages` (queue lines) in order.
    pub fn sqs_event(messages: &[Value]) -> Value {
        let records: Vec<Value> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                json!({
                    "messageId": format!("m{i}"),
                    "receiptHandle": format!("r{i}"),
                    "body": m["body"].to_string(),
                    "attributes": {"MessageGroupId": m["group_id"], "ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ecs-posture-scans.fifo",
                    "awsRegion": "us-east-1"
                })
            })
            .collect();
        json!({ "Records": records })
    }

    pub fn outcome(r: &Response) -> &Outcome {
        match r {
            Response::Event(o) => o,
            Response::Batch(_) => panic!("a single event's outcome expected: {r:?}"),
        }
    }
}

#[tokio::test]
async fn the_nightly_schedule_queues_one_scan_per_account_region() {
    let dir = tempfile::tempdir().unwrap();
    let app = hub::app(dir.path(), None);
    let (r, metrics) = app
        .handle(&hub::load("schedule.json"), "req-1", 1_780_000_000_000)
        .await;
    let r = r.expect("planned");
    assert_eq!(
        *hub::outcome(&r),
        ecs_posture::function::Outcome::Queued {
            trigger: "schedule".into(),
            account_regions: 6,
            queued: 6
        }
    );
    assert!(metrics.iter().any(|m| m["AccountRegionsTargeted"] == 6));
    let queued = app.queue.messages().unwrap();
    let groups: BTreeSet<String> = queued
        .iter()
        .map(|m| m["group_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(groups.len(), 6, "one message group per account-region");
    assert!(groups.contains("222222222222/eu-west-1"));
    for m in &queued {
        let (account, region) = m["group_id"].as_str().unwrap().split_once('/').unwrap();
        assert_eq!(m["body"]["account"], account);
        assert_eq!(m["body"]["region"], region);
        assert_eq!(m["body"]["scan"], "region");
    }
    // The same schedule event delivered again queues nothing more (FIFO deduplication).
    let (r, _) = app
        .handle(&hub::load("schedule.json"), "req-2", 1_780_000_000_000)
        .await;
    assert!(matches!(
        hub::outcome(&r.unwrap()),
        ecs_posture::function::Outcome::Queued { queued: 0, .. }
    ));
}

#[tokio::test]
async fn queued_scans_import_each_member_into_its_own_folder_and_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let app = hub::app(dir.path(), Some("222222222222"));
    app.handle(&hub::load("schedule.json"), "plan", 1_780_000_000_000)
        .await
        .0
        .unwrap();
    let mut queued = app.queue.messages().unwrap();
    // A second message for the unreachable member's group, behind its nightly scan.
    let later = queued
        .iter()
        .find(|m| m["group_id"] == "222222222222/us-east-1")
        .unwrap()
        .clone();
    queued.push(later);
    let (r, metrics) = app
        .handle(&hub::sqs_event(&queued), "batch", 1_780_000_001_000)
        .await;
    let ecs_posture::function::Response::Batch(batch) = r.expect("a batch response") else {
        panic!("batch expected")
    };
    let failed: Vec<&str> = batch
        .sqs
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    let ids_of = |group: &str| -> Vec<String> {
        queued
            .iter()
            .enumerate()
            .filter(|(_, m)| m["group_id"] == group)
            .map(|(i, _)| format!("m{i}"))
            .collect()
    };
    let mut want: Vec<String> = ids_of("222222222222/us-east-1");
    want.extend(ids_of("222222222222/eu-west-1"));
    want.sort();
    let mut got: Vec<String> = failed.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(
        got, want,
        "the unreachable member's messages, and only them"
    );
    assert_eq!(batch.results.len(), 4, "the other account-regions scanned");
    assert_eq!(
        metrics
            .iter()
            .filter(|m| m["AccountRegionsScanned"] == 1)
            .count(),
        4
    );
    assert!(
        metrics
            .iter()
            .any(|m| m["AccountRegionsFailed"] == 1 && m["Account"] == "222222222222")
    );
    for a in ["111111111111", "333333333333"] {
        for region in hub::REGIONS {
            let batch: Value = serde_json::from_str(
                &std::fs::read_to_string(
                    dir.path()
                        .join("securityhub")
                        .join(a)
                        .join(region)
                        .join("batch-0001.json"),
                )
                .unwrap(),
            )
            .unwrap();
            let findings = batch["Findings"].as_array().unwrap();
            assert!(!findings.is_empty());
            for f in findings {
                assert_eq!(f["AwsAccountId"], a);
                assert_eq!(f["Region"], region);
            }
        }
    }
    assert!(!dir.path().join("securityhub/222222222222").exists());
    // One digest per account-region scanned, naming it.
    let alerts: Vec<Value> = std::fs::read_dir(dir.path().join("sns"))
        .unwrap()
        .map(|e| {
            serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap()
        })
        .collect();
    assert_eq!(alerts.len(), 4);
    let named: BTreeSet<(String, String)> = alerts
        .iter()
        .map(|a| {
            let attrs = &a["MessageAttributes"];
            (
                attrs["account"]["StringValue"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                attrs["region"]["StringValue"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(named.len(), 4, "{named:?}");
}

#[tokio::test]
async fn an_event_forwarded_from_a_member_queues_a_rescan_of_its_scope_there() {
    let dir = tempfile::tempdir().unwrap();
    let app = hub::app(dir.path(), None);
    // The member's own event: its account, region and ARNs.
    let mut event: Value = serde_json::from_str(
        &hub::load("cloudtrail-update-service.json")
            .to_string()
            .replace("111122223333", "222222222222")
            .replace("eu-west-1", "us-east-1"),
    )
    .unwrap();
    let (r, _) = app.handle(&event, "ev", 1_780_000_000_000).await;
    assert!(matches!(
        hub::outcome(&r.unwrap()),
        ecs_posture::function::Outcome::Queued {
            queued: 1,
            account_regions: 1,
            ..
        }
    ));
    let queued = app.queue.messages().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["group_id"], "222222222222/us-east-1");
    assert!(
        queued[0]["body"]["scan"]["services"].is_array(),
        "{}",
        queued[0]
    );
    // The queued rescan runs in that member only.
    let (r, _) = app
        .handle(&hub::sqs_event(&queued), "b", 1_780_000_001_000)
        .await;
    let ecs_posture::function::Response::Batch(batch) = r.unwrap() else {
        panic!()
    };
    assert!(batch.sqs.batch_item_failures.is_empty());
    let written: Vec<_> = walk_names(&dir.path().join("securityhub"));
    assert!(!written.is_empty());
    assert!(
        written.iter().all(|p| p.contains("222222222222/us-east-1")),
        "{written:?}"
    );
    // An account the deployment does not cover is ignored.
    event["account"] = "999999999999".into();
    event["id"] = "other".into();
    let (r, _) = app.handle(&event, "ev2", 1_780_000_002_000).await;
    assert!(matches!(
        hub::outcome(&r.unwrap()),
        ecs_posture::function::Outcome::Ignored { .. }
    ));
}

fn walk_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk_names(&p));
            } else {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn an_organization_scan_covers_every_active_account() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let base = common::sdk(&moto.url()).await;
        let org = aws_sdk_organizations::Client::new(&base);
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .expect("CreateOrganization");
        for name in ["team-a", "team-b"] {
            org.create_account()
                .account_name(name)
                .email(format!("{name}@example.com"))
                .send()
                .await
                .expect("CreateAccount");
        }
        let listed = org.list_accounts().send().await.unwrap();
        let ids: Vec<String> = listed
            .accounts()
            .iter()
            .filter_map(|a| a.id().map(str::to_owned))
            .collect();
        assert_eq!(ids.len(), 3, "the management account and two members");
        for id in &ids {
            let cfg = member(&base, id, "us-east-1").await;
            seed_member(&cfg, id, "us-east-1", &format!("app-{id}")).await;
        }
        let proxy = Proxy::start(moto.port);
        let o = cli(
            &proxy,
            &[
                "scan",
                "--live",
                "--organization",
                "--role-name",
                ROLE,
                "--regions",
                "us-east-1",
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("organization: 3 ACTIVE account(s)"),
            "{stderr}"
        );
        assert!(
            stderr.contains("3 account-region(s) targeted, 3 scanned, 0 failed"),
            "{stderr}"
        );
        let text = String::from_utf8_lossy(&o.stdout);
        for id in &ids {
            assert!(text.contains(&format!("app-{id}")), "{id} scanned");
        }
        assert!(proxy.count("ListAccounts") >= 1);
    })
}

/// `snapshot --live` over several accounts writes `DIR/ACCOUNT/REGION/`; scanning that folder
/// offline gives the same findings, each in its own account and region, as the live scan.
#[test]
fn an_org_snapshot_scans_offline_with_accounts_and_regions_intact() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let _org = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let dir = tempfile::tempdir().unwrap();
        let fleet = [
            "--accounts",
            "111111111111,222222222222,333333333333",
            "--regions",
            "us-east-1,eu-west-1",
            "--role-name",
            ROLE,
        ];
        let mut args = vec!["snapshot", "--live", "-o", dir.path().to_str().unwrap()];
        args.extend(fleet);
        let o = cli(&proxy, &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for account in MEMBERS {
            for region in REGIONS {
                let tds = dir
                    .path()
                    .join(account)
                    .join(region)
                    .join("task-definitions");
                assert!(
                    tds.join(format!("app-{account}-{region}-1.json")).exists(),
                    "{account} {region}"
                );
            }
        }
        let ids = |o: &std::process::Output| -> BTreeMap<String, (String, String)> {
            let mut out = BTreeMap::new();
            for line in String::from_utf8_lossy(&o.stdout).lines() {
                let batch: Value = serde_json::from_str(line).unwrap();
                for f in batch["Findings"].as_array().unwrap() {
                    let resource = f["Resources"][0]["Id"].as_str().unwrap();
                    let account = f["AwsAccountId"].as_str().unwrap().to_owned();
                    let region = f["Region"].as_str().unwrap().to_owned();
                    if resource.starts_with("arn:") {
                        assert!(
                            resource.contains(&format!(":{region}:{account}:")),
                            "{resource}"
                        );
                    }
                    out.insert(f["Id"].as_str().unwrap().to_owned(), (account, region));
                }
            }
            out
        };
        let offline = Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .args([
                "scan",
                dir.path().to_str().unwrap(),
                "--format",
                "asff",
                "--fail-on",
                "none",
            ])
            .output()
            .unwrap();
        assert_eq!(
            offline.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&offline.stderr)
        );
        let offline = ids(&offline);
        let pairs: BTreeSet<&(String, String)> = offline.values().collect();
        assert_eq!(pairs.len(), 6, "{pairs:?}");
        // The OCSF events of the same scan carry the same finding Ids, accounts and regions.
        let ocsf = Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
            .args([
                "scan",
                dir.path().to_str().unwrap(),
                "--format",
                "ocsf",
                "--fail-on",
                "none",
            ])
            .output()
            .unwrap();
        assert_eq!(ocsf.status.code(), Some(0));
        let ocsf: BTreeMap<String, (String, String)> = String::from_utf8_lossy(&ocsf.stdout)
            .lines()
            .map(|l| {
                let e: Value = serde_json::from_str(l).unwrap();
                (
                    e["finding_info"]["uid"].as_str().unwrap().to_owned(),
                    (
                        e["cloud"]["account"]["uid"].as_str().unwrap().to_owned(),
                        e["cloud"]["region"].as_str().unwrap().to_owned(),
                    ),
                )
            })
            .collect();
        assert_eq!(
            ocsf, offline,
            "OCSF and ASFF agree across accounts and regions"
        );
        let mut args = vec!["scan", "--live", "--format", "asff", "--fail-on", "none"];
        args.extend(fleet);
        let live = cli(&proxy, &args);
        assert_eq!(live.status.code(), Some(0));
        let live = ids(&live);
        assert_eq!(
            offline.keys().collect::<Vec<_>>(),
            live.keys().collect::<Vec<_>>(),
            "the same finding Ids offline and live"
        );
    })
}

/// `clusters` and `metrics` over several accounts and regions group by account and region.
#[test]
fn org_reports_group_by_account_and_region() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let _org = seed(&moto).await;
        let proxy = Proxy::start(moto.port);
        let fleet = [
            "--accounts",
            "111111111111,222222222222,333333333333",
            "--regions",
            "us-east-1,eu-west-1",
            "--role-name",
            ROLE,
        ];
        let mut args = vec!["clusters", "--live", "--format", "json"];
        args.extend(fleet);
        let o = cli(&proxy, &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(rows.len(), 6, "{rows:?}");
        for account in MEMBERS {
            for region in REGIONS {
                assert!(
                    rows.iter().any(|r| r["cluster"]
                        == format!("{account} {region} c-{account}-{region}")
                        && r["account"] == account
                        && r["region"] == region),
                    "{account} {region}: {rows:?}"
                );
            }
        }
        let mut args = vec!["metrics", "--live", "--format", "json"];
        args.extend(fleet);
        let o = cli(&proxy, &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let m: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(m["posture"]["accounts"].as_array().unwrap().len(), 3, "{m}");
        assert_eq!(m["posture"]["account_regions"].as_array().unwrap().len(), 6);
        // A member that cannot be read fails the report instead of shrinking it.
        proxy.add(Rule::deny_assume_role("333333333333"));
        let o = cli(&proxy, &args);
        assert_eq!(o.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&o.stderr).contains("333333333333"));
    })
}

/// The hub's FIFO queue on the emulator: a member's rescan waits behind that account-region's
/// nightly scan (one message group per account-region), while other account-regions go on.
#[test]
fn scans_of_one_account_region_are_never_received_at_once() {
    common::block_on(|| async move {
        use ecs_posture::aws::sqs::FifoQueue;
        use ecs_posture::ports::ScanQueue;
        use ecs_posture_core::fleet::{self, Target};
        let moto = Moto::start();
        let base = common::sdk(&moto.url()).await;
        let sqs = aws_sdk_sqs::Client::new(&base);
        let url = sqs
            .create_queue()
            .queue_name("scans.fifo")
            .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .unwrap()
            .queue_url()
            .unwrap()
            .to_owned();
        let queue = FifoQueue::new(sqs.clone(), &url);
        let a = Target::new("111111111111", "us-east-1");
        let b = Target::new("222222222222", "us-east-1");
        let nightly = fleet::plan_nightly(&[a.clone(), b.clone()], "2026-11-30T03:00:00Z");
        assert_eq!(queue.send(&nightly).await.unwrap(), 2);
        let rescan = fleet::plan_rescan(
            &a,
            ecs_posture_core::scope::Scope::Cluster("prod".into()),
            "UpdateService",
            "event-1",
        );
        assert_eq!(queue.send(std::slice::from_ref(&rescan)).await.unwrap(), 1);
        // The same nightly plan sent again (a retried invocation) is deduplicated by SQS.
        queue.send(&nightly).await.unwrap();
        let receive = || async {
            let r = sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(1)
                .send()
                .await
                .unwrap();
            r.messages().first().map(|m| {
                let v: Value = serde_json::from_str(m.body().unwrap()).unwrap();
                (v, m.receipt_handle().unwrap().to_owned())
            })
        };
        let (first, handle) = receive().await.expect("A's nightly scan");
        assert_eq!(
            (first["account"].as_str(), first["scan"].as_str()),
            (Some("111111111111"), Some("region"))
        );
        let (second, _) = receive().await.expect("B's nightly scan");
        assert_eq!(
            second["account"], "222222222222",
            "B goes on while A's scan runs"
        );
        assert!(
            receive().await.is_none(),
            "A's rescan waits while A's scan is in flight"
        );
        sqs.delete_message()
            .queue_url(&url)
            .receipt_handle(handle)
            .send()
            .await
            .unwrap();
        let (third, _) = receive().await.expect("A's rescan, after its nightly scan");
        assert_eq!(third["account"], "111111111111");
        assert_eq!(third["scan"]["clusters"][0], "prod");
        assert!(
            receive().await.is_none(),
            "the repeated nightly plan was deduplicated"
        );
    })
}

/// Named accounts (as ListAccounts gives them), listed once however many scans run.
struct Named {
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl ecs_posture::ports::Accounts for Named {
    async fn accounts(
        &self,
    ) -> Result<Vec<(String, Option<String>)>, ecs_posture::ports::AccountsError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(hub::ACCOUNTS
            .iter()
            .enumerate()
            .map(|(i, a)| (a.to_string(), Some(format!("team-{i}"))))
            .collect())
    }
}

#[tokio::test]
async fn digests_name_the_account_and_the_accounts_are_listed_once() {
    use ecs_posture::function::org::{CachedAccounts, OrgApp};
    let dir = tempfile::tempdir().unwrap();
    let base = hub::app(dir.path(), None);
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let named = Named {
        calls: calls.clone(),
    };
    let app = OrgApp {
        reach: base.reach,
        ledger: base.ledger,
        notifier: base.notifier,
        queue: base.queue,
        accounts: CachedAccounts::new(named, std::time::Duration::from_secs(600)),
        regions: base.regions,
        settings: base.settings,
        debounce_ms: base.debounce_ms,
        split: base.split,
    };
    app.handle(&hub::load("schedule.json"), "plan", 1_780_000_000_000)
        .await
        .0
        .unwrap();
    let queued = app.queue.messages().unwrap();
    let (r, _) = app
        .handle(&hub::sqs_event(&queued), "batch", 1_780_000_001_000)
        .await;
    let ecs_posture::function::Response::Batch(batch) = r.unwrap() else {
        panic!()
    };
    assert!(batch.sqs.batch_item_failures.is_empty());
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one listing for the plan and six scans"
    );
    let alerts: Vec<Value> = std::fs::read_dir(dir.path().join("sns"))
        .unwrap()
        .map(|e| {
            serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap()
        })
        .collect();
    assert_eq!(alerts.len(), 6);
    let a = alerts
        .iter()
        .find(|a| a["MessageAttributes"]["account"]["StringValue"] == "222222222222")
        .unwrap();
    assert!(
        a["Subject"]
            .as_str()
            .unwrap()
            .contains("222222222222 (team-1)"),
        "{}",
        a["Subject"]
    );
    assert_eq!(
        a["MessageAttributes"]["account_name"]["StringValue"],
        "team-1"
    );
}

/// Every finding's latest import in one member account-region's Security Hub folder (by
/// UpdatedAt): Id -> (RecordState, compliance status).
fn held(dir: &std::path::Path) -> BTreeMap<String, (String, String)> {
    let mut latest: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let batch: Value =
            serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
        for f in batch["Findings"].as_array().unwrap() {
            let updated = f["UpdatedAt"].as_str().unwrap().to_owned();
            let state = (
                updated.clone(),
                f["RecordState"].as_str().unwrap().to_owned(),
                f["Compliance"]["Status"].as_str().unwrap().to_owned(),
            );
            let id = f["Id"].as_str().unwrap().to_owned();
            if latest.get(&id).is_none_or(|l| l.0 < updated) {
                latest.insert(id, state);
            }
        }
    }
    latest
        .into_iter()
        .map(|(id, (_, r, c))| (id, (r, c)))
        .collect()
}

/// A large account-region's nightly scan is split into parts queued in its own message group
/// (clusters, then task definition families); together they leave Security Hub and the ledger
/// exactly as one region-wide scan does, also when a cluster and a family were deleted since.
#[tokio::test]
async fn a_large_account_region_is_scanned_in_parts_to_the_same_findings() {
    use ecs_posture::function::{MessageResult, Outcome, Response};
    const GROUP: &str = "111111111111/us-east-1";
    let whole = tempfile::tempdir().unwrap();
    let parts = tempfile::tempdir().unwrap();
    let one = hub::app(whole.path(), None);
    let mut split = hub::app(parts.path(), None);
    split.split = Some(ecs_posture_core::fleet::SplitLimits {
        clusters: 1,
        families: 2,
    });
    // Drain the group's queue as SQS FIFO delivers it: one message at a time, in order.
    async fn run_group(app: &hub::App, now: i64) -> Vec<Outcome> {
        let mut done = 0;
        let mut outcomes = Vec::new();
        loop {
            let queued: Vec<Value> = app
                .queue
                .messages()
                .unwrap()
                .into_iter()
                .filter(|m| m["group_id"] == GROUP)
                .collect();
            let Some(next) = queued.get(done) else {
                // Consumed messages leave the queue.
                std::fs::remove_file(&app.queue.path).unwrap();
                return outcomes;
            };
            let mut event = hub::sqs_event(std::slice::from_ref(next));
            event["Records"][0]["messageId"] = Value::from(format!("{now}-{done}"));
            let (r, _) = app.handle(&event, "batch", now + done as i64).await;
            let Response::Batch(b) = r.unwrap() else {
                panic!("a batch response")
            };
            assert!(b.sqs.batch_item_failures.is_empty(), "{:?}", b.results);
            for m in b.results {
                match m {
                    MessageResult::Scanned { result, .. } => outcomes.push(result),
                    other => panic!("{other:?}"),
                }
            }
            done += 1;
        }
    }
    for (app, now) in [(&one, 1_780_000_000_000), (&split, 1_780_000_000_000)] {
        app.handle(&hub::load("schedule.json"), "plan", now)
            .await
            .0
            .unwrap();
    }
    let whole_outcomes = run_group(&one, 1_780_000_001_000).await;
    assert_eq!(whole_outcomes.len(), 1, "one region-wide scan");
    let split_outcomes = run_group(&split, 1_780_000_001_000).await;
    assert_eq!(
        split_outcomes[0],
        Outcome::Queued {
            trigger: "nightly".into(),
            account_regions: 1,
            queued: 4
        },
        "2 clusters in parts of 1, 4 families in parts of 2"
    );
    assert_eq!(
        split_outcomes.len(),
        5,
        "the planning message, then its 4 parts"
    );
    let member = |d: &std::path::Path| d.join("securityhub/111111111111/us-east-1");
    let ledger = |app: &hub::App| -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(&app.ledger.path).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v["entries"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, e)| e["account"] == "111111111111" && e["region"] == "us-east-1")
            .map(|(id, e)| (id.clone(), e["state"].as_str().unwrap().to_owned()))
            .collect()
    };
    let first = held(&member(whole.path()));
    assert!(first.len() > 10);
    assert_eq!(held(&member(parts.path())), first);
    assert_eq!(ledger(&split), ledger(&one));

    // The prod cluster (with its services and container instances) and the web-staging family
    // are deleted in both estates: only the ledger still knows them.
    for d in [whole.path(), parts.path()] {
        let estate = d.join("estates/111111111111/us-east-1");
        for (file, key) in [
            ("clusters.json", "clusters"),
            ("services.json", "services"),
            ("container-instances.json", "containerInstances"),
        ] {
            let path = estate.join(file);
            let mut v: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            v[key].as_array_mut().unwrap().retain(|x| {
                let x = x.to_string();
                !x.contains("cluster/prod") && !x.contains("container-instance/prod/")
            });
            std::fs::write(&path, v.to_string()).unwrap();
        }
        std::fs::remove_file(estate.join("task-definitions/web-staging-2.json")).unwrap();
    }
    let next = 1_780_090_000_000;
    for app in [&one, &split] {
        app.handle(&hub::load("schedule.json"), "plan", next)
            .await
            .0
            .unwrap();
    }
    let _ = run_group(&one, next + 1_000).await;
    let again = run_group(&split, next + 1_000).await;
    assert!(matches!(again[0], Outcome::Queued { .. }));
    let after = held(&member(whole.path()));
    assert_ne!(after, first, "the deletion archived findings");
    let archived = |m: &BTreeMap<String, (String, String)>| {
        m.values().filter(|(r, _)| r == "ARCHIVED").count()
    };
    assert!(archived(&after) > archived(&first), "{after:?}");
    // The account's own findings on what protects container instances (AC01, EBS encryption by
    // default; AC03, GuardDuty's EC2 agent) are archived only by a scan that lists every
    // cluster's container instances and finds none: the region-wide scan proves it, a part (some
    // clusters) cannot, so the parts keep them until the next region-wide scan. AC04 (Inspector,
    // for the images still used) stays in both. Everything else is the same.
    let account = |id: &String| id.contains("/AC01/") || id.contains("/AC03/");
    let parts_held = held(&member(parts.path()));
    for check in ["/AC01/", "/AC03/"] {
        let whole: Vec<_> = after.iter().filter(|(id, _)| id.contains(check)).collect();
        assert_eq!(whole.len(), 1, "{check}: {after:?}");
        assert_eq!(whole[0].1.0, "ARCHIVED", "{check}");
        let part: Vec<_> = parts_held
            .iter()
            .filter(|(id, _)| id.contains(check))
            .collect();
        assert_eq!(part.len(), 1, "{check}");
        assert_eq!(
            part[0].1,
            &("ACTIVE".to_owned(), "FAILED".to_owned()),
            "{check}"
        );
    }
    assert!(
        after
            .iter()
            .any(|(id, state)| id.contains("/AC04/") && state.0 == "ACTIVE"),
        "{after:?}"
    );
    let without = |m: BTreeMap<String, (String, String)>| -> BTreeMap<String, (String, String)> {
        m.into_iter().filter(|(id, _)| !account(id)).collect()
    };
    assert_eq!(without(parts_held), without(after));
    let without_ledger = |m: BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.into_iter().filter(|(id, _)| !account(id)).collect()
    };
    assert_eq!(without_ledger(ledger(&split)), without_ledger(ledger(&one)));
}

/// Through the member role against moto: an account-region read in parts (3 clusters in parts
/// of 1, 4 families in parts of 2) leaves its Security Hub as one region-wide scan leaves an
/// identical account's, on the first night and after a cluster with its services is deleted and
/// a family deregistered while a service still runs it.
#[test]
fn a_large_account_region_is_read_in_parts_through_the_member_role() {
    use ecs_posture::aws::accounts::RoleReach;
    use ecs_posture::aws::budget::Rate;
    use ecs_posture::function::org::OrgApp;
    use ecs_posture::function::{MessageResult, Outcome, Response};
    use ecs_posture::handler::Settings;
    use ecs_posture::local::{FileLedger, FileNotifier, FileQueue};
    use ecs_posture_core::fleet::SplitLimits;
    common::block_on(|| async move {
        let moto = Moto::start();
        let base = common::sdk(&moto.url()).await;
        let region = common::REGION;
        let (whole, parts) = ("111111111111", "222222222222");
        for a in [whole, parts] {
            let cfg = member(&base, a, region).await;
            let ecs = aws_sdk_ecs::Client::new(&cfg);
            common::estate::seed_synthetic(&ecs, 3, 2, 4, 2).await;
            // A service on a superseded revision: that revision stays evaluated.
            ecs.update_service()
                .cluster("cluster-0")
                .service("svc-0")
                .task_definition("app-0:1")
                .send()
                .await
                .expect("UpdateService");
            aws_sdk_securityhub::Client::new(&cfg)
                .enable_security_hub()
                .send()
                .await
                .expect("EnableSecurityHub");
        }
        // The hub reaches the members through the proxy (to age the deleted cluster out below).
        let proxy = Proxy::start(moto.port);
        let through = common::sdk(&proxy.url()).await;
        let dir = tempfile::tempdir().unwrap();
        type Hub = OrgApp<RoleReach, FileLedger, FileNotifier, FileQueue, Vec<String>>;
        let app = |account: &str, split: Option<SplitLimits>| -> Hub {
            OrgApp {
                reach: RoleReach {
                    base: through.clone(),
                    role: common::estate::member_role(),
                    ecs_rate: Rate::per_second(1000.0),
                },
                ledger: FileLedger::new(dir.path().join(format!("{account}/ledger.json"))),
                notifier: None,
                queue: FileQueue {
                    path: dir.path().join(format!("{account}/queue.jsonl")),
                },
                accounts: vec![account.to_owned()],
                regions: vec![region.to_owned()],
                settings: Settings::new(ecs_posture_core::Options::default()).unwrap(),
                debounce_ms: 60_000,
                split,
            }
        };
        let one = app(whole, Some(SplitLimits::default()));
        let split = app(
            parts,
            Some(SplitLimits {
                clusters: 1,
                families: 2,
            }),
        );
        // The nightly plan, then every queued message of the account-region in order.
        async fn night(app: &Hub, now: i64) -> Vec<Outcome> {
            app.handle(&hub::load("schedule.json"), "plan", now)
                .await
                .0
                .unwrap();
            let mut outcomes = Vec::new();
            let mut done = 0;
            while let Some(m) = app.queue.messages().unwrap().get(done).cloned() {
                let mut event = hub::sqs_event(&[m]);
                event["Records"][0]["messageId"] = Value::from(format!("{now}-{done}"));
                let (r, _) = app.handle(&event, "batch", now + 1 + done as i64).await;
                let Response::Batch(b) = r.unwrap() else {
                    panic!("a batch response")
                };
                assert!(b.sqs.batch_item_failures.is_empty(), "{:?}", b.results);
                for r in b.results {
                    let MessageResult::Scanned { result, .. } = r else {
                        panic!("{r:?}")
                    };
                    outcomes.push(result);
                }
                done += 1;
            }
            std::fs::remove_file(&app.queue.path).unwrap();
            outcomes
        }
        // (check, resource with the account masked) -> (record state, compliance).
        let held = |account: &'static str| {
            let base = base.clone();
            async move {
                let cfg = member(&base, account, region).await;
                common::estate::findings(&cfg)
                    .await
                    .into_values()
                    .map(|f| {
                        let resource = f.resources()[0].id().unwrap().replace(account, "ACCOUNT");
                        (
                            (f.generator_id().unwrap().to_owned(), resource),
                            (
                                f.record_state().unwrap().as_str().to_owned(),
                                f.compliance()
                                    .unwrap()
                                    .status()
                                    .unwrap()
                                    .as_str()
                                    .to_owned(),
                            ),
                        )
                    })
                    .collect::<BTreeMap<_, _>>()
            }
        };
        let t0 = 1_780_000_000_000;
        assert_eq!(night(&one, t0).await.len(), 1);
        let outcomes = night(&split, t0).await;
        assert_eq!(
            outcomes[0],
            Outcome::Queued {
                trigger: "nightly".into(),
                account_regions: 1,
                queued: 5
            }
        );
        assert_eq!(outcomes.len(), 6);
        let first = held(whole).await;
        assert!(first.len() > 10, "{first:?}");
        assert!(
            first
                .keys()
                .any(|(_, r)| r.ends_with("task-definition/app-0:1")),
            "the superseded revision a service runs is evaluated"
        );
        assert_eq!(held(parts).await, first);

        // cluster-2 and its services are deleted; app-3 is deregistered while svc-3 runs it.
        for a in [whole, parts] {
            let cfg = member(&base, a, region).await;
            let ecs = aws_sdk_ecs::Client::new(&cfg);
            for s in ["svc-4", "svc-5"] {
                ecs.delete_service()
                    .cluster("cluster-2")
                    .service(s)
                    .force(true)
                    .send()
                    .await
                    .expect("DeleteService");
            }
            ecs.delete_cluster()
                .cluster("cluster-2")
                .send()
                .await
                .expect("DeleteCluster");
            for r in 1..=2 {
                ecs.deregister_task_definition()
                    .task_definition(format!("app-3:{r}"))
                    .send()
                    .await
                    .expect("DeregisterTaskDefinition");
            }
        }
        // Long after its deletion ECS no longer lists the cluster and describes it MISSING
        // (moto keeps it INACTIVE): only the ledger still knows it.
        let gone = |v: &Value| {
            v.as_str()
                .is_some_and(|a| a.ends_with(":cluster/cluster-2"))
        };
        proxy.add(Rule::new(
            "ListClusters",
            common::Fault::Rewrite(std::sync::Arc::new(move |_, body| {
                let mut v: Value = serde_json::from_str(body).unwrap();
                v["clusterArns"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|a| !gone(a));
                v.to_string()
            })),
            usize::MAX,
        ));
        proxy.add(Rule::new(
            "DescribeClusters",
            common::Fault::Rewrite(std::sync::Arc::new(move |_, body| {
                let mut v: Value = serde_json::from_str(body).unwrap();
                let (missing, kept): (Vec<Value>, Vec<Value>) = v["clusters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .cloned()
                    .partition(|c| gone(&c["clusterArn"]));
                v["clusters"] = Value::from(kept);
                let failures: Vec<Value> = missing
                    .iter()
                    .map(|c| serde_json::json!({"arn": c["clusterArn"], "reason": "MISSING"}))
                    .collect();
                v["failures"] = Value::from(failures);
                v.to_string()
            })),
            usize::MAX,
        ));
        let t1 = t0 + 86_400_000;
        night(&one, t1).await;
        let again = night(&split, t1).await;
        assert!(matches!(again[0], Outcome::Queued { .. }), "{again:?}");
        let after = held(whole).await;
        let archived = |m: &BTreeMap<(String, String), (String, String)>| {
            m.iter()
                .filter(|(_, (r, _))| r == "ARCHIVED")
                .map(|((_, res), _)| res.clone())
                .collect::<BTreeSet<_>>()
        };
        assert!(
            archived(&after).iter().any(|r| r.contains("cluster-2")),
            "{after:?}"
        );
        assert!(
            after
                .iter()
                .any(|((_, r), (s, _))| r.ends_with("task-definition/app-3:2") && s == "ACTIVE"),
            "a deregistered revision a service runs stays evaluated"
        );
        assert_eq!(held(parts).await, after);
    })
}

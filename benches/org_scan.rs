//! An organization scan against the moto emulator (not real AWS): 20 member accounts x 2
//! regions, each with 3 clusters, 15 services and 30 task definition revisions, scanned by the
//! `ecs-posture` CLI through the member role (release build) behind a recording proxy.
//!
//! Prints: wall time at concurrency 1, 4 and 16 (and the speedup); total ECS calls against the
//! sum of per-account-region minimums; the highest ECS request rate seen in any one
//! account-region against the budget; ledger items one event-driven rescan reads in an
//! organization holding 20,000 findings; peak memory of the CLI org scan.
//! Run: `scripts/bench-org.sh` (needs `scripts/setup-venv.sh`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use ecs_posture::aws::dynamodb::DynamoLedger;
use ecs_posture::ports::Ledger;
use ecs_posture_core::Severity;
use ecs_posture_core::lifecycle::{FindingState, LedgerEntry};

const ACCOUNTS: usize = 20;
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const CLUSTERS: usize = 3;
const SERVICES_PER_CLUSTER: usize = 5;
const FAMILIES: usize = 15;
const REVISIONS: usize = 2;
const RATE: f64 = 10.0;
const LEDGER_ITEMS: usize = 20_000;

fn account(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// The calls the ECS API needs at minimum for one member account-region (moto returns one page).
fn minimum_per_account_region() -> usize {
    1 // ListClusters
        + 1 // DescribeClusters
        + CLUSTERS // ListServices
        + CLUSTERS * SERVICES_PER_CLUSTER.div_ceil(10) // DescribeServices
        + CLUSTERS // ListContainerInstances (no instances: no describe)
        + 1 // ListTaskDefinitions
        + FAMILIES // DescribeTaskDefinition: the latest of each family, which the services run
}

fn main() {
    common::block_on(|| async move {
        let moto = common::Moto::start();
        let base = common::sdk(&moto.url()).await;
        let accounts: Vec<String> = (0..ACCOUNTS).map(account).collect();
        let t = Instant::now();
        for a in &accounts {
            for r in REGIONS {
                let cfg = common::estate::member(&base, a, r).await;
                common::estate::seed_synthetic(
                    &aws_sdk_ecs::Client::new(&cfg),
                    CLUSTERS,
                    SERVICES_PER_CLUSTER,
                    FAMILIES,
                    REVISIONS,
                )
                .await;
            }
        }
        println!(
            "seeded {ACCOUNTS} accounts x {} regions, each {CLUSTERS} clusters, {} services, {} revisions, in {:.1} s",
            REGIONS.len(),
            CLUSTERS * SERVICES_PER_CLUSTER,
            FAMILIES * REVISIONS,
            t.elapsed().as_secs_f64()
        );
        let proxy = common::Proxy::start(moto.port);
        let scan = |concurrency: u16| {
            let t = Instant::now();
            let mut cmd = Command::new("/usr/bin/time");
            let o = common::aws_env(&mut cmd, &proxy.url())
                .args(["-f", "peak-rss-kib %M", env!("CARGO_BIN_EXE_ecs-posture")])
                .args([
                    "scan",
                    "--live",
                    "--accounts",
                    &accounts.join(","),
                    "--regions",
                    &REGIONS.join(","),
                    "--role-name",
                    common::estate::MEMBER_ROLE,
                    "--concurrency",
                    &concurrency.to_string(),
                    "--ecs-rate",
                    &RATE.to_string(),
                    "--format",
                    "json",
                    "--fail-on",
                    "none",
                ])
                .output()
                .expect("ecs-posture");
            let wall = t.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
            assert!(o.status.success(), "{stderr}");
            let rss = stderr
                .lines()
                .find_map(|l| l.strip_prefix("peak-rss-kib "))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0);
            (wall, rss, stderr)
        };
        let mut walls = Vec::new();
        for concurrency in [1u16, 4, 16] {
            let before = proxy.seen().len();
            let (wall, rss, stderr) = scan(concurrency);
            let seen: Vec<common::Seen> = proxy.seen().into_iter().skip(before).collect();
            let ecs: Vec<&common::Seen> = seen
                .iter()
                .filter(|s| {
                    s.operation
                        .starts_with("AmazonEC2ContainerServiceV20141113.")
                })
                .collect();
            let mut by_signer: HashMap<&str, Vec<Instant>> = HashMap::new();
            for s in &ecs {
                by_signer.entry(&s.signer).or_default().push(s.at);
            }
            let mut highest_window = 0;
            let mut highest_sustained = 0.0f64;
            for times in by_signer.values_mut() {
                times.sort();
                for (i, t) in times.iter().enumerate() {
                    let n = times[i..]
                        .iter()
                        .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
                        .count();
                    highest_window = highest_window.max(n);
                }
                let span = times
                    .last()
                    .map_or(0.0, |l| l.duration_since(times[0]).as_secs_f64());
                if span > 0.0 {
                    highest_sustained = highest_sustained.max((times.len() - 1) as f64 / span);
                }
            }
            let minimum = minimum_per_account_region() * ACCOUNTS * REGIONS.len();
            println!(
                "concurrency {concurrency:>2}: {wall:.1} s wall, {} ECS calls (minimum {minimum}, ratio {:.2}), {} account-regions, highest ECS requests in any 1 s of one account-region {highest_window} (budget {RATE}/s, burst {RATE}), highest average rate {highest_sustained:.1}/s, peak RSS {:.1} MiB",
                ecs.len(),
                ecs.len() as f64 / minimum as f64,
                by_signer.len(),
                rss as f64 / 1024.0
            );
            assert!(
                stderr.contains(&format!(
                    "{} account-region(s) targeted, {} scanned, 0 failed",
                    ACCOUNTS * REGIONS.len(),
                    ACCOUNTS * REGIONS.len()
                )),
                "{stderr}"
            );
            walls.push(wall);
        }
        println!(
            "speedup: 4 -> {:.1}x, 16 -> {:.1}x of concurrency 1",
            walls[0] / walls[1],
            walls[0] / walls[2]
        );

        // The ledger of an organization holding 20,000 findings (500 per account-region).
        let (_, _) = common::estate::hub(&base).await;
        let ddb = aws_sdk_dynamodb::Client::new(&base);
        let per = LEDGER_ITEMS / (ACCOUNTS * REGIONS.len());
        let mut requests = Vec::new();
        for a in &accounts {
            for r in REGIONS {
                for i in 0..per {
                    let id = format!("ecs-posture/{r}/{a}/TD01/{i:032x}");
                    let entry = LedgerEntry {
                        id: id.clone(),
                        check_id: "TD01".into(),
                        resource_arn: format!("arn:aws:ecs:{r}:{a}:task-definition/app-{i}:1"),
                        resource_type: "AwsEcsTaskDefinition".into(),
                        resource_name: format!("app-{i}:1"),
                        cluster: None,
                        account: a.clone(),
                        region: r.to_owned(),
                        state: FindingState::Failed,
                        severity: Severity::High,
                        evidence_hash: "0".into(),
                        evidence: Vec::new(),
                        created_at_ms: 1,
                        first_observed_ms: 1,
                        last_imported_ms: 1,
                        alerted: None,
                        pending: false,
                    };
                    let entry = serde_json::to_string(&entry).expect("an entry");
                    let item = HashMap::from([
                        ("id".to_owned(), AttributeValue::S(id.clone())),
                        ("account".to_owned(), AttributeValue::S(a.clone())),
                        ("region".to_owned(), AttributeValue::S(r.to_owned())),
                        ("entry".to_owned(), AttributeValue::S(entry)),
                        ("last_imported_ms".to_owned(), AttributeValue::N("1".into())),
                    ]);
                    requests.push(
                        WriteRequest::builder()
                            .put_request(
                                PutRequest::builder().set_item(Some(item)).build().unwrap(),
                            )
                            .build(),
                    );
                }
            }
        }
        for chunk in requests.chunks(25) {
            ddb.batch_write_item()
                .request_items("ledger", chunk.to_vec())
                .send()
                .await
                .expect("BatchWriteItem");
        }
        let mut total = 0;
        let mut pages = ddb
            .scan()
            .table_name("ledger")
            .projection_expression("id")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            total += page.expect("Scan").items().len();
        }
        let ledger = DynamoLedger::new(ddb.clone(), "ledger");
        let t = Instant::now();
        let read = ledger.load(&accounts[7], "eu-west-1").await;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let entries = read.expect("the account-region's entries");
        println!(
            "ledger: one rescan of an account-region reads {} items (its own partition) in {ms:.0} ms; the table holds {total}, all of which a Scan would read",
            entries.len()
        );
    });
}

//! API calls and wall time of live scans against the moto emulator (not real AWS).
//!
//! Seeds 20 clusters, 200 services and 500 task definition revisions (100 families x 5), then
//! measures a region scan and a single task definition rescan through the real SDK.
//! Run: `scripts/bench-live.sh` (needs `scripts/setup-venv.sh`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use ecs_posture::aws::ecs::EcsInventory;
use ecs_posture_core::scope::Scope;

const CLUSTERS: usize = 20;
const SERVICES_PER_CLUSTER: usize = 10;
const FAMILIES: usize = 100;
const REVISIONS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    common::block_on(|| async move {
        let moto = common::Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        let t = Instant::now();
        common::estate::seed_synthetic(&ecs, CLUSTERS, SERVICES_PER_CLUSTER, FAMILIES, REVISIONS)
            .await;
        println!(
            "seeded {CLUSTERS} clusters, {} services, {} revisions in {:.1} s",
            CLUSTERS * SERVICES_PER_CLUSTER,
            FAMILIES * REVISIONS,
            t.elapsed().as_secs_f64()
        );

        let inv = EcsInventory::new(ecs.clone());
        let mut region_ms = Vec::new();
        let mut calls = None;
        for _ in 0..5 {
            let t = Instant::now();
            let docs = inv.read(&Scope::Region).await;
            region_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(
                docs.collected.errors.is_empty(),
                "{:?}",
                docs.collected.errors
            );
            calls = Some(docs.collected.api_calls);
        }
        let calls = calls.unwrap_or_default();
        let total: u64 = calls.values().sum();
        // What the ECS API needs at minimum for this estate, with its real page size of 100:
        // list pages + describe batches + unique revisions to describe (latest of each family;
        // every service runs a latest revision).
        let pages = |n: usize| n.div_ceil(100).max(1);
        let minimum_real = pages(CLUSTERS) // ListClusters
            + CLUSTERS.div_ceil(100) // DescribeClusters
            + CLUSTERS * pages(SERVICES_PER_CLUSTER) // ListServices
            + CLUSTERS * SERVICES_PER_CLUSTER.div_ceil(10) // DescribeServices
            + CLUSTERS // ListContainerInstances (no instances: no describe)
            + pages(FAMILIES * REVISIONS) // ListTaskDefinitions
            + FAMILIES; // DescribeTaskDefinition
        // moto never paginates: every list is one page there.
        let minimum_moto = minimum_real - (pages(FAMILIES * REVISIONS) - 1);
        println!("region scan: {total} ECS API calls {calls:?}");
        println!(
            "  minimum the ECS API allows: {minimum_real} with 100-item pages ({minimum_moto} on the emulator, which returns one page): ratio {:.2}",
            total as f64 / minimum_moto as f64
        );
        println!(
            "  wall time against the emulator: median {:.0} ms of 5 runs",
            median(region_ms)
        );

        let mut td_ms = Vec::new();
        let mut td_calls = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let docs = inv.read(&Scope::TaskDefinition("app-7:5".into())).await;
            td_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            td_calls = docs.collected.api_call_total();
        }
        println!(
            "single task definition rescan (revision, its family, services running it): {td_calls} calls, median {:.0} ms of 5 runs",
            median(td_ms)
        );
    });
}

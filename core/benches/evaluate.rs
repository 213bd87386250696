//! Evaluate a synthetic estate of 10,000 task definitions and 2,000 services with the full
//! catalog (every check enabled). Prints peak memory (VmHWM) before criterion's runs.
//!
//! `cargo bench -p ecs-posture-core --bench evaluate` (or `scripts/bench.sh`).

use criterion::{Criterion, Throughput, criterion_group};
use std::hint::black_box;

use ecs_posture_core::{CATALOG, Context, Options, Snapshot, evaluate, select};

const TASK_DEFINITIONS: usize = 10_000;
const SERVICES: usize = 2_000;
const CLUSTERS: usize = 20;

fn task_definition(i: usize) -> String {
    let family = format!("svc-{}", i / 5);
    let rev = i % 5 + 1;
    let privileged = i.is_multiple_of(7);
    let user = if i.is_multiple_of(3) {
        r#""user": "1000:1000","#
    } else {
        ""
    };
    let efs = if i.is_multiple_of(11) {
        r#","volumes":[{"name":"data","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED"}}]"#
    } else {
        ""
    };
    format!(
        r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:{rev}","family":"{family}","revision":{rev},"status":"ACTIVE",
        "networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"512","memory":"1024",
        "executionRoleArn":"arn:aws:iam::111122223333:role/exec","taskRoleArn":"arn:aws:iam::111122223333:role/task-{i}",
        "containerDefinitions":[
          {{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/app-{i}:1.{rev}.0","essential":true,"privileged":{privileged},{user}
            "environment":[{{"name":"APP_ENV","value":"production"}},{{"name":"DB_HOST","value":"db-{i}.internal"}},{{"name":"DB_PASSWORD","value":"{pw}"}},{{"name":"FEATURE_FLAGS","value":"a,b,c"}}],
            "secrets":[{{"name":"API_KEY","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:api-{i}"}}],
            "portMappings":[{{"containerPort":8080}}],
            "logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/app","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}},
            "healthCheck":{{"command":["CMD-SHELL","curl -f http://localhost:8080/health"]}}}},
          {{"name":"log-router","image":"public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0","essential":false,
            "firelensConfiguration":{{"type":"fluentbit"}},"memoryReservation":50}}
        ]{efs}}},"tags":[{{"key":"owner","value":"team-{}"}}]}}"#,
        i % 40,
        pw = if i.is_multiple_of(13) {
            "Sup3rS3cret!"
        } else {
            "${DB_PASSWORD}"
        },
    )
}

fn service(i: usize) -> String {
    format!(
        r#"{{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c{c}/svc-{i}","serviceName":"svc-{i}","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c{c}",
        "status":"ACTIVE","launchType":"FARGATE","platformVersion":"{pv}","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/svc-{i}:5",
        "enableExecuteCommand":{exec},"networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["subnet-1"],"securityGroups":["sg-{i}"],"assignPublicIp":"{ip}"}}}},
        "tags":[{{"key":"owner","value":"team"}}]}}"#,
        c = i % CLUSTERS,
        pv = if i.is_multiple_of(4) {
            "1.3.0"
        } else {
            "LATEST"
        },
        exec = i.is_multiple_of(9),
        ip = if i.is_multiple_of(6) {
            "ENABLED"
        } else {
            "DISABLED"
        },
    )
}

pub fn estate() -> Snapshot {
    let mut s = Snapshot::default();
    for i in 0..TASK_DEFINITIONS {
        s.add_document("td.json", &task_definition(i))
            .expect("synthetic task definition parses");
    }
    for chunk in (0..SERVICES).collect::<Vec<_>>().chunks(10) {
        let body: Vec<String> = chunk.iter().map(|&i| service(i)).collect();
        s.add_document(
            "services.json",
            &format!(r#"{{"services":[{}]}}"#, body.join(",")),
        )
        .expect("services parse");
    }
    let clusters: Vec<String> = (0..CLUSTERS)
        .map(|c| format!(r#"{{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c{c}","clusterName":"c{c}","status":"ACTIVE","settings":[{{"name":"containerInsights","value":"enabled"}}],"tags":[]}}"#))
        .collect();
    s.add_document(
        "clusters.json",
        &format!(r#"{{"clusters":[{}]}}"#, clusters.join(",")),
    )
    .expect("clusters parse");
    s
}

fn all_checks_options() -> Options {
    Options {
        enable_checks: CATALOG.iter().map(|c| c.id.to_owned()).collect(),
        ..Options::default()
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn bench(c: &mut Criterion) {
    let snapshot = estate();
    let opts = all_checks_options();
    let checks = select(&opts, &[], &[], None).expect("all checks select");
    let ctx = Context::for_snapshot(&snapshot);
    let mut g = c.benchmark_group("evaluate");
    g.sample_size(20);
    g.throughput(Throughput::Elements(TASK_DEFINITIONS as u64));
    g.bench_function("10k_task_definitions_2k_services_full_catalog", |b| {
        b.iter(|| black_box(evaluate(black_box(&snapshot), &checks, &opts, &ctx)).len())
    });
    g.finish();
    let texts: Vec<String> = (0..1000).map(task_definition).collect();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1k_describe_task_definition_documents", |b| {
        b.iter(|| {
            let mut s = Snapshot::default();
            for t in &texts {
                s.add_document("td.json", t).expect("parses");
            }
            black_box(s.task_definitions.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    // Peak memory of building and evaluating the estate once, measured before criterion runs.
    let start = vm_hwm_kib();
    let snapshot = estate();
    let after_parse = vm_hwm_kib();
    let opts = all_checks_options();
    let checks = select(&opts, &[], &[], None).expect("all checks select");
    let evals = evaluate(&snapshot, &checks, &opts, &Context::for_snapshot(&snapshot));
    let after_eval = vm_hwm_kib();
    let failed = evals.iter().filter(|e| e.is_failed()).count();
    if let (Some(a), Some(b), Some(c)) = (start, after_parse, after_eval) {
        println!(
            "memory: peak RSS {:.1} MiB at start, {:.1} MiB with the estate loaded, {:.1} MiB after evaluating it \
             ({} task definitions, {} services, {} evaluations, {} failed)",
            a as f64 / 1024.0,
            b as f64 / 1024.0,
            c as f64 / 1024.0,
            snapshot.task_definitions.len(),
            snapshot.services.len(),
            evals.len(),
            failed
        );
    }
    drop(evals);
    drop(snapshot);
    benches();
    Criterion::default().configure_from_args().final_summary();
}

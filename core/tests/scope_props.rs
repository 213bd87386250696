//! A scoped rescan gives exactly the verdicts a full scan gives for the same resources: over
//! generated estates and every scope derivable from them (each cluster, service, task definition
//! revision and capacity provider), every evaluation of the scoped snapshot equals the full
//! scan's evaluation of the same (check, resource).

use std::collections::HashMap;

use proptest::prelude::*;

use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::scope::{self, Scope};
use ecs_posture_core::{Context, Options, Snapshot, evaluate, select};

const P: &str = "arn:aws:ecs:eu-west-1:111122223333";

#[derive(Debug, Clone)]
struct Td {
    family: usize,
    revision: u32,
    active: bool,
    privileged: bool,
    windows: bool,
}

#[derive(Debug, Clone)]
struct Svc {
    cluster: usize,
    td: (usize, u32),
    draining: Option<(usize, u32)>,
    status: &'static str,
    exec: bool,
    platform: &'static str,
}

#[derive(Debug, Clone)]
struct Estate {
    clusters: Vec<(bool, &'static str)>,
    tds: Vec<Td>,
    services: Vec<Svc>,
    provider: bool,
}

fn estate() -> impl Strategy<Value = Estate> {
    let cluster = (
        any::<bool>(),
        prop_oneof![Just("NONE"), Just("DEFAULT"), Just("OVERRIDE")],
    );
    let td = (
        0..3usize,
        1..4u32,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(family, revision, active, privileged, windows)| Td {
            family,
            revision,
            active,
            privileged,
            windows,
        });
    let svc = (
        0..3usize,
        (0..3usize, 1..4u32),
        proptest::option::of((0..3usize, 1..4u32)),
        prop_oneof![Just("ACTIVE"), Just("DRAINING"), Just("INACTIVE")],
        any::<bool>(),
        prop_oneof![Just("1.3.0"), Just("1.4.0"), Just("LATEST")],
    )
        .prop_map(|(cluster, td, draining, status, exec, platform)| Svc {
            cluster,
            td,
            draining,
            status,
            exec,
            platform,
        });
    (
        proptest::collection::vec(cluster, 1..4),
        proptest::collection::vec(td, 0..8),
        proptest::collection::vec(svc, 0..5),
        any::<bool>(),
    )
        .prop_map(|(clusters, tds, mut services, provider)| {
            for s in &mut services {
                s.cluster %= clusters.len();
            }
            Estate {
                clusters,
                tds,
                services,
                provider,
            }
        })
}

fn td_arn(family: usize, revision: u32) -> String {
    format!("{P}:task-definition/f{family}:{revision}")
}

fn snapshot(e: &Estate) -> Snapshot {
    let mut s = Snapshot::default();
    let mut seen = std::collections::HashSet::new();
    for t in &e.tds {
        if !seen.insert((t.family, t.revision)) {
            continue;
        }
        let platform = if t.windows {
            r#","runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2019_CORE"}"#
        } else {
            ""
        };
        s.add_document(
            "td.json",
            &format!(
                r#"{{"taskDefinition":{{"taskDefinitionArn":"{}","family":"f{}","revision":{},"status":"{}","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc"{platform},"containerDefinitions":[{{"name":"c","image":"nginx:1","privileged":{},"environment":[{{"name":"DB_PASSWORD","value":"Zq8vR2mN5kL1pT7xW3cY9bH4jF6sD0aE"}}]}}]}},"tags":[]}}"#,
                td_arn(t.family, t.revision),
                t.family,
                t.revision,
                if t.active { "ACTIVE" } else { "INACTIVE" },
                t.privileged
            ),
        )
        .unwrap();
    }
    let clusters: Vec<String> = e
        .clusters
        .iter()
        .enumerate()
        .map(|(i, (insights, logging))| {
            format!(
                r#"{{"clusterArn":"{P}:cluster/c{i}","clusterName":"c{i}","status":"ACTIVE","capacityProviders":[{}],"settings":[{{"name":"containerInsights","value":"{}"}}],"configuration":{{"executeCommandConfiguration":{{"logging":"{logging}"}}}},"tags":[]}}"#,
                if e.provider && i == 0 { r#""cp0""# } else { "" },
                if *insights { "enabled" } else { "disabled" }
            )
        })
        .collect();
    s.add_document(
        "clusters.json",
        &format!(r#"{{"clusters":[{}]}}"#, clusters.join(",")),
    )
    .unwrap();
    let services: Vec<String> = e
        .services
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let draining = v
                .draining
                .map(|(f, r)| {
                    format!(
                        r#",{{"id":"d","status":"ACTIVE","taskDefinition":"{}"}}"#,
                        td_arn(f, r)
                    )
                })
                .unwrap_or_default();
            format!(
                r#"{{"serviceArn":"{P}:service/c{}/s{i}","serviceName":"s{i}","clusterArn":"{P}:cluster/c{}","status":"{}","launchType":"FARGATE","platformVersion":"{}","taskDefinition":"{}","enableExecuteCommand":{},"deployments":[{{"id":"p","status":"PRIMARY","taskDefinition":"{}"}}{draining}],"tags":[]}}"#,
                v.cluster,
                v.cluster,
                v.status,
                v.platform,
                td_arn(v.td.0, v.td.1),
                v.exec,
                td_arn(v.td.0, v.td.1)
            )
        })
        .collect();
    s.add_document(
        "services.json",
        &format!(r#"{{"services":[{}]}}"#, services.join(",")),
    )
    .unwrap();
    if e.provider {
        s.add_document("cp.json", &format!(r#"{{"capacityProviders":[{{"capacityProviderArn":"{P}:capacity-provider/cp0","name":"cp0","status":"ACTIVE","autoScalingGroupProvider":{{"autoScalingGroupArn":"arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:x:autoScalingGroupName/a","managedTerminationProtection":"DISABLED"}},"tags":[]}}]}}"#)).unwrap();
    }
    s
}

/// What a check concluded on a resource: status, evidence, reason.
type Verdict = (String, Vec<String>, Option<String>);

/// (check, resource ARN) -> verdict.
fn verdicts(s: &Snapshot) -> HashMap<(String, String), Verdict> {
    let opts = Options {
        enable_checks: ecs_posture_core::CATALOG
            .iter()
            .map(|c| c.id.to_owned())
            .collect(),
        ..Options::default()
    };
    let checks = select(&opts, &[], &[], None).unwrap();
    let evals: Vec<Evaluation> = evaluate(s, &checks, &opts, &Context::for_snapshot(s));
    evals
        .iter()
        .map(|e| {
            (
                (e.check.id.to_owned(), e.resource.arn.clone()),
                (
                    e.status.to_string(),
                    e.evidence_lines(),
                    e.reason().map(str::to_owned),
                ),
            )
        })
        .collect()
}

fn scopes(s: &Snapshot) -> Vec<Scope> {
    let mut out = Vec::new();
    out.extend(
        s.clusters
            .iter()
            .filter_map(|c| c.item.cluster_arn.clone())
            .map(Scope::Cluster),
    );
    out.extend(
        s.services
            .iter()
            .filter_map(|c| c.item.service_arn.clone())
            .map(Scope::Service),
    );
    out.extend(
        s.task_definitions
            .iter()
            .filter_map(|c| c.item.task_definition_arn.clone())
            .map(Scope::TaskDefinition),
    );
    out.extend(
        s.capacity_providers
            .iter()
            .filter_map(|c| c.item.capacity_provider_arn.clone())
            .map(Scope::CapacityProvider),
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scoped_evaluations_equal_the_full_scan(e in estate()) {
        let full_snapshot = snapshot(&e);
        let full = verdicts(&full_snapshot);
        for scope in scopes(&full_snapshot) {
            let (scoped, _) = scope::select(&full_snapshot, &scope);
            for (key, verdict) in verdicts(&scoped) {
                let whole = full.get(&key);
                prop_assert_eq!(
                    whole,
                    Some(&verdict),
                    "{} on {} differs in scope {:?}",
                    key.0,
                    key.1,
                    scope
                );
            }
        }
    }
}

#[test]
fn vpc_and_vpc_endpoint_scopes_select_the_services_placed_in_the_vpc() {
    let mut s = Snapshot::default();
    s.add_document(
        "net.json",
        &format!(
            r#"{{"services":[
            {{"serviceArn":"{P}:service/c/web","serviceName":"web","clusterArn":"{P}:cluster/c","taskDefinition":"web:1","networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["subnet-1"]}}}}}},
            {{"serviceArn":"{P}:service/c/api","serviceName":"api","clusterArn":"{P}:cluster/c","taskDefinition":"api:1","networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["subnet-2"]}}}}}},
            {{"serviceArn":"{P}:service/c/batch","serviceName":"batch","clusterArn":"{P}:cluster/c","taskDefinition":"batch:1"}}],
            "Subnets":[{{"SubnetId":"subnet-1","VpcId":"vpc-1"}},{{"SubnetId":"subnet-2","VpcId":"vpc-2"}}],
            "VpcEndpoints":[{{"VpcEndpointId":"vpce-2","VpcId":"vpc-2","ServiceName":"com.amazonaws.eu-west-1.logs","State":"available"}}]}}"#
        ),
    )
    .unwrap();
    let names = |scope: Scope| -> Vec<String> {
        let (scoped, _) = scope::select(&s, &scope);
        scoped
            .services
            .iter()
            .filter_map(|r| r.item.service_name.clone())
            .collect()
    };
    assert_eq!(names(Scope::Vpc("vpc-1".into())), ["web"]);
    assert_eq!(names(Scope::Vpc("vpc-9".into())), Vec::<String>::new());
    assert_eq!(names(Scope::VpcEndpoint("vpce-2".into())), ["api"]);
    // An endpoint the snapshot does not list (deleted): its VPC is unknown, so every service
    // placed in a VPC is read again; the one without awsvpc networking is not.
    assert_eq!(
        names(Scope::VpcEndpoint("vpce-gone".into())),
        ["web", "api"]
    );
}

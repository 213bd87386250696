//! ECS Managed Daemons: daemon task definitions are judged by the task-definition checks whose
//! fields they have, as their own resource kind; daemons by DM01; a revision a daemon runs is
//! always evaluated; scopes and coverage keep daemons apart from task definitions.

use ecs_posture_core::checks::catalog::{CATALOG, find};
use ecs_posture_core::checks::task_definition::NOT_FOR_DAEMONS;
use ecs_posture_core::finding::{ResourceKind, Status};
use ecs_posture_core::scope::{Scope, select as select_scope};
use ecs_posture_core::{Context, Evaluation, Options, Snapshot, evaluate, select};

const P: &str = "arn:aws:ecs:us-east-1:111122223333:";

/// A daemon task definition revision as `aws ecs describe-daemon-task-definition` prints it.
fn daemon_td(family: &str, rev: u32, pid_mode: &str, privileged: bool) -> String {
    format!(
        r#"{{"daemonTaskDefinition":{{"daemonTaskDefinitionArn":"{P}daemon-task-definition/{family}:{rev}","family":"{family}","revision":{rev},"status":"ACTIVE","pidMode":"{pid_mode}","ipcMode":"none","executionRoleArn":"arn:aws:iam::111122223333:role/agent-exec","containerDefinitions":[{{"name":"agent","image":"public.ecr.aws/example/agent:{rev}.0","privileged":{privileged},"essential":true,"environment":[{{"name":"API_TOKEN","value":"ghp_0123456789abcdefghijABCDEFGHIJ012345"}}]}}]}},"tags":[]}}"#
    )
}

/// A daemon of cluster prod running revision `rev` of `family`, with ECS Exec as given.
fn daemon(family: &str, rev: u32, exec: bool) -> [String; 2] {
    [
        format!(
            r#"{{"daemon":{{"daemonArn":"{P}daemon/prod/{family}","clusterArn":"{P}cluster/prod","status":"ACTIVE","currentRevisions":[{{"arn":"{P}daemon-revision/prod/{family}/{rev}","totalRunningCount":4}}]}}}}"#
        ),
        format!(
            r#"{{"daemonRevisions":[{{"daemonRevisionArn":"{P}daemon-revision/prod/{family}/{rev}","daemonArn":"{P}daemon/prod/{family}","clusterArn":"{P}cluster/prod","daemonTaskDefinitionArn":"{P}daemon-task-definition/{family}:{rev}","enableExecuteCommand":{exec}}}],"failures":[]}}"#
        ),
    ]
}

/// An ordinary task definition of the same family name, unprivileged.
fn task_definition(family: &str, rev: u32) -> String {
    format!(
        r#"{{"taskDefinition":{{"taskDefinitionArn":"{P}task-definition/{family}:{rev}","family":"{family}","revision":{rev},"status":"ACTIVE","networkMode":"awsvpc","containerDefinitions":[{{"name":"c","image":"x:1","privileged":false}}]}},"tags":[]}}"#
    )
}

fn snapshot(docs: &[String]) -> Snapshot {
    let mut s = Snapshot::default();
    for (i, d) in docs.iter().enumerate() {
        s.add_document(&format!("doc{i}.json"), d).unwrap();
    }
    s
}

fn run(s: &Snapshot) -> Vec<Evaluation> {
    let opts = Options::default();
    let checks = select(&opts, &[], &[], None).unwrap();
    evaluate(s, &checks, &opts, &Context::for_snapshot(s))
}

fn status(evals: &[Evaluation], check: &str, arn: &str) -> Status {
    evals
        .iter()
        .find(|e| e.check.id == check && e.resource.arn == arn)
        .map(|e| e.status)
        .unwrap_or_else(|| panic!("no {check} evaluation of {arn}"))
}

#[test]
fn the_checks_that_skip_daemons_exist_and_judge_task_definitions() {
    assert!(!NOT_FOR_DAEMONS.is_empty());
    for (id, why) in NOT_FOR_DAEMONS {
        let c = find(id).unwrap_or_else(|| panic!("{id} is not in the catalog"));
        assert_eq!(c.kind(), ResourceKind::TaskDefinition, "{id}");
        assert!(why.contains("daemon"), "{id}: {why}");
    }
    assert!(CATALOG.iter().any(|c| c.kind() == ResourceKind::Daemon));
}

#[test]
fn a_daemon_task_definition_is_judged_by_the_task_definition_checks_it_has_fields_for() {
    let [d, r] = daemon("agent", 2, true);
    let s = snapshot(&[daemon_td("agent", 2, "shared", true), d, r]);
    let evals = run(&s);
    let arn = format!("{P}daemon-task-definition/agent:2");
    let of_it: Vec<&Evaluation> = evals.iter().filter(|e| e.resource.arn == arn).collect();
    assert!(
        of_it
            .iter()
            .all(|e| e.resource.kind == ResourceKind::DaemonTaskDefinition),
        "its own resource kind"
    );
    // Every task-definition check gives one evaluation of it.
    let td_checks = CATALOG
        .iter()
        .filter(|c| c.kind() == ResourceKind::TaskDefinition)
        .filter(|c| c.enabled_by_default)
        .count();
    assert_eq!(of_it.len(), td_checks);
    assert_eq!(status(&evals, "TD01", &arn), Status::Failed, "privileged");
    // `shared` is the host's PID namespace for a daemon.
    assert_eq!(
        status(&evals, "TD03", &arn),
        Status::Failed,
        "pidMode shared"
    );
    assert_eq!(status(&evals, "TD07", &arn), Status::Passed, "ipcMode none");
    // A credential in the environment is found as in any task definition.
    assert_eq!(status(&evals, "TD09", &arn), Status::Failed);
    for (id, why) in NOT_FOR_DAEMONS {
        if find(id).is_some_and(|c| c.enabled_by_default) {
            let e = of_it.iter().find(|e| e.check.id == *id).unwrap();
            assert_eq!(e.status, Status::NotApplicable, "{id}");
            assert_eq!(e.reason(), Some(*why), "{id}");
        }
    }
    // The daemon itself: ECS Exec on its tasks.
    let daemon_arn = format!("{P}daemon/prod/agent");
    assert_eq!(status(&evals, "DM01", &daemon_arn), Status::Failed);
    let e = evals.iter().find(|e| e.resource.arn == daemon_arn).unwrap();
    assert_eq!(e.resource.kind, ResourceKind::Daemon);
}

#[test]
fn a_superseded_revision_is_evaluated_only_while_a_daemon_runs_it() {
    let one = format!("{P}daemon-task-definition/agent:1");
    let [d, r] = daemon("agent", 1, false);
    let running = snapshot(&[
        daemon_td("agent", 1, "shared", true),
        daemon_td("agent", 2, "none", false),
        d,
        r,
    ]);
    let evals = run(&running);
    assert_eq!(status(&evals, "TD01", &one), Status::Failed);
    assert_eq!(
        status(&evals, "DM01", &format!("{P}daemon/prod/agent")),
        Status::Passed
    );
    let idle = snapshot(&[
        daemon_td("agent", 1, "shared", true),
        daemon_td("agent", 2, "none", false),
    ]);
    assert_eq!(status(&run(&idle), "TD01", &one), Status::NotApplicable);
}

#[test]
fn daemon_and_task_definition_families_of_one_name_are_apart() {
    // The task definition family `agent` has revision 5; the daemon family revision 2. Each is
    // its family's latest and judged on its own.
    let s = snapshot(&[
        task_definition("agent", 5),
        daemon_td("agent", 2, "shared", true),
    ]);
    let evals = run(&s);
    assert_eq!(
        status(&evals, "TD01", &format!("{P}task-definition/agent:5")),
        Status::Passed
    );
    assert_eq!(
        status(
            &evals,
            "TD01",
            &format!("{P}daemon-task-definition/agent:2")
        ),
        Status::Failed
    );
    // A task definition scope does not read the daemon family, nor the reverse.
    let (td_only, cov) = select_scope(&s, &Scope::TaskDefinition("agent".into()));
    assert_eq!(td_only.task_definitions.len(), 1);
    assert!(!td_only.task_definitions[0].item.daemon);
    assert!(!cov.covers(
        "AwsEcsDaemonTaskDefinition",
        &format!("{P}daemon-task-definition/agent:1")
    ));
    let (daemon_only, cov) = select_scope(&s, &Scope::DaemonTaskDefinition("agent".into()));
    assert_eq!(daemon_only.task_definitions.len(), 1);
    assert!(daemon_only.task_definitions[0].item.daemon);
    assert!(cov.covers(
        "AwsEcsDaemonTaskDefinition",
        &format!("{P}daemon-task-definition/agent:1")
    ));
    assert!(!cov.covers(
        "AwsEcsTaskDefinition",
        &format!("{P}task-definition/agent:4")
    ));
}

#[test]
fn a_daemon_scope_reads_the_daemon_its_revisions_and_definitions() {
    let [d, r] = daemon("agent", 2, true);
    let s = snapshot(&[
        daemon_td("agent", 2, "shared", true),
        daemon_td("other", 1, "none", false),
        d,
        r,
    ]);
    let arn = format!("{P}daemon/prod/agent");
    let (out, cov) = select_scope(&s, &Scope::Daemon(arn.clone()));
    assert_eq!(out.daemons.len(), 1);
    assert_eq!(out.daemon_revisions.len(), 1);
    assert_eq!(out.task_definitions.len(), 1, "only the definition it runs");
    assert!(cov.covers("AwsEcsDaemon", &arn));
    assert!(cov.covers(
        "AwsEcsDaemonTaskDefinition",
        &format!("{P}daemon-task-definition/agent:2")
    ));
    // A daemon the snapshot does not hold is proven gone by its own scope only.
    let gone = format!("{P}daemon/prod/deleted");
    let (out, cov) = select_scope(&s, &Scope::Daemon(gone.clone()));
    assert!(out.daemons.is_empty());
    assert!(cov.covers("AwsEcsDaemon", &gone));
    assert!(!cov.covers("AwsEcsDaemon", &format!("{P}daemon/prod/other")));
    // A cluster scope reads the cluster's daemons: a daemon of that cluster not among them is gone.
    let cluster =
        format!(r#"{{"clusters":[{{"clusterArn":"{P}cluster/prod","clusterName":"prod"}}]}}"#);
    let [d, r] = daemon("agent", 2, true);
    let s = snapshot(&[cluster, daemon_td("agent", 2, "shared", true), d, r]);
    let (out, cov) = select_scope(&s, &Scope::Cluster("prod".into()));
    assert_eq!(out.daemons.len(), 1);
    assert!(cov.covers("AwsEcsDaemon", &format!("{P}daemon/prod/removed")));
    assert!(!cov.covers("AwsEcsDaemon", &format!("{P}daemon/staging/agent")));
    // The region proves every daemon of every listed cluster.
    let (_, cov) = select_scope(&s, &Scope::Region);
    assert!(cov.covers("AwsEcsDaemon", &format!("{P}daemon/staging/agent")));
}

/// Snapshots read apart (one per file or per account-region) and merged keep their daemons,
/// daemon revisions and gateways, once each.
#[test]
fn merged_snapshots_keep_daemons_and_gateways() {
    let [d, r] = daemon("agent", 2, true);
    let gateway = format!(
        r#"{{"gateway":{{"gatewayArn":"{P}gateway/edge","name":"edge","status":"ACTIVE"}}}}"#
    );
    let mut merged = snapshot(&[daemon_td("agent", 2, "shared", true)]);
    merged.extend(snapshot(&[d.clone(), r.clone(), gateway.clone()]));
    merged.extend(snapshot(&[d, r, gateway]));
    assert_eq!(merged.daemons.len(), 1);
    assert_eq!(merged.daemon_revisions.len(), 1);
    assert_eq!(merged.gateways.len(), 1);
    let evals = run(&merged);
    assert_eq!(
        status(&evals, "DM01", &format!("{P}daemon/prod/agent")),
        Status::Failed
    );
    assert_eq!(
        status(&evals, "GW01", &format!("{P}gateway/edge")),
        Status::Failed
    );
}

//! Revision handling, selection and evaluation over whole snapshots.

use ecs_posture_core::checks::catalog::find;
use ecs_posture_core::finding::{Framework, Status};
use ecs_posture_core::{Context, Options, Snapshot, evaluate, select};

fn td(family: &str, rev: u32, status: &str, privileged: bool, secret: bool) -> String {
    let env = if secret {
        r#","environment":[{"name":"DB_PASSWORD","value":"Sup3rS3cret!"}]"#
    } else {
        ""
    };
    format!(
        r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:{rev}","family":"{family}","revision":{rev},"status":"{status}","containerDefinitions":[{{"name":"c","image":"x:1","privileged":{privileged}{env}}}]}},"tags":[]}}"#
    )
}

fn snapshot(docs: &[String]) -> Snapshot {
    let mut s = Snapshot::default();
    for (i, d) in docs.iter().enumerate() {
        s.add_document(&format!("doc{i}.json"), d).unwrap();
    }
    s
}

fn status_of(s: &Snapshot, check: &str, resource: &str) -> Status {
    let c = find(check).unwrap();
    let evals = evaluate(s, &[c], &Options::default(), &Context::for_snapshot(s));
    evals
        .iter()
        .find(|e| e.resource.name == resource)
        .map(|e| e.status)
        .unwrap_or_else(|| panic!("no evaluation of {resource}"))
}

#[test]
fn superseded_revisions_are_not_applicable_for_latest_only_checks() {
    let s = snapshot(&[
        td("app", 1, "ACTIVE", true, true),
        td("app", 2, "ACTIVE", false, false),
    ]);
    assert_eq!(status_of(&s, "TD01", "app:1"), Status::NotApplicable);
    assert_eq!(status_of(&s, "TD01", "app:2"), Status::Passed);
    // A secret stays readable in every revision.
    assert_eq!(status_of(&s, "TD09", "app:1"), Status::Failed);
}

#[test]
fn revisions_used_by_services_are_always_evaluated() {
    let svc = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/s","serviceName":"s","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:1"}]}"#.to_owned();
    let s = snapshot(&[
        td("app", 1, "ACTIVE", true, false),
        td("app", 2, "ACTIVE", false, false),
        svc,
    ]);
    assert_eq!(status_of(&s, "TD01", "app:1"), Status::Failed);
}

#[test]
fn inactive_revisions_are_not_evaluated_unless_used() {
    let s = snapshot(&[td("app", 3, "INACTIVE", true, true)]);
    assert_eq!(status_of(&s, "TD01", "app:3"), Status::NotApplicable);
    assert_eq!(status_of(&s, "TD09", "app:3"), Status::NotApplicable);
    let svc = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/s","serviceName":"s","taskDefinition":"app:3"}]}"#.to_owned();
    let s = snapshot(&[td("app", 3, "INACTIVE", true, true), svc]);
    assert_eq!(status_of(&s, "TD01", "app:3"), Status::Failed);
    // A deleted (INACTIVE) service runs nothing: the deregistered revision is not current.
    let deleted = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/s","serviceName":"s","status":"INACTIVE","taskDefinition":"app:3"}]}"#.to_owned();
    let s = snapshot(&[td("app", 3, "INACTIVE", true, true), deleted]);
    assert_eq!(status_of(&s, "TD01", "app:3"), Status::NotApplicable);
    let draining = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/s","serviceName":"s","status":"DRAINING","taskDefinition":"app:3"}]}"#.to_owned();
    let s = snapshot(&[td("app", 3, "INACTIVE", true, true), draining]);
    assert_eq!(status_of(&s, "TD01", "app:3"), Status::Failed);
}

#[test]
fn latest_is_per_family() {
    let s = snapshot(&[
        td("a", 5, "ACTIVE", true, false),
        td("b", 1, "ACTIVE", true, false),
        td("a", 4, "ACTIVE", true, false),
    ]);
    assert_eq!(status_of(&s, "TD01", "a:5"), Status::Failed);
    assert_eq!(status_of(&s, "TD01", "b:1"), Status::Failed);
    assert_eq!(status_of(&s, "TD01", "a:4"), Status::NotApplicable);
}

#[test]
fn service_sees_its_task_definition_for_windows_platform() {
    let win = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/w:1","family":"w","revision":1,"runtimePlatform":{"operatingSystemFamily":"WINDOWS_SERVER_2019_FULL"},"containerDefinitions":[]}}"#.to_owned();
    let svc = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/s","serviceName":"s","launchType":"FARGATE","platformVersion":"1.0.0","taskDefinition":"w:1"}]}"#.to_owned();
    let s = snapshot(&[win, svc.clone()]);
    assert_eq!(status_of(&s, "SV02", "s"), Status::Passed);
    // Without the task definition the service is judged as Linux: 1.0.0 is behind 1.4.0.
    let s = snapshot(&[svc]);
    assert_eq!(status_of(&s, "SV02", "s"), Status::Failed);
}

#[test]
fn selection_honours_defaults_options_and_filters() {
    let opts = Options::default();
    let all = select(&opts, &[], &[], None).unwrap();
    assert!(all.iter().any(|c| c.id == "TD01"));
    assert!(
        !all.iter().any(|c| c.id == "SV03"),
        "off-by-default checks are not selected"
    );
    let opts = Options {
        enable_checks: vec!["SV03".into()],
        disable_checks: vec!["privileged-container".into()],
        ..Options::default()
    };
    let sel = select(&opts, &[], &[], None).unwrap();
    assert!(sel.iter().any(|c| c.id == "SV03") && !sel.iter().any(|c| c.id == "TD01"));
    let only = select(&Options::default(), &["TD28".into()], &[], None).unwrap();
    assert_eq!(only.iter().map(|c| c.id).collect::<Vec<_>>(), vec!["TD28"]);
    let skip = select(&Options::default(), &[], &["TD01".into()], None).unwrap();
    assert!(!skip.iter().any(|c| c.id == "TD01"));
    let fsbp = select(&Options::default(), &[], &[], Some(Framework::AwsFsbp)).unwrap();
    assert!(fsbp.iter().all(|c| c.maps_to(Framework::AwsFsbp)) && fsbp.len() >= 18);
    assert!(
        select(&Options::default(), &["NOPE".into()], &[], None)
            .unwrap_err()
            .to_string()
            .contains("NOPE")
    );
}

#[test]
fn options_change_verdicts() {
    let doc = r#"{"family":"a","tags":[{"key":"owner","value":"x"}],"containerDefinitions":[{"name":"c","image":"ghcr.io/org/app:1"}]}"#.to_owned();
    let s = snapshot(&[doc]);
    let run = |opts: &Options, check: &str| {
        let c = find(check).unwrap();
        evaluate(&s, &[c], opts, &Context::default())[0].status
    };
    let default = Options::default();
    assert_eq!(run(&default, "TD33"), Status::Passed);
    assert_eq!(run(&default, "TD29"), Status::Failed);
    let strict = Options {
        required_tag_keys: vec!["cost-center".into()],
        trusted_registries: vec!["ghcr.io/org".into()],
        ..Options::default()
    };
    assert_eq!(run(&strict, "TD33"), Status::Failed);
    assert_eq!(run(&strict, "TD29"), Status::Passed);
}

#[test]
fn synthesized_arns_use_context_and_evaluations_are_complete() {
    let s = snapshot(&[
        r#"{"family":"pending","containerDefinitions":[{"name":"c","image":"x:1"}]}"#.to_owned(),
    ]);
    let ctx = Context {
        account: "123456789012".into(),
        region: "eu-central-1".into(),
        partition: "aws".into(),
        now_ms: None,
    };
    let checks = select(&Options::default(), &[], &[], None).unwrap();
    let evals = evaluate(&s, &checks, &Options::default(), &ctx);
    let td_checks = checks
        .iter()
        .filter(|c| c.kind() == ecs_posture_core::finding::ResourceKind::TaskDefinition)
        .count();
    assert_eq!(
        evals.len(),
        td_checks,
        "one evaluation per check and resource"
    );
    assert_eq!(
        evals[0].resource.arn,
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/pending"
    );
    assert_eq!(evals[0].resource.account(), "123456789012");
}

#[test]
fn the_output_is_allocated_once_with_every_resource_kind() {
    // Task definitions, a Fargate service, a cluster, a daemon, a container instance and the
    // account-region they make judged by every account check: every evaluation fits the vector sized up front (growing it would copy every
    // evaluation of a large estate once more).
    let s = snapshot(&[
        td("app", 1, "ACTIVE", false, false),
        r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/ecr:1","family":"ecr","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"c","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"}]}}"#.to_owned(),
        r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/app:1","status":"ACTIVE","launchType":"FARGATE"}]}"#.to_owned(),
        r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"EbsEncryptionByDefault":false,"SseType":"sse-ebs"}"#.to_owned(),
        r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE"}]}"#.to_owned(),
        r#"{"daemon":{"daemonArn":"arn:aws:ecs:us-east-1:111122223333:daemon/c/agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","status":"ACTIVE","currentRevisions":[]}}"#.to_owned(),
    ]);
    let mut opts = Options::default();
    let all: Vec<String> = ecs_posture_core::checks::catalog::CATALOG
        .iter()
        .map(|c| c.id.to_owned())
        .collect();
    opts.enable_checks = all;
    let checks = select(&opts, &[], &[], None).unwrap();
    let evals = evaluate(&s, &checks, &opts, &Context::for_snapshot(&s));
    assert!(
        evals
            .iter()
            .any(|e| e.check.id == "AC01" && e.status == Status::Failed),
        "the account is judged"
    );
    assert_eq!(evals.capacity(), evals.len());
}

#[test]
fn account_checks_are_judged_only_where_the_workloads_they_protect_run() {
    let detector = r#"{"ServiceRole":"arn:aws:iam::111122223333:role/gd","Status":"ENABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"DISABLED"}]}"#;
    let inspector = r#"{"accounts":[{"accountId":"111122223333","resourceState":{"ecr":{"status":"DISABLED"}}}],"failedAccounts":[]}"#;
    let ecr_td = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3","family":"web","revision":3,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2"}]}}"#;
    let foreign_td = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:111122223333:task-definition/api:1","family":"api","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"api","image":"444455556666.dkr.ecr.eu-west-1.amazonaws.com/api:1"}]}}"#;
    let fargate = r#"{"services":[{"serviceArn":"arn:aws:ecs:eu-west-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3","status":"ACTIVE"}]}"#;
    let ec2_service = r#"{"services":[{"serviceArn":"arn:aws:ecs:eu-west-1:111122223333:service/prod/batch","serviceName":"batch","launchType":"EC2","taskDefinition":"arn:aws:ecs:eu-west-1:111122223333:task-definition/api:1","status":"ACTIVE"}]}"#;
    let instance = r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]}"#;
    let judged = |docs: &[&str]| -> Vec<(String, Status, String)> {
        let mut docs: Vec<String> = docs.iter().map(|d| (*d).to_owned()).collect();
        docs.push(detector.to_owned());
        docs.push(inspector.to_owned());
        let s = snapshot(&docs);
        let checks: Vec<_> = ["AC01", "AC02", "AC03", "AC04"]
            .iter()
            .map(|c| find(c).unwrap())
            .collect();
        let mut out: Vec<(String, Status, String)> =
            evaluate(&s, &checks, &Options::default(), &Context::for_snapshot(&s))
                .iter()
                .map(|e| {
                    assert_eq!(e.resource.arn, "AWS::::Account:111122223333");
                    assert_eq!(e.resource.region(), "eu-west-1");
                    (
                        e.check.id.to_owned(),
                        e.status,
                        e.evidence_lines().join(" "),
                    )
                })
                .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let ids = |v: &[(String, Status, String)]| v.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    // A task definition alone (a scoped rescan): only Inspector, for its own registry's image;
    // the evidence names no workload (a rescan of part of the region changes none).
    let v = judged(&[ecr_td]);
    assert_eq!(ids(&v), ["AC04"]);
    assert_eq!(v[0].1, Status::Failed);
    assert!(
        v[0].2.contains("DISABLED") && !v[0].2.contains("team/web"),
        "{}",
        v[0].2
    );
    // Another account's registry is not this account's Inspector's to scan.
    assert!(judged(&[foreign_td]).is_empty());
    // A Fargate service: GuardDuty.12; an EC2 service without instances: nothing.
    let v = judged(&[fargate]);
    assert_eq!(ids(&v), ["AC02"]);
    assert!(
        v[0].2.contains("Runtime Monitoring") && v[0].2.contains("on Fargate"),
        "{}",
        v[0].2
    );
    assert!(judged(&[ec2_service]).is_empty());
    // Container instances: EBS encryption (not read: unknown) and GuardDuty.13.
    let v = judged(&[instance, ec2_service]);
    assert_eq!(ids(&v), ["AC01", "AC03"]);
    assert_eq!(v[0].1, Status::NotAvailable);
    assert_eq!(v[1].1, Status::Failed);
    // All of them at once.
    assert_eq!(
        ids(&judged(&[instance, fargate, ecr_td])),
        ["AC01", "AC02", "AC03", "AC04"]
    );
}

#[test]
fn config_errors_name_the_key() {
    let e = Options::from_toml("c.toml", "[options]\nrequired_tag_key = [\"a\"]\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("c.toml") && e.contains("required_tag_key"),
        "{e}"
    );
    let e = Options::from_toml("c.toml", "[options]\nmin_agent_version = \"new\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("min_agent_version"), "{e}");
    // Check ids are resolved by `select`, whose error names the list.
    let opts = Options::from_toml("c.toml", "[options]\ndisable_checks = [\"XX99\"]\n").unwrap();
    let e = select(&opts, &[], &[], None).unwrap_err();
    assert_eq!(e.list, ecs_posture_core::engine::CheckList::DisableChecks);
    let e = e.to_string();
    assert!(e.contains("disable_checks") && e.contains("XX99"), "{e}");
    let e = Options::from_toml(
        "c.toml",
        "[options]\nrequired_tag_keys = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("required_tag_keys") && e.contains("at most 6"),
        "{e}"
    );
    let e = Options::from_toml("c.toml", "[opts]\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("opts"), "{e}");
    let ok = Options::from_toml(
        "c.toml",
        "[options]\nrequired_tag_keys = [\"owner\"]\nenable_checks = [\"TD28\"]\n",
    )
    .unwrap();
    assert_eq!(ok.required_tag_keys, vec!["owner"]);
}

const NET: &str = r#"{"SecurityGroups":[{"GroupId":"sg-open","GroupName":"open","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]},{"GroupId":"sg-closed","GroupName":"closed","VpcId":"vpc-1","IpPermissions":[]}],
"Subnets":[{"SubnetId":"subnet-pub","VpcId":"vpc-1"},{"SubnetId":"subnet-priv","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-main","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]},{"RouteTableId":"rtb-priv","VpcId":"vpc-1","Associations":[{"SubnetId":"subnet-priv"}],"Routes":[{"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local"}]}]}"#;

fn placement(subnet: &str, group: &str, public_ip: bool) -> String {
    format!(
        r#"{{"awsvpcConfiguration":{{"subnets":["{subnet}"],"securityGroups":["{group}"],"assignPublicIp":"{}"}}}}"#,
        if public_ip { "ENABLED" } else { "DISABLED" }
    )
}

fn sv09(docs: &[String]) -> ecs_posture_core::Evaluation {
    let s = snapshot(docs);
    let evals = evaluate(
        &s,
        &[find("SV09").unwrap()],
        &Options::default(),
        &Context::for_snapshot(&s),
    );
    evals
        .into_iter()
        .find(|e| e.resource.name == "web")
        .expect("the service is evaluated")
}

#[test]
fn surroundings_are_judged_on_each_task_set_and_named_in_the_evidence() {
    // The service's own placement is private; its task set's is public with SSH open: the service
    // fails, and the evidence says which task set.
    let svc = format!(
        r#"{{"services":[{{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{{"type":"EXTERNAL"}},"networkConfiguration":{},"taskSets":[{{"id":"ecs-svc/7","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/7","networkConfiguration":{}}}]}}]}}"#,
        placement("subnet-priv", "sg-open", false),
        placement("subnet-pub", "sg-open", true)
    );
    let e = sv09(&[svc, NET.to_owned()]);
    assert_eq!(e.status, Status::Failed);
    let lines = e.evidence_lines();
    assert!(
        lines.iter().all(|l| l.starts_with("task set ecs-svc/7: ")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("subnet-pub routes 0.0.0.0/0 to igw-1"))
    );
    assert!(
        e.related()
            .iter()
            .any(|r| r.arn.ends_with("security-group/sg-open"))
    );

    // A task set described apart (DescribeTaskSets) counts as well; closed everywhere passes.
    let svc = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{"type":"EXTERNAL"}}]}"#.to_owned();
    let ts = |group: &str| {
        format!(
            r#"{{"taskSets":[{{"id":"ecs-svc/8","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/8","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","networkConfiguration":{}}}]}}"#,
            placement("subnet-pub", group, true)
        )
    };
    assert_eq!(
        sv09(&[svc.clone(), ts("sg-open"), NET.to_owned()]).status,
        Status::Failed
    );
    assert_eq!(
        sv09(&[svc.clone(), ts("sg-closed"), NET.to_owned()]).status,
        Status::Passed
    );
    // No placement at all: not applicable.
    assert_eq!(sv09(&[svc, NET.to_owned()]).status, Status::NotApplicable);
}

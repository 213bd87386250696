//! Output formats: ASFF validity and limits, SARIF shape, JSON contract, and that secret values
//! never reach any output.

use serde_json::Value;

use ecs_posture_core::finding::Status;
use ecs_posture_core::render::{asff, csv, json, markdown, sarif, table};
use ecs_posture_core::{Context, Evaluation, Options, Snapshot, evaluate, select};

const SECRET: &str = "Zq8vR2mN5kL1pT7xW3cY9bH4jF6sD0aE";
const KEY: &str = "AKIAQWERTYUIOPASDFGH";

fn estate() -> Snapshot {
    let mut s = Snapshot::default();
    s.add_document(
        "td.json",
        &format!(
            r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:111122223333:task-definition/app:2","family":"app","revision":2,"status":"ACTIVE",
            "containerDefinitions":[{{"name":"web","image":"nginx:latest","privileged":true,
              "environment":[{{"name":"DB_PASSWORD","value":"{SECRET}"}},{{"name":"AWS_ACCESS_KEY_ID","value":"{KEY}"}}],
              "command":["--token={SECRET}"],"dockerLabels":{{"api-token":"{SECRET}"}}}}]}},
            "tags":[{{"key":"deploy-password","value":"{SECRET}"}}]}}"#
        ),
    )
    .unwrap();
    s.add_document(
        "svc.json",
        &format!(
            r#"{{"services":[{{"serviceArn":"arn:aws:ecs:eu-west-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
            "launchType":"FARGATE","platformVersion":"1.3.0","taskDefinition":"app:2","tags":[{{"key":"t","value":"{SECRET}"}}],
            "networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["s"],"securityGroups":[],"assignPublicIp":"ENABLED"}}}}}}]}}"#
        ),
    )
    .unwrap();
    s.add_document("cl.json", r#"{"clusters":[{"clusterArn":"arn:aws:ecs:eu-west-1:111122223333:cluster/prod","clusterName":"prod","status":"ACTIVE","settings":[]}]}"#).unwrap();
    s
}

fn all_evaluations(s: &Snapshot) -> Vec<Evaluation> {
    let opts = Options {
        enable_checks: ecs_posture_core::CATALOG
            .iter()
            .map(|c| c.id.to_owned())
            .collect(),
        ..Options::default()
    };
    let checks = select(&opts, &[], &[], None).unwrap();
    evaluate(s, &checks, &opts, &Context::for_snapshot(s))
}

#[test]
fn secret_values_never_reach_any_output() {
    let s = estate();
    let evals = all_evaluations(&s);
    assert!(
        evals
            .iter()
            .any(|e| e.check.id == "TD09" && e.status == Status::Failed)
    );
    let shown: Vec<&Evaluation> = evals.iter().collect();
    let outputs = [
        json::render(&evals, &shown),
        table::render(&evals, &shown, 100, false),
        csv::render(&shown),
        markdown::render(&evals, &shown),
        sarif::render(&shown, "0", &|_| None),
        asff::render(&shown, &s, 1_700_000_000_000),
    ];
    for (i, out) in outputs.iter().enumerate() {
        assert!(!out.contains(SECRET), "output {i} leaks the secret value");
        assert!(!out.contains(KEY), "output {i} leaks the access key");
        assert!(
            !out.contains(&SECRET[..12]),
            "output {i} leaks part of the secret"
        );
    }
    // The evidence names where the secret is.
    let td09 = evals.iter().find(|e| e.check.id == "TD09").unwrap();
    let ev = td09.evidence_lines().join("\n");
    assert!(
        ev.contains("DB_PASSWORD")
            && ev.contains("command argument 1")
            && ev.contains("docker label api-token"),
        "{ev}"
    );
}

#[test]
fn asff_findings_are_valid_batch_import_input() {
    let s = estate();
    let evals = all_evaluations(&s);
    let shown: Vec<&Evaluation> = evals.iter().collect();
    let out = asff::render(&shown, &s, 1_700_000_000_123);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let batch: Value = serde_json::from_str(lines[0]).unwrap();
    let findings = batch["Findings"].as_array().unwrap();
    let failed = evals.iter().filter(|e| e.status == Status::Failed).count();
    assert_eq!(findings.len(), failed, "one finding per FAILED evaluation");
    let mut ids = std::collections::HashSet::new();
    for f in findings {
        for field in [
            "SchemaVersion",
            "Id",
            "ProductArn",
            "GeneratorId",
            "AwsAccountId",
            "CreatedAt",
            "UpdatedAt",
            "Title",
            "Description",
            "Resources",
            "Severity",
            "Types",
        ] {
            assert!(!f[field].is_null(), "missing {field} in {f}");
        }
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"
        );
        assert_eq!(f["CreatedAt"], "2023-11-14T22:13:20.123Z");
        assert_eq!(f["CreatedAt"], f["UpdatedAt"]);
        assert_eq!(f["FirstObservedAt"], f["LastObservedAt"]);
        assert_eq!(f["Compliance"]["Status"], "FAILED");
        assert_eq!(f["RecordState"], "ACTIVE");
        assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
        assert!(f["Description"].as_str().unwrap().chars().count() <= 1024);
        assert!(
            f["Remediation"]["Recommendation"]["Text"]
                .as_str()
                .unwrap()
                .chars()
                .count()
                <= 512
        );
        assert!(
            f["Compliance"]["RelatedRequirements"]
                .as_array()
                .map_or(0, |a| a.len())
                <= 32
        );
        assert!(f["Types"].as_array().unwrap().iter().all(|t| {
            t.as_str()
                .unwrap()
                .starts_with("Software and Configuration Checks")
                || t.as_str()
                    .unwrap()
                    .starts_with("Sensitive Data Identifications")
        }));
        assert_eq!(f["FindingProviderFields"]["Severity"], f["Severity"]);
        let id = f["Id"].as_str().unwrap();
        assert!(
            id.len() <= 512 && ids.insert(id.to_owned()),
            "duplicate or long id {id}"
        );
        for (k, v) in f["ProductFields"].as_object().unwrap() {
            assert!(k.len() <= 128 && v.as_str().unwrap().len() <= 2048);
        }
        let r = &f["Resources"][0];
        assert!(r["Type"].as_str().unwrap().starts_with("AwsEcs"));
        assert!(serde_json::to_vec(f).unwrap().len() < 240_000);
        assert_no_blank_strings(f);
    }
    let td = findings
        .iter()
        .find(|f| f["Resources"][0]["Type"] == "AwsEcsTaskDefinition")
        .unwrap();
    let env = &td["Resources"][0]["Details"]["AwsEcsTaskDefinition"]["ContainerDefinitions"][0]["Environment"];
    assert_eq!(env[0]["Name"], "DB_PASSWORD");
    assert!(env[0].get("Value").is_none());
}

fn assert_no_blank_strings(v: &Value) {
    match v {
        Value::String(s) => assert!(!s.trim().is_empty(), "blank string in finding"),
        Value::Array(a) => a.iter().for_each(assert_no_blank_strings),
        Value::Object(m) => m.values().for_each(assert_no_blank_strings),
        _ => {}
    }
}

#[test]
fn finding_ids_are_deterministic_and_status_independent() {
    let a = ecs_posture_core::evaluation::finding_id_for(
        "111122223333",
        "eu-west-1",
        "TD01",
        "arn:aws:ecs:eu-west-1:111122223333:task-definition/app:2",
    );
    let b = ecs_posture_core::evaluation::finding_id_for(
        "111122223333",
        "eu-west-1",
        "TD01",
        "arn:aws:ecs:eu-west-1:111122223333:task-definition/app:2",
    );
    let c = ecs_posture_core::evaluation::finding_id_for(
        "111122223333",
        "eu-west-1",
        "TD01",
        "arn:aws:ecs:eu-west-1:111122223333:task-definition/app:3",
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with("ecs-posture/eu-west-1/111122223333/TD01/"));
    let long_arn = format!(
        "arn:aws:ecs:eu-west-1:1:task-definition/{}:1",
        "x".repeat(3000)
    );
    assert!(
        ecs_posture_core::evaluation::finding_id_for("1", "eu-west-1", "TD01", &long_arn).len()
            < 100
    );
}

#[test]
fn passed_imports_are_informational() {
    let s = estate();
    let evals = all_evaluations(&s);
    let e = evals.iter().find(|e| e.status == Status::Passed).unwrap();
    let f = asff::finding(
        e,
        None,
        &ecs_posture_core::lifecycle::Import::new_at(Status::Passed, 0),
    )
    .to_json();
    assert_eq!(f["Severity"]["Label"], "INFORMATIONAL");
    assert_eq!(f["Severity"]["Original"], e.check.severity.as_str());
    assert_eq!(f["Compliance"]["Status"], "PASSED");
}

#[test]
fn batches_respect_count_and_size() {
    let s = estate();
    let evals = all_evaluations(&s);
    let e = evals.iter().find(|e| e.status == Status::Failed).unwrap();
    let one = asff::finding(
        e,
        None,
        &ecs_posture_core::lifecycle::Import::new_at(Status::Failed, 0),
    );
    let small: Vec<asff::Finding> = (0..250).map(|_| one.clone()).collect();
    let b = asff::batches(small);
    assert_eq!(
        b.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    let big: Vec<asff::Finding> = (0..40)
        .map(|_| {
            let mut f = one.clone();
            f.description = "x".repeat(200_000);
            f
        })
        .collect();
    let b = asff::batches(big);
    assert!(b.len() > 1);
    assert!(b.iter().all(|batch| {
        serde_json::to_vec(&asff::batch_json(batch)).unwrap().len() <= asff::MAX_BATCH_BYTES
    }));
    assert_eq!(b.iter().map(Vec::len).sum::<usize>(), 40);
}

#[test]
fn sarif_is_2_1_0_with_rules_and_locations() {
    let s = estate();
    let evals = all_evaluations(&s);
    let shown: Vec<&Evaluation> = evals.iter().collect();
    let doc: Value = serde_json::from_str(&sarif::render(&shown, "1.2.3", &|_| Some(7))).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        evals.iter().filter(|e| e.status == Status::Failed).count()
    );
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            ["td.json", "svc.json", "cl.json"]
                .contains(&loc["artifactLocation"]["uri"].as_str().unwrap())
        );
        assert_eq!(loc["region"]["startLine"], 7);
    }
    assert!(rules.iter().all(|r| {
        r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok()
    }));
}

#[test]
fn json_contract() {
    let s = estate();
    let evals = all_evaluations(&s);
    let shown: Vec<&Evaluation> = evals.iter().collect();
    let doc: Value = serde_json::from_str(&json::render(&evals, &shown)).unwrap();
    let list = doc["evaluations"].as_array().unwrap();
    assert_eq!(list.len(), evals.len());
    for e in list {
        assert!(e["check_id"].is_string());
        let status = e["status"].as_str().unwrap();
        assert!(["FAILED", "PASSED", "NOT_APPLICABLE", "NOT_AVAILABLE"].contains(&status));
        if status == "NOT_AVAILABLE" {
            // Unknown is always explained: what was not read.
            assert!(
                e["reason"].as_str().unwrap().starts_with("not read: "),
                "{e}"
            );
        }
        assert!(
            ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
                .contains(&e["severity"].as_str().unwrap())
        );
        // ECS resources, and the account-region its settings are judged on.
        let (kind, arn) = (
            e["resource"]["type"].as_str().unwrap(),
            e["resource"]["arn"].as_str().unwrap(),
        );
        assert!(
            (kind.starts_with("AwsEcs") && arn.starts_with("arn:aws:ecs:"))
                || (kind == "AwsAccount" && arn == "AWS::::Account:111122223333"),
            "{e}"
        );
        assert!(
            e["compliance"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["framework"].is_string() && c["control"].is_string())
        );
        assert!(e["evidence"].is_array());
    }
    let summary = &doc["summary"];
    assert_eq!(
        summary["by_status"]["FAILED"].as_u64().unwrap() as usize,
        evals.iter().filter(|e| e.status == Status::Failed).count()
    );
    assert!(summary["score"].as_u64().unwrap() <= 100);
    assert!(summary["risk_level"].is_string());
}

#[test]
fn clusters_named_with_dashes_keep_their_names() {
    let mut s = Snapshot::default();
    s.add_document("cl.json", r#"{"clusters":[{"clusterArn":"arn:aws:ecs:eu-west-1:111122223333:cluster/prod-eu","clusterName":"prod-eu","status":"ACTIVE"}]}"#).unwrap();
    s.add_document("svc.json", r#"{"services":[{"serviceArn":"arn:aws:ecs:eu-west-1:111122223333:service/prod-eu/web","serviceName":"web","clusterArn":"arn:aws:ecs:eu-west-1:111122223333:cluster/prod-eu","status":"ACTIVE","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1"}]}"#).unwrap();
    s.add_document("td.json", r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"nginx","privileged":true}]}}"#).unwrap();
    let evals = all_evaluations(&s);
    let by_cluster = ecs_posture_core::report::evaluations_by_cluster(&s, &evals);
    assert_eq!(
        by_cluster.keys().collect::<Vec<_>>(),
        vec!["prod-eu"],
        "no phantom cluster from splitting the name"
    );
    let rows = &by_cluster["prod-eu"];
    assert!(
        rows.iter()
            .any(|e| e.check.id == "TD01" && e.status == Status::Failed),
        "the task definition its service runs counts for the cluster"
    );
    let td01 = rows.iter().find(|e| e.check.id == "TD01").unwrap();
    let services = ecs_posture_core::report::services_by_task_definition(&s);
    assert_eq!(
        ecs_posture_core::report::resource_label(td01, &services),
        "Task Definition: web:1 | Service: prod-eu-web"
    );
    assert_eq!(services["web:1"][0].cluster, "prod-eu");
}

/// A pathological name (100,000 characters) is cut in the table, whose layout cost grows faster
/// than its text; the other formats keep it whole.
#[test]
fn table_cells_are_bounded() {
    let family = "f".repeat(100_000);
    let mut s = Snapshot::default();
    s.add_document(
        "td.json",
        &format!(r#"{{"taskDefinition":{{"family":"{family}","revision":1,"containerDefinitions":[{{"name":"{family}","image":"nginx","privileged":true}}]}}}}"#),
    )
    .unwrap();
    let evals = all_evaluations(&s);
    let shown: Vec<&Evaluation> = evals
        .iter()
        .filter(|e| e.status == Status::Failed)
        .collect();
    let out = table::render(&evals, &shown, 100, false);
    assert!(shown.len() > 2);
    // Each row shows the name and the evidence cut to a few hundred characters.
    assert!(
        out.len() < shown.len() * 4_000,
        "table size is bounded: {} bytes for {} rows",
        out.len(),
        shown.len()
    );
    assert!(
        json::render(&evals, &shown).contains(&family),
        "json keeps the whole name"
    );
}

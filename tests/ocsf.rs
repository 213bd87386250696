//! `--format ocsf`: OCSF 1.6 Compliance Finding events, validated against the published OCSF
//! schema of the class (not only against our own expectations), joinable with the ASFF findings.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_ecs-posture"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run ecs-posture");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn events(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON per line: {e}: {l}"))
        })
        .collect()
}

/// Validate with `scripts/validate-ocsf.py` (ocsf-json-schema + jsonschema of `.venv`):
/// `(passed, report)`.
fn validate(text: &str) -> (bool, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} not found: install the pinned OCSF schemas and validator with `scripts/setup-venv.sh` (the test command `scripts/test` does this)",
        python.display()
    );
    let mut child = Command::new(python)
        .arg(root.join("scripts/validate-ocsf.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scripts/validate-ocsf.py");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write events");
    let o = child.wait_with_output().expect("validator output");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "the validator did not run: {report}"
    );
    (o.status.success(), report)
}

#[test]
fn every_evaluation_is_a_valid_ocsf_1_6_compliance_finding() {
    let text = ok(&[
        "scan",
        "examples/estate",
        "--format",
        "ocsf",
        "--all",
        "--fail-on",
        "none",
    ]);
    let (valid, report) = validate(&text);
    assert!(valid, "OCSF 1.6 schema violations:\n{report}");
    let events = events(&text);
    let json: Value = serde_json::from_str(&ok(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]))
    .unwrap();
    let evaluations = json["evaluations"].as_array().unwrap();
    assert_eq!(
        events.len(),
        evaluations.len(),
        "one event per evaluation with --all"
    );
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events {
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["metadata"]["version"], "1.6.0");
        assert_eq!(e["metadata"]["profiles"], serde_json::json!(["cloud"]));
        assert_eq!(e["cloud"]["provider"], "AWS");
        assert!(
            e["time"].as_i64().unwrap() > 1_700_000_000_000,
            "epoch milliseconds"
        );
        let status = e["unmapped"]["evaluation_status"]
            .as_str()
            .unwrap()
            .to_owned();
        let compliance = e["compliance"]["status"].as_str().unwrap();
        match status.as_str() {
            "FAILED" => {
                assert_eq!((compliance, &e["status"]), ("Fail", &Value::from("New")));
                assert_ne!(e["severity"], "Informational");
            }
            "PASSED" => {
                assert_eq!(
                    (compliance, &e["status"]),
                    ("Pass", &Value::from("Resolved"))
                );
                assert_eq!(e["severity_id"], 1);
            }
            "NOT_AVAILABLE" => assert_eq!(compliance, "Unknown", "never a Pass"),
            "NOT_APPLICABLE" => assert_eq!(compliance, "Not Applicable"),
            other => panic!("unexpected status {other}"),
        }
        *by_status.entry(status).or_default() += 1;
        let resources = e["resources"].as_array().unwrap();
        assert_eq!(resources[0]["role_id"], 1);
        assert!(
            resources
                .iter()
                .all(|r| r["type"].as_str().unwrap().starts_with("AWS::") || r["type"] == "Other"),
            "{resources:?}"
        );
    }
    assert_eq!(
        by_status.get("FAILED").copied().unwrap_or(0) as u64,
        json["summary"]["by_status"]["FAILED"].as_u64().unwrap()
    );
    assert!(
        by_status.len() >= 3,
        "the estate has several statuses: {by_status:?}"
    );
    for planted in ["Pr0dPassw0rd", "sk_live_"] {
        assert!(!text.contains(planted), "a secret value reached OCSF");
    }
}

#[test]
fn ocsf_events_join_the_asff_findings_on_their_id() {
    let ocsf = ok(&[
        "scan",
        "examples/estate",
        "--format",
        "ocsf",
        "--fail-on",
        "none",
    ]);
    let asff = ok(&[
        "scan",
        "examples/estate",
        "--format",
        "asff",
        "--fail-on",
        "none",
    ]);
    let mut from_asff: BTreeMap<String, (String, String, String, String)> = BTreeMap::new();
    for line in asff.lines() {
        let batch: Value = serde_json::from_str(line).unwrap();
        for f in batch["Findings"].as_array().unwrap() {
            from_asff.insert(
                f["Id"].as_str().unwrap().to_owned(),
                (
                    f["AwsAccountId"].as_str().unwrap().to_owned(),
                    f["Region"].as_str().unwrap().to_owned(),
                    f["ProductArn"].as_str().unwrap().to_owned(),
                    f["Severity"]["Label"]
                        .as_str()
                        .unwrap()
                        .to_ascii_lowercase(),
                ),
            );
        }
    }
    let mut from_ocsf = BTreeMap::new();
    for e in events(&ocsf) {
        assert_eq!(
            e["compliance"]["status"], "Fail",
            "without --all, the findings only"
        );
        from_ocsf.insert(
            e["finding_info"]["uid"].as_str().unwrap().to_owned(),
            (
                e["cloud"]["account"]["uid"].as_str().unwrap().to_owned(),
                e["cloud"]["region"].as_str().unwrap().to_owned(),
                e["metadata"]["product"]["uid"].as_str().unwrap().to_owned(),
                e["severity"].as_str().unwrap().to_ascii_lowercase(),
            ),
        );
    }
    assert!(!from_asff.is_empty());
    assert_eq!(
        from_ocsf, from_asff,
        "the same findings, ids, accounts, regions, products and severities"
    );
    // Security Hub control ids stay findable in the requirements.
    let ecs_controls: BTreeSet<String> = events(&ocsf)
        .iter()
        .flat_map(|e| {
            e["compliance"]["requirements"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|r| r.as_str().map(str::to_owned))
        .filter(|r| r.starts_with("AWS Foundational Security Best Practices v1.0.0/ECS."))
        .collect();
    assert!(!ecs_controls.is_empty());
}

#[test]
fn report_ocsf_lists_the_reported_findings() {
    let text = ok(&[
        "report",
        "examples/estate",
        "--format",
        "ocsf",
        "--severity",
        "critical",
    ]);
    let (valid, report) = validate(&text);
    assert!(valid, "{report}");
    let json: Value = serde_json::from_str(&ok(&[
        "report",
        "examples/estate",
        "--format",
        "json",
        "--severity",
        "critical",
    ]))
    .unwrap();
    let events = events(&text);
    assert_eq!(events.len(), json["evaluations"].as_array().unwrap().len());
    assert!(!events.is_empty() && events.iter().all(|e| e["severity_id"] == 5));
}

#[test]
fn the_validator_rejects_what_the_ocsf_schema_forbids() {
    let text = ok(&[
        "scan",
        "examples/estate",
        "--format",
        "ocsf",
        "--fail-on",
        "none",
    ]);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut e = first.clone();
        f(&mut e);
        e.to_string()
    };
    for (what, event) in [
        (
            "a severity id outside the enum",
            broken(&|e| e["severity_id"] = 7.into()),
        ),
        (
            "no cloud object",
            broken(&|e| {
                e.as_object_mut().unwrap().remove("cloud");
            }),
        ),
        (
            "an attribute the class does not define",
            broken(&|e| e["ecs_posture"] = 1.into()),
        ),
        ("another class", broken(&|e| e["class_uid"] = 2004.into())),
        (
            "a finding without uid",
            broken(&|e| {
                e["finding_info"].as_object_mut().unwrap().remove("uid");
            }),
        ),
    ] {
        let (valid, report) = validate(&(event + "\n"));
        assert!(!valid, "{what} passed validation: {report}");
    }
}

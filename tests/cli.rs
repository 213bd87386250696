//! The `ecs-posture` binary end to end: exit codes, formats, errors, stdin, config.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-posture"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run ecs-posture")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn example_estate_fails_on_high_by_default() {
    let o = run(&["scan", "examples/estate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("TD01") && out.contains("worker:3"), "{out}");
    assert!(out.contains("Score: "), "{out}");
    assert!(!out.contains("\u{1b}["), "no color when not a terminal");
    assert!(
        out.lines().all(|l| l.chars().count() <= 100),
        "table fits 100 columns"
    );
}

#[test]
fn example_estate_has_every_severity() {
    let o = run(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = &doc["summary"]["failed_by_severity"];
    for s in ["CRITICAL", "HIGH", "MEDIUM", "LOW"] {
        assert!(
            f[s].as_u64().unwrap() > 0,
            "no {s} finding in the example estate"
        );
    }
    let evals = doc["evaluations"].as_array().unwrap();
    assert!(
        evals.iter().any(|e| e["status"] == "PASSED")
            && evals.iter().any(|e| e["status"] == "NOT_APPLICABLE")
    );
    // web:6 is superseded by web:7: only every-revision checks evaluate it.
    let web6: Vec<_> = evals
        .iter()
        .filter(|e| e["resource"]["name"] == "web:6")
        .collect();
    assert!(
        web6.iter()
            .any(|e| e["check_id"] == "TD09" && e["status"] == "FAILED")
    );
    assert!(
        web6.iter()
            .filter(|e| e["check_id"] == "TD01")
            .all(|e| e["status"] == "NOT_APPLICABLE")
    );
}

#[test]
fn fail_on_threshold() {
    assert_eq!(
        run(&[
            "scan",
            "examples/estate",
            "--fail-on",
            "critical",
            "--format",
            "csv"
        ])
        .status
        .code(),
        Some(1)
    );
    let clean = run(&[
        "scan",
        "examples/estate/task-definitions/api-12.json",
        "--fail-on",
        "high",
    ]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );
    assert_eq!(
        run(&[
            "scan",
            "examples/estate/task-definitions/api-12.json",
            "--fail-on",
            "low"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "scan",
            "examples/estate/task-definitions/web-7.json",
            "--fail-on",
            "none"
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn filters_narrow_the_checks() {
    let o = run(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--check",
        "TD01",
        "--fail-on",
        "none",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        doc["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["check_id"] == "TD01")
    );
    let o = run(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--min-severity",
        "high",
        "--skip-check",
        "TD09",
        "--fail-on",
        "none",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let evals = doc["evaluations"].as_array().unwrap();
    assert!(evals.iter().all(
        |e| ["HIGH", "CRITICAL"].contains(&e["severity"].as_str().unwrap())
            && e["check_id"] != "TD09"
    ));
    let o = run(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--framework",
        "aws-fsbp",
        "--fail-on",
        "none",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(doc["evaluations"].as_array().unwrap().iter().all(|e| {
        e["compliance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["framework"] == "aws-fsbp")
    }));
}

#[test]
fn every_format_renders() {
    for (format, probe) in [
        ("table", "SEVERITY"),
        ("json", "\"evaluations\""),
        ("asff", "\"Findings\""),
        ("sarif", "\"2.1.0\""),
        ("csv", "check_id,status"),
        ("markdown", "# ecs-posture report"),
    ] {
        let o = run(&[
            "scan",
            "examples/estate",
            "--format",
            format,
            "--fail-on",
            "none",
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains(probe), "{format} output lacks {probe}");
    }
}

#[test]
fn sarif_points_at_the_scanned_file_and_line() {
    let o = run(&[
        "scan",
        "examples/estate/task-definitions/worker-3.json",
        "--format",
        "sarif",
        "--fail-on",
        "none",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "TD01")
        .cloned()
        .unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "examples/estate/task-definitions/worker-3.json"
    );
    let text = std::fs::read_to_string("examples/estate/task-definitions/worker-3.json").unwrap();
    let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
    assert!(text.lines().nth(line - 1).unwrap().contains("\"worker\""));
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = bin()
        .args(["scan", "-", "--format", "json", "--fail-on", "none"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"family":"pre","containerDefinitions":[{"name":"c","image":"x:1","privileged":true}]}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let td01 = doc["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["check_id"] == "TD01")
        .cloned()
        .unwrap();
    assert_eq!(td01["status"], "FAILED");
    assert_eq!(td01["resource"]["source"], "(stdin)");
}

#[test]
fn bad_input_exits_2_naming_path_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(
        &bad,
        "{\n  \"family\": \"a\",\n  \"containerDefinitions\": [,]\n}\n",
    )
    .unwrap();
    let o = run(&["scan", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("broken.json:3:") && err.contains("invalid JSON"),
        "{err}"
    );

    let unknown = dir.path().join("package.json");
    std::fs::write(&unknown, r#"{"name":"x","version":"1"}"#).unwrap();
    let o = run(&["scan", unknown.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("package.json") && stderr(&o).contains("unknown document shape"));

    let missing = dir.path().join("nope.json");
    let o = run(&["scan", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.json") && stderr(&o).contains("cannot read"));

    let o = run(&["scan", "examples/estate", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["scan", "examples/estate", "--check", "ZZ99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ZZ99"));
}

#[test]
fn config_file_applies_and_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ecs-posture.toml");
    std::fs::write(
        &cfg,
        "[options]\nrequired_tag_keys = [\"cost-center\"]\ndisable_checks = [\"TD01\"]\n",
    )
    .unwrap();
    let o = run(&[
        "scan",
        "examples/estate",
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let evals = doc["evaluations"].as_array().unwrap();
    assert!(!evals.iter().any(|e| e["check_id"] == "TD01"));
    assert!(evals.iter().any(|e| e["check_id"] == "CL06"
        && e["status"] == "FAILED"
        && e["evidence"][0].as_str().unwrap().contains("cost-center")));
    std::fs::write(&cfg, "[options]\ntrusted_registry = [\"ghcr.io\"]\n").unwrap();
    let o = run(&["scan", "examples/estate", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("trusted_registry"), "{}", stderr(&o));
}

#[test]
fn checks_and_explain() {
    let o = run(&["checks", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        ecs_posture::core::CATALOG.len()
    );
    let o = run(&["checks", "--framework", "aws-fsbp", "--resource", "service"]);
    let out = stdout(&o);
    assert!(out.contains("SV01") && !out.contains("TD01"), "{out}");
    let o = run(&["explain", "privileged-container"]);
    assert!(stdout(&o).starts_with("## TD01") && stdout(&o).contains("Terraform"));
    // Exactly the check's section of the reference, and nothing of the next check's.
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md")).unwrap();
    assert!(
        docs.contains(&stdout(&o)),
        "explain prints the section of docs/checks.md"
    );
    assert!(!stdout(&o).contains("## TD02"));
    assert_eq!(run(&["explain", "nope"]).status.code(), Some(2));
}

#[test]
fn docs_command_matches_committed_docs() {
    let o = run(&["docs"]);
    let committed = std::fs::read_to_string("docs/checks.md").unwrap();
    assert_eq!(
        stdout(&o),
        committed,
        "docs/checks.md is stale: run `cargo run -- docs --output docs/checks.md`"
    );
}

/// Files saved by editors that write a UTF-8 byte-order mark are read as the same text.
#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("event.json");
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/events/schedule.json"))
            .unwrap();
    std::fs::write(&event, format!("\u{feff}{text}")).unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "\u{feff}[options]\nrequired_tag_keys = [\"owner\"]\n").unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "invoke",
        event.to_str().unwrap(),
        "--estate",
        "examples/estate",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "ok", "{v}");
    let td = dir.path().join("td.json");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/estate/task-definitions/web-7.json"
    ))
    .unwrap();
    std::fs::write(&td, format!("\u{feff}{text}")).unwrap();
    let o = run(&["scan", td.to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("TD09"));
}

/// A live read that cannot reach AWS is a runtime failure (exit 3), not a usage error (exit 2).
#[test]
fn runtime_failures_exit_3() {
    let o = bin()
        .args(["scan", "--live", "--fail-on", "none"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("ListClusters"), "{}", stderr(&o));
    // One line per failure, no debug dump.
    let errors: Vec<&str> = std::str::from_utf8(&o.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert!(errors.iter().all(|l| l.len() < 300), "{errors:?}");
}

/// A publishing run prints its run report: a findings format with `--publish` is a usage error
/// (exit 2) said before anything is read or imported.
#[test]
fn publish_takes_only_the_run_report_formats() {
    for format in ["ocsf", "asff", "sarif", "csv", "markdown"] {
        let o = bin()
            .args([
                "scan",
                "--live",
                "--publish",
                "--ledger-file",
                "/nonexistent/ledger.json",
                "--format",
                format,
            ])
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--publish prints the run's report"),
            "{format}: {}",
            stderr(&o)
        );
    }
}

/// An Express Mode description given without the `describe-services` output that lists its
/// service is not silently dropped: the scan warns that SV28-SV30 did not judge it, and judges
/// it once the service is given.
#[test]
fn an_express_description_without_its_service_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let arn = "arn:aws:ecs:us-east-1:111122223333:service/default/web";
    std::fs::write(
        dir.path().join("express-default-web.json"),
        format!(
            r#"{{"service":{{"serviceArn":"{arn}","serviceName":"web","status":{{"statusCode":"ACTIVE"}},"activeConfigurations":[{{"ingressPaths":[{{"accessType":"PUBLIC","endpoint":"https://web.ecs.us-east-1.on.aws"}}]}}]}}}}"#
        ),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let o = run(&[
        "scan",
        path,
        "--check",
        "SV28",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "Express Mode service {arn} is not in any describe-services"
        )),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("services.json"),
        format!(
            r#"{{"services":[{{"serviceArn":"{arn}","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}}]}}"#
        ),
    )
    .unwrap();
    let o = run(&[
        "scan",
        path,
        "--check",
        "SV28",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert!(
        !stderr(&o).contains("not in any describe-services"),
        "{}",
        stderr(&o)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &doc["evaluations"][0];
    assert_eq!(e["check_id"], "SV28");
    assert_eq!(e["status"], "FAILED");
}

//! Reports, recommendations, compliance and metrics over the example estate: every output from
//! the same evaluations, readable in 100 columns, no color when piped.

use std::process::Command;

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

fn assert_terminal_friendly(name: &str, text: &str) {
    assert!(!text.contains('\u{1b}'), "{name}: color codes when piped");
    for l in text.lines() {
        assert!(
            l.chars().count() <= 100,
            "{name}: line wider than 100 columns: {l}"
        );
        assert_eq!(l, l.trim_end(), "{name}: trailing spaces: {l:?}");
    }
}

#[test]
fn text_reports_are_complete_and_fit_100_columns() {
    let summary = ok(&["report", "examples/estate", "--format", "summary"]);
    assert!(
        summary.contains("score 0/100")
            && summary.contains("Posture ")
            && summary.contains("Quick actions")
            && summary.contains("CRITICAL"),
        "{summary}"
    );
    let detailed = ok(&["report", "examples/estate", "--format", "detailed"]);
    assert!(
        detailed.contains("Task Definition: worker:3 | Service: prod-worker"),
        "resources are labelled with the services (cluster-service) that run them"
    );
    assert!(detailed.contains("Container: worker | container worker: privileged = true"));
    assert!(detailed.contains("Service: prod-web") && detailed.contains("Cluster: prod"));
    assert!(
        detailed.contains("Why it matters:")
            && detailed.contains("How to fix:")
            && detailed.contains("AWS CLI:")
    );
    let executive = ok(&["report", "examples/estate", "--format", "executive"]);
    assert!(executive.contains("Top risks") && executive.contains("Business impact"));
    for (name, text) in [
        ("summary", &summary),
        ("detailed", &detailed),
        ("executive", &executive),
    ] {
        assert_terminal_friendly(name, text);
        assert!(
            !text.contains("Pr0dPassw0rd") && !text.contains("sk_live_"),
            "{name} leaks a secret value"
        );
    }
    for args in [
        vec!["recommendations", "examples/estate"],
        vec!["compliance", "examples/estate", "--framework", "aws-fsbp"],
        vec!["metrics", "examples/estate"],
    ] {
        let out = ok(&args);
        assert_terminal_friendly(args[0], &out);
    }
}

#[test]
fn reports_and_scans_agree() {
    let scan: Value = serde_json::from_str(&ok(&[
        "scan",
        "examples/estate",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]))
    .unwrap();
    let report: Value =
        serde_json::from_str(&ok(&["report", "examples/estate", "--format", "json"])).unwrap();
    assert_eq!(
        scan["summary"], report["summary"],
        "one code path: the same evaluations"
    );
    let csv = ok(&["report", "examples/estate", "--format", "csv"]);
    assert_eq!(
        csv.lines().count() as u64 - 1,
        scan["summary"]["by_status"]["FAILED"].as_u64().unwrap(),
        "one CSV row per failed finding"
    );
    let md = ok(&["report", "examples/estate", "--format", "markdown"]);
    assert!(md.starts_with("# ecs-posture report") && md.contains("## Recommendations"));
}

#[test]
fn filters_apply() {
    let r: Value = serde_json::from_str(&ok(&[
        "report",
        "examples/estate",
        "--format",
        "json",
        "--severity",
        "critical",
    ]))
    .unwrap();
    let evals = r["evaluations"].as_array().unwrap();
    assert!(!evals.is_empty() && evals.iter().all(|e| e["severity"] == "CRITICAL"));
    let r: Value = serde_json::from_str(&ok(&[
        "report",
        "examples/estate",
        "--format",
        "json",
        "--category",
        "secrets",
        "--resource",
        "worker",
    ]))
    .unwrap();
    assert!(
        r["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["category"] == "secrets"
                && e["resource"]["name"].as_str().unwrap().contains("worker"))
    );
    let r: Value = serde_json::from_str(&ok(&[
        "report",
        "examples/estate",
        "--format",
        "json",
        "--framework",
        "aws-fsbp",
        "--check",
        "TD02",
    ]))
    .unwrap();
    assert!(
        r["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["check_id"] == "TD02")
    );
}

#[test]
fn recommendations_are_deduplicated_and_ordered() {
    let recs: Value = serde_json::from_str(&ok(&[
        "recommendations",
        "examples/estate",
        "--format",
        "json",
    ]))
    .unwrap();
    let recs = recs.as_array().unwrap();
    let td02 = recs.iter().find(|r| r["check_id"] == "TD02").unwrap();
    assert_eq!(td02["resources"].as_array().unwrap().len(), 3);
    assert!(
        td02["headline"]
            .as_str()
            .unwrap()
            .starts_with("3 task definitions fail")
    );
    assert!(
        !td02["cli"].as_str().unwrap().is_empty()
            && !td02["terraform"].as_str().unwrap().is_empty()
            && !td02["cloudformation"].as_str().unwrap().is_empty()
    );
    assert_eq!(recs[0]["severity"], "CRITICAL", "highest risk first");
    let rank = |s: &str| {
        ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    for w in recs.windows(2) {
        assert!(
            rank(w[0]["severity"].as_str().unwrap()) >= rank(w[1]["severity"].as_str().unwrap())
        );
    }
}

#[test]
fn compliance_per_control_and_honest_about_coverage() {
    let c: Value = serde_json::from_str(&ok(&[
        "compliance",
        "examples/estate",
        "--framework",
        "aws-fsbp",
        "--format",
        "json",
    ]))
    .unwrap();
    let controls = c["controls"].as_array().unwrap();
    let get = |id: &str| {
        controls
            .iter()
            .find(|x| x["control"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(get("ECS.4")["status"], "FAILED");
    assert!(
        get("ECS.4")["failing_resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("worker:3"))
    );
    assert_eq!(get("ECS.9")["status"], "PASSED");
    // The example estate's region keeps EBS encryption by default off where its container
    // instances run: judged once, on the account.
    assert_eq!(get("EC2.7")["status"], "FAILED");
    // Its detector watches Fargate tasks but not the container instances; Inspector scans EC2
    // but not the registry its images come from.
    assert_eq!(get("GuardDuty.12")["status"], "PASSED");
    assert_eq!(get("GuardDuty.13")["status"], "FAILED");
    assert_eq!(get("Inspector.2")["status"], "FAILED");
    // The api's database secret: rotation on, last done on 2025-06-10.
    assert_eq!(get("SecretsManager.1")["status"], "PASSED");
    assert_eq!(get("SecretsManager.4")["status"], "FAILED");
    assert_eq!(
        controls.len(),
        47,
        "ECS.1-5, 8-10, 12-21, EC2.6, EC2.15, EC2.18, EC2.19 on what the services use, ELB.1, 4, 5, 6, \
         12, 17, 18 on the load balancers in front of them (ELB.21/22 are off by default), \
         EC2.3, EC2.8, EC2.9 on the hosts of container instances, EC2.7 on their account, IAM.1, \
         IAM.21, KMS.1 and KMS.2 on the roles of task definitions, ECR.1, 2, 3, 5 on the \
         repositories of their images, CloudWatch.16 on their log groups, \
         SecretsManager.1 and 4 on their secrets, GuardDuty.12, GuardDuty.13 and Inspector.2 on their \
         account"
    );
    // The worker's repository: no matching scanning rule, mutable, no lifecycle policy, AES256.
    for control in ["ECR.1", "ECR.2", "ECR.3", "ECR.5"] {
        assert_eq!(get(control)["status"], "FAILED", "{control}");
    }
    // The prod web group keeps 30 days.
    assert_eq!(get("CloudWatch.16")["status"], "FAILED");
    // The api's database secret rotates.
    assert_eq!(get("SecretsManager.1")["status"], "PASSED");
    // The example's read-secrets policy grants kms:Decrypt on every key to the api's execution
    // role; AdministratorAccess is AWS managed, so IAM.1 (customer managed only) passes.
    assert_eq!(get("KMS.1")["status"], "FAILED");
    assert_eq!(get("IAM.21")["status"], "FAILED");
    assert_eq!(get("IAM.1")["status"], "PASSED");
    assert_eq!(
        get("ELB.1")["status"],
        "FAILED",
        "the api's ALB serves plain HTTP"
    );
    assert_eq!(get("ELB.12")["status"], "PASSED");
    assert_eq!(get("EC2.8")["status"], "FAILED", "one host allows IMDSv1");
    assert_eq!(
        get("EC2.19")["status"],
        "FAILED",
        "SSH open to the prod web tasks"
    );
    let pct = c["percent"].as_f64().unwrap();
    let expect = c["passed"].as_f64().unwrap() * 100.0
        / (c["passed"].as_f64().unwrap() + c["failed"].as_f64().unwrap());
    assert!((pct - expect).abs() < 0.1);
    let hipaa = ok(&["compliance", "examples/estate", "--framework", "hipaa"]);
    assert!(hipaa.contains("NOT COVERED"), "{hipaa}");
    assert_eq!(
        run(&["compliance", "examples/estate", "--framework", "iso"]).0,
        2
    );
}

#[test]
fn metrics_with_trend_from_earlier_reports() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("last-week.json");
    // An earlier report of a smaller estate: only the API task definition.
    ok(&[
        "report",
        "examples/estate/task-definitions/api-12.json",
        "--format",
        "json",
        "-o",
        old.to_str().unwrap(),
    ]);
    let m: Value = serde_json::from_str(&ok(&[
        "metrics",
        "examples/estate",
        "--history",
        old.to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(m["trend"].as_array().unwrap().len(), 1);
    assert!(m["trend"][0]["score"].as_u64().unwrap() > m["summary"]["score"].as_u64().unwrap());
    assert!(m["categories"]["secrets"]["failed"].as_u64().unwrap() > 0);
    assert!(
        m["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["framework"] == "aws-fsbp" && f["controls"] == 47)
    );
    let text = ok(&[
        "metrics",
        "examples/estate",
        "--history",
        old.to_str().unwrap(),
    ]);
    assert!(text.contains("Trend") && text.contains("now"));
    let exec = ok(&[
        "report",
        "examples/estate",
        "--format",
        "executive",
        "--history",
        old.to_str().unwrap(),
    ]);
    assert!(exec.contains("Trend: score"));
    assert_eq!(
        run(&["metrics", "examples/estate", "--history", "Cargo.toml"]).0,
        2
    );
}

#[test]
fn html_report_is_self_contained_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    ok(&[
        "report",
        "examples/estate",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("<svg")
            && html.contains("score 0 of 100")
    );
    for external in ["<script", "<link", "src=\"http", "url(http", "@import"] {
        assert!(!html.contains(external), "the report loads {external}");
    }
    assert!(html.contains("@media print"));
    assert!(!html.contains("Pr0dPassw0rd"));
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let chromium = chromium.unwrap_or_else(|| panic!("headless Chromium is needed to render the HTML report: `apt-get install chromium` (scripts/test installs it)"));
    let shot = dir.path().join("report.png");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1200,1400",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        png.len() > 30_000,
        "the page rendered next to nothing ({} bytes)",
        png.len()
    );
    if let Ok(keep) = std::env::var("ECS_POSTURE_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// The posture is a severity-weighted pass rate: an organization of two accounts with the same
/// estate has the posture of one, per account and overall, where the seed score is 0 for both.
#[test]
fn the_posture_does_not_fall_with_the_size_of_the_estate() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate");
    fn copy(src: &std::path::Path, dst: &std::path::Path, account: &str) {
        std::fs::create_dir_all(dst).unwrap();
        for e in std::fs::read_dir(src).unwrap() {
            let p = e.unwrap().path();
            let to = dst.join(p.file_name().unwrap());
            if p.is_dir() {
                copy(&p, &to, account);
            } else if p.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("111122223333", account);
                std::fs::write(to, text).unwrap();
            }
        }
    }
    copy(&src, &dir.path().join("a"), "111111111111");
    copy(&src, &dir.path().join("b"), "222222222222");
    let one: serde_json::Value =
        serde_json::from_str(&ok(&["metrics", "examples/estate", "--format", "json"])).unwrap();
    let two: serde_json::Value = serde_json::from_str(&ok(&[
        "metrics",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    let posture = one["posture"]["overall"].as_u64().unwrap();
    assert!(posture > 0 && posture < 100, "{posture}");
    assert_eq!(one["summary"]["posture"], posture);
    assert_eq!(
        two["posture"]["overall"], posture,
        "the same habits, the same posture"
    );
    assert_eq!(one["summary"]["score"], 0);
    let accounts = two["posture"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    for a in accounts {
        assert_eq!(a["posture"], posture, "{a}");
    }
    assert!(!one["posture"]["clusters"].as_array().unwrap().is_empty());
    let text = ok(&["metrics", dir.path().to_str().unwrap()]);
    assert!(text.contains("Posture by account\n"), "{text}");
    assert_terminal_friendly("metrics", &text);
}

//! Every renderer and text report on the example estate, as reviewable snapshots: a change of
//! output shows as a diff in `core/tests/snapshots/`. Review with `cargo insta review`, or accept
//! with `INSTA_UPDATE=always cargo test -p ecs-posture-core --test snapshots`.

use std::path::{Path, PathBuf};

use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::finding::{Framework, Status};
use ecs_posture_core::render::{alert, asff, csv, json, markdown, sarif, table};
use ecs_posture_core::report::{self, text};
use ecs_posture_core::summary::summarize;
use ecs_posture_core::{Context, Options, Snapshot, evaluate, select};

/// 2026-01-01T00:00:00Z, the clock of every snapshot.
const NOW_MS: i64 = 1_767_225_600_000;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// The example estate, each document named by its path from the repository root.
fn estate() -> Snapshot {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = Vec::new();
    files(&root.join("examples/estate"), &mut paths);
    assert!(paths.len() > 5, "the example estate is there");
    let mut s = Snapshot::default();
    for p in paths {
        let name = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        s.add_document(&name, &std::fs::read_to_string(&p).unwrap())
            .unwrap();
    }
    s
}

fn evaluations(s: &Snapshot) -> Vec<Evaluation> {
    let opts = Options::default();
    let checks = select(&opts, &[], &[], None).unwrap();
    evaluate(s, &checks, &opts, &Context::for_snapshot(s))
}

fn failed(all: &[Evaluation]) -> Vec<&Evaluation> {
    all.iter().filter(|e| e.status == Status::Failed).collect()
}

#[test]
fn renderers() {
    let s = estate();
    let all = evaluations(&s);
    let shown = failed(&all);
    assert!(shown.len() > 20, "the example estate fails many checks");
    insta::assert_snapshot!("table", table::render(&all, &shown, 100, false));
    insta::assert_snapshot!("markdown", markdown::render(&all, &shown));
    insta::assert_snapshot!("csv", csv::render(&shown));
    insta::assert_snapshot!("json", json::render(&all, &shown));
    insta::assert_snapshot!("sarif", sarif::render(&shown, "0.0.0", &|_| Some(1)));
    // One finding per line, pretty printed for review.
    let asff_lines: Vec<String> = asff::render(&shown, &s, NOW_MS)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!("{v:#}")
        })
        .collect();
    insta::assert_snapshot!("asff", asff_lines.join("\n"));
}

#[test]
fn text_reports() {
    let s = estate();
    let all = evaluations(&s);
    let shown: Vec<&Evaluation> = all.iter().collect();
    let summary = summarize(shown.iter().copied());
    let services = report::services_by_task_definition(&s);
    insta::assert_snapshot!("summary", text::summary(&summary, &shown, &services));
    insta::assert_snapshot!("detailed", text::detailed(&summary, &shown, &services));
    insta::assert_snapshot!(
        "executive",
        text::executive(&summary, &shown, &services, &[])
    );
    let recs = report::recommendations(&shown, &services);
    insta::assert_snapshot!("recommendations", text::recommendations_text(&recs));
    let checks = select(&Options::default(), &[], &[], None).unwrap();
    let pci = report::compliance(Framework::PciDss, &shown, &checks, &services);
    insta::assert_snapshot!("compliance_pci_dss", text::compliance_text(&pci));
}

#[test]
fn alert_text() {
    let s = estate();
    let all = evaluations(&s);
    let ledger = std::collections::HashMap::new();
    let checks = select(&Options::default(), &[], &[], None).unwrap();
    let plan = ecs_posture_core::lifecycle::plan(&ecs_posture_core::lifecycle::PlanInput {
        evaluations: &all,
        ledger: &ledger,
        coverage: &Default::default(),
        checks_run: &checks,
        disabled_checks: &Default::default(),
        now_ms: NOW_MS,
        refresh_age_ms: ecs_posture_core::lifecycle::DEFAULT_REFRESH_AGE_MS,
        alert_threshold: ecs_posture_core::Severity::High,
    });
    assert!(!plan.alerts.is_empty());
    let a = alert::render(&plan.alerts, "111122223333", "eu-west-1");
    insta::assert_snapshot!("alert", format!("Subject: {}\n\n{}", a.subject, a.body));
}

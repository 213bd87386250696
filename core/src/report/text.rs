//! Text and Markdown renderings of reports. Lines fit 100 columns; no color codes.

use std::collections::BTreeMap;

use super::{
    ComplianceReport, ControlStatus, Metrics, Recommendation, ServicesByTaskDefinition,
    business_impact, recommendations, resource_label,
};
use crate::evaluation::Evaluation;
use crate::finding::{Severity, Status};
use crate::summary::Summary;

pub const WIDTH: usize = 100;

/// Word-wrap `text` to `WIDTH` columns with `indent` on every line.
pub fn wrap(text: &str, indent: &str) -> String {
    hang(text, indent, indent)
}

/// Word-wrap with `first` before the first line and `rest` before continuation lines.
pub fn hang(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for para in text.split('\n') {
        let mut indent = first;
        let mut line = String::from(indent);
        // Words longer than a line (commands, ARNs) are cut into line-sized pieces.
        let room = WIDTH
            .saturating_sub(rest.chars().count().max(first.chars().count()))
            .max(20);
        let pieces: Vec<String> = para
            .split_whitespace()
            .flat_map(|w| {
                let chars: Vec<char> = w.chars().collect();
                chars
                    .chunks(room)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect();
        for word in &pieces {
            if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > WIDTH
            {
                out.push_str(line.trim_end());
                out.push('\n');
                indent = rest;
                line = String::from(indent);
            }
            if line.len() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn counts_line(s: &Summary) -> String {
    let f = &s.failed_by_severity;
    format!(
        "{} critical, {} high, {} medium, {} low failed; {} passed, {} not applicable{}",
        f.critical,
        f.high,
        f.medium,
        f.low,
        s.by_status.passed,
        s.by_status.not_applicable,
        s.by_status.not_available_note()
    )
}

fn header(title: &str, s: &Summary) -> String {
    let mut out = format!("{title}\n{}\n", "=".repeat(title.len()));
    out.push_str(&format!(
        "Posture {}/100 (severity-weighted pass rate); score {}/100, risk level {}.\n{} resources, {} of them failing at least one check.\n",
        s.posture,
        s.score,
        s.risk_level.as_str(),
        s.resources,
        s.resources_failing
    ));
    out.push_str(&wrap(&counts_line(s), ""));
    out
}

/// Key figures, the findings by priority, and quick actions.
pub fn summary(s: &Summary, shown: &[&Evaluation], services: &ServicesByTaskDefinition) -> String {
    let mut out = header("ECS security summary", s);
    let recs = recommendations(shown, services);
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let at: Vec<&Recommendation> = recs.iter().filter(|r| r.severity == sev).collect();
        if at.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{sev} ({} checks failing)\n", at.len()));
        for r in at {
            out.push_str(&hang(
                &format!("{} [{}]", r.headline, r.check_id),
                "- ",
                "  ",
            ));
        }
    }
    if !recs.is_empty() {
        out.push_str("\nQuick actions\n");
        for (i, r) in recs.iter().take(5).enumerate() {
            out.push_str(&hang(
                &format!("{} ({})", r.steps, r.check_id),
                &format!("{}. ", i + 1),
                "   ",
            ));
        }
    } else {
        out.push_str("\nNo failing checks.\n");
    }
    out
}

/// Every finding with full context, grouped by resource.
pub fn detailed(s: &Summary, shown: &[&Evaluation], services: &ServicesByTaskDefinition) -> String {
    let mut out = header("ECS security report (detailed)", s);
    let mut groups: BTreeMap<String, Vec<&Evaluation>> = BTreeMap::new();
    for e in shown.iter().filter(|e| e.status == Status::Failed) {
        let label = resource_label(e, services);
        groups.entry(label).or_default().push(e);
    }
    for (label, mut list) in groups {
        list.sort_by(|a, b| {
            b.severity()
                .cmp(&a.severity())
                .then(a.check.id.cmp(b.check.id))
        });
        out.push_str(&format!(
            "\n{label}\n{}\n",
            "-".repeat(label.chars().count().min(WIDTH))
        ));
        for e in list {
            out.push_str(&wrap(
                &format!("[{}] {} ({})", e.severity(), e.check.title, e.check.id),
                "",
            ));
            for ev in e.evidence() {
                let prefix = ev
                    .container_name()
                    .map(|c| format!("Container: {c} | "))
                    .unwrap_or_default();
                out.push_str(&wrap(&format!("Found: {prefix}{ev}"), "    "));
            }
            out.push_str(&wrap(&format!("Why it matters: {}", e.check.risk), "    "));
            out.push_str(&wrap(
                &format!("How to fix: {}", e.check.remediation.text),
                "    ",
            ));
            out.push_str(&wrap(
                &format!(
                    "AWS CLI: {}",
                    e.check.remediation.cli.lines().next().unwrap_or("")
                ),
                "    ",
            ));
            let refs: Vec<String> = e
                .check
                .compliance
                .iter()
                .map(|c| format!("{} {}", c.framework.id(), c.control))
                .collect();
            out.push_str(&wrap(&format!("Compliance: {}", refs.join(", ")), "    "));
        }
    }
    out
}

/// One page for management.
pub fn executive(
    s: &Summary,
    shown: &[&Evaluation],
    services: &ServicesByTaskDefinition,
    trend: &[super::TrendPoint],
) -> String {
    let mut out = format!(
        "ECS security posture: executive summary\n{}\n",
        "=".repeat(39)
    );
    out.push_str(&wrap(
        &format!(
            "Posture {}/100: the severity-weighted share of security checks passed. Overall score {}/100 (risk level {}). {} of {} resources have at least one failing security check; {} issues are critical and {} high.",
            s.posture,
            s.score,
            s.risk_level.as_str(),
            s.resources_failing,
            s.resources,
            s.failed_by_severity.critical,
            s.failed_by_severity.high
        ),
        "",
    ));
    if let (Some(first), Some(last)) = (trend.first(), trend.last()) {
        let delta = i32::from(s.score) - i32::from(first.score);
        out.push_str(&wrap(
            &format!(
                "Trend: score {} -> {} -> {} now ({}{delta} since {}); failing checks {} -> {}.",
                first.score,
                last.score,
                s.score,
                if delta >= 0 { "+" } else { "" },
                first.label,
                first.failed,
                s.by_status.failed
            ),
            "",
        ));
    }
    let recs = recommendations(shown, services);
    out.push_str("\nTop risks\n");
    if recs.is_empty() {
        out.push_str("None: every evaluated check passes.\n");
    }
    for (i, r) in recs.iter().take(5).enumerate() {
        let category = crate::checks::catalog::find(r.check_id).map(|c| c.category);
        let affected = r.headline.split(" fail").next().unwrap_or("");
        out.push_str(&hang(
            &format!("{} ({}): {affected} affected.", r.title, r.severity),
            &format!("{}. ", i + 1),
            "   ",
        ));
        if let Some(c) = category {
            out.push_str(&wrap(
                &format!("Business impact: {}", business_impact(c)),
                "   ",
            ));
        }
    }
    out.push_str("\nNext step: fix the top risks above; `ecs-posture recommendations` lists the exact changes.\n");
    out
}

/// A snippet line, indented; a line too long for the terminal continues on the next lines.
fn code_line(l: &str) -> String {
    if l.chars().count() + 5 <= WIDTH {
        format!("     {l}\n")
    } else {
        hang(l, "     ", "         ")
    }
}

pub fn recommendations_text(recs: &[Recommendation]) -> String {
    if recs.is_empty() {
        return "No recommendations: every evaluated check passes.\n".to_owned();
    }
    let mut out = String::new();
    for (i, r) in recs.iter().enumerate() {
        out.push_str(&hang(
            &format!("[{}] {} ({})", r.severity, r.headline, r.check_id),
            &format!("{}. ", i + 1),
            "   ",
        ));
        out.push_str(&wrap(&format!("Why: {}", r.why), "   "));
        out.push_str(&wrap(&format!("Steps: {}", r.steps), "   "));
        out.push_str("   AWS CLI:\n");
        for l in r.cli.lines() {
            out.push_str(&code_line(l));
        }
        out.push_str("   CloudFormation:\n");
        for l in r.cloudformation.lines() {
            out.push_str(&code_line(l));
        }
        out.push_str("   Terraform:\n");
        for l in r.terraform.lines() {
            out.push_str(&code_line(l));
        }
        out.push('\n');
    }
    out
}

pub fn compliance_text(c: &ComplianceReport) -> String {
    let mut out = format!("{} ({})\n", c.title, c.framework);
    out.push_str(&format!(
        "{} controls evaluated: {} passed, {} failed, {} not applicable{}\n\n",
        c.controls.len(),
        c.passed,
        c.failed,
        c.not_applicable,
        c.percent
            .map(|p| format!("; {p}% of evaluated controls pass"))
            .unwrap_or_default()
    ));
    for ctl in &c.controls {
        let status = match ctl.status {
            ControlStatus::Passed => "PASSED",
            ControlStatus::Failed => "FAILED",
            ControlStatus::NotApplicable => "NOT APPLICABLE",
            ControlStatus::NotAvailable => "NOT AVAILABLE",
        };
        out.push_str(&format!(
            "{status:<15} {:<24} checks {}\n",
            ctl.control,
            ctl.checks.join(", ")
        ));
        for r in ctl.failing_resources.iter().take(10) {
            out.push_str(&wrap(r, "                  "));
        }
        if ctl.failing_resources.len() > 10 {
            out.push_str(&format!(
                "                  ...and {} more\n",
                ctl.failing_resources.len() - 10
            ));
        }
    }
    if !c.not_run.is_empty() {
        out.push_str(&wrap(
            &format!("\nNOT RUN (checks switched off): {}", c.not_run.join(", ")),
            "",
        ));
    }
    out.push_str(&wrap(&format!("\nNOT COVERED: {}", c.coverage_note), ""));
    out
}

pub fn metrics_text(m: &Metrics) -> String {
    let s = &m.summary;
    let mut out = format!(
        "Posture: {}/100 (severity-weighted pass rate)\nSecurity score: {}/100, risk level {}\n",
        s.posture,
        s.score,
        s.risk_level.as_str()
    );
    let p = &m.posture;
    for (title, groups, always) in [
        ("Posture by account", &p.accounts, false),
        ("Posture by account and region", &p.account_regions, false),
        ("Posture by cluster", &p.clusters, true),
    ] {
        if groups.is_empty() || (!always && groups.len() < 2) {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        for g in groups.iter() {
            out.push_str(&format!(
                "  {:<30} posture {:>3}, {} failed of {} evaluated\n",
                g.label, g.posture, g.failed, g.evaluations
            ));
        }
    }
    out.push_str("\nSeverity distribution (failed)\n");
    let max = [
        s.failed_by_severity.critical,
        s.failed_by_severity.high,
        s.failed_by_severity.medium,
        s.failed_by_severity.low,
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
    .max(1);
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let n = s.failed_by_severity.get(sev);
        out.push_str(&format!(
            "  {:<13} {:>5} {}\n",
            sev.as_str(),
            n,
            "#".repeat(n * 60 / max)
        ));
    }
    out.push_str("\nCategories (failed / passed)\n");
    for (c, n) in &m.categories {
        out.push_str(&format!("  {c:<22} {:>5} / {}\n", n.failed, n.passed));
    }
    out.push_str("\nFramework coverage (controls evaluated: passed, failed)\n");
    for f in &m.frameworks {
        out.push_str(&format!(
            "  {:<13} {:>3} controls: {:>3} passed, {:>3} failed{}\n",
            f.framework,
            f.controls,
            f.passed,
            f.failed,
            f.percent.map(|p| format!(" ({p}%)")).unwrap_or_default()
        ));
    }
    if !m.trend.is_empty() {
        out.push_str("\nTrend\n");
        for t in &m.trend {
            out.push_str(&format!(
                "  {:<30} score {:>3}{}, {} failed ({} critical, {} high)\n",
                t.label,
                t.score,
                t.posture
                    .map(|p| format!(", posture {p:>3}"))
                    .unwrap_or_default(),
                t.failed,
                t.critical,
                t.high
            ));
        }
        out.push_str(&format!(
            "  {:<30} score {:>3}, posture {:>3}, {} failed ({} critical, {} high)\n",
            "now",
            s.score,
            s.posture,
            s.by_status.failed,
            s.failed_by_severity.critical,
            s.failed_by_severity.high
        ));
    }
    out
}

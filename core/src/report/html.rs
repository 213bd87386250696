//! One self-contained HTML report (inline CSS and SVG, no network, printable).

use super::{ServicesByTaskDefinition, TrendPoint, recommendations, resource_label};
use crate::evaluation::Evaluation;
use crate::finding::{Severity, Status};
use crate::summary::Summary;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#7b1fa2",
        Severity::High => "#c62828",
        Severity::Medium => "#ef6c00",
        Severity::Low => "#1565c0",
        Severity::Informational => "#757575",
    }
}

/// A semicircle gauge of the score.
fn gauge(score: u8) -> String {
    let angle = std::f64::consts::PI * (1.0 - f64::from(score) / 100.0);
    let (x, y) = (100.0 + 80.0 * angle.cos(), 100.0 - 80.0 * angle.sin());
    let c = match score {
        80..=100 => "#2e7d32",
        60..=79 => "#f9a825",
        40..=59 => "#ef6c00",
        _ => "#c62828",
    };
    format!(
        r##"<svg viewBox="0 0 200 120" width="260" role="img" aria-label="score {score} of 100"><path d="M20,100 A80,80 0 0 1 180,100" fill="none" stroke="#e0e0e0" stroke-width="18"/><path d="M20,100 A80,80 0 0 1 {x:.1},{y:.1}" fill="none" stroke="{c}" stroke-width="18"/><text x="100" y="95" text-anchor="middle" font-size="34" font-weight="bold" fill="{c}">{score}</text><text x="100" y="115" text-anchor="middle" font-size="11" fill="#555">of 100</text></svg>"##
    )
}

/// Horizontal bars of failed findings by severity.
fn chart(s: &Summary) -> String {
    let rows = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    let max = rows
        .iter()
        .map(|r| s.failed_by_severity.get(*r))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = String::from(
        r#"<svg viewBox="0 0 420 130" width="420" role="img" aria-label="failed findings by severity">"#,
    );
    for (i, sev) in rows.iter().enumerate() {
        let n = s.failed_by_severity.get(*sev);
        let w = (n as f64 / max as f64 * 280.0).round();
        let y = 10 + i * 30;
        out.push_str(&format!(
            r#"<text x="0" y="{}" font-size="13">{}</text><rect x="90" y="{y}" width="{w}" height="20" fill="{}"/><text x="{}" y="{}" font-size="13">{n}</text>"#,
            y + 15,
            sev.as_str(),
            color(*sev),
            95.0 + w,
            y + 15
        ));
    }
    out.push_str("</svg>");
    out
}

pub fn render(
    s: &Summary,
    shown: &[&Evaluation],
    services: &ServicesByTaskDefinition,
    trend: &[TrendPoint],
    generated: &str,
) -> String {
    let mut rows = String::new();
    let mut failed: Vec<&&Evaluation> = shown
        .iter()
        .filter(|e| e.status == Status::Failed)
        .collect();
    failed.sort_by(|a, b| {
        b.severity()
            .cmp(&a.severity())
            .then(a.check.id.cmp(b.check.id))
    });
    for e in failed {
        rows.push_str(&format!(
            "<tr><td><span class=\"sev\" style=\"background:{}\">{}</span></td><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            color(e.severity()),
            e.severity(),
            esc(e.check.id),
            esc(e.check.title),
            esc(&resource_label(e, services)),
            esc(&crate::finding::join_evidence(e.evidence(), "; ")),
            esc(e.check.remediation.text)
        ));
    }
    let recs: String = recommendations(shown, services)
        .iter()
        .take(10)
        .map(|r| {
            format!(
                "<li><b>[{}]</b> {} <small>({})</small><br><small>{}</small></li>",
                r.severity,
                esc(&r.headline),
                r.check_id,
                esc(r.steps)
            )
        })
        .collect();
    let trend_html = if trend.is_empty() {
        String::new()
    } else {
        let items: String = trend
            .iter()
            .map(|t| {
                format!(
                    "<li>{}: score {}, {} failed</li>",
                    esc(&t.label),
                    t.score,
                    t.failed
                )
            })
            .collect();
        format!(
            "<h2>Trend</h2><ul>{items}<li>now: score {}, {} failed</li></ul>",
            s.score, s.by_status.failed
        )
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ECS security report</title>
<style>
body{{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#212121;max-width:1200px}}
h1{{margin:0 0 4px}} .muted{{color:#616161}} .cards{{display:flex;gap:32px;align-items:center;flex-wrap:wrap;margin:16px 0}}
table{{border-collapse:collapse;width:100%;font-size:13px}} th,td{{border-bottom:1px solid #e0e0e0;padding:6px;text-align:left;vertical-align:top}}
th{{background:#f5f5f5}} .sev{{color:#fff;border-radius:3px;padding:2px 6px;font-size:11px;font-weight:bold}}
@media print{{body{{margin:0}} tr{{page-break-inside:avoid}}}}
</style></head><body>
<h1>ECS security report</h1><div class="muted">Generated {generated} by ecs-posture</div>
<div class="cards"><div>{gauge}<div><b>Risk level {risk}</b></div></div><div>{chart}</div>
<div><b>Posture {posture}/100</b> (severity-weighted pass rate)<br>{resources} resources, {failing} failing<br>{failed} failed, {passed} passed, {na} not applicable</div></div>
{trend_html}
<h2>Top recommendations</h2><ol>{recs}</ol>
<h2>Findings</h2>
<table><thead><tr><th>Severity</th><th>Check</th><th>Resource</th><th>Evidence</th><th>Fix</th></tr></thead><tbody>
{rows}</tbody></table>
</body></html>
"#,
        gauge = gauge(s.score),
        posture = s.posture,
        risk = s.risk_level.as_str(),
        chart = chart(s),
        resources = s.resources,
        failing = s.resources_failing,
        failed = s.by_status.failed,
        passed = s.by_status.passed,
        na = s.by_status.not_applicable,
    )
}

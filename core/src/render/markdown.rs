//! Markdown, for pull request comments and wikis.

use crate::evaluation::Evaluation;
use crate::summary::summarize;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

pub fn render<'a>(all: impl IntoIterator<Item = &'a Evaluation>, shown: &[&Evaluation]) -> String {
    let s = summarize(all);
    let f = &s.failed_by_severity;
    let mut out = String::from("# ecs-posture report\n\n");
    out.push_str(&format!(
        "**Score:** {}/100 (risk level {})\n\n",
        s.score,
        s.risk_level.as_str()
    ));
    out.push_str("| Critical | High | Medium | Low | Passed | Not applicable |\n|---:|---:|---:|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n\n",
        f.critical, f.high, f.medium, f.low, s.by_status.passed, s.by_status.not_applicable
    ));
    if s.by_status.not_available > 0 {
        out.push_str(&format!(
            "{} evaluations are not available: a resource they need was not read.\n\n",
            s.by_status.not_available
        ));
    }
    let mut rows: Vec<&&Evaluation> = shown.iter().collect();
    rows.sort_by(|a, b| {
        b.severity()
            .cmp(&a.severity())
            .then(a.check.id.cmp(b.check.id))
    });
    if rows.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| Severity | Status | Check | Resource | Evidence |\n|---|---|---|---|---|\n");
    for e in rows {
        out.push_str(&format!(
            "| {} | {} | `{}` {} | {} `{}` | {} |\n",
            e.severity(),
            e.status,
            e.check.id,
            cell(e.check.title),
            e.resource.kind.label(),
            cell(&e.resource.name),
            cell(&if e.evidence().is_empty() {
                e.reason().unwrap_or("").to_owned()
            } else {
                crate::finding::join_evidence(e.evidence(), "; ")
            })
        ));
    }
    out
}

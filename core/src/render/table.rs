//! Terminal table: failed evaluations, worst first, then the summary.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use crate::evaluation::Evaluation;
use crate::finding::Severity;
use crate::summary::summarize;

fn color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Informational => Color::Grey,
    }
}

/// The longest text a cell line shows: table layout wraps every cell, at a cost that grows
/// faster than the text, so names and evidence are cut (the other formats keep them whole).
const MAX_CELL_LINE: usize = 240;

fn cell_line(s: &str) -> String {
    super::truncate(s, MAX_CELL_LINE)
}

/// `width` is the terminal width (or 100 when not a terminal); `colored` only on a TTY.
pub fn render(all: &[Evaluation], shown: &[&Evaluation], width: u16, colored: bool) -> String {
    let mut out = String::new();
    let mut rows: Vec<&&Evaluation> = shown.iter().collect();
    rows.sort_by(|a, b| {
        b.severity()
            .cmp(&a.severity())
            .then(a.check.id.cmp(b.check.id))
            .then(a.resource.name.cmp(&b.resource.name))
    });
    if !rows.is_empty() {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        if !colored {
            t.force_no_tty();
        }
        t.set_header(vec!["SEVERITY", "STATUS", "CHECK", "RESOURCE", "FINDING"]);
        for e in rows {
            let sev = Cell::new(e.severity().as_str());
            let sev = if colored {
                sev.fg(color(e.severity()))
            } else {
                sev
            };
            let detail = if e.evidence().is_empty() {
                e.reason()
                    .map(|r| format!("{}\n({r})", e.check.title))
                    .unwrap_or_else(|| e.check.title.to_owned())
            } else {
                let lines: Vec<String> = e
                    .evidence()
                    .iter()
                    .map(|ev| cell_line(&ev.to_string()))
                    .collect();
                format!("{}\n{}", e.check.title, lines.join("\n"))
            };
            t.add_row(vec![
                sev,
                Cell::new(e.status.as_str()),
                Cell::new(e.check.id),
                Cell::new(format!(
                    "{}\n{}",
                    e.resource.kind.label(),
                    cell_line(&e.resource.name)
                )),
                Cell::new(detail),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let s = summarize(all);
    let f = &s.failed_by_severity;
    let counts = format!(
        "{} resources, {} checks, {} evaluations:",
        s.resources, s.checks, s.evaluations
    );
    let statuses = format!(
        "{} failed, {} passed, {} not applicable{}",
        s.by_status.failed,
        s.by_status.passed,
        s.by_status.not_applicable,
        s.by_status.not_available_note()
    );
    // One line where it fits the table's 100 columns, else the statuses on their own.
    let sep = if counts.chars().count() + 1 + statuses.chars().count() <= 100 {
        " "
    } else {
        "\n"
    };
    out.push_str(&format!("\n{counts}{sep}{statuses}\n"));
    out.push_str(&format!(
        "Failed by severity: {} critical, {} high, {} medium, {} low, {} informational\n",
        f.critical, f.high, f.medium, f.low, f.informational
    ));
    out.push_str(&format!(
        "Score: {}/100, risk level {}\n",
        s.score,
        s.risk_level.as_str()
    ));
    out
}

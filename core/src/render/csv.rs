//! CSV, one row per evaluation shown.

use crate::evaluation::Evaluation;

fn field(s: &str) -> String {
    // Also neutralise spreadsheet formulas.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn render(shown: &[&Evaluation]) -> String {
    let mut out = String::from(
        "check_id,status,severity,category,resource_type,resource_arn,resource_name,title,evidence,source\n",
    );
    for e in shown {
        let row = [
            e.check.id,
            e.status.as_str(),
            e.severity().as_str(),
            e.check.category.as_str(),
            e.resource.kind.asff_type(),
            &e.resource.arn,
            &e.resource.name,
            e.check.title,
            &if e.evidence().is_empty() {
                e.reason().unwrap_or("").to_owned()
            } else {
                crate::finding::join_evidence(e.evidence(), "; ")
            },
            &e.resource.source,
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(super::field("=cmd"), "'=cmd");
    }
}

//! SARIF 2.1.0 for GitHub code scanning: one rule per check, one result per FAILED evaluation,
//! located at the scanned file.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::checks::Check;
use crate::evaluation::Evaluation;
use crate::finding::{Severity, Status};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}

fn rule(c: &Check) -> Value {
    let help = format!(
        "{}\n\nRisk: {}\n\nRemediation: {}\n\nAWS CLI:\n{}",
        c.description, c.risk, c.remediation.text, c.remediation.cli
    );
    json!({
        "id": c.id,
        "name": c.slug,
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": c.description},
        "help": {"text": help, "markdown": help},
        "helpUri": c.references.first().copied().unwrap_or("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security.html"),
        "defaultConfiguration": {"level": level(c.severity)},
        "properties": {
            "tags": ["security", "ecs", c.category.as_str()],
            "precision": "high",
            "security-severity": security_severity(c.severity),
        }
    })
}

fn uri(source: &str) -> String {
    let s = source.replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_owned();
    // Items of a list document carry `[i]` after the path.
    match s.find('[') {
        Some(i) if s.ends_with(']') => s[..i].to_owned(),
        _ => s,
    }
}

/// `lines` maps (source, needle) lookups for the region's start line; pass `|_, _| None` to
/// point at line 1.
pub fn render(
    shown: &[&Evaluation],
    version: &str,
    line_of: &dyn Fn(&Evaluation) -> Option<usize>,
) -> String {
    let failed: Vec<&&Evaluation> = shown
        .iter()
        .filter(|e| e.status == Status::Failed)
        .collect();
    let mut rules: BTreeMap<&str, (usize, &Check)> = BTreeMap::new();
    for e in &failed {
        let n = rules.len();
        rules.entry(e.check.id).or_insert((n, e.check));
    }
    let mut ordered: Vec<(usize, &Check)> = rules.values().copied().collect();
    ordered.sort_by_key(|(i, _)| *i);
    let results: Vec<Value> = failed
        .iter()
        .map(|e| {
            let message = if e.evidence().is_empty() {
                format!("{} ({})", e.check.title, e.resource.name)
            } else {
                format!("{}: {} ({})", e.check.title, crate::finding::join_evidence(e.evidence(), "; "), e.resource.name)
            };
            json!({
                "ruleId": e.check.id,
                "ruleIndex": rules.get(e.check.id).map(|r| r.0).unwrap_or(0),
                "level": level(e.severity()),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&e.resource.source)},
                        "region": {"startLine": line_of(e).unwrap_or(1)}
                    },
                    "logicalLocations": [{"name": e.resource.name, "fullyQualifiedName": e.resource.arn, "kind": "resource"}]
                }],
                "partialFingerprints": {"ecsPosture/v1": crate::evaluation::finding_id(e)},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecs-posture",
                "version": version,
                "informationUri": "https://github.com/ecs-posture/ecs-posture",
                "rules": ordered.iter().map(|(_, c)| rule(c)).collect::<Vec<_>>(),
            }},
            "results": results,
        }]
    });
    // A `Value` always serializes: its alternate Display is the pretty form.
    format!("{doc:#}")
}

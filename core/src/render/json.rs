//! The JSON contract: `{"evaluations": [...], "summary": {...}}`. Stable for users' pipelines.

use serde::Serialize;

use crate::evaluation::Evaluation;
use crate::finding::{ComplianceRef, Evidence, Related};
use crate::summary::{Summary, summarize};

#[derive(Serialize)]
pub struct JsonResource<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub arn: &'a str,
    pub name: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<&'a str>,
    pub source: &'a str,
}

#[derive(Serialize)]
pub struct JsonEvaluation<'a> {
    pub check_id: &'static str,
    pub slug: &'static str,
    pub title: &'static str,
    pub status: &'static str,
    pub severity: &'static str,
    pub category: &'static str,
    pub resource: JsonResource<'a>,
    pub compliance: &'static [ComplianceRef],
    pub evidence: &'a [Evidence],
    /// The surrounding resources the verdict is about (`[{type, arn}]`).
    #[serde(skip_serializing_if = "<[Related]>::is_empty")]
    pub related_resources: &'a [Related],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

pub fn evaluation(e: &Evaluation) -> JsonEvaluation<'_> {
    JsonEvaluation {
        check_id: e.check.id,
        slug: e.check.slug,
        title: e.check.title,
        status: e.status.as_str(),
        severity: e.severity().as_str(),
        category: e.check.category.as_str(),
        resource: JsonResource {
            kind: e.resource.kind.asff_type(),
            arn: &e.resource.arn,
            name: &e.resource.name,
            account: e.resource.account(),
            region: e.resource.region(),
            cluster: e.resource.cluster.as_deref(),
            source: &e.resource.source,
        },
        compliance: e.check.compliance,
        evidence: e.evidence(),
        related_resources: e.related(),
        reason: e.reason(),
    }
}

#[derive(Serialize)]
struct Report<'a> {
    evaluations: Vec<JsonEvaluation<'a>>,
    summary: Summary,
}

/// Render all evaluations (the summary always counts all of them; `shown` selects which are
/// listed).
pub fn render(all: &[Evaluation], shown: &[&Evaluation]) -> String {
    let report = Report {
        evaluations: shown.iter().map(|e| evaluation(e)).collect(),
        summary: summarize(all),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

//! AWS Security Finding Format: `BatchImportFindings` input, every field within its limit.
//!
//! Identity is deterministic: the finding Id derives from account, region, check id and resource
//! ARN only, so rescans update findings instead of duplicating them. Environment values, command
//! arguments, labels and tags are never copied into a finding.

pub mod details;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

pub use details::{ResourceDetails, resource_details};

use super::time::rfc3339_millis;
use super::truncate;
use crate::evaluation::{Evaluation, finding_id_for};
use crate::finding::{Framework, Severity, Status};
use crate::lifecycle::{Import, RecordState};
use crate::model::Snapshot;

pub const SCHEMA_VERSION: &str = "2018-10-08";
pub const PRODUCT_NAME: &str = "ecs-posture";
pub const MAX_FINDINGS_PER_BATCH: usize = 100;
pub const MAX_BATCH_BYTES: usize = 6 * 1000 * 1000;
pub const MAX_FINDING_BYTES: usize = 240 * 1000;
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;
const MAX_RECOMMENDATION: usize = 512;
const MAX_PRODUCT_FIELD: usize = 2048;
const MAX_REQUIREMENTS: usize = 32;

/// The account's default custom-integration product ARN.
pub fn product_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default")
}

/// The partition of the resource's ARN; for an identifier that is not an ARN (an account),
/// the partition of its region.
pub(crate) fn partition_of<'a>(arn: &'a str, region: &str) -> &'a str {
    crate::model::Arn::parse(arn)
        .map(|a| a.partition)
        .filter(|p| !p.is_empty())
        .unwrap_or(crate::fleet::partition_of(region))
}

/// The region of a related resource: its ARN's, else the finding's (global resources, ids).
pub(crate) fn region_of<'a>(arn: &'a str, region: &'a str) -> &'a str {
    crate::model::Arn::parse(arn)
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .unwrap_or(region)
}

/// The standard a framework's controls belong to, as `Compliance.RelatedRequirements` and
/// OCSF `compliance.standards` name it.
pub fn standard(f: Framework) -> &'static str {
    match f {
        Framework::AwsFsbp => "AWS Foundational Security Best Practices v1.0.0",
        Framework::AwsConfig => "AWS Config",
        Framework::Nist80053 => "NIST.800-53.r5",
        Framework::PciDss => "PCI DSS v4.0",
        Framework::Hipaa => "HIPAA",
        Framework::Soc2 => "SOC 2",
        Framework::Cis => "CIS Docker Benchmark v1.6.0",
    }
}

/// One requirement as `Compliance.RelatedRequirements` lists it (`NIST.800-53.r5 AC-6`,
/// `AWS Foundational Security Best Practices v1.0.0/ECS.4`).
pub fn requirement(f: Framework, control: &str) -> String {
    let separator = if f == Framework::Nist80053 { ' ' } else { '/' };
    format!("{}{separator}{control}", standard(f))
}

/// What a finding is about: an evaluation, or a ledger entry whose resource is gone.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub check: &'static crate::checks::Check,
    pub resource_type: &'a str,
    pub arn: &'a str,
    /// The account and region the finding belongs to (an account resource's identifier,
    /// `AWS::::Account:<id>`, names no region).
    pub account: &'a str,
    pub region: &'a str,
    pub name: &'a str,
    pub cluster: Option<&'a str>,
    pub evidence: Cow<'a, [String]>,
    /// The surrounding resources the finding is about, listed after the primary resource.
    pub related: &'a [crate::finding::Related],
    /// The check's severity, or the one its verdict raised it to.
    pub severity: Severity,
}

impl<'a> Subject<'a> {
    pub fn of(e: &'a Evaluation) -> Subject<'a> {
        Subject {
            check: e.check,
            resource_type: e.resource.kind.asff_type(),
            arn: &e.resource.arn,
            account: e.resource.account(),
            region: e.resource.region(),
            name: &e.resource.name,
            cluster: e.resource.cluster.as_deref(),
            evidence: Cow::Owned(e.evidence_lines()),
            related: e.related(),
            severity: e.severity(),
        }
    }
}

/// One finding as `BatchImportFindings` takes it: the fields ecs-posture sets, named as ASFF
/// names them. The AWS SDK conversion maps these field to field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub schema_version: &'static str,
    pub id: String,
    pub product_arn: String,
    pub product_name: &'static str,
    pub company_name: &'static str,
    pub generator_id: &'static str,
    pub aws_account_id: String,
    pub region: String,
    pub types: Vec<&'static str>,
    pub created_at: String,
    pub updated_at: String,
    pub first_observed_at: String,
    pub last_observed_at: String,
    pub severity: FindingSeverity,
    pub finding_provider_fields: FindingProviderFields,
    pub title: String,
    pub description: String,
    pub remediation: Remediation,
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<Resource>,
    pub compliance: Compliance,
    pub record_state: RecordState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingSeverity {
    pub label: Severity,
    pub original: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingProviderFields {
    pub severity: FindingSeverity,
    pub types: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Remediation {
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    pub text: String,
    pub url: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    pub r#type: String,
    pub id: String,
    pub partition: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ResourceDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compliance {
    pub status: ComplianceStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
}

/// ASFF `Compliance.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceStatus {
    Passed,
    Failed,
    NotAvailable,
}

impl Finding {
    /// The finding as JSON with its keys in order, as every file and line output shows it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|e| {
            // Serializing plain structs of strings, numbers and maps cannot fail.
            json!({"Id": self.id, "SerializationError": e.to_string()})
        })
    }

    /// The size of the finding in a request body.
    pub fn json_len(&self) -> usize {
        serde_json::to_vec(self).map_or(0, |v| v.len())
    }
}

/// ASFF allows at most 32 resources per finding.
const MAX_RESOURCES: usize = 32;

/// Build one ASFF finding. `details` comes from [`resource_details`].
pub fn finding(e: &Evaluation, details: Option<&ResourceDetails>, import: &Import) -> Finding {
    subject_finding(&Subject::of(e), details, import)
}

/// Build one ASFF finding for any subject.
pub fn subject_finding(
    e: &Subject<'_>,
    details: Option<&ResourceDetails>,
    import: &Import,
) -> Finding {
    let c = e.check;
    let (account, region) = (e.account, e.region);
    let partition = partition_of(e.arn, region);
    let label = match import.compliance {
        Status::Failed => e.severity,
        _ => Severity::Informational,
    };
    let severity = FindingSeverity {
        label,
        original: e.severity,
    };
    let types: Vec<&'static str> = c.types.iter().copied().take(50).collect();
    let mut description = c.description.to_owned();
    if import.compliance == Status::Failed && !e.evidence.is_empty() {
        description = format!("{}\n\nFound: {}", c.description, e.evidence.join("; "));
    }
    let mut requirements: Vec<String> = c
        .compliance
        .iter()
        .filter(|x| x.framework != Framework::AwsConfig)
        .map(|x| requirement(x.framework, x.control))
        .collect();
    requirements.truncate(MAX_REQUIREMENTS);
    let mut product_fields = BTreeMap::new();
    let mut pf = |k: &str, v: &str| {
        let v = v.trim();
        if !v.is_empty() {
            product_fields.insert(format!("ecs-posture/{k}"), truncate(v, MAX_PRODUCT_FIELD));
        }
    };
    pf("CheckId", c.id);
    pf("Slug", c.slug);
    pf("Category", c.category.as_str());
    pf("ResourceName", e.name);
    pf("Evidence", &e.evidence.join("; "));
    if let Some(cluster) = e.cluster {
        pf("Cluster", cluster);
    }
    let url = c
        .references
        .first()
        .copied()
        .unwrap_or("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security.html");
    let mut f = Finding {
        schema_version: SCHEMA_VERSION,
        id: finding_id_for(account, region, c.id, e.arn),
        product_arn: product_arn(partition, region, account),
        product_name: PRODUCT_NAME,
        company_name: PRODUCT_NAME,
        generator_id: c.id,
        aws_account_id: account.to_owned(),
        region: region.to_owned(),
        types: types.clone(),
        created_at: rfc3339_millis(import.created_at_ms),
        updated_at: rfc3339_millis(import.updated_at_ms),
        first_observed_at: rfc3339_millis(import.first_observed_ms),
        last_observed_at: rfc3339_millis(import.updated_at_ms),
        severity,
        finding_provider_fields: FindingProviderFields { severity, types },
        title: truncate(c.title, MAX_TITLE),
        description: truncate(&description, MAX_DESCRIPTION),
        remediation: Remediation {
            recommendation: Recommendation {
                text: truncate(c.remediation.text, MAX_RECOMMENDATION),
                url,
            },
        },
        product_fields,
        resources: std::iter::once(Resource {
            r#type: e.resource_type.to_owned(),
            id: e.arn.to_owned(),
            partition: partition.to_owned(),
            region: region.to_owned(),
            details: details.cloned(),
        })
        .chain(e.related.iter().take(MAX_RESOURCES - 1).map(|r| Resource {
            r#type: r.resource_type.to_owned(),
            id: r.arn.clone(),
            partition: partition.to_owned(),
            region: region_of(&r.arn, region).to_owned(),
            details: None,
        }))
        .collect(),
        compliance: Compliance {
            status: match import.compliance {
                Status::Failed => ComplianceStatus::Failed,
                Status::Passed => ComplianceStatus::Passed,
                Status::NotApplicable | Status::NotAvailable => ComplianceStatus::NotAvailable,
            },
            related_requirements: requirements,
        },
        record_state: import.record_state,
    };
    if f.json_len() > MAX_FINDING_BYTES {
        for r in &mut f.resources {
            r.details = None;
        }
    }
    f
}

/// Split findings into `BatchImportFindings` batches of at most 100 findings and 6 MB.
pub fn batches(findings: Vec<Finding>) -> Vec<Vec<Finding>> {
    let mut out: Vec<Vec<Finding>> = Vec::new();
    let mut cur: Vec<Finding> = Vec::new();
    let mut bytes = 0usize;
    for f in findings {
        let size = f.json_len() + 1;
        if !cur.is_empty()
            && (cur.len() == MAX_FINDINGS_PER_BATCH || bytes + size > MAX_BATCH_BYTES)
        {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        bytes += size;
        cur.push(f);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The CLI's `--format asff`: FAILED evaluations as first imports at `now_ms`, one
/// `{"Findings": [...]}` batch per line (each line is valid `BatchImportFindings` input).
pub fn render(shown: &[&Evaluation], snapshot: &Snapshot, now_ms: i64) -> String {
    let findings: Vec<Finding> = shown
        .iter()
        .filter(|e| e.status == Status::Failed)
        .map(|e| {
            finding(
                e,
                resource_details(snapshot, e).as_ref(),
                &Import::new_at(Status::Failed, now_ms),
            )
        })
        .collect();
    let mut out = String::new();
    for b in batches(findings) {
        out.push_str(&batch_json(&b).to_string());
        out.push('\n');
    }
    out
}

/// One `BatchImportFindings` input: `{"Findings": [...]}`.
pub fn batch_json(batch: &[Finding]) -> Value {
    json!({"Findings": batch.iter().map(Finding::to_json).collect::<Vec<_>>()})
}

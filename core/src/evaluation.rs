//! One check's verdict on one resource ([`Evaluation`]), the [`Resource`] it is about, and the
//! finding Id that identifies it in Security Hub. Sits between the checks (which produce
//! outcomes) and the engine, the lifecycle and the renderers (which consume evaluations).

use sha2::{Digest, Sha256};
use std::sync::Arc;

use crate::checks::Check;
use crate::finding::{Evidence, Outcome, Related, ResourceKind, Severity, Status, Verdict};

/// The resource an evaluation is about. Shared by every evaluation of that resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    pub kind: ResourceKind,
    /// The ARN, or a synthesized ARN of the same form for definitions not registered yet.
    pub arn: String,
    /// A short human name (`family:revision`, service name, cluster name).
    pub name: String,
    /// The file (or API call) the resource was read from.
    pub source: Arc<str>,
    /// The cluster the resource belongs to, where known.
    pub cluster: Option<String>,
    /// Position of the resource in its kind's list in the snapshot it was evaluated from.
    pub index: usize,
    /// The partition and region of a resource whose identifier is not an ARN (an account).
    pub home: Option<Box<(String, String)>>,
}

/// The identifier Security Hub gives an account (`AWS::::Account:<id>`).
pub const ACCOUNT_ID_PREFIX: &str = "AWS::::Account:";

impl Resource {
    /// The account in the resource's ARN (synthesized ARNs carry the scan's account), or the
    /// account an `AWS::::Account:<id>` resource is.
    pub fn account(&self) -> &str {
        match crate::model::Arn::parse(&self.arn) {
            Some(a) => a.account,
            None => self.arn.strip_prefix(ACCOUNT_ID_PREFIX).unwrap_or(""),
        }
    }

    pub fn region(&self) -> &str {
        crate::model::Arn::parse(&self.arn)
            .map(|a| a.region)
            .filter(|r| !r.is_empty())
            .or(self.home.as_ref().map(|h| &*h.1))
            .unwrap_or("")
    }

    pub fn partition(&self) -> &str {
        crate::model::Arn::parse(&self.arn)
            .map(|a| a.partition)
            .filter(|p| !p.is_empty())
            .or(self.home.as_ref().map(|h| &*h.0))
            .unwrap_or("aws")
    }
}

/// One check's verdict on one resource. Kept small (64 bytes): an estate evaluation holds one
/// per check and resource.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub check: &'static Check,
    pub status: Status,
    pub resource: Arc<Resource>,
    /// The check's severity, or the one the verdict raised it to (what is reachable).
    severity: Severity,
    detail: Detail,
    /// What surrounds the resource and the verdict is about (empty for ECS-only checks).
    related: Box<[Related]>,
}

#[derive(Debug, Clone)]
enum Detail {
    None,
    Evidence(Box<[Evidence]>),
    Reason(&'static str),
    Unknown(Box<str>),
}

impl Evaluation {
    pub fn new(check: &'static Check, resource: Arc<Resource>, outcome: Outcome) -> Evaluation {
        let (status, detail) = match outcome {
            Outcome::Passed => (Status::Passed, Detail::None),
            Outcome::Failed(e) => (Status::Failed, Detail::Evidence(e.into_boxed_slice())),
            Outcome::NotApplicable(r) => (Status::NotApplicable, Detail::Reason(r)),
            Outcome::NotAvailable(r) => (Status::NotAvailable, Detail::Unknown(r.into())),
        };
        Evaluation {
            check,
            status,
            resource,
            severity: check.severity,
            detail,
            related: Box::default(),
        }
    }

    /// A verdict on what surrounds the resource: its outcome, related resources and severity.
    pub fn of_verdict(check: &'static Check, resource: Arc<Resource>, v: Verdict) -> Evaluation {
        let mut e = Evaluation::new(check, resource, v.outcome).with_related(v.related);
        if let Some(s) = v.severity {
            e.severity = s;
        }
        e
    }

    /// With the resources around the primary one that the verdict is about.
    pub fn with_related(mut self, related: Vec<Related>) -> Evaluation {
        self.related = related.into_boxed_slice();
        self
    }

    /// The surrounding resources the verdict is about, in the order the check named them.
    pub fn related(&self) -> &[Related] {
        &self.related
    }

    /// What was found, naming containers and fields; never a secret value. Empty unless FAILED.
    pub fn evidence(&self) -> &[Evidence] {
        match &self.detail {
            Detail::Evidence(e) => e,
            _ => &[],
        }
    }

    /// Why the check did not apply (NOT_APPLICABLE), or what could not be read
    /// (NOT_AVAILABLE).
    pub fn reason(&self) -> Option<&str> {
        match &self.detail {
            Detail::Reason(r) => Some(r),
            Detail::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// Why the check did not apply (NOT_APPLICABLE only).
    pub fn not_applicable_reason(&self) -> Option<&'static str> {
        match self.detail {
            Detail::Reason(r) => Some(r),
            _ => None,
        }
    }

    /// The evidence as text lines (`container web: privileged = true`).
    pub fn evidence_lines(&self) -> Vec<String> {
        self.evidence().iter().map(ToString::to_string).collect()
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    pub fn is_failed(&self) -> bool {
        self.status == Status::Failed
    }
}

/// `ecs-posture/<region>/<account>/<check>/<sha256(resource ARN) as 32 hex chars>`.
pub fn finding_id(e: &Evaluation) -> String {
    finding_id_for(
        e.resource.account(),
        e.resource.region(),
        e.check.id,
        &e.resource.arn,
    )
}

/// The finding Id from its parts: account, region, check id and resource ARN only, never the
/// run, the status or the text, so rescans update findings instead of duplicating them.
pub fn finding_id_for(account: &str, region: &str, check_id: &str, resource_arn: &str) -> String {
    let digest = Sha256::digest(resource_arn.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("ecs-posture/{region}/{account}/{check_id}/{hex}")
}

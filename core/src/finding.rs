//! What an evaluation says: status, severity, the resource, evidence, compliance references.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::checks::Check;

/// Severity, ordered so thresholds are comparisons (`sev >= Severity::High`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// ASFF `Severity.Normalized` for the label, as Security Hub derives it.
    pub fn normalized(self) -> u8 {
        match self {
            Severity::Informational => 0,
            Severity::Low => 1,
            Severity::Medium => 40,
            Severity::High => 70,
            Severity::Critical => 90,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "INFORMATIONAL" | "INFO" => Ok(Severity::Informational),
            "LOW" => Ok(Severity::Low),
            "MEDIUM" => Ok(Severity::Medium),
            "HIGH" => Ok(Severity::High),
            "CRITICAL" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity {s:?} (expected critical, high, medium, low or informational)"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Failed,
    Passed,
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "FAILED",
            Status::Passed => "PASSED",
            Status::NotApplicable => "NOT_APPLICABLE",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of resource checks evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResourceKind {
    TaskDefinition,
    Service,
    TaskSet,
    Cluster,
    CapacityProvider,
    ContainerInstance,
}

impl ResourceKind {
    /// The ASFF `Resources[].Type`; ASFF has no type for task sets, capacity providers and
    /// container instances, so those use names of the same form.
    pub fn asff_type(self) -> &'static str {
        match self {
            ResourceKind::TaskDefinition => "AwsEcsTaskDefinition",
            ResourceKind::Service => "AwsEcsService",
            ResourceKind::TaskSet => "AwsEcsTaskSet",
            ResourceKind::Cluster => "AwsEcsCluster",
            ResourceKind::CapacityProvider => "AwsEcsCapacityProvider",
            ResourceKind::ContainerInstance => "AwsEcsContainerInstance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::TaskDefinition => "Task Definition",
            ResourceKind::Service => "Service",
            ResourceKind::TaskSet => "Task Set",
            ResourceKind::Cluster => "Cluster",
            ResourceKind::CapacityProvider => "Capacity Provider",
            ResourceKind::ContainerInstance => "Container Instance",
        }
    }
}

/// Compliance frameworks the catalog maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Framework {
    #[serde(rename = "aws-fsbp")]
    AwsFsbp,
    #[serde(rename = "aws-config")]
    AwsConfig,
    #[serde(rename = "nist-800-53")]
    Nist80053,
    #[serde(rename = "pci-dss")]
    PciDss,
    #[serde(rename = "hipaa")]
    Hipaa,
    #[serde(rename = "soc2")]
    Soc2,
    #[serde(rename = "cis")]
    Cis,
}

impl Framework {
    pub const ALL: [Framework; 7] = [
        Framework::AwsFsbp,
        Framework::AwsConfig,
        Framework::Nist80053,
        Framework::PciDss,
        Framework::Hipaa,
        Framework::Soc2,
        Framework::Cis,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Framework::AwsFsbp => "aws-fsbp",
            Framework::AwsConfig => "aws-config",
            Framework::Nist80053 => "nist-800-53",
            Framework::PciDss => "pci-dss",
            Framework::Hipaa => "hipaa",
            Framework::Soc2 => "soc2",
            Framework::Cis => "cis",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Framework::AwsFsbp => "AWS Foundational Security Best Practices (Security Hub)",
            Framework::AwsConfig => "AWS Config managed rules",
            Framework::Nist80053 => "NIST SP 800-53 Rev. 5",
            Framework::PciDss => "PCI DSS v4.0",
            Framework::Hipaa => "HIPAA Security Rule (45 CFR 164)",
            Framework::Soc2 => "SOC 2 Trust Services Criteria",
            Framework::Cis => "CIS Docker Benchmark v1.6.0",
        }
    }
}

impl FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.to_ascii_lowercase();
        Framework::ALL
            .into_iter()
            .find(|f| {
                f.id() == l
                    || (l == "aws-foundational" && *f == Framework::AwsFsbp)
                    || (l == "nist" && *f == Framework::Nist80053)
            })
            .ok_or_else(|| {
                let ids: Vec<&str> = Framework::ALL.iter().map(|f| f.id()).collect();
                format!(
                    "unknown framework {s:?} (expected one of {})",
                    ids.join(", ")
                )
            })
    }
}

/// One control of one framework that a check supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ComplianceRef {
    pub framework: Framework,
    pub control: &'static str,
}

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
}

impl Resource {
    /// The account in the resource's ARN (synthesized ARNs carry the scan's account).
    pub fn account(&self) -> &str {
        crate::model::Arn::parse(&self.arn)
            .map(|a| a.account)
            .unwrap_or("")
    }

    pub fn region(&self) -> &str {
        crate::model::Arn::parse(&self.arn)
            .map(|a| a.region)
            .unwrap_or("")
    }

    pub fn partition(&self) -> &str {
        crate::model::Arn::parse(&self.arn)
            .map(|a| a.partition)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
    }
}

/// One check's verdict on one resource. Kept small (48 bytes): an estate evaluation holds one
/// per check and resource.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub check: &'static Check,
    pub status: Status,
    pub resource: Arc<Resource>,
    detail: Detail,
}

#[derive(Debug, Clone)]
enum Detail {
    None,
    Evidence(Box<[String]>),
    Reason(&'static str),
}

impl Evaluation {
    pub fn new(check: &'static Check, resource: Arc<Resource>, outcome: Outcome) -> Evaluation {
        let (status, detail) = match outcome {
            Outcome::Passed => (Status::Passed, Detail::None),
            Outcome::Failed(e) => (Status::Failed, Detail::Evidence(e.into_boxed_slice())),
            Outcome::NotApplicable(r) => (Status::NotApplicable, Detail::Reason(r)),
        };
        Evaluation {
            check,
            status,
            resource,
            detail,
        }
    }

    /// What was found, naming containers and fields; never a secret value. Empty unless FAILED.
    pub fn evidence(&self) -> &[String] {
        match &self.detail {
            Detail::Evidence(e) => e,
            _ => &[],
        }
    }

    /// Why the check did not apply (NOT_APPLICABLE only).
    pub fn reason(&self) -> Option<&'static str> {
        match self.detail {
            Detail::Reason(r) => Some(r),
            _ => None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.check.severity
    }

    pub fn is_failed(&self) -> bool {
        self.status == Status::Failed
    }
}

/// A check's verdict before it is attached to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(Vec<String>),
    NotApplicable(&'static str),
}

impl Outcome {
    /// Failed with this evidence, or passed when there is none.
    pub fn fail_if_any(evidence: Vec<String>) -> Outcome {
        if evidence.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(evidence)
        }
    }

    pub fn na(reason: &'static str) -> Outcome {
        Outcome::NotApplicable(reason)
    }
}

//! The vocabulary of findings: severity, status, resource kinds, frameworks and compliance
//! references, and what a check concludes ([`Outcome`] with typed [`Evidence`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

    /// One level lower (INFORMATIONAL stays).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Informational => Severity::Informational,
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
    /// The check needed a resource the scan could not read (a security group, a load
    /// balancer): unknown, never passing; the lifecycle neither imports nor archives it.
    NotAvailable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "FAILED",
            Status::Passed => "PASSED",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::NotAvailable => "NOT_AVAILABLE",
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
    /// An account in one region: settings that protect the ECS workloads running there.
    Account,
    /// An ECS Managed Daemons daemon task definition.
    DaemonTaskDefinition,
    /// An ECS Managed Daemons daemon.
    Daemon,
    /// An ECS Gateway (the shared load balancers ECS manages in front of services).
    Gateway,
}

impl ResourceKind {
    /// The ASFF `Resources[].Type`; ASFF has no type for task sets, capacity providers,
    /// container instances, daemon task definitions, daemons and gateways, so those use names of the same
    /// form (with `Details.Other`).
    pub fn asff_type(self) -> &'static str {
        match self {
            ResourceKind::TaskDefinition => "AwsEcsTaskDefinition",
            ResourceKind::Service => "AwsEcsService",
            ResourceKind::TaskSet => "AwsEcsTaskSet",
            ResourceKind::Cluster => "AwsEcsCluster",
            ResourceKind::CapacityProvider => "AwsEcsCapacityProvider",
            ResourceKind::ContainerInstance => "AwsEcsContainerInstance",
            ResourceKind::Account => "AwsAccount",
            ResourceKind::DaemonTaskDefinition => "AwsEcsDaemonTaskDefinition",
            ResourceKind::Daemon => "AwsEcsDaemon",
            ResourceKind::Gateway => "AwsEcsGateway",
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
            ResourceKind::Account => "Account",
            ResourceKind::DaemonTaskDefinition => "Daemon Task Definition",
            ResourceKind::Daemon => "Daemon",
            ResourceKind::Gateway => "Gateway",
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

/// What a check found on a resource: the container (for container-level findings), the field
/// and a short text. Never a secret value: evidence names where a value is, not what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Evidence {
    /// The container the finding is about (`None` for the resource as a whole).
    pub container: Option<Box<str>>,
    /// The API field the finding is about (`privileged`, `networkMode`, ...), where one field is.
    pub field: Option<&'static str>,
    /// What was found (`privileged = true`).
    pub text: Box<str>,
}

impl Evidence {
    /// Evidence about the resource as a whole.
    pub fn of(text: impl Into<String>) -> Evidence {
        Evidence {
            container: None,
            field: None,
            text: text.into().into_boxed_str(),
        }
    }

    /// Evidence about one container.
    pub fn container(name: &str, text: impl Into<String>) -> Evidence {
        Evidence {
            container: Some(name.into()),
            field: None,
            text: text.into().into_boxed_str(),
        }
    }

    /// Name the API field the evidence is about.
    pub fn field(mut self, field: &'static str) -> Evidence {
        self.field = Some(field);
        self
    }

    pub fn container_name(&self) -> Option<&str> {
        self.container.as_deref()
    }
}

/// `container web: privileged = true`, or the text alone for the resource as a whole.
impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.container {
            Some(c) => write!(f, "container {c}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// Evidence serializes as its text line, as every output shows it.
impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<String> for Evidence {
    fn from(text: String) -> Evidence {
        Evidence::of(text)
    }
}

impl From<&str> for Evidence {
    fn from(text: &str) -> Evidence {
        Evidence::of(text)
    }
}

/// Evidence lines joined by `sep`, as every text output shows them.
pub fn join_evidence(evidence: &[Evidence], sep: &str) -> String {
    let mut out = String::new();
    for (i, e) in evidence.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&e.to_string());
    }
    out
}

/// A check's verdict before it is attached to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(Vec<Evidence>),
    NotApplicable(&'static str),
    /// What the check needed could not be read (names it, never a value).
    NotAvailable(String),
}

impl Outcome {
    /// Failed with this evidence, or passed when there is none.
    pub fn fail_if_any<E: Into<Evidence>>(evidence: Vec<E>) -> Outcome {
        if evidence.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed(evidence.into_iter().map(Into::into).collect())
        }
    }

    /// Failed with this evidence.
    pub fn failed<E: Into<Evidence>>(evidence: impl IntoIterator<Item = E>) -> Outcome {
        Outcome::Failed(evidence.into_iter().map(Into::into).collect())
    }

    pub fn na(reason: &'static str) -> Outcome {
        Outcome::NotApplicable(reason)
    }

    /// Unknown: `what` could not be read.
    pub fn unknown(what: impl Into<String>) -> Outcome {
        Outcome::NotAvailable(what.into())
    }
}

/// A check's verdict on an ECS resource judged by what surrounds it: the outcome, the
/// surrounding resources it is about, and the severity when what is reachable raises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub related: Vec<Related>,
    pub severity: Option<Severity>,
}

impl Verdict {
    pub fn of(outcome: Outcome) -> Verdict {
        Verdict {
            outcome,
            related: Vec::new(),
            severity: None,
        }
    }

    pub fn related(mut self, related: Vec<Related>) -> Verdict {
        self.related = related;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Verdict {
        self.severity = Some(severity);
        self
    }

    /// Whether this verdict's label can reach what [`Verdict::combine`] makes of it: a failing
    /// or unknown part's label does, a passing or not applicable one's never (so callers build
    /// labels only then).
    pub fn labelled(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_) | Outcome::NotAvailable(_))
    }

    /// One verdict from the verdicts on each place a resource runs (a service's own network
    /// configuration and its task sets'), each labelled (`task set ecs-svc/1`) or not: FAILED
    /// when any place fails (its evidence prefixed with its label), else NOT_AVAILABLE when any
    /// place could not be judged, else PASSED when any passed, else NOT_APPLICABLE. Related
    /// resources are those of the places that decide; the severity is the highest raised by a
    /// failing place (raises only: a check's default is the floor).
    pub fn combine<L: AsRef<str>>(parts: Vec<(Option<L>, Verdict)>) -> Verdict {
        fn rank(o: &Outcome) -> u8 {
            match o {
                Outcome::Failed(_) => 3,
                Outcome::NotAvailable(_) => 2,
                Outcome::Passed => 1,
                Outcome::NotApplicable(_) => 0,
            }
        }
        let Some(top) = parts.iter().map(|(_, v)| rank(&v.outcome)).max() else {
            return Verdict::of(Outcome::na("nothing to judge"));
        };
        let related_count: usize = parts
            .iter()
            .filter(|(_, v)| rank(&v.outcome) == top)
            .map(|(_, v)| v.related.len())
            .sum();
        let mut deciding = parts.into_iter().filter(|(_, v)| rank(&v.outcome) == top);
        if top < 2 {
            return deciding
                .next()
                .map(|(_, v)| v)
                .unwrap_or_else(|| Verdict::of(Outcome::Passed));
        }
        let mut evidence = Vec::new();
        let mut reasons = Vec::new();
        let mut related: Vec<Related> = Vec::with_capacity(related_count);
        let mut severity = None;
        for (label, v) in deciding {
            for r in v.related {
                if !related.contains(&r) {
                    related.push(r);
                }
            }
            severity = severity.max(v.severity);
            match v.outcome {
                Outcome::Failed(found) => {
                    evidence.extend(found.into_iter().map(|e| match &label {
                        Some(l) => Evidence {
                            text: format!("{}: {}", l.as_ref(), e.text).into_boxed_str(),
                            ..e
                        },
                        None => e,
                    }))
                }
                Outcome::NotAvailable(why) => reasons.push(match &label {
                    Some(l) => format!("{}: {why}", l.as_ref()),
                    None => why,
                }),
                Outcome::Passed | Outcome::NotApplicable(_) => {}
            }
        }
        let outcome = if top == 3 {
            Outcome::Failed(evidence)
        } else {
            Outcome::NotAvailable(reasons.join("; "))
        };
        Verdict {
            outcome,
            related,
            severity,
        }
    }
}

/// A resource a finding is about besides its primary (ECS) resource: the security group, subnet
/// or load balancer that causes it. Listed after the primary resource in ASFF `Resources`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Related {
    /// The ASFF resource type (`AwsEc2SecurityGroup`, `AwsEc2Subnet`, ...).
    #[serde(rename = "type")]
    pub resource_type: &'static str,
    /// The ARN (or, where the resource has none, its id).
    pub arn: String,
}

impl Related {
    pub fn new(resource_type: &'static str, arn: impl Into<String>) -> Related {
        Related {
            resource_type,
            arn: arn.into(),
        }
    }
}

//! Reports, recommendations, compliance status and metrics, all from the same evaluations that
//! go to Security Hub, so a report and Security Hub never disagree.

pub mod html;
pub mod text;

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::checks::{Category, Check};
use crate::evaluation::Evaluation;
use crate::finding::{Framework, ResourceKind, Severity, Status};
use crate::model::Snapshot;
use crate::summary::{PostureGroup, Summary, posture_by, summarize};

/// Which findings a report shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub severities: Vec<Severity>,
    pub categories: Vec<String>,
    pub framework: Option<Framework>,
    pub checks: Vec<String>,
    /// Substring of the resource name or ARN.
    pub resource: Option<String>,
}

impl Filter {
    pub fn keeps(&self, e: &Evaluation) -> bool {
        (self.severities.is_empty() || self.severities.contains(&e.severity()))
            && (self.categories.is_empty()
                || self
                    .categories
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(e.check.category.as_str())))
            && self.framework.is_none_or(|f| e.check.maps_to(f))
            && (self.checks.is_empty()
                || self.checks.iter().any(|c| {
                    c.eq_ignore_ascii_case(e.check.id) || c.eq_ignore_ascii_case(e.check.slug)
                }))
            && self
                .resource
                .as_deref()
                .is_none_or(|r| e.resource.name.contains(r) || e.resource.arn.contains(r))
    }
}

/// A service named by its cluster and its own name, kept apart (cluster names contain `-` too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceRef {
    pub cluster: String,
    pub service: String,
}

/// Reports name a service `cluster-service` (`prod-web`).
impl std::fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.cluster, self.service)
    }
}

/// The services that run each task definition revision (`family:revision`).
pub type ServicesByTaskDefinition = HashMap<String, Vec<ServiceRef>>;

/// The services (cluster and name) that run each task definition, for resource labels such as
/// `Task Definition: web:7 | Service: prod-web`.
pub fn services_by_task_definition(snapshot: &Snapshot) -> ServicesByTaskDefinition {
    let mut out: ServicesByTaskDefinition = HashMap::new();
    for r in &snapshot.services {
        let s = &r.item;
        let cluster = s
            .cluster_arn
            .as_deref()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .unwrap_or("default");
        let service = ServiceRef {
            cluster: cluster.to_owned(),
            service: s.display_name(),
        };
        for t in s.task_definitions_in_use() {
            let key = t
                .rsplit_once("task-definition/")
                .map(|(_, k)| k)
                .unwrap_or(t)
                .to_owned();
            let entry = out.entry(key).or_default();
            if !entry.contains(&service) {
                entry.push(service.clone());
            }
        }
    }
    out
}

/// The evaluations of each cluster of the snapshot: the cluster's own, and those of what runs in
/// it (its services, container instances and the task definitions its services run). Every
/// cluster of the snapshot has a row, even with nothing in it.
pub fn evaluations_by_cluster<'a>(
    snapshot: &Snapshot,
    evaluations: &'a [Evaluation],
) -> BTreeMap<String, Vec<&'a Evaluation>> {
    let services = services_by_task_definition(snapshot);
    let mut by_cluster: BTreeMap<String, Vec<&Evaluation>> = BTreeMap::new();
    for c in &snapshot.clusters {
        by_cluster.entry(c.item.display_name()).or_default();
    }
    for e in evaluations {
        let clusters: BTreeSet<&str> = match e.resource.cluster.as_deref() {
            Some(c) => BTreeSet::from([c]),
            None => services
                .get(&e.resource.name)
                .map(|s| s.iter().map(|svc| svc.cluster.as_str()).collect())
                .unwrap_or_default(),
        };
        for c in clusters {
            by_cluster.entry(c.to_owned()).or_default().push(e);
        }
    }
    by_cluster
}

/// `Container: web | Service: prod-web`, `Task Definition: web:7 | Service: prod-web`,
/// `Service: prod-web`, `Cluster: prod`.
pub fn resource_label(e: &Evaluation, services: &ServicesByTaskDefinition) -> String {
    let r = &e.resource;
    match r.kind {
        ResourceKind::TaskDefinition => {
            let svc = services
                .get(&r.name)
                .map(|s| {
                    let names: Vec<String> = s.iter().map(ToString::to_string).collect();
                    format!(" | Service: {}", names.join(", "))
                })
                .unwrap_or_default();
            format!("Task Definition: {}{svc}", r.name)
        }
        ResourceKind::Service => format!(
            "Service: {}-{}",
            r.cluster.as_deref().unwrap_or("default"),
            r.name
        ),
        ResourceKind::Cluster => format!("Cluster: {}", r.name),
        ResourceKind::TaskSet => format!("Task Set: {}", r.name),
        ResourceKind::CapacityProvider => format!("Capacity Provider: {}", r.name),
        ResourceKind::ContainerInstance => format!(
            "Container Instance: {}{}",
            r.name,
            r.cluster
                .as_deref()
                .map(|c| format!(" | Cluster: {c}"))
                .unwrap_or_default()
        ),
        ResourceKind::Account => format!("Account: {} | Region: {}", r.name, r.region()),
        ResourceKind::DaemonTaskDefinition => format!("Daemon Task Definition: {}", r.name),
        ResourceKind::Gateway => format!("Gateway: {}", r.name),
        ResourceKind::Daemon => format!(
            "Daemon: {}{}",
            r.name,
            r.cluster
                .as_deref()
                .map(|c| format!(" | Cluster: {c}"))
                .unwrap_or_default()
        ),
    }
}

/// One deduplicated recommendation: a check failing on some resources.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub check_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    /// "5 task definitions fail: ..."
    pub headline: String,
    pub resources: Vec<String>,
    pub why: &'static str,
    pub steps: &'static str,
    pub cli: &'static str,
    pub cloudformation: &'static str,
    pub terraform: &'static str,
    pub references: &'static [&'static str],
}

fn plural(kind: ResourceKind, n: usize) -> String {
    let base = kind.label().to_ascii_lowercase();
    if n == 1 {
        format!("1 {base}")
    } else {
        format!("{n} {base}s")
    }
}

/// Recommendations, highest risk first (severity, then how many resources are affected).
pub fn recommendations(
    evaluations: &[&Evaluation],
    services: &ServicesByTaskDefinition,
) -> Vec<Recommendation> {
    let mut by_check: BTreeMap<&'static str, (&'static Check, Vec<String>)> = BTreeMap::new();
    for e in evaluations.iter().filter(|e| e.status == Status::Failed) {
        let entry = by_check.entry(e.check.id).or_insert((e.check, Vec::new()));
        let label = resource_label(e, services);
        if !entry.1.contains(&label) {
            entry.1.push(label);
        }
    }
    let mut out: Vec<Recommendation> = by_check
        .into_values()
        .map(|(c, resources)| {
            let names: Vec<String> = resources
                .iter()
                .take(5)
                .map(|r| {
                    r.split(": ")
                        .nth(1)
                        .unwrap_or(r)
                        .split(" | ")
                        .next()
                        .unwrap_or(r)
                        .to_owned()
                })
                .collect();
            let more = if resources.len() > 5 {
                format!(" and {} more", resources.len() - 5)
            } else {
                String::new()
            };
            Recommendation {
                check_id: c.id,
                title: c.title,
                severity: c.severity,
                category: c.category.as_str(),
                headline: format!(
                    "{} {} \"{}\": {}{more}",
                    plural(c.kind(), resources.len()),
                    if resources.len() == 1 {
                        "fails"
                    } else {
                        "fail"
                    },
                    c.title,
                    names.join(", ")
                ),
                resources,
                why: c.risk,
                steps: c.remediation.text,
                cli: c.remediation.cli,
                cloudformation: c.remediation.cloudformation,
                terraform: c.remediation.terraform,
                references: c.references,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.resources.len().cmp(&a.resources.len()))
            .then(a.check_id.cmp(b.check_id))
    });
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    Passed,
    Failed,
    /// Covered by checks, but nothing in the estate it applies to.
    NotApplicable,
    /// Nothing failed, but a resource it applies to could not be judged (a surrounding
    /// resource not read): never reported as passed.
    NotAvailable,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub control: String,
    pub status: ControlStatus,
    pub checks: Vec<&'static str>,
    pub failing_resources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceReport {
    pub framework: &'static str,
    pub title: &'static str,
    pub controls: Vec<ControlResult>,
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub not_available: usize,
    /// Passed controls among those evaluated (passed + failed), 0-100.
    pub percent: Option<f64>,
    /// Controls of the framework the catalog knows but the scan did not run (checks off).
    pub not_run: Vec<String>,
    pub coverage_note: &'static str,
}

fn coverage_note(f: Framework) -> &'static str {
    match f {
        Framework::AwsFsbp => {
            "The catalog covers every ECS control of AWS Foundational Security Best Practices (ECS.1-ECS.5, ECS.8-ECS.10, ECS.12-ECS.21; ECS.6, ECS.7 and ECS.11 do not exist), and EC2.6, EC2.18 and EC2.19 on the VPCs and security groups of ECS services, where their EC2 descriptions are read (otherwise NOT AVAILABLE). Other EC2, ELB and ECR controls that concern ECS workloads are not covered yet."
        }
        Framework::AwsConfig => {
            "The catalog covers every AWS Config managed rule for ECS; ECR rules are not covered."
        }
        _ => {
            "Only the controls listed are evidenced by ECS configuration; every other control of this framework needs evidence from outside ECS (processes, IAM, network, data stores) and is NOT COVERED here."
        }
    }
}

/// Per control: the checks behind it, any failure, any pass, the failing resources, any unknown.
type ControlAcc = (BTreeSet<&'static str>, bool, bool, Vec<String>, bool);

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Per-control status for one framework, from the evaluations of the checks that ran.
pub fn compliance(
    framework: Framework,
    evaluations: &[&Evaluation],
    checks_run: &[&'static Check],
    services: &ServicesByTaskDefinition,
) -> ComplianceReport {
    let mut controls: BTreeMap<&'static str, ControlAcc> = BTreeMap::new();
    for c in checks_run {
        for control in c.controls(framework) {
            controls.entry(control).or_default().0.insert(c.id);
        }
    }
    for e in evaluations {
        for control in e.check.controls(framework) {
            let Some(entry) = controls.get_mut(control) else {
                continue;
            };
            match e.status {
                Status::Failed => {
                    entry.1 = true;
                    let label = resource_label(e, services);
                    if !entry.3.contains(&label) {
                        entry.3.push(label);
                    }
                }
                Status::Passed => entry.2 = true,
                Status::NotApplicable => {}
                Status::NotAvailable => entry.4 = true,
            }
        }
    }
    let ran: BTreeSet<&str> = checks_run.iter().map(|c| c.id).collect();
    let mut not_run: BTreeSet<String> = BTreeSet::new();
    for c in crate::CATALOG.iter().filter(|c| !ran.contains(c.id)) {
        for control in c.controls(framework) {
            if !controls.contains_key(control) {
                not_run.insert(control.to_owned());
            }
        }
    }
    let mut list: Vec<ControlResult> = controls
        .into_iter()
        .map(
            |(control, (checks, failed, passed, resources, unknown))| ControlResult {
                control: control.to_owned(),
                status: if failed {
                    ControlStatus::Failed
                } else if unknown {
                    ControlStatus::NotAvailable
                } else if passed {
                    ControlStatus::Passed
                } else {
                    ControlStatus::NotApplicable
                },
                checks: checks.into_iter().collect(),
                failing_resources: resources,
            },
        )
        .collect();
    list.sort_by_key(|c| natural(&c.control));
    let count = |s: ControlStatus| list.iter().filter(|c| c.status == s).count();
    let (passed, failed, na, not_available) = (
        count(ControlStatus::Passed),
        count(ControlStatus::Failed),
        count(ControlStatus::NotApplicable),
        count(ControlStatus::NotAvailable),
    );
    ComplianceReport {
        framework: framework.id(),
        title: framework.title(),
        percent: (passed + failed > 0)
            .then(|| (passed as f64 * 1000.0 / (passed + failed) as f64).round() / 10.0),
        controls: list,
        passed,
        failed,
        not_applicable: na,
        not_available,
        not_run: not_run.into_iter().collect(),
        coverage_note: coverage_note(framework),
    }
}

/// Sort key that orders ECS.2 before ECS.10.
fn natural(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
        } else {
            if !num.is_empty() {
                out.push((std::mem::take(&mut text), num.parse().unwrap_or(0)));
                num.clear();
            }
            text.push(ch);
        }
    }
    out.push((text, num.parse().unwrap_or(0)));
    out
}

/// A past data point for trends (from earlier JSON reports).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub score: u8,
    /// The posture, where the report it was read from has one.
    pub posture: Option<u8>,
    pub failed: usize,
    pub critical: usize,
    pub high: usize,
}

/// The posture (see [`crate::summary`]) of the whole estate and of each account,
/// account-region and cluster in it.
#[derive(Debug, Clone, Serialize)]
pub struct PostureBreakdown {
    pub overall: u8,
    pub accounts: Vec<PostureGroup>,
    pub account_regions: Vec<PostureGroup>,
    pub clusters: Vec<PostureGroup>,
}

/// The posture breakdown of some evaluations; a revision counts in every cluster that runs it.
pub fn posture_breakdown(
    shown: &[&Evaluation],
    services: &ServicesByTaskDefinition,
) -> PostureBreakdown {
    let evals = || shown.iter().copied();
    PostureBreakdown {
        overall: crate::summary::posture(evals()),
        accounts: posture_by(evals(), |e| Some(e.resource.account().to_owned())),
        account_regions: posture_by(evals(), |e| {
            Some(format!("{} {}", e.resource.account(), e.resource.region()))
        }),
        clusters: posture_by(evals(), |e| -> Vec<String> {
            match e.resource.cluster.as_deref() {
                Some(c) => vec![c.to_owned()],
                None => services
                    .get(&e.resource.name)
                    .map(|s| {
                        let set: BTreeSet<String> =
                            s.iter().map(|svc| svc.cluster.clone()).collect();
                        set.into_iter().collect()
                    })
                    .unwrap_or_default(),
            }
        }),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub summary: Summary,
    pub posture: PostureBreakdown,
    pub categories: BTreeMap<&'static str, CategoryCounts>,
    pub frameworks: Vec<FrameworkCoverage>,
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryCounts {
    pub failed: usize,
    pub passed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkCoverage {
    pub framework: &'static str,
    pub controls: usize,
    pub passed: usize,
    pub failed: usize,
    pub percent: Option<f64>,
}

pub fn metrics(
    shown: &[&Evaluation],
    checks_run: &[&'static Check],
    trend: Vec<TrendPoint>,
    services: &ServicesByTaskDefinition,
) -> Metrics {
    let mut categories: BTreeMap<&'static str, CategoryCounts> = BTreeMap::new();
    for e in shown {
        let c = categories.entry(e.check.category.as_str()).or_default();
        match e.status {
            Status::Failed => c.failed += 1,
            Status::Passed => c.passed += 1,
            Status::NotApplicable | Status::NotAvailable => {}
        }
    }
    let frameworks = Framework::ALL
        .iter()
        .map(|f| {
            let r = compliance(*f, shown, checks_run, services);
            FrameworkCoverage {
                framework: f.id(),
                controls: r.controls.len(),
                passed: r.passed,
                failed: r.failed,
                percent: r.percent,
            }
        })
        .collect();
    Metrics {
        summary: summarize(shown.iter().copied()),
        posture: posture_breakdown(shown, services),
        categories,
        frameworks,
        trend,
    }
}

/// Read a trend point from an earlier `--format json` report.
pub fn trend_point(label: &str, json: &serde_json::Value) -> Option<TrendPoint> {
    let s = json.get("summary")?;
    Some(TrendPoint {
        label: json
            .get("generated_at")
            .and_then(|g| g.as_str())
            .unwrap_or(label)
            .to_owned(),
        score: u8::try_from(s.get("score")?.as_u64()?).ok()?,
        posture: s
            .get("posture")
            .and_then(|p| p.as_u64())
            .and_then(|p| u8::try_from(p).ok()),
        failed: s.get("by_status")?.get("FAILED")?.as_u64()? as usize,
        critical: s.get("failed_by_severity")?.get("CRITICAL")?.as_u64()? as usize,
        high: s.get("failed_by_severity")?.get("HIGH")?.as_u64()? as usize,
    })
}

/// Plain-words business impact of a category, for the executive report.
pub fn business_impact(category: Category) -> &'static str {
    match category {
        Category::Secrets => {
            "Credentials readable by anyone with read access to ECS: a breach waiting for a curious insider or a leaked CI log."
        }
        Category::ContainerSecurity | Category::RuntimeSecurity => {
            "A compromised container can take over the host it runs on and every workload beside it."
        }
        Category::NetworkSecurity => {
            "Workloads reachable from the internet or from each other without need: attacks need no foothold to start."
        }
        Category::IamSecurity => {
            "Workloads hold more AWS permissions than they need; one bug becomes access to data and infrastructure."
        }
        Category::ImageSecurity => {
            "What runs in production can change without review: supply-chain risk."
        }
        Category::Logging | Category::Monitoring => {
            "Attacks and outages go unseen and cannot be investigated afterwards."
        }
        Category::Encryption => {
            "Data in transit or at rest is readable by whoever reaches the storage or the network path."
        }
        Category::ResourceManagement | Category::Availability => {
            "One faulty or abused workload can take down others: availability risk."
        }
        Category::Tagging => {
            "Resources without owners: findings reach nobody, costs cannot be allocated."
        }
    }
}

//! The Amazon ECR repositories ECS tasks pull their images from, and what runs: the AWS CLI
//! outputs of `aws ecr describe-repositories`, `get-registry-scanning-configuration`,
//! `batch-get-repository-scanning-configuration`, `get-lifecycle-policy`,
//! `get-repository-policy` and `describe-image-scan-findings`, `aws kms describe-key` for the
//! repositories' keys, and the digests of running containers (`aws ecs describe-tasks`,
//! `describe-service-revisions`).
//!
//! Only the scanned account's registry in the scanned region is read: an image elsewhere is
//! unknown, never compliant. A per-repository read that answered with an AWS error is kept
//! with its error: `LifecyclePolicyNotFoundException` and `RepositoryPolicyNotFoundException`
//! are facts (no policy), any other error leaves the repository unknown.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::de;
use super::iam::{Effect, Policy, PolicyError, Statement};
use super::load_balancing::{AwsError, Read};
use crate::hash::FastMap;

/// An error document of `get-lifecycle-policy` is bound to its repository by file name:
/// `lifecycle-policy-<repository>.json` (a `/` of the name written `%2F`).
pub const LIFECYCLE_PREFIX: &str = "lifecycle-policy-";
/// `repository-policy-<repository>.json`, likewise for `get-repository-policy`.
pub const REPOSITORY_POLICY_PREFIX: &str = "repository-policy-";
/// `image-scan-findings-<repository>@<digest>.json`: one image's scan findings, or the AWS error
/// its read answered (`ScanNotFoundException`: never scanned).
pub const SCAN_FINDINGS_PREFIX: &str = "image-scan-findings-";
/// The registry scanning configuration's error document (the output names the registry).
pub const REGISTRY_SCANNING_FILE: &str = "registry-scanning-configuration.json";
/// `describe-repositories`'s error document.
pub const REPOSITORIES_FILE: &str = "ecr-repositories.json";

/// The repository a per-repository file is bound to, when `path`'s file name has `prefix`.
pub fn bound_repository(path: &str, prefix: &str) -> Option<String> {
    let file = path.rsplit(['/', '\\']).next()?;
    let name = file.strip_prefix(prefix)?.strip_suffix(".json")?;
    (!name.is_empty()).then(|| name.replace("%2F", "/").replace("%2f", "/"))
}

/// True when `path`'s file name is `file`.
pub fn is_file(path: &str, file: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(file)
}

/// Where an image lives in Amazon ECR (private registries only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcrLocation<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub repository: &'a str,
}

/// The ECR registry, region and repository of an image reference's registry host and path:
/// `<account>.dkr.ecr.<region>.amazonaws.com[.cn]`, the FIPS host `dkr.ecr-fips`, and the
/// dual-stack host `<account>.dkr-ecr.<region>.on.aws`.
pub fn ecr_location<'a>(registry: &'a str, repository: &'a str) -> Option<EcrLocation<'a>> {
    let (account, rest) = registry.split_once('.')?;
    let rest = rest
        .strip_prefix("dkr.ecr.")
        .or_else(|| rest.strip_prefix("dkr.ecr-fips."))
        .or_else(|| rest.strip_prefix("dkr-ecr."))?;
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"))
        .or_else(|| rest.strip_suffix(".on.aws"))?;
    let valid = account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !region.is_empty()
        && !region.contains('.')
        && !repository.is_empty();
    valid.then_some(EcrLocation {
        account,
        region,
        repository,
    })
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    #[serde(default)]
    pub filter: String,
    #[serde(default)]
    pub filter_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanOnPush {
    #[serde(default)]
    pub scan_on_push: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    #[serde(default)]
    pub encryption_type: Option<String>,
    #[serde(default)]
    pub kms_key: Option<String>,
}

/// One repository of `describe-repositories`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    #[serde(default)]
    pub repository_arn: Option<String>,
    #[serde(default)]
    pub registry_id: Option<String>,
    #[serde(default)]
    pub repository_name: Option<String>,
    #[serde(default)]
    pub image_tag_mutability: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub image_tag_mutability_exclusion_filters: Vec<Filter>,
    #[serde(default)]
    pub image_scanning_configuration: Option<ScanOnPush>,
    #[serde(default)]
    pub encryption_configuration: Option<Encryption>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanRule {
    #[serde(default)]
    pub scan_frequency: String,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub repository_filters: Vec<Filter>,
}

/// `get-registry-scanning-configuration`'s `scanningConfiguration`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryScanning {
    /// `BASIC` or `ENHANCED`.
    #[serde(default)]
    pub scan_type: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub rules: Vec<ScanRule>,
}

/// One entry of `batch-get-repository-scanning-configuration`: the repository's effective
/// scanning, as ECR resolves the registry's rules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryScanning {
    #[serde(default)]
    pub repository_arn: Option<String>,
    #[serde(default)]
    pub repository_name: Option<String>,
    #[serde(default)]
    pub scan_on_push: Option<bool>,
    #[serde(default)]
    pub scan_frequency: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub applied_scan_filters: Vec<Filter>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageId {
    #[serde(default)]
    pub image_digest: Option<String>,
    #[serde(default)]
    pub image_tag: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanStatus {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasicFinding {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVulnerability {
    #[serde(default)]
    pub vulnerability_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnhancedFinding {
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub package_vulnerability_details: Option<PackageVulnerability>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResults {
    #[serde(default)]
    pub finding_severity_counts: BTreeMap<String, u64>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub findings: Vec<BasicFinding>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub enhanced_findings: Vec<EnhancedFinding>,
}

/// `describe-image-scan-findings` for one image (every page merged).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageScan {
    #[serde(default)]
    pub registry_id: Option<String>,
    #[serde(default)]
    pub repository_name: Option<String>,
    #[serde(default)]
    pub image_id: ImageId,
    #[serde(default)]
    pub image_scan_status: Option<ScanStatus>,
    #[serde(default)]
    pub image_scan_findings: Option<ScanResults>,
}

/// What a scan of an image found at the severities that matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vulnerabilities {
    pub critical: u64,
    pub high: u64,
    /// Vulnerability ids of the CRITICAL findings first, then HIGH (each once, in order).
    pub top: Vec<String>,
}

impl ImageScan {
    /// The scan's status (`COMPLETE`, `ACTIVE`, `FAILED`, ...), upper case.
    pub fn status(&self) -> Option<&str> {
        self.image_scan_status
            .as_ref()
            .and_then(|s| s.status.as_deref())
    }

    /// The CRITICAL and HIGH findings: the severity counts where the answer has them, else the
    /// findings counted (enhanced findings only while `ACTIVE`).
    pub fn vulnerabilities(&self) -> Vulnerabilities {
        let Some(results) = &self.image_scan_findings else {
            return Vulnerabilities::default();
        };
        let mut listed: Vec<(u8, String)> = Vec::new();
        let rank = |s: Option<&str>| match s.map(str::to_ascii_uppercase).as_deref() {
            Some("CRITICAL") => Some(0u8),
            Some("HIGH") => Some(1u8),
            _ => None,
        };
        for f in &results.findings {
            if let (Some(r), Some(name)) = (rank(f.severity.as_deref()), &f.name) {
                listed.push((r, name.clone()));
            }
        }
        for f in &results.enhanced_findings {
            let active = f
                .status
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
            let id = f
                .package_vulnerability_details
                .as_ref()
                .and_then(|p| p.vulnerability_id.clone())
                .or_else(|| f.title.clone());
            if let (true, Some(r), Some(id)) = (active, rank(f.severity.as_deref()), id) {
                listed.push((r, id));
            }
        }
        let counted = |sev: &str, r: u8| {
            results
                .finding_severity_counts
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(sev))
                .map(|(_, n)| *n)
                .unwrap_or_else(|| listed.iter().filter(|(x, _)| *x == r).count() as u64)
        };
        let (critical, high) = (counted("CRITICAL", 0), counted("HIGH", 1));
        listed.sort_by_key(|(r, _)| *r);
        let mut top: Vec<String> = Vec::new();
        for (_, id) in listed {
            if !top.contains(&id) {
                top.push(id);
            }
        }
        Vulnerabilities {
            critical,
            high,
            top,
        }
    }
}

/// `aws kms describe-key`'s `KeyMetadata`, the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadata {
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub arn: Option<String>,
    /// `AWS` or `CUSTOMER`.
    #[serde(default)]
    pub key_manager: Option<String>,
    #[serde(default)]
    pub key_state: Option<String>,
}

/// A running container's image digest (`describe-tasks` `containers[]`,
/// `describe-service-revisions` `containerImages[]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunningImage {
    pub container: String,
    pub digest: String,
}

/// `describe-tasks`' task, the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    #[serde(default)]
    pub task_definition_arn: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub containers: Vec<TaskContainer>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskContainer {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub image_digest: Option<String>,
}

/// `describe-service-revisions`' revision, the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRevision {
    #[serde(default)]
    pub task_definition: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    pub container_images: Vec<ContainerImage>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerImage {
    #[serde(default)]
    pub container_name: Option<String>,
    #[serde(default)]
    pub image_digest: Option<String>,
}

/// Values by account, then repository name: looked up without building a key (the image
/// checks look repositories up for every definition they judge).
#[derive(Debug, Clone)]
pub struct Keyed<T>(FastMap<String, FastMap<String, T>>);

impl<T> Default for Keyed<T> {
    fn default() -> Keyed<T> {
        Keyed(FastMap::default())
    }
}

impl<T> Keyed<T> {
    /// Set the value of `(account, name)`, replacing an earlier one.
    pub fn insert(&mut self, (account, name): (String, String), value: T) {
        self.0.entry(account).or_default().insert(name, value);
    }

    pub fn get(&self, account: &str, name: &str) -> Option<&T> {
        self.0.get(account)?.get(name)
    }

    /// The value of `(account, name)`, a default one inserted where there is none.
    pub fn slot(&mut self, account: String, name: String) -> &mut T
    where
        T: Default,
    {
        self.0.entry(account).or_default().entry(name).or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(FastMap::is_empty)
    }

    /// Add `other`'s values, each replacing this map's value of its key.
    pub fn extend(&mut self, other: Keyed<T>) {
        for (account, values) in other.0 {
            self.0.entry(account).or_default().extend(values);
        }
    }
}

/// The registry reads a snapshot holds.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Repositories by (registry account, name).
    pub repositories: Keyed<Repository>,
    /// `describe-repositories` errors, by account (`""`: bound to no account).
    pub repositories_errors: BTreeMap<String, AwsError>,
    /// Registry scanning configurations by account (`""`: an error bound to no account).
    pub scanning: BTreeMap<String, Read<RegistryScanning>>,
    /// Effective scanning by (account, repository); the account is `""` where the output did
    /// not name it.
    pub repository_scanning: Keyed<Read<RepositoryScanning>>,
    /// Lifecycle policies by (account, repository): `Answered(())` where one exists.
    pub lifecycle: Keyed<Read<()>>,
    /// Repository policies (their text) by (account, repository).
    pub policies: Keyed<Read<String>>,
    /// Image scans by (account, repository), then digest.
    pub scans: Keyed<FastMap<String, Read<ImageScan>>>,
    /// KMS keys by ARN and by key id.
    pub keys: FastMap<String, KeyMetadata>,
    /// Running digests by task definition ARN.
    pub running: FastMap<String, BTreeSet<RunningImage>>,
}

impl Registry {
    /// Later reads replace earlier ones.
    pub fn merge(&mut self, other: Registry) {
        self.repositories.extend(other.repositories);
        self.repositories_errors.extend(other.repositories_errors);
        self.scanning.extend(other.scanning);
        self.repository_scanning.extend(other.repository_scanning);
        self.lifecycle.extend(other.lifecycle);
        self.policies.extend(other.policies);
        for (account, name, scans) in other
            .scans
            .0
            .into_iter()
            .flat_map(|(a, m)| m.into_iter().map(move |(n, v)| (a.clone(), n, v)))
        {
            self.scans.slot(account, name).extend(scans);
        }
        self.keys.extend(other.keys);
        for (td, images) in other.running {
            self.running.entry(td).or_default().extend(images);
        }
    }

    /// Nothing of ECR was read (running digests aside).
    pub fn is_empty(&self) -> bool {
        self.repositories.is_empty()
            && self.repositories_errors.is_empty()
            && self.scanning.is_empty()
            && self.repository_scanning.is_empty()
            && self.lifecycle.is_empty()
            && self.policies.is_empty()
            && self.scans.is_empty()
    }

    /// A per-repository read: the account's, else one bound to no account by file name.
    fn per_repository<'a, T>(
        map: &'a Keyed<Read<T>>,
        account: &str,
        name: &str,
    ) -> Option<&'a Read<T>> {
        map.get(account, name).or_else(|| map.get("", name))
    }

    /// The repository, or why it is unknown.
    pub fn repository(&self, account: &str, name: &str) -> Result<&Repository, String> {
        if let Some(r) = self.repositories.get(account, name) {
            return Ok(r);
        }
        match self
            .repositories_errors
            .get(account)
            .or_else(|| self.repositories_errors.get(""))
        {
            Some(e) => Err(format!(
                "the repository could not be read (ecr:DescribeRepositories answered {}: {})",
                e.code, e.message
            )),
            None => Err("not read: the repository (aws ecr describe-repositories)".to_owned()),
        }
    }

    pub fn lifecycle_policy(&self, account: &str, name: &str) -> Option<&Read<()>> {
        Self::per_repository(&self.lifecycle, account, name)
    }

    pub fn repository_policy(&self, account: &str, name: &str) -> Option<&Read<String>> {
        Self::per_repository(&self.policies, account, name)
    }

    pub fn repository_scanning(
        &self,
        account: &str,
        name: &str,
    ) -> Option<&Read<RepositoryScanning>> {
        Self::per_repository(&self.repository_scanning, account, name)
    }

    pub fn registry_scanning(&self, account: &str) -> Option<&Read<RegistryScanning>> {
        self.scanning.get(account).or_else(|| self.scanning.get(""))
    }

    pub fn scan(&self, account: &str, name: &str, digest: &str) -> Option<&Read<ImageScan>> {
        let of = |account: &str| self.scans.get(account, name)?.get(digest);
        of(account).or_else(|| of(""))
    }

    pub fn key_metadata(&self, key: &str) -> Option<&KeyMetadata> {
        self.keys.get(key)
    }

    /// The digests running for a task definition ARN, by container.
    pub fn running_of(&self, task_definition_arn: &str) -> Option<&BTreeSet<RunningImage>> {
        self.running.get(task_definition_arn)
    }

    /// Add one `describe-repositories` repository.
    pub fn add_repository(&mut self, r: Repository) {
        let account = r
            .registry_id
            .clone()
            .or_else(|| {
                r.repository_arn
                    .as_deref()
                    .and_then(super::Arn::parse)
                    .map(|a| a.account.to_owned())
            })
            .unwrap_or_default();
        if let Some(name) = r.repository_name.clone() {
            self.repositories.insert((account, name), r);
        }
    }

    /// The digests a task's containers run.
    pub fn add_task(&mut self, t: Task) {
        let Some(td) = t.task_definition_arn else {
            return;
        };
        let entry = self.running.entry(td).or_default();
        for c in t.containers {
            if let (Some(container), Some(digest)) = (c.name, c.image_digest) {
                entry.insert(RunningImage { container, digest });
            }
        }
    }

    /// The digests a service revision pinned.
    pub fn add_service_revision(&mut self, r: ServiceRevision) {
        let Some(td) = r.task_definition else {
            return;
        };
        let entry = self.running.entry(td).or_default();
        for c in r.container_images {
            if let (Some(container), Some(digest)) = (c.container_name, c.image_digest) {
                entry.insert(RunningImage { container, digest });
            }
        }
    }

    /// A KMS key, found by its ARN or id.
    pub fn add_key(&mut self, k: KeyMetadata) {
        if let Some(arn) = k.arn.clone() {
            self.keys.insert(arn, k.clone());
        }
        if let Some(id) = k.key_id.clone() {
            self.keys.insert(id, k);
        }
    }

    /// Keep only what an account's part of a split snapshot needs (everything: lookups are
    /// by account, so other accounts' reads are never consulted).
    pub fn of_account(&self, _account: Option<&str>) -> Registry {
        self.clone()
    }
}

/// A repository filter matches a name: `*` is a wildcard; a filter without one matches every
/// name that contains it (ECR's documented behaviour for registry scanning filters).
pub fn filter_matches(filter: &str, name: &str) -> bool {
    if filter.contains('*') {
        super::iam::glob(filter, name, false)
    } else {
        name.contains(filter)
    }
}

/// How often a repository's images are scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveScanning {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL` (enhanced: no scanning).
    pub frequency: String,
    /// `BASIC` or `ENHANCED` where known.
    pub scan_type: Option<String>,
    /// How the answer was reached, for the evidence.
    pub basis: String,
}

/// The repository's scanning as the registry's rules make it: enhanced scanning takes a
/// continuous rule over a scan-on-push rule and scans nothing a rule does not match; basic
/// scanning scans on push what a scan-on-push rule matches and leaves the rest manual.
pub fn registry_rules_frequency(config: &RegistryScanning, repository: &str) -> EffectiveScanning {
    let matching = |frequency: &str| {
        config.rules.iter().find(|r| {
            r.scan_frequency.eq_ignore_ascii_case(frequency)
                && r.repository_filters
                    .iter()
                    .any(|f| filter_matches(&f.filter, repository))
        })
    };
    let enhanced = config
        .scan_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED"));
    let (frequency, rule) = if enhanced {
        match (matching("CONTINUOUS_SCAN"), matching("SCAN_ON_PUSH")) {
            (Some(r), _) => ("CONTINUOUS_SCAN", Some(r)),
            (None, Some(r)) => ("SCAN_ON_PUSH", Some(r)),
            _ => ("MANUAL", None),
        }
    } else {
        match matching("SCAN_ON_PUSH") {
            Some(r) => ("SCAN_ON_PUSH", Some(r)),
            None => ("MANUAL", None),
        }
    };
    let kind = if enhanced { "enhanced" } else { "basic" };
    let basis = match rule {
        Some(r) => format!(
            "the registry's {kind} scanning rule {} with filter {}",
            r.scan_frequency,
            r.repository_filters
                .iter()
                .map(|f| format!("`{}`", f.filter))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("no rule of the registry's {kind} scanning matches the repository"),
    };
    EffectiveScanning {
        frequency: frequency.to_owned(),
        scan_type: config.scan_type.clone(),
        basis,
    }
}

/// Who a repository policy lets in beyond its own account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyExposure {
    /// `Allow` statements open to every AWS principal (`*`) with no condition restricting who.
    pub public: Vec<String>,
    /// Other accounts an `Allow` names (and a `*` restricted only by a condition).
    pub accounts: BTreeSet<String>,
}

/// Condition keys that restrict a `*` principal to known accounts or an organization.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:userid",
];

/// What a repository policy (its `policyText`) opens, judged against the repository's account.
pub fn policy_exposure(text: &str, own_account: &str) -> Result<PolicyExposure, PolicyError> {
    let policy = Policy::parse(text)?;
    let mut out = PolicyExposure::default();
    for (i, s) in policy
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect == Effect::Allow)
    {
        let label = s
            .sid
            .clone()
            .unwrap_or_else(|| format!("statement {}", i + 1));
        let principals = aws_principals(s);
        let wildcard = principals.iter().any(|p| p == "*");
        if wildcard {
            let restricted = s
                .condition_keys()
                .iter()
                .any(|k| RESTRICTING_KEYS.contains(&k.to_ascii_lowercase().as_str()));
            if restricted {
                out.accounts.insert("*".to_owned());
            } else {
                out.public.push(label);
            }
        }
        for p in principals.iter().filter(|p| *p != "*") {
            let account = if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
                Some(p.as_str())
            } else {
                super::Arn::parse(p).map(|a| a.account)
            };
            if let Some(a) = account
                && !a.is_empty()
                && a != own_account
            {
                out.accounts.insert(a.to_owned());
            }
        }
    }
    out.accounts.remove("*");
    Ok(out)
}

/// The `AWS` principals of a statement (`"*"` for `Principal: "*"`); service principals aside.
fn aws_principals(s: &Statement) -> Vec<String> {
    use serde_json::Value;
    let mut out = Vec::new();
    let mut push = |v: &Value| match v {
        Value::String(x) => out.push(x.clone()),
        Value::Array(items) => {
            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
        }
        _ => {}
    };
    match &s.principal {
        Some(Value::String(x)) if x == "*" => push(&Value::String("*".to_owned())),
        Some(Value::Object(map)) => {
            for (k, v) in map {
                if k.eq_ignore_ascii_case("AWS") {
                    push(v);
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_hosts() {
        let l = ecr_location("111122223333.dkr.ecr.eu-west-1.amazonaws.com", "team/app").unwrap();
        assert_eq!(
            (l.account, l.region, l.repository),
            ("111122223333", "eu-west-1", "team/app")
        );
        assert!(ecr_location("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com", "a").is_some());
        assert!(ecr_location("111122223333.dkr-ecr.us-east-1.on.aws", "a").is_some());
        assert!(ecr_location("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", "a").is_some());
        assert!(ecr_location("public.ecr.aws", "a").is_none());
        assert!(ecr_location("1111.dkr.ecr.us-east-1.amazonaws.com", "a").is_none());
        assert!(ecr_location("111122223333.dkr.ecr.us-east-1.example.com", "a").is_none());
    }

    #[test]
    fn filters() {
        assert!(filter_matches("*", "app"));
        assert!(filter_matches("prod-*", "prod-web"));
        assert!(!filter_matches("prod-*", "dev-prod-web"));
        assert!(filter_matches("prod", "dev-prod-web"));
        assert!(!filter_matches("prod", "dev"));
    }

    fn config(scan_type: &str, rules: &[(&str, &str)]) -> RegistryScanning {
        RegistryScanning {
            scan_type: Some(scan_type.to_owned()),
            rules: rules
                .iter()
                .map(|(f, x)| ScanRule {
                    scan_frequency: (*f).to_owned(),
                    repository_filters: vec![Filter {
                        filter: (*x).to_owned(),
                        filter_type: Some("WILDCARD".to_owned()),
                    }],
                })
                .collect(),
        }
    }

    #[test]
    fn scanning_precedence() {
        let c = config(
            "ENHANCED",
            &[("SCAN_ON_PUSH", "*"), ("CONTINUOUS_SCAN", "prod")],
        );
        assert_eq!(
            registry_rules_frequency(&c, "prod-web").frequency,
            "CONTINUOUS_SCAN"
        );
        assert_eq!(
            registry_rules_frequency(&c, "dev").frequency,
            "SCAN_ON_PUSH"
        );
        let c = config("ENHANCED", &[("CONTINUOUS_SCAN", "prod-*")]);
        assert_eq!(registry_rules_frequency(&c, "dev").frequency, "MANUAL");
        let c = config("BASIC", &[("SCAN_ON_PUSH", "app")]);
        assert_eq!(
            registry_rules_frequency(&c, "myapp").frequency,
            "SCAN_ON_PUSH"
        );
        assert_eq!(registry_rules_frequency(&c, "web").frequency, "MANUAL");
        let c = config("BASIC", &[]);
        assert_eq!(registry_rules_frequency(&c, "web").frequency, "MANUAL");
    }

    #[test]
    fn repository_policies() {
        let public = r#"{"Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#;
        assert_eq!(
            policy_exposure(public, "111122223333").unwrap().public,
            vec!["pull"]
        );
        let org = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#;
        let e = policy_exposure(org, "111122223333").unwrap();
        assert!(e.public.is_empty() && e.accounts.is_empty());
        let cross = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","111122223333"]},"Action":"ecr:*"},{"Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#;
        let e = policy_exposure(cross, "111122223333").unwrap();
        assert!(e.public.is_empty());
        assert_eq!(
            e.accounts.into_iter().collect::<Vec<_>>(),
            vec!["444455556666"]
        );
        let service = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}"#;
        assert_eq!(
            policy_exposure(service, "111122223333").unwrap(),
            PolicyExposure::default()
        );
    }

    #[test]
    fn vulnerabilities_counted() {
        let scan: ImageScan = serde_json::from_str(r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findingSeverityCounts":{"HIGH":2,"CRITICAL":1},"findings":[{"name":"CVE-2","severity":"HIGH"},{"name":"CVE-1","severity":"CRITICAL"},{"name":"CVE-3","severity":"LOW"}]}}"#).unwrap();
        let v = scan.vulnerabilities();
        assert_eq!((v.critical, v.high), (1, 2));
        assert_eq!(v.top, vec!["CVE-1", "CVE-2"]);
        let enhanced: ImageScan = serde_json::from_str(r#"{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"enhancedFindings":[{"severity":"CRITICAL","status":"ACTIVE","packageVulnerabilityDetails":{"vulnerabilityId":"CVE-9"}},{"severity":"CRITICAL","status":"CLOSED","packageVulnerabilityDetails":{"vulnerabilityId":"CVE-8"}}]}}"#).unwrap();
        let v = enhanced.vulnerabilities();
        assert_eq!(
            (v.critical, v.high, v.top.clone()),
            (1, 0, vec!["CVE-9".to_owned()])
        );
    }
}

//! The account-regions one deployment covers: targets, member role ARNs, and the scan messages
//! the nightly planner queues (one SQS FIFO message group per account-region, so one scan of an
//! account-region runs at a time and different account-regions run in parallel).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::lifecycle::{FindingState, LedgerEntry};
use crate::scope::{Scope, family_of};

/// One account in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Target {
    pub account: String,
    pub region: String,
}

impl Target {
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Target {
        Target {
            account: account.into(),
            region: region.into(),
        }
    }

    /// The AWS partition of the target's region.
    pub fn partition(&self) -> &'static str {
        partition_of(&self.region)
    }

    /// The SQS FIFO message group: scans of one account-region run one at a time.
    pub fn group_id(&self) -> String {
        format!("{}/{}", self.account, self.region)
    }

    /// The ledger partition of the account-region (the key its entries are queried by).
    pub fn ledger_partition(&self) -> String {
        format!("{}#{}", self.account, self.region)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.account, self.region)
    }
}

/// The partition a region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// A value of `--accounts`, `--regions` or the organization parameters that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    #[error("{0:?} is not an AWS account id (12 digits)")]
    Account(String),
    #[error("{0:?} is not an AWS region name (such as us-east-1)")]
    Region(String),
    #[error("{0:?} is not an IAM role name (1-64 of A-Z a-z 0-9 + = , . @ _ -, optionally a path)")]
    RoleName(String),
    #[error("no {0} given")]
    Empty(&'static str),
    #[error("{0:?} is not a request rate (a number above 0, at most 1000 per second)")]
    Rate(String),
}

/// A 12-digit account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A region name such as `us-east-1` or `us-gov-west-1`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// The items of a comma-separated list (spaces allowed), each checked, deduplicated, in order.
fn parse_list(
    list: &str,
    what: &'static str,
    valid: fn(&str) -> bool,
    invalid: fn(String) -> FleetError,
) -> Result<Vec<String>, FleetError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if !valid(item) {
            return Err(invalid(item.to_owned()));
        }
        if seen.insert(item) {
            out.push(item.to_owned());
        }
    }
    if out.is_empty() {
        return Err(FleetError::Empty(what));
    }
    Ok(out)
}

/// Account ids from a comma-separated list, deduplicated, in order.
pub fn parse_accounts(list: &str) -> Result<Vec<String>, FleetError> {
    parse_list(list, "account", is_account_id, FleetError::Account)
}

/// Region names from a comma-separated list, deduplicated, in order.
pub fn parse_regions(list: &str) -> Result<Vec<String>, FleetError> {
    parse_list(list, "region", is_region, FleetError::Region)
}

/// An ECS request rate per account-region: above 0, at most 1000 per second.
pub fn parse_rate(s: &str) -> Result<f64, FleetError> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r > 0.0 && *r <= 1000.0)
        .ok_or_else(|| FleetError::Rate(s.to_owned()))
}

/// A member role name (optionally with a path, `path/name`), as IAM allows it.
pub fn check_role_name(name: &str) -> Result<(), FleetError> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let ok = !base.is_empty()
        && base.len() <= 64
        && name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(FleetError::RoleName(name.to_owned()))
    }
}

/// The ARN of the member role in `target`'s account.
pub fn role_arn(target: &Target, role_name: &str) -> String {
    format!(
        "arn:{}:iam::{}:role/{}",
        target.partition(),
        target.account,
        role_name.trim_start_matches('/')
    )
}

/// Every (account, region) pair, accounts outer, deduplicated.
pub fn targets(accounts: &[String], regions: &[String]) -> Vec<Target> {
    let mut out: Vec<Target> = accounts
        .iter()
        .flat_map(|a| {
            regions
                .iter()
                .map(move |r| Target::new(a.clone(), r.clone()))
        })
        .collect();
    let mut seen = BTreeSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

/// One scan message for the queue: the request the function reads back, its message group and
/// a deduplication id (SQS FIFO drops a repeat within 5 minutes, so a planner run retried after
/// a partial send does not queue a second scan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanMessage {
    pub group_id: String,
    pub deduplication_id: String,
    pub body: ScanRequest,
}

/// What a queued scan covers: a scope of one account-region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRequest {
    pub account: String,
    pub region: String,
    pub scope: Scope,
    /// Why the scan was queued (`nightly`, or the event's detail-type), for logs and metrics.
    pub trigger: String,
}

impl ScanRequest {
    pub fn target(&self) -> Target {
        Target::new(self.account.clone(), self.region.clone())
    }

    /// The message body: the function's scan request format (`{"scan": "region"}` or
    /// `{"scan": {"clusters": [...], ...}}`) with the account-region and the trigger.
    pub fn body(&self) -> Value {
        json!({
            "scan": scan_spec(&self.scope),
            "account": self.account,
            "region": self.region,
            "trigger": self.trigger,
        })
    }
}

/// A scope in the function's scan request format.
pub fn scan_spec(scope: &Scope) -> Value {
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut region = false;
    let mut add = |s: &Scope| match s {
        Scope::Region => region = true,
        Scope::Cluster(c) => lists.entry("clusters").or_default().push(c.clone()),
        Scope::Service(x) => lists.entry("services").or_default().push(x.clone()),
        Scope::TaskDefinition(x) => lists.entry("task_definitions").or_default().push(x.clone()),
        Scope::SecurityGroup(x) => lists.entry("security_groups").or_default().push(x.clone()),
        Scope::Subnet(x) => lists.entry("subnets").or_default().push(x.clone()),
        Scope::RouteTable(x) => lists.entry("route_tables").or_default().push(x.clone()),
        Scope::Vpc(x) => lists.entry("vpcs").or_default().push(x.clone()),
        Scope::VpcEndpoint(x) => lists.entry("vpc_endpoints").or_default().push(x.clone()),
        Scope::LoadBalancer(x) => lists.entry("load_balancers").or_default().push(x.clone()),
        Scope::Instance(x) => lists.entry("instances").or_default().push(x.clone()),
        Scope::Role(x) => lists.entry("roles").or_default().push(x.clone()),
        Scope::Policy(x) => lists.entry("policies").or_default().push(x.clone()),
        Scope::Repository(x) => lists.entry("repositories").or_default().push(x.clone()),
        Scope::LogGroup(x) => lists.entry("log_groups").or_default().push(x.clone()),
        Scope::Secret(x) => lists.entry("secrets").or_default().push(x.clone()),
        Scope::Parameter(x) => lists.entry("parameters").or_default().push(x.clone()),
        Scope::DaemonTaskDefinition(x) => lists
            .entry("daemon_task_definitions")
            .or_default()
            .push(x.clone()),
        Scope::Daemon(x) => lists.entry("daemons").or_default().push(x.clone()),
        Scope::Gateway(x) => lists.entry("gateways").or_default().push(x.clone()),
        Scope::CapacityProvider(x) => lists
            .entry("capacity_providers")
            .or_default()
            .push(x.clone()),
        Scope::Many(_) => {}
    };
    match scope {
        Scope::Many(parts) => parts.iter().for_each(&mut add),
        other => add(other),
    }
    if region || lists.is_empty() {
        json!("region")
    } else {
        json!(lists)
    }
}

/// A scan of `scope` in `target`, queued behind whatever that account-region already has queued.
/// `key` identifies the cause (the event's id), so a redelivered event queues one scan.
pub fn plan_rescan(target: &Target, scope: Scope, trigger: &str, key: &str) -> ScanMessage {
    ScanMessage {
        group_id: target.group_id(),
        deduplication_id: dedup_id(&format!("event/{}/{}/{key}", target.account, target.region)),
        body: ScanRequest {
            account: target.account.clone(),
            region: target.region.clone(),
            scope,
            trigger: trigger.to_owned(),
        },
    }
}

/// The nightly plan: one region-wide scan message per target. `window` names the planner run
/// (the schedule's time), so the same run planned twice deduplicates and the next night does not.
pub fn plan_nightly(targets: &[Target], window: &str) -> Vec<ScanMessage> {
    targets
        .iter()
        .map(|t| ScanMessage {
            group_id: t.group_id(),
            deduplication_id: dedup_id(&format!("nightly/{window}/{}/{}", t.account, t.region)),
            body: ScanRequest {
                account: t.account.clone(),
                region: t.region.clone(),
                scope: Scope::Region,
                trigger: "nightly".to_owned(),
            },
        })
        .collect()
}

/// What an account-region holds, as its listings show it: the clusters (ARN) and task
/// definition families. Enough to decide whether one scan covers it within a function's time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extent {
    pub clusters: BTreeSet<String>,
    pub families: BTreeSet<String>,
}

impl Extent {
    /// The clusters and families of a snapshot (a local estate, or a region read whole).
    pub fn of_snapshot(snapshot: &crate::model::Snapshot) -> Extent {
        Extent {
            clusters: snapshot
                .clusters
                .iter()
                .filter_map(|c| c.item.cluster_arn.clone())
                .collect(),
            families: snapshot
                .task_definitions
                .iter()
                .filter(|t| t.item.is_active())
                .filter_map(|t| t.item.family.clone())
                .collect(),
        }
    }

    /// The clusters and families the ledger still holds open findings for (FAILED or PASSED, or
    /// pending): a part that no longer exists must still be read once to archive them.
    pub fn of_ledger<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> Extent {
        let mut out = Extent::default();
        for e in entries {
            if e.state == FindingState::Archived && !e.pending {
                continue;
            }
            if e.resource_type == "AwsEcsTaskDefinition" {
                out.families.insert(family_of(&e.resource_arn).to_owned());
            } else if e.resource_type == "AwsEcsCluster" {
                out.clusters.insert(e.resource_arn.clone());
            } else if let Some(c) = &e.cluster {
                // The ledger keeps the cluster's name; its ARN shares the resource's prefix.
                let prefix: Vec<&str> = e.resource_arn.splitn(6, ':').take(5).collect();
                if c.starts_with("arn:") {
                    out.clusters.insert(c.clone());
                } else if prefix.len() == 5 {
                    out.clusters
                        .insert(format!("{}:cluster/{c}", prefix.join(":")));
                }
            }
        }
        out
    }
}

/// How much one queued scan reads at most before an account-region's region-wide scan is split
/// into parts: clusters per part and task definition families per part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitLimits {
    pub clusters: usize,
    pub families: usize,
}

impl SplitLimits {
    /// At least one of each per part.
    fn at_least_one(self) -> SplitLimits {
        SplitLimits {
            clusters: self.clusters.max(1),
            families: self.families.max(1),
        }
    }

    /// True when one scan of what the listings show would read more than one part may.
    pub fn exceeded_by(self, listed: &Extent) -> bool {
        let limits = self.at_least_one();
        listed.clusters.len() > limits.clusters || listed.families.len() > limits.families
    }
}

impl Default for SplitLimits {
    /// At the default budget of 10 ECS requests per second, a part of 100 clusters (their
    /// services, task sets, container instances and the revisions they run) or of 1,000
    /// families (two calls each, plus the region's service listing) stays well within 600 s.
    fn default() -> SplitLimits {
        SplitLimits {
            clusters: 100,
            families: 1_000,
        }
    }
}

/// The parts a region-wide scan of `target` is split into when `listed` (what its listings
/// show now) exceeds `limits`: one message per `limits.clusters` clusters and one per
/// `limits.families` task definition families, in the account-region's message group, so they
/// run one after the other behind the message that planned them. `known` (from the ledger) adds
/// the clusters and families that are gone, so their findings are archived by the part that
/// reads them missing. `None` when one scan covers the account-region.
///
/// Together the parts read what the region scan reads, with the same archival rules: a cluster
/// part proves its clusters' services, task sets and container instances; a family part lists
/// the family's ACTIVE revisions and the services that run it, so a superseded revision is
/// archived only when no service of the region runs it.
pub fn plan_parts(
    target: &Target,
    listed: &Extent,
    known: &Extent,
    limits: SplitLimits,
    trigger: &str,
    key: &str,
) -> Option<Vec<ScanMessage>> {
    if !limits.exceeded_by(listed) {
        return None;
    }
    let limits = limits.at_least_one();
    let clusters: Vec<&String> = listed.clusters.union(&known.clusters).collect();
    let families: Vec<&String> = listed.families.union(&known.families).collect();
    let parts = clusters
        .chunks(limits.clusters)
        .map(|chunk| Scope::many(chunk.iter().map(|c| Scope::Cluster((*c).clone())).collect()))
        .chain(families.chunks(limits.families).map(|chunk| {
            Scope::many(
                chunk
                    .iter()
                    .map(|f| Scope::TaskDefinition((*f).clone()))
                    .collect(),
            )
        }));
    Some(
        parts
            .enumerate()
            .map(|(i, scope)| ScanMessage {
                group_id: target.group_id(),
                deduplication_id: dedup_id(&format!(
                    "part/{key}/{}/{}/{i}",
                    target.account, target.region
                )),
                body: ScanRequest {
                    account: target.account.clone(),
                    region: target.region.clone(),
                    scope,
                    trigger: trigger.to_owned(),
                },
            })
            .collect(),
    )
}

/// SQS allows 128 characters of `[A-Za-z0-9!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~]`: keep the readable
/// key when it fits, else a stable 64-bit FNV-1a digest of it with its start.
fn dedup_id(key: &str) -> String {
    let clean: String = key
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    if clean.len() <= 128 {
        return clean;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}~{h:016x}", &clean[..100])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_become_scan_requests() {
        assert_eq!(scan_spec(&Scope::Region), json!("region"));
        let many = Scope::many(vec![
            Scope::Cluster("prod".into()),
            Scope::Service("prod/web".into()),
            Scope::TaskDefinition("web:3".into()),
            Scope::Cluster("staging".into()),
        ]);
        assert_eq!(
            scan_spec(&many),
            json!({"clusters": ["prod", "staging"], "services": ["prod/web"], "task_definitions": ["web:3"]})
        );
        let t = Target::new("111122223333", "eu-west-1");
        let m = plan_rescan(
            &t,
            Scope::Service("prod/web".into()),
            "ECS Service Action",
            "ev-1",
        );
        assert_eq!(m.group_id, "111122223333/eu-west-1");
        assert_eq!(
            m.body.body(),
            json!({"scan": {"services": ["prod/web"]}, "account": "111122223333", "region": "eu-west-1", "trigger": "ECS Service Action"})
        );
        assert_ne!(
            m.deduplication_id,
            plan_rescan(&t, Scope::Region, "x", "ev-2").deduplication_id
        );
    }

    #[test]
    fn accounts_are_twelve_digits_deduplicated() {
        assert_eq!(
            parse_accounts("111122223333, 444455556666,111122223333").unwrap(),
            vec!["111122223333", "444455556666"]
        );
        assert_eq!(
            parse_accounts("11112222333").unwrap_err(),
            FleetError::Account("11112222333".into())
        );
        assert_eq!(
            parse_accounts("11112222333a").unwrap_err().to_string(),
            "\"11112222333a\" is not an AWS account id (12 digits)"
        );
        assert_eq!(
            parse_accounts(" , ").unwrap_err(),
            FleetError::Empty("account")
        );
    }

    #[test]
    fn regions_are_checked() {
        assert_eq!(
            parse_regions("us-east-1,eu-west-1,us-gov-west-1,us-east-1").unwrap(),
            vec!["us-east-1", "eu-west-1", "us-gov-west-1"]
        );
        for bad in ["us-east", "US-EAST-1", "us_east_1", "us--1", "eu-west-x"] {
            assert_eq!(
                parse_regions(bad).unwrap_err(),
                FleetError::Region(bad.into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn role_arns_follow_the_partition() {
        let t = Target::new("111122223333", "cn-north-1");
        assert_eq!(
            role_arn(&t, "ecs-posture-member"),
            "arn:aws-cn:iam::111122223333:role/ecs-posture-member"
        );
        let t = Target::new("111122223333", "us-gov-west-1");
        assert_eq!(
            role_arn(&t, "/sec/reader"),
            "arn:aws-us-gov:iam::111122223333:role/sec/reader"
        );
        let t = Target::new("111122223333", "eu-west-1");
        assert_eq!(role_arn(&t, "r"), "arn:aws:iam::111122223333:role/r");
        assert!(check_role_name("ecs-posture-member").is_ok());
        assert!(check_role_name("sec/ecs-posture").is_ok());
        assert!(check_role_name("bad name").is_err());
        assert!(check_role_name(&"r".repeat(65)).is_err());
    }

    #[test]
    fn targets_cross_accounts_and_regions() {
        let t = targets(
            &["111122223333".into(), "444455556666".into()],
            &["us-east-1".into(), "eu-west-1".into()],
        );
        let names: Vec<String> = t.iter().map(Target::to_string).collect();
        assert_eq!(
            names,
            vec![
                "111122223333 us-east-1",
                "111122223333 eu-west-1",
                "444455556666 us-east-1",
                "444455556666 eu-west-1"
            ]
        );
    }

    #[test]
    fn nightly_plan_groups_by_account_region() {
        let t = targets(
            &["111122223333".into(), "444455556666".into()],
            &["us-east-1".into(), "eu-west-1".into()],
        );
        let plan = plan_nightly(&t, "2026-11-30T02:00:00Z");
        assert_eq!(plan.len(), 4);
        let groups: BTreeSet<&str> = plan.iter().map(|m| m.group_id.as_str()).collect();
        assert_eq!(groups.len(), 4, "one group per account-region");
        assert_eq!(plan[1].group_id, "111122223333/eu-west-1");
        assert_eq!(plan[1].body.target(), t[1]);
        assert_eq!(
            plan_nightly(&t, "2026-11-30T02:00:00Z"),
            plan,
            "the same run planned twice deduplicates"
        );
        let next = plan_nightly(&t, "2026-12-01T02:00:00Z");
        assert!(
            plan.iter()
                .zip(&next)
                .all(|(a, b)| a.deduplication_id != b.deduplication_id)
        );
        for m in &plan {
            assert!(m.deduplication_id.len() <= 128);
            assert!(m.deduplication_id.chars().all(|c| c.is_ascii_graphic()));
        }
        let long = plan_nightly(&t[..1], &"w".repeat(300));
        assert!(long[0].deduplication_id.len() <= 128);
        assert_eq!(
            plan[0].body.body(),
            json!({"scan": "region", "account": "111122223333", "region": "us-east-1", "trigger": "nightly"})
        );
    }

    fn arns(prefix: &str, n: usize) -> BTreeSet<String> {
        (0..n).map(|i| format!("{prefix}{i:03}")).collect()
    }

    #[test]
    fn a_large_account_region_is_split_into_parts_of_its_group() {
        let t = Target::new("111122223333", "eu-west-1");
        let limits = SplitLimits {
            clusters: 2,
            families: 3,
        };
        let small = Extent {
            clusters: arns("arn:aws:ecs:eu-west-1:111122223333:cluster/c", 2),
            families: arns("f", 3),
        };
        assert_eq!(
            plan_parts(&t, &small, &Extent::default(), limits, "nightly", "m1"),
            None,
            "one scan covers it"
        );
        let listed = Extent {
            clusters: arns("arn:aws:ecs:eu-west-1:111122223333:cluster/c", 3),
            families: arns("f", 4),
        };
        // The ledger knows a deleted cluster and a deregistered family: they are read too.
        let known = Extent {
            clusters: ["arn:aws:ecs:eu-west-1:111122223333:cluster/gone".to_owned()].into(),
            families: ["f001".to_owned(), "old".to_owned()].into(),
        };
        let parts = plan_parts(&t, &listed, &known, limits, "nightly", "m1").unwrap();
        let scopes: Vec<Value> = parts.iter().map(|m| scan_spec(&m.body.scope)).collect();
        assert_eq!(
            scopes,
            vec![
                json!({"clusters": ["arn:aws:ecs:eu-west-1:111122223333:cluster/c000", "arn:aws:ecs:eu-west-1:111122223333:cluster/c001"]}),
                json!({"clusters": ["arn:aws:ecs:eu-west-1:111122223333:cluster/c002", "arn:aws:ecs:eu-west-1:111122223333:cluster/gone"]}),
                json!({"task_definitions": ["f000", "f001", "f002"]}),
                json!({"task_definitions": ["f003", "old"]}),
            ]
        );
        for m in &parts {
            assert_eq!(
                m.group_id,
                t.group_id(),
                "behind the message that planned them"
            );
            assert_eq!(m.body.trigger, "nightly");
            assert_eq!(m.body.target(), t);
        }
        let ids: BTreeSet<&str> = parts.iter().map(|m| m.deduplication_id.as_str()).collect();
        assert_eq!(ids.len(), parts.len());
        assert_eq!(
            plan_parts(&t, &listed, &known, limits, "nightly", "m1").unwrap(),
            parts,
            "a redelivered message plans the same parts (deduplicated by SQS)"
        );
        // Too many families alone splits too.
        let wide = Extent {
            clusters: arns("c", 1),
            families: arns("f", 4),
        };
        assert!(plan_parts(&t, &wide, &Extent::default(), limits, "nightly", "m1").is_some());
    }

    #[test]
    fn the_ledger_names_the_parts_with_open_findings() {
        let entry = |ty: &str, arn: &str, cluster: Option<&str>, state: FindingState| LedgerEntry {
            id: arn.to_owned(),
            check_id: "X".into(),
            resource_arn: arn.into(),
            resource_type: ty.into(),
            resource_name: "n".into(),
            cluster: cluster.map(str::to_owned),
            account: "111122223333".into(),
            region: "eu-west-1".into(),
            state,
            severity: crate::Severity::High,
            evidence_hash: String::new(),
            evidence: vec![],
            created_at_ms: 0,
            first_observed_ms: 0,
            last_imported_ms: 0,
            alerted: None,
            pending: false,
        };
        let p = "arn:aws:ecs:eu-west-1:111122223333";
        let entries = [
            entry(
                "AwsEcsTaskDefinition",
                &format!("{p}:task-definition/web:3"),
                None,
                FindingState::Failed,
            ),
            entry(
                "AwsEcsTaskDefinition",
                &format!("{p}:task-definition/old:1"),
                None,
                FindingState::Archived,
            ),
            entry(
                "AwsEcsCluster",
                &format!("{p}:cluster/prod"),
                None,
                FindingState::Passed,
            ),
            entry(
                "AwsEcsService",
                &format!("{p}:service/batch/job"),
                Some(&format!("{p}:cluster/batch")),
                FindingState::Failed,
            ),
        ];
        let known = Extent::of_ledger(&entries);
        assert_eq!(known.families, ["web".to_owned()].into());
        assert_eq!(
            known.clusters,
            [format!("{p}:cluster/batch"), format!("{p}:cluster/prod")].into()
        );
    }
}

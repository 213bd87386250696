//! The IAM roles a scan's task definitions name (and its container instances' instance roles),
//! read as `aws iam get-account-authorization-details`
//! prints them (one document, `iam-authorization-details.json`), so that a live scan and an
//! offline one of its snapshot read the same thing.
//!
//! - A whole region, or more than [`PER_ROLE_LIMIT`] roles: one paginated
//!   `GetAccountAuthorizationDetails` for the account (roles, customer managed and attached AWS
//!   managed policies, pages of 1,000), however many roles the estate uses; the document keeps
//!   the roles named and the policies they use, and proves every other role absent.
//! - A scoped scan naming a few roles, or an account that refuses the call: each role on its own
//!   (`GetRole`, `ListRolePolicies` + `GetRolePolicy`, `ListAttachedRolePolicies`), marked
//!   `IsTruncated` since it proves nothing absent. The refusal is kept as the AWS error document
//!   (`authorization-details.json`), so a role still unread says why.
//! - An attached policy or boundary the read did not return (every one after a per-role read),
//!   and that the core does not carry, is read with `GetPolicy` + `GetPolicyVersion`, once per
//!   scan.
//!
//! Documents come back URL-encoded; the core decodes them.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::types::EntityType;
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::identity::{
    AUTHORIZATION_DETAILS_FILE, account_and_name, builtin_aws_managed,
};
use serde_json::{Value, json};

use super::ec2::NetworkRead;

/// The source name of the details document a live read writes.
pub const DETAILS_SOURCE: &str = "iam-authorization-details.json";

/// Scoped scans naming at most this many roles read them one by one (about five calls each)
/// rather than the account's whole authorization details.
pub const PER_ROLE_LIMIT: usize = 5;

/// The role names of `account` that the snapshot names: task definitions' task and execution
/// roles, Express Mode services' infrastructure role and their configurations' task and
/// execution roles, and the infrastructure roles of Managed Instances providers and ECS
/// Gateways. Names of other accounts' roles are left out: a task cannot use them.
pub fn role_names(snapshot: &Snapshot, account: &str) -> BTreeSet<String> {
    let definitions = snapshot.task_definitions.iter().flat_map(|r| {
        [
            r.item.task_role_arn.as_deref(),
            r.item.execution_role_arn.as_deref(),
        ]
    });
    let express = snapshot.express_services.iter().flat_map(|r| {
        std::iter::once(r.item.infrastructure_role_arn.as_deref()).chain(
            r.item
                .active_configurations
                .iter()
                .flat_map(|c| [c.task_role_arn.as_deref(), c.execution_role_arn.as_deref()]),
        )
    });
    let providers = snapshot.capacity_providers.iter().map(|r| {
        r.item
            .managed_instances_provider
            .as_ref()
            .and_then(|m| m.infrastructure_role_arn.as_deref())
    });
    let gateways = snapshot
        .gateways
        .iter()
        .map(|r| r.item.infrastructure_role_arn.as_deref());
    let mut out = BTreeSet::new();
    for field in definitions.chain(express).chain(providers).chain(gateways) {
        let Some(reference) = ecs_posture_core::checks::support::roles::named(field) else {
            continue;
        };
        match account_and_name(reference) {
            Some((a, name)) if a == account => {
                out.insert(name.to_owned());
            }
            Some(_) => {}
            None if !reference.starts_with("arn:") => {
                out.insert(reference.to_owned());
            }
            None => {}
        }
    }
    out
}

/// The instance profiles (ARNs) of the EC2 instances behind the snapshot's container instances
/// (their roles are what tasks reaching the metadata service obtain) and of the instances
/// Managed Instances providers launch.
pub fn profile_arns(snapshot: &Snapshot) -> BTreeSet<String> {
    let managed = snapshot.capacity_providers.iter().filter_map(|r| {
        r.item
            .managed_instances_provider
            .as_ref()?
            .instance_launch_template
            .as_ref()?
            .ec2_instance_profile_arn
            .clone()
    });
    snapshot
        .network
        .instances
        .iter()
        .filter_map(|i| i.iam_instance_profile.as_ref()?.arn.clone())
        .chain(managed)
        .collect()
}

/// What a scan's roles are: the role names of `account` its task definitions use, and the
/// instance profiles of its container instances.
#[derive(Debug, Default)]
pub struct RoleRefs {
    pub names: BTreeSet<String>,
    pub profiles: BTreeSet<String>,
}

impl RoleRefs {
    pub fn of(snapshot: &Snapshot, account: &str) -> RoleRefs {
        RoleRefs {
            names: role_names(snapshot, account),
            profiles: profile_arns(snapshot),
        }
    }
}

/// Read the roles `refs` names in `account` (`whole`: the scan covers the region, read the
/// account's authorization details whatever the count). Instance profiles resolve to their
/// roles through the account's details only (the per-role reads cannot map them): where those
/// are refused, the instance roles stay unread.
pub async fn read(client: &Client, account: &str, refs: &RoleRefs, whole: bool) -> NetworkRead {
    let mut out = NetworkRead::default();
    let names = &refs.names;
    if names.is_empty() && refs.profiles.is_empty() {
        return out;
    }
    let details = if whole || names.len() > PER_ROLE_LIMIT || !refs.profiles.is_empty() {
        match account_details(client, refs, &mut out).await {
            Ok(d) => Some(d),
            Err(error) => {
                // Refused (or failed): said once, then each role on its own.
                if let Some(doc) = error {
                    out.docs.push((AUTHORIZATION_DETAILS_FILE.into(), doc));
                }
                None
            }
        }
    } else {
        None
    };
    let mut doc = match details {
        Some(d) => d,
        None => per_role(client, account, names, &mut out).await,
    };
    missing_policies(client, &mut doc, &mut out).await;
    out.docs.push((DETAILS_SOURCE.into(), doc));
    out
}

#[allow(clippy::too_many_arguments)]
fn role_json(
    arn: &str,
    name: &str,
    path: Option<&str>,
    trust: Option<&str>,
    inline: Vec<Value>,
    attached: Vec<Value>,
    boundary: Option<&str>,
    profiles: Vec<Value>,
) -> Value {
    let mut role = json!({
        "Path": path,
        "RoleName": name,
        "Arn": arn,
        "AssumeRolePolicyDocument": trust,
        "RolePolicyList": inline,
        "AttachedManagedPolicies": attached,
        "InstanceProfileList": profiles,
    });
    if let Some(b) = boundary {
        role["PermissionsBoundary"] =
            json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b});
    }
    role
}

fn attached_json(name: Option<&str>, arn: Option<&str>) -> Value {
    json!({"PolicyName": name, "PolicyArn": arn})
}

/// Every page of `GetAccountAuthorizationDetails`; the roles named and the policies they use
/// are kept. `Err(Some(doc))`: the AWS error to keep.
async fn account_details(
    client: &Client,
    refs: &RoleRefs,
    out: &mut NetworkRead,
) -> Result<Value, Option<Value>> {
    let mut roles = Vec::new();
    let mut policies: BTreeMap<String, Value> = BTreeMap::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut pages = client
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .filter(EntityType::AwsManagedPolicy)
        .max_items(1000)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.count("GetAccountAuthorizationDetails");
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(format!(
                    "GetAccountAuthorizationDetails: {}",
                    super::sdk_error_summary(&e)
                ));
                return Err(super::error_document(&e));
            }
        };
        for r in page.role_detail_list() {
            let (Some(name), Some(arn)) = (r.role_name(), r.arn()) else {
                continue;
            };
            let holds_profile = r
                .instance_profile_list()
                .iter()
                .any(|p| refs.profiles.contains(p.arn()));
            if !refs.names.contains(name) && !holds_profile {
                continue;
            }
            let attached: Vec<Value> = r
                .attached_managed_policies()
                .iter()
                .map(|a| {
                    if let Some(arn) = a.policy_arn() {
                        used.insert(arn.to_owned());
                    }
                    attached_json(a.policy_name(), a.policy_arn())
                })
                .collect();
            let boundary = r
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn());
            if let Some(b) = boundary {
                used.insert(b.to_owned());
            }
            roles.push(role_json(
                arn,
                name,
                r.path(),
                r.assume_role_policy_document(),
                r.role_policy_list()
                    .iter()
                    .map(|p| {
                        json!({"PolicyName": p.policy_name(), "PolicyDocument": p.policy_document()})
                    })
                    .collect(),
                attached,
                boundary,
                r.instance_profile_list()
                    .iter()
                    .map(|p| json!({"InstanceProfileName": p.instance_profile_name(), "Arn": p.arn()}))
                    .collect(),
            ));
        }
        for p in page.policies() {
            let Some(arn) = p.arn() else { continue };
            // Only the default version is ever judged.
            let versions: Vec<Value> = p
                .policy_version_list()
                .iter()
                .filter(|v| v.is_default_version())
                .map(|v| {
                    json!({"VersionId": v.version_id(), "IsDefaultVersion": true, "Document": v.document()})
                })
                .collect();
            policies.insert(
                arn.to_owned(),
                json!({
                    "PolicyName": p.policy_name(),
                    "Arn": arn,
                    "DefaultVersionId": p.default_version_id(),
                    "PolicyVersionList": versions,
                }),
            );
        }
    }
    let policies: Vec<Value> = policies
        .into_iter()
        .filter(|(arn, _)| used.contains(arn))
        .map(|(_, p)| p)
        .collect();
    Ok(json!({"RoleDetailList": roles, "Policies": policies}))
}

/// Each role on its own; a role that cannot be read is left out (unknown) and the error kept.
async fn per_role(
    client: &Client,
    account: &str,
    names: &BTreeSet<String>,
    out: &mut NetworkRead,
) -> Value {
    let mut roles = Vec::new();
    for name in names {
        match one_role(client, name, out).await {
            Ok(role) => roles.push(role),
            Err(why) => out
                .errors
                .push(format!("IAM role {name} in account {account}: {why}")),
        }
    }
    json!({"RoleDetailList": roles, "Policies": [], "IsTruncated": true})
}

/// One role: its trust policy, boundary, inline policies and the managed policies attached.
async fn one_role(client: &Client, name: &str, out: &mut NetworkRead) -> Result<Value, String> {
    out.count("GetRole");
    let got = client
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| format!("GetRole: {}", super::sdk_error_summary(&e)))?;
    let Some(role) = got.role() else {
        return Err("GetRole returned no role".to_owned());
    };
    let mut inline = Vec::new();
    let mut pages = client
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    let mut policy_names = Vec::new();
    while let Some(page) = pages.next().await {
        out.count("ListRolePolicies");
        let page =
            page.map_err(|e| format!("ListRolePolicies: {}", super::sdk_error_summary(&e)))?;
        policy_names.extend(page.policy_names().iter().cloned());
    }
    for p in policy_names {
        out.count("GetRolePolicy");
        let got = client
            .get_role_policy()
            .role_name(name)
            .policy_name(&p)
            .send()
            .await
            .map_err(|e| format!("GetRolePolicy {p}: {}", super::sdk_error_summary(&e)))?;
        inline.push(json!({"PolicyName": p, "PolicyDocument": got.policy_document()}));
    }
    let mut attached = Vec::new();
    let mut pages = client
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.count("ListAttachedRolePolicies");
        let page = page
            .map_err(|e| format!("ListAttachedRolePolicies: {}", super::sdk_error_summary(&e)))?;
        for a in page.attached_policies() {
            attached.push(attached_json(a.policy_name(), a.policy_arn()));
        }
    }
    let boundary = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn());
    Ok(role_json(
        role.arn(),
        role.role_name(),
        Some(role.path()),
        role.assume_role_policy_document(),
        inline,
        attached,
        boundary,
        Vec::new(),
    ))
}

/// An AWS managed policy whose document the core carries (read only when missing otherwise).
fn is_carried(arn: &str) -> bool {
    ecs_posture_core::model::Arn::parse(arn).is_some_and(|p| {
        p.account == "aws"
            && builtin_aws_managed(p.resource.rsplit('/').next().unwrap_or("")).is_some()
    })
}

/// `GetPolicy` + `GetPolicyVersion` of the default version, as a `Policies` item; `None` when
/// the read failed (recorded: the role's check says the policy was not read).
async fn managed_policy(client: &Client, arn: &str, out: &mut NetworkRead) -> Option<Value> {
    out.count("GetPolicy");
    let policy = match client.get_policy().policy_arn(arn).send().await {
        Ok(p) => p.policy().cloned()?,
        Err(e) => {
            out.errors
                .push(format!("GetPolicy {arn}: {}", super::sdk_error_summary(&e)));
            return None;
        }
    };
    let version = policy.default_version_id()?.to_owned();
    out.count("GetPolicyVersion");
    let doc = match client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&version)
        .send()
        .await
    {
        Ok(v) => v
            .policy_version()
            .and_then(|v| v.document())
            .map(str::to_owned)?,
        Err(e) => {
            out.errors.push(format!(
                "GetPolicyVersion {arn} {version}: {}",
                super::sdk_error_summary(&e)
            ));
            return None;
        }
    };
    Some(json!({
        "PolicyName": policy.policy_name(),
        "Arn": arn,
        "DefaultVersionId": version,
        "PolicyVersionList": [{"VersionId": version, "IsDefaultVersion": true, "Document": doc}],
    }))
}

/// The attached policies and boundaries the document lacks (all of them after a per-role read;
/// after the account's details, AWS managed ones they did not return), read one by one, once
/// each, and added to it. AWS managed documents the core carries are not read.
async fn missing_policies(client: &Client, doc: &mut Value, out: &mut NetworkRead) {
    let have: BTreeSet<String> = doc["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["Arn"].as_str().map(str::to_owned))
        .collect();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for r in doc["RoleDetailList"].as_array().into_iter().flatten() {
        for a in r["AttachedManagedPolicies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(arn) = a["PolicyArn"].as_str() {
                wanted.insert(arn.to_owned());
            }
        }
        if let Some(b) = r["PermissionsBoundary"]["PermissionsBoundaryArn"].as_str() {
            wanted.insert(b.to_owned());
        }
    }
    let mut added = Vec::new();
    for arn in wanted {
        if have.contains(&arn) || is_carried(&arn) {
            continue;
        }
        if let Some(p) = managed_policy(client, &arn, out).await {
            added.push(p);
        }
    }
    if let Some(list) = doc["Policies"].as_array_mut() {
        list.extend(added);
    }
}

/// The names of the roles a managed policy is attached to (`ListEntitiesForPolicy`, every page)
/// or is the permissions boundary of; `None` when the listing failed (recorded).
pub async fn roles_of_policy(
    client: &Client,
    policy: &str,
    out: &mut NetworkRead,
) -> Option<BTreeSet<String>> {
    let mut roles = BTreeSet::new();
    // Without a usage filter the listing names both uses: attached, and as a boundary.
    let mut pages = client
        .list_entities_for_policy()
        .policy_arn(policy)
        .entity_filter(EntityType::Role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.count("ListEntitiesForPolicy");
        match page {
            Ok(p) => roles.extend(
                p.policy_roles()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_owned)),
            ),
            Err(e) => {
                out.errors.push(format!(
                    "ListEntitiesForPolicy {policy}: {}",
                    super::sdk_error_summary(&e)
                ));
                return None;
            }
        }
    }
    Some(roles)
}

//! The IAM roles ECS workloads run with, as `aws iam get-account-authorization-details` prints
//! them (`RoleDetailList`, `Policies` with their `PolicyVersionList`), and what each role may do.
//!
//! IAM is global: a read covers an account, whatever the region scanned. A role is looked up by
//! account and name (names are unique in an account whatever their path; a task definition may
//! name a role by name alone). An account whose authorization details were read to their last
//! page is *complete*: a role missing from it does not exist. Anywhere else a missing role is
//! unknown, and so is every role of an account whose read failed.
//!
//! A role's permissions are its inline policies, the default versions of its attached managed
//! policies, and its permissions boundary. An attached policy the read did not return (AWS
//! managed policies are returned only where attached, and a partial read may miss them) is
//! taken from the few AWS managed documents this crate carries ([`builtin_aws_managed`]), else
//! listed as unread: checks then prove what the read policies allow and say what is missing.

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::FastMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use super::de;
use super::iam::{Policies, Policy, PolicyError};
use super::load_balancing::AwsError;

/// The file an authorization-details error document is bound to (the error names no account:
/// it stands for every account not otherwise read).
pub const AUTHORIZATION_DETAILS_FILE: &str = "authorization-details.json";

/// True when `path` is the file the authorization details (or their error) are kept in.
pub fn is_authorization_details_file(path: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(AUTHORIZATION_DETAILS_FILE)
}

/// Where a policy of a role comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Inline,
    CustomerManaged,
    AwsManaged,
}

impl PolicyKind {
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::Inline => "inline policy",
            PolicyKind::CustomerManaged => "customer managed policy",
            PolicyKind::AwsManaged => "AWS managed policy",
        }
    }
}

/// A managed policy attached to a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub arn: String,
}

/// One IAM role.
#[derive(Debug)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub account: String,
    /// The trust policy (`AssumeRolePolicyDocument`); `None` when the read did not return it.
    pub trust: Option<Result<Policy, PolicyError>>,
    pub inline: Vec<(String, Result<Policy, PolicyError>)>,
    pub attached: Vec<Attachment>,
    /// The permissions boundary's policy ARN.
    pub boundary: Option<String>,
    /// The ARNs of the instance profiles that hold the role.
    pub instance_profiles: Vec<String>,
    permissions: OnceLock<Permissions>,
}

/// A managed policy's default version.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub document: Result<Policy, PolicyError>,
}

/// One identity policy of a role, as the checks name it in their evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: PolicyKind,
    pub name: String,
    /// The managed policy's ARN; `None` for an inline policy.
    pub arn: Option<String>,
}

impl Source {
    /// `inline policy app` / `AWS managed policy AdministratorAccess`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind.describe(), self.name)
    }
}

/// What a role's policies are, resolved once.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    /// The identity policies that were read, in the order of `sources`.
    pub policies: Vec<Policy>,
    pub sources: Vec<Source>,
    /// The permissions boundary, where the role has one and it was read.
    pub boundary: Option<Policy>,
    /// What could not be read or parsed, each said in a sentence.
    pub unread: Vec<String>,
}

impl Permissions {
    pub fn policies(&self) -> Policies<'_> {
        Policies {
            identity: &self.policies,
            boundary: self.boundary.as_ref(),
        }
    }

    /// The policies and where each comes from.
    pub fn each(&self) -> impl Iterator<Item = (&Source, &Policy)> {
        self.sources.iter().zip(self.policies.iter())
    }
}

/// The answer to "which role is this".
#[derive(Debug, Clone, Copy)]
pub enum RoleLookup<'a> {
    Found(&'a Role),
    /// The account's roles were all read and this is not one of them.
    Absent,
    /// Not read.
    Unknown,
}

/// The IAM a snapshot holds.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// Roles by account, then name (looked up without building a key).
    roles: FastMap<String, FastMap<String, Arc<Role>>>,
    /// Managed policies by ARN.
    policies: FastMap<String, Arc<ManagedPolicy>>,
    /// Accounts whose roles were read to the last page.
    complete: BTreeSet<String>,
    /// Accounts whose authorization details could not be read; `""`: an error bound to no
    /// account (it stands for every account not otherwise read).
    errors: BTreeMap<String, AwsError>,
    /// Instance profile ARN -> (account, role name).
    profiles: FastMap<String, (String, String)>,
}

/// The account and name an IAM ARN names (`arn:aws:iam::1:role/path/name` -> `1`, `name`).
pub fn account_and_name(arn: &str) -> Option<(&str, &str)> {
    let p = super::Arn::parse(arn)?;
    let name = p.resource.rsplit('/').next()?;
    (!p.account.is_empty() && !name.is_empty()).then_some((p.account, name))
}

/// Documents of the AWS managed policies that decide this catalog's checks, for a read that
/// did not return them (by policy name: AWS managed policy names are unique).
pub fn builtin_aws_managed(name: &str) -> Option<&'static str> {
    match name {
        "AdministratorAccess" => Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        "AmazonECSTaskExecutionRolePolicy" => Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
        ),
        _ => None,
    }
}

fn is_aws_managed(arn: &str) -> bool {
    super::Arn::parse(arn).is_some_and(|p| p.account == "aws")
}

// `aws iam get-account-authorization-details`, the parts read.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleDetail {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    role_name: Option<String>,
    #[serde(default)]
    assume_role_policy_document: Option<Value>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    role_policy_list: Vec<InlineDetail>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    attached_managed_policies: Vec<AttachedDetail>,
    #[serde(default)]
    permissions_boundary: Option<BoundaryDetail>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    instance_profile_list: Vec<ProfileDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InlineDetail {
    #[serde(default)]
    policy_name: Option<String>,
    #[serde(default)]
    policy_document: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttachedDetail {
    #[serde(default)]
    policy_name: Option<String>,
    #[serde(default)]
    policy_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BoundaryDetail {
    #[serde(default)]
    permissions_boundary_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileDetail {
    #[serde(default)]
    arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyDetail {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    policy_name: Option<String>,
    #[serde(default)]
    default_version_id: Option<String>,
    #[serde(default, deserialize_with = "de::vec_or_null")]
    policy_version_list: Vec<VersionDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VersionDetail {
    #[serde(default)]
    document: Option<Value>,
    #[serde(default)]
    version_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    is_default_version: Option<bool>,
}

/// The keys of `aws iam get-account-authorization-details` output.
pub const AUTHORIZATION_DETAILS_KEYS: &[&str] = &["RoleDetailList", "Policies"];

/// True when a document is authorization details (`Policies` alone only with version lists,
/// the key is too common to claim otherwise).
pub fn is_authorization_details(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("RoleDetailList")
        || map
            .get("Policies")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|p| p.get("PolicyVersionList").is_some())
}

impl Identity {
    /// Read one `get-account-authorization-details` document. `IsTruncated: true` marks a
    /// partial read (one page, or the roles read one by one): its roles are known, the others
    /// of its accounts stay unknown.
    pub fn read_details(
        path: &str,
        map: &serde_json::Map<String, Value>,
    ) -> Result<Identity, super::InputError> {
        let mut out = Identity::default();
        let truncated = map
            .get("IsTruncated")
            .is_some_and(|v| v.as_bool() == Some(true));
        let mut accounts = BTreeSet::new();
        if let Some(v) = map.get("RoleDetailList") {
            for (i, item) in super::list(path, "RoleDetailList", v)?.iter().enumerate() {
                let d: RoleDetail = super::typed(path, &format!("RoleDetailList[{i}]"), item)?;
                let Some((arn, account, name)) = d.arn.as_deref().and_then(|a| {
                    let (account, name) = account_and_name(a)?;
                    Some((a.to_owned(), account.to_owned(), name.to_owned()))
                }) else {
                    return Err(super::InputError::Field {
                        path: path.to_owned(),
                        field: format!("RoleDetailList[{i}].Arn"),
                        message: "a role without a usable ARN (arn:aws:iam::<account>:role/<name>)"
                            .to_owned(),
                    });
                };
                let name = d.role_name.unwrap_or(name);
                accounts.insert(account.clone());
                let role = Role {
                    trust: d
                        .assume_role_policy_document
                        .as_ref()
                        .map(Policy::from_value),
                    inline: d
                        .role_policy_list
                        .into_iter()
                        .map(|p| {
                            let name = p.policy_name.unwrap_or_else(|| "(unnamed)".to_owned());
                            let doc = match &p.policy_document {
                                Some(v) => Policy::from_value(v),
                                None => Err(PolicyError::NoStatement),
                            };
                            (name, doc)
                        })
                        .collect(),
                    attached: d
                        .attached_managed_policies
                        .into_iter()
                        .filter_map(|a| {
                            let arn = a.policy_arn?;
                            let name = a.policy_name.unwrap_or_else(|| {
                                arn.rsplit('/').next().unwrap_or(&arn).to_owned()
                            });
                            Some(Attachment { name, arn })
                        })
                        .collect(),
                    boundary: d
                        .permissions_boundary
                        .and_then(|b| b.permissions_boundary_arn),
                    instance_profiles: d
                        .instance_profile_list
                        .into_iter()
                        .filter_map(|p| p.arn)
                        .collect(),
                    arn,
                    name: name.clone(),
                    account: account.clone(),
                    permissions: OnceLock::new(),
                };
                for p in &role.instance_profiles {
                    out.profiles
                        .insert(p.clone(), (account.clone(), name.clone()));
                }
                out.roles
                    .entry(account)
                    .or_default()
                    .insert(name, Arc::new(role));
            }
        }
        if let Some(v) = map.get("Policies") {
            for (i, item) in super::list(path, "Policies", v)?.iter().enumerate() {
                let d: PolicyDetail = super::typed(path, &format!("Policies[{i}]"), item)?;
                let Some(arn) = d.arn else { continue };
                if let Some(p) = super::Arn::parse(&arn)
                    && p.account != "aws"
                    && !p.account.is_empty()
                {
                    accounts.insert(p.account.to_owned());
                }
                let default = d.policy_version_list.iter().find(|v| {
                    v.is_default_version == Some(true)
                        || (v.is_default_version.is_none()
                            && v.version_id.is_some()
                            && v.version_id == d.default_version_id)
                });
                let document = match default.and_then(|v| v.document.as_ref()) {
                    Some(doc) => Policy::from_value(doc),
                    None => Err(PolicyError::NoStatement),
                };
                let name = d
                    .policy_name
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(&arn).to_owned());
                out.policies.insert(
                    arn.clone(),
                    Arc::new(ManagedPolicy {
                        arn,
                        name,
                        document,
                    }),
                );
            }
        }
        if !truncated {
            out.complete = accounts;
        }
        Ok(out)
    }

    /// An AWS error for the authorization details of `account` (`""`: of every account not
    /// otherwise read).
    pub fn read_error(account: &str, error: AwsError) -> Identity {
        Identity {
            errors: [(account.to_owned(), error)].into(),
            ..Identity::default()
        }
    }

    /// Later reads add to (and replace the roles of) earlier ones.
    pub fn merge(&mut self, other: Identity) {
        for (account, roles) in other.roles {
            self.roles.entry(account).or_default().extend(roles);
        }
        self.policies.extend(other.policies);
        self.complete.extend(other.complete);
        self.errors.extend(other.errors);
        self.profiles.extend(other.profiles);
    }

    /// Nothing was read (answered or refused).
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
            && self.policies.is_empty()
            && self.complete.is_empty()
            && self.errors.is_empty()
    }

    /// The role a task definition or instance profile names: an ARN, or a name in
    /// `default_account`.
    pub fn role(&self, reference: &str, default_account: &str) -> RoleLookup<'_> {
        let (account, name) = match account_and_name(reference) {
            Some((a, n)) => (a, n),
            None if !reference.starts_with("arn:") && !reference.is_empty() => {
                (default_account, reference)
            }
            None => return RoleLookup::Unknown,
        };
        match self.find(account, name) {
            Some(r) => RoleLookup::Found(r),
            None if self.complete.contains(account) => RoleLookup::Absent,
            None => RoleLookup::Unknown,
        }
    }

    fn find(&self, account: &str, name: &str) -> Option<&Role> {
        self.roles.get(account)?.get(name).map(|r| r.as_ref())
    }

    /// The role of an instance profile (by the profile's ARN).
    pub fn role_of_profile(&self, profile_arn: &str) -> RoleLookup<'_> {
        match self.profiles.get(profile_arn) {
            Some((account, name)) => match self.find(account, name) {
                Some(r) => RoleLookup::Found(r),
                None => RoleLookup::Unknown,
            },
            None => match account_and_name(profile_arn) {
                Some((account, _)) if self.complete.contains(account) => RoleLookup::Absent,
                _ => RoleLookup::Unknown,
            },
        }
    }

    /// Why a role of `account` is unknown, in a sentence.
    pub fn why_unknown(&self, account: &str) -> String {
        match self.errors.get(account).or_else(|| self.errors.get("")) {
            Some(e) => format!(
                "not read: the IAM roles of account {account} (iam:GetAccountAuthorizationDetails: {}: {})",
                e.code, e.message
            ),
            None => format!("not read: the IAM roles of account {account}"),
        }
    }

    /// The role's policies, resolved once.
    pub fn permissions<'a>(&self, role: &'a Role) -> &'a Permissions {
        role.permissions.get_or_init(|| self.resolve(role))
    }

    fn managed(&self, arn: &str, name: &str) -> Option<Result<Policy, PolicyError>> {
        match self.policies.get(arn) {
            Some(p) => Some(p.document.clone()),
            None if is_aws_managed(arn) => builtin_aws_managed(name).map(Policy::parse),
            None => None,
        }
    }

    fn resolve(&self, role: &Role) -> Permissions {
        let mut out = Permissions::default();
        for (name, doc) in &role.inline {
            match doc {
                Ok(p) => {
                    out.policies.push(p.clone());
                    out.sources.push(Source {
                        kind: PolicyKind::Inline,
                        name: name.clone(),
                        arn: None,
                    });
                }
                Err(e) => out.unread.push(format!("inline policy {name}: {e}")),
            }
        }
        for a in &role.attached {
            let kind = if is_aws_managed(&a.arn) {
                PolicyKind::AwsManaged
            } else {
                PolicyKind::CustomerManaged
            };
            match self.managed(&a.arn, &a.name) {
                Some(Ok(p)) => {
                    out.policies.push(p);
                    out.sources.push(Source {
                        kind,
                        name: a.name.clone(),
                        arn: Some(a.arn.clone()),
                    });
                }
                Some(Err(e)) => out
                    .unread
                    .push(format!("{} {}: {e}", kind.describe(), a.arn)),
                None => out.unread.push(format!(
                    "{} {} was not in the authorization details read",
                    kind.describe(),
                    a.arn
                )),
            }
        }
        if let Some(b) = &role.boundary {
            let name = b.rsplit('/').next().unwrap_or(b);
            match self.managed(b, name) {
                Some(Ok(p)) => out.boundary = Some(p),
                Some(Err(e)) => out.unread.push(format!("permissions boundary {b}: {e}")),
                None => out.unread.push(format!(
                    "permissions boundary {b} was not in the authorization details read"
                )),
            }
        }
        out
    }

    /// The names of the roles a managed policy is attached to or bounds, in name order.
    pub fn roles_using_policy(&self, policy_arn: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .roles
            .values()
            .flat_map(|m| m.values())
            .filter(|r| {
                r.attached.iter().any(|a| a.arn == policy_arn)
                    || r.boundary.as_deref() == Some(policy_arn)
            })
            .map(|r| r.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The roles and managed policies held (for figures).
    pub fn counts(&self) -> (usize, usize) {
        (
            self.roles.values().map(FastMap::len).sum(),
            self.policies.len(),
        )
    }
}

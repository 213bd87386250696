//! The Secrets Manager secrets and Systems Manager parameters ECS containers take their secrets
//! from, as `aws secretsmanager describe-secret` / `list-secrets` and `aws ssm
//! describe-parameters` print them: metadata only, never a value (no call that returns one is
//! made, and no output that carries one is accepted: a `get-parameters` output is read for the
//! ECS-optimized AMI releases only).
//!
//! A read bound to a reference by file name proves it missing: `secret-<name>.json` holding
//! `ResourceNotFoundException`, `ssm-parameter-<name>.json` holding a `describe-parameters
//! --parameter-filters Key=Name,Option=Equals,Values=<name>` answer without it (a `/` of a name
//! written `%2F`). Any other AWS error document bound the same way leaves it unknown.

use crate::hash::FastMap;

use serde::Deserialize;

use super::de;
use super::load_balancing::AwsError;

pub const SECRET_PREFIX: &str = "secret-";
pub const PARAMETER_PREFIX: &str = "ssm-parameter-";

/// What a file name binds, when it has `prefix`.
pub fn bound(path: &str, prefix: &str) -> Option<String> {
    let file = path.rsplit(['/', '\\']).next()?;
    let name = file.strip_prefix(prefix)?.strip_suffix(".json")?;
    (!name.is_empty()).then(|| name.replace("%2F", "/").replace("%2f", "/"))
}

/// The file a reference's read is kept in.
pub fn file_name(prefix: &str, name: &str) -> String {
    format!("{prefix}{}.json", name.replace('/', "%2F"))
}

/// `describe-secret` (or one entry of `list-secrets`), the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretMeta {
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub rotation_enabled: Option<bool>,
    #[serde(default)]
    pub deleted_date: Option<serde_json::Value>,
    #[serde(default)]
    pub owning_service: Option<String>,
    /// ISO 8601 text (AWS CLI v2) or epoch seconds (v1, `--cli-...` formats): read when judged.
    #[serde(default)]
    pub last_rotated_date: Option<serde_json::Value>,
    #[serde(default)]
    pub created_date: Option<serde_json::Value>,
}

/// `describe-parameters`' parameter, the parts read (it carries no value).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterMeta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    /// `String`, `StringList` or `SecureString`.
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub key_id: Option<String>,
}

/// What a container's secret reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A Secrets Manager secret: its ARN (stripped of a JSON key, stage and version) or, for
    /// `repositoryCredentials` in the same region, its name.
    Secret {
        id: String,
        account: Option<String>,
        region: Option<String>,
    },
    /// A Systems Manager parameter: its name (with the leading `/` of a hierarchy), and the
    /// account and region its ARN names.
    Parameter {
        name: String,
        account: Option<String>,
        region: Option<String>,
    },
}

/// Where `value_from` points (`secrets[].valueFrom`, `secretOptions[].valueFrom`);
/// `repository`: a `repositoryCredentials.credentialsParameter` (always Secrets Manager).
pub fn reference(value_from: &str, repository: bool) -> Option<Reference> {
    let v = value_from.trim();
    if v.is_empty() || de::is_placeholder(v) {
        return None;
    }
    if let Some(arn) = super::Arn::parse(v) {
        let (account, region) = (
            Some(arn.account.to_owned()).filter(|a| !a.is_empty()),
            Some(arn.region.to_owned()).filter(|r| !r.is_empty()),
        );
        if arn.service == "secretsmanager" {
            // arn:aws:secretsmanager:region:account:secret:name[:json-key:stage:id]
            let id: Vec<&str> = v.splitn(8, ':').take(7).collect();
            return Some(Reference::Secret {
                id: id.join(":"),
                account,
                region,
            });
        }
        if arn.service == "ssm" {
            let rest = arn.resource.strip_prefix("parameter")?;
            let name = if rest[1..].contains('/') {
                rest.to_owned()
            } else {
                rest[1..].to_owned()
            };
            return parameter_or_reference(name, account, region);
        }
        return None;
    }
    if repository {
        return Some(Reference::Secret {
            id: v.to_owned(),
            account: None,
            region: None,
        });
    }
    parameter_or_reference(v.to_owned(), None, None)
}

/// `/aws/reference/secretsmanager/<id>` names a secret through Parameter Store.
fn parameter_or_reference(
    name: String,
    account: Option<String>,
    region: Option<String>,
) -> Option<Reference> {
    match name.strip_prefix("/aws/reference/secretsmanager/") {
        Some(id) => Some(Reference::Secret {
            id: id.to_owned(),
            account,
            region,
        }),
        None => Some(Reference::Parameter {
            name,
            account,
            region,
        }),
    }
}

/// Every secret reference of a container, in order: `secrets`, log `secretOptions`, then
/// `repositoryCredentials`, each with the place it is written in.
pub fn references_of(
    c: &super::ContainerDefinition,
) -> impl Iterator<Item = (Reference, Place<'_>)> + '_ {
    c.secrets
        .iter()
        .map(|s| (s.value_from.as_deref(), Place::Secret(s.name.as_deref())))
        .chain(
            c.log_configuration
                .iter()
                .flat_map(|l| l.secret_options.iter())
                .map(|s| (s.value_from.as_deref(), Place::LogOption(s.name.as_deref()))),
        )
        .chain(c.repository_credentials.iter().map(|r| {
            (
                r.credentials_parameter.as_deref(),
                Place::RegistryCredentials,
            )
        }))
        .filter_map(|(value, place)| {
            let repository = matches!(place, Place::RegistryCredentials);
            Some((reference(value?, repository)?, place))
        })
}

/// Where a container takes a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// `secrets[]` (the variable's name).
    Secret(Option<&'a str>),
    /// `logConfiguration.secretOptions[]` (the option's name).
    LogOption(Option<&'a str>),
    /// `repositoryCredentials.credentialsParameter`.
    RegistryCredentials,
}

impl Place<'_> {
    /// `secret DB_PASSWORD`, `log option apiKey`, `registry credentials`.
    pub fn describe(&self) -> String {
        match self {
            Place::Secret(n) => format!("secret {}", n.unwrap_or("?")),
            Place::LogOption(n) => format!("log option {}", n.unwrap_or("?")),
            Place::RegistryCredentials => "registry credentials".to_owned(),
        }
    }
}

/// The answer to "what is this reference".
#[derive(Debug)]
pub enum Lookup<'a, T> {
    Found(&'a T),
    /// A read of that very reference found nothing.
    Absent,
    Unknown(&'a str),
}

// A lookup only borrows: copied whatever `T` is.
impl<T> Clone for Lookup<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Lookup<'_, T> {}

/// The secret and parameter reads a snapshot holds.
#[derive(Debug, Clone, Default)]
pub struct SecretStore {
    /// Secrets by ARN and by name.
    secrets: FastMap<String, SecretMeta>,
    /// Secret ids read on their own that answered an error: `None` not found.
    secret_errors: FastMap<String, Option<String>>,
    parameters: FastMap<String, ParameterMeta>,
    /// Parameter names read on their own: `None` answered, `Some` refused.
    parameters_asked: FastMap<String, Option<String>>,
    /// Every secret and parameter read, of every account-region (names repeat across accounts).
    all_secrets: Vec<SecretMeta>,
    all_parameters: Vec<ParameterMeta>,
}

const NOT_READ_SECRET: &str = "not read: the secret (aws secretsmanager describe-secret)";
const NOT_READ_PARAMETER: &str = "not read: the parameter (aws ssm describe-parameters)";

impl SecretStore {
    pub fn merge(&mut self, other: SecretStore) {
        self.secrets.extend(other.secrets);
        self.secret_errors.extend(other.secret_errors);
        self.parameters.extend(other.parameters);
        self.parameters_asked.extend(other.parameters_asked);
        self.all_secrets.extend(other.all_secrets);
        self.all_parameters.extend(other.all_parameters);
    }

    /// The reads of one account-region (a part of a snapshot of several): the secrets and
    /// parameters whose ARN names it, or that carry no ARN. Answers bound by file name carry no
    /// account and are kept.
    pub fn of_account_region(&self, account: &str, region: &str) -> SecretStore {
        let of = |arn: Option<&str>| {
            arn.and_then(super::Arn::parse)
                .is_none_or(|a| a.account == account && a.region == region)
        };
        let mut out = SecretStore {
            secret_errors: self.secret_errors.clone(),
            parameters_asked: self.parameters_asked.clone(),
            ..SecretStore::default()
        };
        for s in self.all_secrets.iter().filter(|s| of(s.arn.as_deref())) {
            out.add_secret(s.clone());
        }
        out.add_parameters(
            self.all_parameters
                .iter()
                .filter(|p| of(p.arn.as_deref()))
                .cloned()
                .collect(),
            None,
        );
        out
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
            && self.secret_errors.is_empty()
            && self.parameters.is_empty()
            && self.parameters_asked.is_empty()
    }

    pub fn add_secret(&mut self, s: SecretMeta) {
        self.all_secrets.push(s.clone());
        if let Some(arn) = s.arn.clone() {
            self.secrets.insert(arn, s.clone());
        }
        if let Some(name) = s.name.clone() {
            self.secrets.insert(name, s);
        }
    }

    /// A bound `describe-secret` error.
    pub fn add_secret_error(&mut self, id: String, error: AwsError) {
        let why = (error.code != "ResourceNotFoundException").then(|| {
            format!(
                "the secret could not be read (secretsmanager:DescribeSecret answered {}: {})",
                error.code, error.message
            )
        });
        self.secret_errors.insert(id, why);
    }

    /// A `describe-parameters` answer; `bound`: the name it was read for.
    pub fn add_parameters(&mut self, parameters: Vec<ParameterMeta>, bound: Option<String>) {
        for p in parameters {
            if let Some(name) = p.name.clone() {
                self.all_parameters.push(p.clone());
                self.parameters.insert(name, p);
            }
        }
        if let Some(name) = bound {
            self.parameters_asked.entry(name).or_insert(None);
        }
    }

    pub fn add_parameter_error(&mut self, name: String, error: AwsError) {
        self.parameters_asked.insert(
            name,
            Some(format!(
                "the parameter could not be read (ssm:DescribeParameters answered {}: {})",
                error.code, error.message
            )),
        );
    }

    /// A secret by ARN (with or without its random suffix) or name.
    pub fn secret(&self, id: &str) -> Lookup<'_, SecretMeta> {
        if let Some(s) = self.secrets.get(id) {
            return Lookup::Found(s);
        }
        // A partial ARN (no `-XXXXXX` suffix) names the secret of that name.
        if let Some(name) = id.split(":secret:").nth(1)
            && let Some(s) = self.secrets.get(name)
        {
            return Lookup::Found(s);
        }
        match self.secret_errors.get(id) {
            Some(None) => Lookup::Absent,
            Some(Some(why)) => Lookup::Unknown(why),
            None => Lookup::Unknown(NOT_READ_SECRET),
        }
    }

    pub fn parameter(&self, name: &str) -> Lookup<'_, ParameterMeta> {
        if let Some(p) = self.parameters.get(name) {
            return Lookup::Found(p);
        }
        match self.parameters_asked.get(name) {
            Some(None) => Lookup::Absent,
            Some(Some(why)) => Lookup::Unknown(why),
            None => Lookup::Unknown(NOT_READ_PARAMETER),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            reference(
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf:password::",
                false
            ),
            Some(Reference::Secret {
                id: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf".into(),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into())
            })
        );
        assert_eq!(
            reference(
                "arn:aws:ssm:us-east-1:111122223333:parameter/prod/db/password",
                false
            ),
            Some(Reference::Parameter {
                name: "/prod/db/password".into(),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into())
            })
        );
        assert_eq!(
            reference("arn:aws:ssm:us-east-1:111122223333:parameter/token", false),
            Some(Reference::Parameter {
                name: "token".into(),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into())
            })
        );
        assert_eq!(
            reference("/aws/reference/secretsmanager/db", false),
            Some(Reference::Secret {
                id: "db".into(),
                account: None,
                region: None
            })
        );
        assert_eq!(
            reference("registry-login", true),
            Some(Reference::Secret {
                id: "registry-login".into(),
                account: None,
                region: None
            })
        );
        assert_eq!(reference("${DB_SECRET}", false), None);
    }
}

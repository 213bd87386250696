//! The CloudWatch Logs groups ECS containers write to, as `aws logs describe-log-groups` prints
//! them. An output bound to a group by file name (`log-group-<name>.json`, a `/` of the name
//! written `%2F`: the answer of `describe-log-groups --log-group-name-prefix <name>`) proves
//! whether that group exists; an unbound output only proves the groups it lists. An AWS error
//! document bound the same way leaves the group unknown, with its reason.

use crate::hash::FastMap;

use serde::Deserialize;

use super::load_balancing::AwsError;

/// `log-group-<name>.json`: one group's read (its name's `/` written `%2F`).
pub const LOG_GROUP_PREFIX: &str = "log-group-";

/// One log group of `describe-log-groups`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    #[serde(default)]
    pub log_group_name: Option<String>,
    /// The ARN with a trailing `:*`, as the API returns it.
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub log_group_arn: Option<String>,
    /// Absent: the events never expire.
    #[serde(default)]
    pub retention_in_days: Option<i64>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

impl LogGroup {
    /// The group's ARN without the `:*` suffix.
    pub fn arn_or(&self, fallback: impl FnOnce() -> String) -> String {
        self.log_group_arn
            .clone()
            .or_else(|| {
                self.arn
                    .as_deref()
                    .map(|a| a.strip_suffix(":*").unwrap_or(a).to_owned())
            })
            .unwrap_or_else(fallback)
    }
}

/// The answer to "which group is this".
#[derive(Debug, Clone, Copy)]
pub enum GroupLookup<'a> {
    Found(&'a LogGroup),
    /// A read of that very name found nothing.
    Absent,
    /// Not read, or its read failed (the reason).
    Unknown(&'a str),
}

/// The log group reads a snapshot holds.
#[derive(Debug, Clone, Default)]
pub struct Logs {
    groups: FastMap<String, LogGroup>,
    /// Every group read, of every account-region (names repeat across accounts).
    all: Vec<LogGroup>,
    /// Names read on their own: `None` answered (present or absent), `Some` refused.
    asked: FastMap<String, Option<String>>,
}

/// The group a bound file names.
pub fn bound_group(path: &str) -> Option<String> {
    let file = path.rsplit(['/', '\\']).next()?;
    let name = file.strip_prefix(LOG_GROUP_PREFIX)?.strip_suffix(".json")?;
    (!name.is_empty()).then(|| name.replace("%2F", "/").replace("%2f", "/"))
}

impl Logs {
    pub fn merge(&mut self, other: Logs) {
        self.groups.extend(other.groups);
        self.all.extend(other.all);
        self.asked.extend(other.asked);
    }

    /// The reads of one account-region (a part of a snapshot of several): the groups whose ARN
    /// names it, or that carry no ARN. Answers bound by file name carry no account and are kept.
    pub fn of_account_region(&self, account: &str, region: &str) -> Logs {
        let mut out = Logs {
            asked: self.asked.clone(),
            ..Logs::default()
        };
        let of = |g: &LogGroup| {
            g.arn
                .as_deref()
                .or(g.log_group_arn.as_deref())
                .and_then(super::Arn::parse)
                .is_none_or(|a| a.account == account && a.region == region)
        };
        out.add(self.all.iter().filter(|g| of(g)).cloned().collect(), None);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.asked.is_empty()
    }

    /// Add the groups of one output; `bound`: the name it was read for.
    pub fn add(&mut self, groups: Vec<LogGroup>, bound: Option<String>) {
        for g in groups {
            if let Some(name) = g.log_group_name.clone() {
                self.all.push(g.clone());
                self.groups.insert(name, g);
            }
        }
        if let Some(name) = bound {
            self.asked.entry(name).or_insert(None);
        }
    }

    /// A read of `name` that answered with an AWS error.
    pub fn add_error(&mut self, name: String, error: AwsError) {
        self.asked.insert(
            name,
            Some(format!(
                "the log group could not be read (logs:DescribeLogGroups answered {}: {})",
                error.code, error.message
            )),
        );
    }

    pub fn group(&self, name: &str) -> GroupLookup<'_> {
        if let Some(g) = self.groups.get(name) {
            return GroupLookup::Found(g);
        }
        match self.asked.get(name) {
            Some(None) => GroupLookup::Absent,
            Some(Some(why)) => GroupLookup::Unknown(why),
            None => GroupLookup::Unknown("not read: the log group (aws logs describe-log-groups)"),
        }
    }
}

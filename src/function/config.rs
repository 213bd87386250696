//! The Lambda's configuration, from environment variables, validated at start-up: a bad value
//! fails the init with a message naming the variable, not every event.

use ecs_posture_core::Options;
use ecs_posture_core::config::ConfigError;
use ecs_posture_core::engine::UnknownCheck;
use ecs_posture_core::finding::Severity;
use ecs_posture_core::fleet::{self, SplitLimits};

use crate::handler::Settings;

/// A configuration problem, naming the environment variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvError {
    #[error("{var} is not set: {what}")]
    Missing {
        var: &'static str,
        what: &'static str,
    },
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
}

impl EnvError {
    /// The variable at fault.
    pub fn var(&self) -> &'static str {
        match self {
            EnvError::Missing { var, .. } | EnvError::Invalid { var, .. } => var,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LambdaConfig {
    pub ledger_table: String,
    pub topic_arn: Option<String>,
    pub settings: Settings,
    /// Set for an organization deployment (the hub); `None`: this account and region only.
    pub organization: Option<OrgConfig>,
}

/// Which member accounts the hub covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountList {
    /// These account ids.
    Ids(Vec<String>),
    /// Every ACTIVE account of the organization (organizations:ListAccounts).
    Organization,
}

/// The hub's organization settings (`ECS_POSTURE_MEMBER_ROLE_NAME` switches them on).
#[derive(Debug, Clone, PartialEq)]
pub struct OrgConfig {
    pub role_name: String,
    pub external_id: Option<String>,
    pub accounts: AccountList,
    pub regions: Vec<String>,
    /// The SQS FIFO queue of scans (message group = account-region).
    pub scan_queue_url: String,
    /// ECS requests per second per account-region.
    pub ecs_rate: f64,
    /// Above these sizes a nightly scan of an account-region is split into parts.
    pub split: SplitLimits,
}

impl OrgConfig {
    fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<OrgConfig>, EnvError> {
        let invalid = |var: &'static str, message: String| EnvError::Invalid { var, message };
        let Some(role_name) = get("ECS_POSTURE_MEMBER_ROLE_NAME") else {
            return Ok(None);
        };
        fleet::check_role_name(&role_name)
            .map_err(|e| invalid("ECS_POSTURE_MEMBER_ROLE_NAME", e.to_string()))?;
        let accounts = match get("ECS_POSTURE_ACCOUNTS") {
            None => {
                return Err(EnvError::Missing {
                    var: "ECS_POSTURE_ACCOUNTS",
                    what: "list the member account ids, or ORGANIZATION",
                });
            }
            Some(v) if v.trim().eq_ignore_ascii_case("ORGANIZATION") => AccountList::Organization,
            Some(v) => AccountList::Ids(
                fleet::parse_accounts(&v)
                    .map_err(|e| invalid("ECS_POSTURE_ACCOUNTS", e.to_string()))?,
            ),
        };
        let regions = get("ECS_POSTURE_REGIONS").ok_or(EnvError::Missing {
            var: "ECS_POSTURE_REGIONS",
            what: "list the regions to scan in every member account",
        })?;
        let regions = fleet::parse_regions(&regions)
            .map_err(|e| invalid("ECS_POSTURE_REGIONS", e.to_string()))?;
        let scan_queue_url = get("ECS_POSTURE_SCAN_QUEUE_URL").ok_or(EnvError::Missing {
            var: "ECS_POSTURE_SCAN_QUEUE_URL",
            what: "name the SQS FIFO queue of scans",
        })?;
        if !scan_queue_url.ends_with(".fifo") {
            return Err(invalid(
                "ECS_POSTURE_SCAN_QUEUE_URL",
                format!("{scan_queue_url:?} is not a FIFO queue (its name ends in .fifo)"),
            ));
        }
        let ecs_rate = match get("ECS_POSTURE_ECS_RATE") {
            None => 10.0,
            Some(v) => {
                fleet::parse_rate(&v).map_err(|e| invalid("ECS_POSTURE_ECS_RATE", e.to_string()))?
            }
        };
        let count = |var: &'static str, default: usize| -> Result<usize, EnvError> {
            match get(var) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| invalid(var, format!("{v:?} is not a number from 1 to 100000"))),
            }
        };
        let defaults = SplitLimits::default();
        let split = SplitLimits {
            clusters: count("ECS_POSTURE_SPLIT_CLUSTERS", defaults.clusters)?,
            families: count("ECS_POSTURE_SPLIT_FAMILIES", defaults.families)?,
        };
        Ok(Some(OrgConfig {
            split,
            role_name,
            external_id: get("ECS_POSTURE_EXTERNAL_ID"),
            accounts,
            regions,
            scan_queue_url,
            ecs_rate,
        }))
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The variable an option of `ECS_POSTURE_OPTIONS` can also be set by, if any.
fn var_of_option(key: &str) -> &'static str {
    match key {
        "required_tag_keys" => "ECS_POSTURE_REQUIRED_TAG_KEYS",
        "enable_checks" => "ECS_POSTURE_ENABLE_CHECKS",
        "disable_checks" => "ECS_POSTURE_DISABLE_CHECKS",
        _ => "ECS_POSTURE_OPTIONS",
    }
}

impl LambdaConfig {
    /// Read from a variable lookup (the process environment in production).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<LambdaConfig, EnvError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let invalid = |var: &'static str, message: String| EnvError::Invalid { var, message };
        let ledger_table = get("ECS_POSTURE_LEDGER_TABLE").ok_or(EnvError::Missing {
            var: "ECS_POSTURE_LEDGER_TABLE",
            what: "name the DynamoDB ledger table",
        })?;
        let topic_arn = get("ECS_POSTURE_SNS_TOPIC_ARN");
        if let Some(t) = &topic_arn
            && (!t.starts_with("arn:") || !t.contains(":sns:"))
        {
            return Err(invalid(
                "ECS_POSTURE_SNS_TOPIC_ARN",
                format!("{t:?} is not an SNS topic ARN"),
            ));
        }
        let threshold: Severity = match get("ECS_POSTURE_ALERT_THRESHOLD") {
            None => Severity::High,
            Some(v) => v
                .parse()
                .map_err(|e| invalid("ECS_POSTURE_ALERT_THRESHOLD", e))?,
        };
        let refresh_days: i64 = match get("ECS_POSTURE_REFRESH_AGE_DAYS") {
            None => 7,
            Some(v) => v.trim().parse().ok().filter(|d| (1..=80).contains(d)).ok_or_else(|| invalid("ECS_POSTURE_REFRESH_AGE_DAYS", format!("{v:?} is not a number of days from 1 to 80 (Security Hub deletes findings not updated for 90 days)")))?,
        };
        let mut options = match get("ECS_POSTURE_OPTIONS") {
            None => Options::default(),
            Some(text) => Options::from_toml("ECS_POSTURE_OPTIONS", &text)
                .map_err(|e| invalid("ECS_POSTURE_OPTIONS", option_message(&e)))?,
        };
        if let Some(v) = get("ECS_POSTURE_REQUIRED_TAG_KEYS") {
            options.required_tag_keys = list(&v);
        }
        if let Some(v) = get("ECS_POSTURE_ENABLE_CHECKS") {
            options.enable_checks.extend(list(&v));
        }
        if let Some(v) = get("ECS_POSTURE_DISABLE_CHECKS") {
            options.disable_checks.extend(list(&v));
        }
        options.validate("environment").map_err(|e| match &e {
            ConfigError::Invalid { key, message, .. } => {
                invalid(var_of_option(key), message.clone())
            }
            ConfigError::Parse { message, .. } => invalid("ECS_POSTURE_OPTIONS", message.clone()),
        })?;
        let mut settings = Settings::new(options).map_err(|e: UnknownCheck| {
            invalid(
                var_of_option(e.list.key()),
                format!("unknown check {:?} (see `ecs-posture checks`)", e.id),
            )
        })?;
        settings.alert_threshold = topic_arn.as_ref().map(|_| threshold);
        settings.refresh_age_ms = refresh_days * 24 * 60 * 60 * 1000;
        let organization = OrgConfig::from_lookup(&get)?;
        Ok(LambdaConfig {
            ledger_table,
            topic_arn,
            settings,
            organization,
        })
    }

    pub fn from_env() -> Result<LambdaConfig, EnvError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

/// An `ECS_POSTURE_OPTIONS` problem without the source name (the variable is named instead).
fn option_message(e: &ConfigError) -> String {
    match e {
        ConfigError::Parse { message, .. } => message.clone(),
        ConfigError::Invalid { key, message, .. } => format!("option `{key}`: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(vars: &[(&str, &str)]) -> Result<LambdaConfig, EnvError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        LambdaConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn organization_settings_are_validated() {
        let base = [("ECS_POSTURE_LEDGER_TABLE", "t")];
        assert!(
            cfg(&base).unwrap().organization.is_none(),
            "single account by default"
        );
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut v: Vec<(&str, &str)> = base.to_vec();
            v.push(("ECS_POSTURE_MEMBER_ROLE_NAME", "ecs-posture-member"));
            v.extend_from_slice(extra);
            cfg(&v)
        };
        assert_eq!(with(&[]).unwrap_err().var(), "ECS_POSTURE_ACCOUNTS");
        let ok = with(&[
            ("ECS_POSTURE_ACCOUNTS", "ORGANIZATION"),
            ("ECS_POSTURE_REGIONS", "us-east-1, eu-west-1"),
            (
                "ECS_POSTURE_SCAN_QUEUE_URL",
                "https://sqs.us-east-1.amazonaws.com/1/scans.fifo",
            ),
        ])
        .unwrap()
        .organization
        .unwrap();
        assert_eq!(ok.accounts, AccountList::Organization);
        assert_eq!(ok.regions, vec!["us-east-1", "eu-west-1"]);
        assert_eq!(ok.ecs_rate, 10.0);
        assert_eq!(ok.split, SplitLimits::default());
        let sized = with(&[
            ("ECS_POSTURE_ACCOUNTS", "111122223333"),
            ("ECS_POSTURE_REGIONS", "us-east-1"),
            ("ECS_POSTURE_SCAN_QUEUE_URL", "https://sqs/1/scans.fifo"),
            ("ECS_POSTURE_SPLIT_CLUSTERS", "20"),
            ("ECS_POSTURE_SPLIT_FAMILIES", "300"),
        ])
        .unwrap()
        .organization
        .unwrap();
        assert_eq!(
            sized.split,
            SplitLimits {
                clusters: 20,
                families: 300
            }
        );
        for (var, bad) in [
            ("ECS_POSTURE_SPLIT_CLUSTERS", "0"),
            ("ECS_POSTURE_SPLIT_FAMILIES", "many"),
        ] {
            let e = with(&[
                ("ECS_POSTURE_ACCOUNTS", "111122223333"),
                ("ECS_POSTURE_REGIONS", "us-east-1"),
                ("ECS_POSTURE_SCAN_QUEUE_URL", "https://sqs/1/scans.fifo"),
                (var, bad),
            ])
            .unwrap_err();
            assert_eq!(e.var(), var);
        }
        let e = with(&[
            ("ECS_POSTURE_ACCOUNTS", "111122223333,12"),
            ("ECS_POSTURE_REGIONS", "us-east-1"),
            ("ECS_POSTURE_SCAN_QUEUE_URL", "https://sqs/1/scans.fifo"),
        ])
        .unwrap_err();
        assert_eq!(e.var(), "ECS_POSTURE_ACCOUNTS");
        assert!(e.to_string().contains("\"12\""), "{e}");
        let e = with(&[
            ("ECS_POSTURE_ACCOUNTS", "111122223333"),
            ("ECS_POSTURE_REGIONS", "us-east-1"),
            ("ECS_POSTURE_SCAN_QUEUE_URL", "https://sqs/1/scans"),
        ])
        .unwrap_err();
        assert_eq!(e.var(), "ECS_POSTURE_SCAN_QUEUE_URL");
        let e = with(&[
            ("ECS_POSTURE_ACCOUNTS", "111122223333"),
            ("ECS_POSTURE_REGIONS", "us-east-1"),
            ("ECS_POSTURE_SCAN_QUEUE_URL", "https://sqs/1/scans.fifo"),
            ("ECS_POSTURE_ECS_RATE", "0"),
        ])
        .unwrap_err();
        assert_eq!(e.var(), "ECS_POSTURE_ECS_RATE");
    }

    #[test]
    fn validates_and_names_the_variable() {
        assert_eq!(cfg(&[]).unwrap_err().var(), "ECS_POSTURE_LEDGER_TABLE");
        let ok = cfg(&[
            ("ECS_POSTURE_LEDGER_TABLE", "t"),
            ("ECS_POSTURE_SNS_TOPIC_ARN", "arn:aws:sns:us-east-1:1:t"),
            ("ECS_POSTURE_ALERT_THRESHOLD", "critical"),
            ("ECS_POSTURE_DISABLE_CHECKS", "TD26, TD25"),
        ])
        .unwrap();
        assert_eq!(ok.settings.alert_threshold, Some(Severity::Critical));
        assert!(!ok.settings.checks.iter().any(|c| c.id == "TD26"));
        assert!(ok.settings.disabled.contains("TD26"));
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_ALERT_THRESHOLD", "urgent")
            ])
            .unwrap_err()
            .var()
            .eq("ECS_POSTURE_ALERT_THRESHOLD")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_REFRESH_AGE_DAYS", "120")
            ])
            .unwrap_err()
            .var()
            .eq("ECS_POSTURE_REFRESH_AGE_DAYS")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_SNS_TOPIC_ARN", "my-topic")
            ])
            .unwrap_err()
            .var()
            .eq("ECS_POSTURE_SNS_TOPIC_ARN")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_DISABLE_CHECKS", "XX01")
            ])
            .unwrap_err()
            .var()
            .eq("ECS_POSTURE_DISABLE_CHECKS")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_OPTIONS", "[options]\nbogus = 1")
            ])
            .unwrap_err()
            .to_string()
            .contains("bogus")
        );
        // An option's limit is reported against the variable that set it.
        let e = cfg(&[
            ("ECS_POSTURE_LEDGER_TABLE", "t"),
            ("ECS_POSTURE_REQUIRED_TAG_KEYS", "a,b,c,d,e,f,g"),
        ])
        .unwrap_err();
        assert_eq!(e.var(), "ECS_POSTURE_REQUIRED_TAG_KEYS");
        assert!(e.to_string().contains("at most 6"), "{e}");
        let e = cfg(&[
            ("ECS_POSTURE_LEDGER_TABLE", "t"),
            (
                "ECS_POSTURE_OPTIONS",
                "[options]\nmin_agent_version = \"new\"",
            ),
        ])
        .unwrap_err();
        assert_eq!(e.var(), "ECS_POSTURE_OPTIONS");
        assert!(e.to_string().contains("min_agent_version"), "{e}");
        let no_topic = cfg(&[("ECS_POSTURE_LEDGER_TABLE", "t")]).unwrap();
        assert_eq!(
            no_topic.settings.alert_threshold, None,
            "no topic, no alerts"
        );
    }
}

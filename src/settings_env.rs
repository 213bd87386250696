//! The Lambda's configuration, from environment variables, validated at start-up: a bad value
//! fails the init with a message naming the variable, not every event.

use ecs_posture_core::Options;
use ecs_posture_core::finding::Severity;

use crate::handler::Settings;

#[derive(Debug, Clone)]
pub struct LambdaConfig {
    pub ledger_table: String,
    pub topic_arn: Option<String>,
    pub settings: Settings,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl LambdaConfig {
    /// Read from a variable lookup (the process environment in production).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<LambdaConfig, String> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let ledger_table = get("ECS_POSTURE_LEDGER_TABLE")
            .ok_or("ECS_POSTURE_LEDGER_TABLE is not set: name the DynamoDB ledger table")?;
        let topic_arn = get("ECS_POSTURE_SNS_TOPIC_ARN");
        if let Some(t) = &topic_arn
            && (!t.starts_with("arn:") || !t.contains(":sns:"))
        {
            return Err(format!(
                "ECS_POSTURE_SNS_TOPIC_ARN: {t:?} is not an SNS topic ARN"
            ));
        }
        let threshold: Severity = match get("ECS_POSTURE_ALERT_THRESHOLD") {
            None => Severity::High,
            Some(v) => v
                .parse()
                .map_err(|e| format!("ECS_POSTURE_ALERT_THRESHOLD: {e}"))?,
        };
        let refresh_days: i64 = match get("ECS_POSTURE_REFRESH_AGE_DAYS") {
            None => 7,
            Some(v) => v.trim().parse().ok().filter(|d| (1..=80).contains(d)).ok_or_else(|| format!("ECS_POSTURE_REFRESH_AGE_DAYS: {v:?} is not a number of days from 1 to 80 (Security Hub deletes findings not updated for 90 days)"))?,
        };
        let mut options = match get("ECS_POSTURE_OPTIONS") {
            None => Options::default(),
            Some(text) => {
                Options::from_toml("ECS_POSTURE_OPTIONS", &text).map_err(|e| e.to_string())?
            }
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
        options.validate("environment").map_err(|e| {
            e.to_string()
                .replace(
                    "option `required_tag_keys`",
                    "ECS_POSTURE_REQUIRED_TAG_KEYS",
                )
                .replace("option `enable_checks`", "ECS_POSTURE_ENABLE_CHECKS")
                .replace("option `disable_checks`", "ECS_POSTURE_DISABLE_CHECKS")
        })?;
        let mut settings = Settings::new(options)?;
        settings.alert_threshold = topic_arn.as_ref().map(|_| threshold);
        settings.refresh_age_ms = refresh_days * 24 * 60 * 60 * 1000;
        Ok(LambdaConfig {
            ledger_table,
            topic_arn,
            settings,
        })
    }

    pub fn from_env() -> Result<LambdaConfig, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(vars: &[(&str, &str)]) -> Result<LambdaConfig, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        LambdaConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn validates_and_names_the_variable() {
        assert!(cfg(&[]).unwrap_err().contains("ECS_POSTURE_LEDGER_TABLE"));
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
            .contains("ECS_POSTURE_ALERT_THRESHOLD")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_REFRESH_AGE_DAYS", "120")
            ])
            .unwrap_err()
            .contains("ECS_POSTURE_REFRESH_AGE_DAYS")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_SNS_TOPIC_ARN", "my-topic")
            ])
            .unwrap_err()
            .contains("ECS_POSTURE_SNS_TOPIC_ARN")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_DISABLE_CHECKS", "XX01")
            ])
            .unwrap_err()
            .contains("ECS_POSTURE_DISABLE_CHECKS")
        );
        assert!(
            cfg(&[
                ("ECS_POSTURE_LEDGER_TABLE", "t"),
                ("ECS_POSTURE_OPTIONS", "[options]\nbogus = 1")
            ])
            .unwrap_err()
            .contains("bogus")
        );
        let no_topic = cfg(&[("ECS_POSTURE_LEDGER_TABLE", "t")]).unwrap();
        assert_eq!(
            no_topic.settings.alert_threshold, None,
            "no topic, no alerts"
        );
    }
}

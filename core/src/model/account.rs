//! Settings of an account in one region that protect the ECS workloads running there, read once
//! per account-region: EBS encryption by default (`aws ec2 get-ebs-encryption-by-default`),
//! GuardDuty's detector (`aws guardduty list-detectors`, `get-detector`) and Inspector's ECR
//! scanning (`aws inspector2 batch-get-account-status`). Their findings have the account as
//! resource (ASFF `AwsAccount`).

use serde::Deserialize;

use super::load_balancing::{AwsError, Read};

/// The file an account-region setting's output or AWS error is kept in: the output names no
/// resource, so an error document is bound to the setting by this file name.
pub const EBS_DEFAULT_FILE: &str = "ebs-encryption-by-default.json";

/// `aws ec2 get-ebs-encryption-by-default`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EbsEncryptionByDefault {
    /// Absent means the output did not say: unknown, never enabled.
    #[serde(default)]
    pub ebs_encryption_by_default: Option<bool>,
    #[serde(default)]
    pub sse_type: Option<String>,
}

/// The account-region settings a snapshot holds; `None` where the setting was not read.
#[derive(Debug, Clone, Default)]
pub struct AccountSettings {
    pub ebs_encryption_by_default: Option<Read<EbsEncryptionByDefault>>,
    /// `list-detectors`' detector ids: an empty list proves GuardDuty is off in the region.
    pub guardduty_detectors: Option<Read<Vec<String>>>,
    pub guardduty_detector: Option<Read<Detector>>,
    pub inspector: Option<Read<InspectorStatus>>,
    /// ECS's account settings (`aws ecs list-account-settings --effective-settings`).
    pub ecs: Option<Read<EcsAccountSettings>>,
}

impl AccountSettings {
    /// Later reads replace earlier ones.
    pub fn merge(&mut self, other: AccountSettings) {
        if other.ebs_encryption_by_default.is_some() {
            self.ebs_encryption_by_default = other.ebs_encryption_by_default;
        }
        if other.guardduty_detectors.is_some() {
            self.guardduty_detectors = other.guardduty_detectors;
        }
        if other.guardduty_detector.is_some() {
            self.guardduty_detector = other.guardduty_detector;
        }
        if other.ecs.is_some() {
            self.ecs = other.ecs;
        }
        // Inspector answers per account: answers for several accounts (an offline scan of an
        // organization's folders) add up, a later answer for an account replacing its earlier one.
        match (&mut self.inspector, other.inspector) {
            (Some(Read::Answered(mine)), Some(Read::Answered(theirs))) => {
                let named = |a: &Option<String>| a.clone().unwrap_or_default();
                let given: Vec<String> = theirs
                    .accounts
                    .iter()
                    .map(|a| named(&a.account_id))
                    .chain(theirs.failed_accounts.iter().map(|a| named(&a.account_id)))
                    .collect();
                mine.accounts
                    .retain(|a| !given.contains(&named(&a.account_id)));
                mine.failed_accounts
                    .retain(|a| !given.contains(&named(&a.account_id)));
                mine.accounts.extend(theirs.accounts);
                mine.failed_accounts.extend(theirs.failed_accounts);
            }
            (_, Some(theirs)) => self.inspector = Some(theirs),
            (_, None) => {}
        }
    }

    /// Anything was read (answered or refused).
    pub fn any_read(&self) -> bool {
        self.ebs_encryption_by_default.is_some()
            || self.guardduty_detectors.is_some()
            || self.guardduty_detector.is_some()
            || self.inspector.is_some()
            || self.ecs.is_some()
    }
}

/// True when `path` is the file an account-region setting is bound to.
pub fn is_ebs_default_file(path: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(EBS_DEFAULT_FILE)
}

/// An AWS error kept for the EBS default setting.
pub fn ebs_default_error(error: AwsError) -> AccountSettings {
    AccountSettings {
        ebs_encryption_by_default: Some(Read::Error(error)),
        ..AccountSettings::default()
    }
}

/// `aws guardduty list-detectors` output (or its AWS error), bound by this file name.
pub const GUARDDUTY_DETECTORS_FILE: &str = "guardduty-detectors.json";
/// `aws guardduty get-detector` output (or its AWS error), bound by this file name: the output
/// names no detector (an account has at most one detector per region).
pub const GUARDDUTY_DETECTOR_FILE: &str = "guardduty-detector.json";
/// `aws inspector2 batch-get-account-status` output (or its AWS error), bound by this file name.
pub const INSPECTOR_STATUS_FILE: &str = "inspector2-account-status.json";

/// `aws ecs list-account-settings --effective-settings --principal-arn
/// arn:aws:iam::<account>:root` output (or its AWS error), bound by this file name when an error.
pub const ECS_SETTINGS_FILE: &str = "ecs-account-settings.json";

/// One ECS account setting (`Setting`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsSetting {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    /// The principal the setting is for; the account's root user for the account default.
    #[serde(default)]
    pub principal_arn: Option<String>,
    /// `user` (set by someone) or `aws_managed` (AWS's default).
    #[serde(default, rename = "type")]
    pub setting_type: Option<String>,
}

/// ECS's account settings of an account-region, as `list-account-settings` listed them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EcsAccountSettings {
    #[serde(default, deserialize_with = "super::de::vec_or_null")]
    pub settings: Vec<EcsSetting>,
}

impl EcsAccountSettings {
    /// The account default of setting `name`: the root user's effective setting (what
    /// `--effective-settings --principal-arn arn:aws:iam::<account>:root` lists), or one listed
    /// for no principal. `None` when the listing does not name it.
    pub fn account_default(&self, name: &str) -> Option<&EcsSetting> {
        self.settings
            .iter()
            .filter(|s| s.name.as_deref() == Some(name))
            .find(|s| {
                s.principal_arn
                    .as_deref()
                    .is_none_or(|p| p.ends_with(":root"))
            })
    }
}

/// True when `map` is a `list-account-settings` output: a `settings` list of name-value pairs
/// (cluster settings are nested in clusters, never at the top of a document).
pub fn is_ecs_settings(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    map.get("settings")
        .and_then(|s| s.as_array())
        .is_some_and(|items| {
            items
                .iter()
                .all(|i| i.get("name").is_some() && i.get("value").is_some())
        })
        && map.keys().all(|k| k == "settings" || k == "nextToken")
}

/// `aws guardduty get-detector`, the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Detector {
    /// `ENABLED` or `DISABLED` (a suspended detector).
    #[serde(default)]
    pub status: Option<String>,
    /// Absent where the output predates detector features: then unknown.
    #[serde(default)]
    pub features: Option<Vec<DetectorFeature>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectorFeature {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "super::de::vec_or_null")]
    pub additional_configuration: Vec<FeatureConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeatureConfiguration {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

fn enabled(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"))
}

impl Detector {
    pub fn is_enabled(&self) -> bool {
        enabled(self.status.as_deref())
    }

    /// The feature named so (`RUNTIME_MONITORING`, ...), where the output lists it.
    pub fn feature(&self, name: &str) -> Option<&DetectorFeature> {
        self.features
            .as_deref()?
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
    }
}

impl DetectorFeature {
    pub fn is_enabled(&self) -> bool {
        enabled(self.status.as_deref())
    }

    /// The additional configuration named so is `ENABLED`.
    pub fn configuration_enabled(&self, name: &str) -> bool {
        self.additional_configuration
            .iter()
            .any(|c| c.name.as_deref() == Some(name) && enabled(c.status.as_deref()))
    }
}

/// `aws inspector2 batch-get-account-status`, the parts read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorStatus {
    #[serde(default, deserialize_with = "super::de::vec_or_null")]
    pub accounts: Vec<InspectorAccount>,
    #[serde(default, deserialize_with = "super::de::vec_or_null")]
    pub failed_accounts: Vec<InspectorFailedAccount>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorAccount {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub state: Option<InspectorState>,
    #[serde(default)]
    pub resource_state: Option<InspectorResourceState>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorResourceState {
    #[serde(default)]
    pub ecr: Option<InspectorState>,
}

/// `ENABLING`, `ENABLED`, `DISABLING`, `DISABLED`, `SUSPENDING` or `SUSPENDED`, with the
/// error Inspector gives for it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorState {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorFailedAccount {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// What `batch-get-account-status` says of one account's ECR scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcrScanning {
    /// The ECR resource state's status (`ENABLED`, `DISABLED`, ...).
    Status(String),
    /// Inspector could not answer for the account (its error code).
    Failed(String),
    /// The output does not mention the account.
    Absent,
}

impl InspectorStatus {
    pub fn ecr_scanning(&self, account: &str) -> EcrScanning {
        if let Some(a) = self
            .accounts
            .iter()
            .find(|a| a.account_id.as_deref() == Some(account))
        {
            return match a
                .resource_state
                .as_ref()
                .and_then(|r| r.ecr.as_ref())
                .and_then(|e| e.status.clone())
            {
                Some(s) => EcrScanning::Status(s),
                None => EcrScanning::Absent,
            };
        }
        match self
            .failed_accounts
            .iter()
            .find(|a| a.account_id.as_deref() == Some(account))
        {
            Some(f) => EcrScanning::Failed(
                f.error_code
                    .clone()
                    .unwrap_or_else(|| "an unnamed error".to_owned()),
            ),
            None => EcrScanning::Absent,
        }
    }
}

/// True when `map` is a `get-detector` output (`ServiceRole` and `Status` are required by the
/// GuardDuty model; no ECS output has them capitalised).
pub fn is_detector(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    map.contains_key("ServiceRole") && map.contains_key("Status")
}

/// True when `map` is a `batch-get-account-status` output.
pub fn is_inspector_status(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    let accounts = map.get("accounts").and_then(|a| a.as_array());
    accounts.is_some()
        && (map.contains_key("failedAccounts")
            || accounts
                .into_iter()
                .flatten()
                .any(|a| a.get("resourceState").is_some()))
}

/// True when `path`'s file name is `file`.
pub fn is_file(path: &str, file: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(file)
}

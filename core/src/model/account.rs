//! Settings of an account in one region that protect the ECS workloads running there, read once
//! per account-region (`aws ec2 get-ebs-encryption-by-default`). Their findings have the account
//! as resource (ASFF `AwsAccount`).

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
}

impl AccountSettings {
    /// Later reads replace earlier ones.
    pub fn merge(&mut self, other: AccountSettings) {
        if other.ebs_encryption_by_default.is_some() {
            self.ebs_encryption_by_default = other.ebs_encryption_by_default;
        }
    }

    /// Anything was read (answered or refused).
    pub fn any_read(&self) -> bool {
        self.ebs_encryption_by_default.is_some()
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
    }
}

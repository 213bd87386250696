//! The EC2 instances behind ECS container instances, as `aws ec2 describe-instances` prints them
//! (`Reservations[].Instances[]`, PascalCase), and their EBS volumes as `aws ec2
//! describe-volumes` prints them. Found by content like the rest of the networking.

use serde::Deserialize;

use super::de;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Reservation {
    pub owner_id: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub instances: Vec<Ec2Instance>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ec2Instance {
    pub instance_id: Option<String>,
    pub image_id: Option<String>,
    pub public_ip_address: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub metadata_options: Option<MetadataOptions>,
    pub iam_instance_profile: Option<InstanceProfile>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    pub state: Option<InstanceState>,
    /// From the reservation (not part of the instance's own shape).
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub http_put_response_hop_limit: Option<i64>,
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceProfile {
    pub arn: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BlockDeviceMapping {
    pub device_name: Option<String>,
    pub ebs: Option<EbsMapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EbsMapping {
    pub volume_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceState {
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Volume {
    pub volume_id: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
}

impl Ec2Instance {
    pub fn id(&self) -> &str {
        self.instance_id.as_deref().unwrap_or("")
    }

    fn option(&self, f: impl Fn(&MetadataOptions) -> Option<&str>) -> Option<&str> {
        self.metadata_options.as_ref().and_then(f)
    }

    /// IMDSv2 is required (`HttpTokens` `required`).
    pub fn imds_v2_required(&self) -> bool {
        self.option(|m| m.http_tokens.as_deref())
            .is_some_and(|t| t.eq_ignore_ascii_case("required"))
    }

    /// The metadata endpoint is turned off (`HttpEndpoint` `disabled`).
    pub fn imds_disabled(&self) -> bool {
        self.option(|m| m.http_endpoint.as_deref())
            .is_some_and(|t| t.eq_ignore_ascii_case("disabled"))
    }

    /// `HttpPutResponseHopLimit` (the API default is 1; 2 on AMIs that set it).
    pub fn hop_limit(&self) -> i64 {
        self.metadata_options
            .as_ref()
            .and_then(|m| m.http_put_response_hop_limit)
            .unwrap_or(1)
    }

    /// The EBS volumes attached to the instance, by id.
    pub fn volume_ids(&self) -> impl Iterator<Item = &str> {
        self.block_device_mappings
            .iter()
            .filter_map(|b| b.ebs.as_ref().and_then(|e| e.volume_id.as_deref()))
    }
}

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

/// An AMI as `aws ec2 describe-images` prints it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Image {
    pub image_id: Option<String>,
    pub name: Option<String>,
    pub creation_date: Option<String>,
    pub deprecation_time: Option<String>,
    pub owner_id: Option<String>,
    pub image_owner_alias: Option<String>,
    pub architecture: Option<String>,
}

/// One `aws ssm get-parameters` parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Parameter {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// The current release of an ECS-optimized AMI family, from its public SSM parameter
/// (`/aws/service/ecs/optimized-ami/<family>/recommended`, a JSON value).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AmiRelease {
    /// The parameter's name (not part of the value).
    #[serde(skip)]
    pub parameter: String,
    pub image_id: Option<String>,
    pub image_name: Option<String>,
    pub ecs_agent_version: Option<String>,
}

/// The prefix of the public parameters that name the ECS-optimized AMIs.
pub const ECS_AMI_PARAMETERS: &str = "/aws/service/ecs/optimized-ami/";

/// The fields of a release that AWS also publishes as parameters of their own
/// (`.../recommended/image_id`), read instead of the JSON value where it is not parsable.
pub const AMI_RELEASE_FIELDS: [&str; 3] = ["image_id", "image_name", "ecs_agent_version"];

/// The family parameter (`.../recommended`) a parameter name belongs to: itself, or the
/// parent of one of its field parameters. `None` outside the public ECS-optimized AMI path.
pub fn ami_release_parameter(name: &str) -> Option<&str> {
    if !name.starts_with(ECS_AMI_PARAMETERS) {
        return None;
    }
    if name.ends_with("/recommended") {
        return Some(name);
    }
    let (base, field) = name.rsplit_once('/')?;
    (base.ends_with("/recommended") && AMI_RELEASE_FIELDS.contains(&field)).then_some(base)
}

/// The releases `aws ssm get-parameters` returned, from the family parameters' JSON values
/// and from field parameters (`.../recommended/image_id`, ...), and the family parameters that
/// were read (answered or listed in `InvalidParameters`).
pub fn ami_releases(
    parameters: &[Parameter],
    invalid: &[String],
) -> (Vec<AmiRelease>, std::collections::BTreeSet<String>) {
    let mut read = std::collections::BTreeSet::new();
    let mut out: Vec<AmiRelease> = Vec::new();
    for name in invalid {
        if let Some(base) = ami_release_parameter(name) {
            read.insert(base.to_owned());
        }
    }
    for p in parameters {
        let (Some(name), Some(value)) = (p.name.as_deref(), p.value.as_deref()) else {
            continue;
        };
        let Some(base) = ami_release_parameter(name) else {
            continue;
        };
        read.insert(base.to_owned());
        let i = match out.iter().position(|r| r.parameter == base) {
            Some(i) => i,
            None => {
                out.push(AmiRelease {
                    parameter: base.to_owned(),
                    ..AmiRelease::default()
                });
                out.len() - 1
            }
        };
        let release = &mut out[i];
        if name == base {
            if let Ok(mut whole) = serde_json::from_str::<AmiRelease>(value) {
                whole.parameter = base.to_owned();
                *release = whole;
            }
        } else if name.ends_with("/image_id") {
            release.image_id = Some(value.to_owned());
        } else if name.ends_with("/image_name") {
            release.image_name = Some(value.to_owned());
        } else {
            release.ecs_agent_version = Some(value.to_owned());
        }
    }
    out.retain(|r| r.image_id.is_some());
    (out, read)
}

/// The ECS-optimized Amazon Linux AMI family an AMI name belongs to, as the name of the public
/// parameter that holds the family's current release, and the release date in the name
/// (`al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64` -> amazon-linux-2023, 2026-09-22).
/// `None` for other AMIs (custom, Windows, Bottlerocket, Amazon Linux 1): their release cannot
/// be compared with a family's.
pub fn ecs_ami_family(name: &str) -> Option<(String, (u32, u32, u32))> {
    let arm = name.contains("arm64");
    let (family, variant) = if let Some(rest) = name.strip_prefix("al2023-ami-ecs-") {
        let variant = match rest.split('-').next()? {
            "hvm" => "",
            "gpu" => "gpu/",
            "neu" => "neuron/",
            _ => return None,
        };
        ("amazon-linux-2023", variant)
    } else if let Some(rest) = name.strip_prefix("amzn2-ami-ecs-") {
        let variant = if rest.starts_with("hvm-") {
            ""
        } else if rest.starts_with("gpu-") {
            "gpu/"
        } else if rest.starts_with("inf-") {
            "inf/"
        } else if rest.starts_with("kernel-5.10-") {
            "kernel-5.10/"
        } else {
            return None;
        };
        ("amazon-linux-2", variant)
    } else {
        return None;
    };
    let arch = if arm { "arm64/" } else { "" };
    // The release is the first 8-digit run: 2023.0.20260922 / 2.0.20240109.
    let date = name
        .split(['.', '-'])
        .find(|p| p.len() == 8 && p.bytes().all(|b| b.is_ascii_digit()))?;
    let (y, m, d) = (
        date[..4].parse().ok()?,
        date[4..6].parse().ok()?,
        date[6..].parse().ok()?,
    );
    Some((
        format!("{ECS_AMI_PARAMETERS}{family}/{variant}{arch}recommended"),
        (y, m, d),
    ))
}

/// Days from `a` to `b` (proleptic Gregorian calendar).
pub fn days_between(a: (u32, u32, u32), b: (u32, u32, u32)) -> i64 {
    fn days((y, m, d): (u32, u32, u32)) -> i64 {
        // Days since 1970-01-01 (Howard Hinnant's algorithm).
        let y = i64::from(y) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
    days(b) - days(a)
}

#[cfg(test)]
mod ami_tests {
    use super::*;

    #[test]
    fn families_and_release_dates_come_from_the_ami_name() {
        let p = |n: &str| ecs_ami_family(n).map(|(p, d)| (p.replace(ECS_AMI_PARAMETERS, ""), d));
        assert_eq!(
            p("al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64"),
            Some(("amazon-linux-2023/recommended".into(), (2026, 9, 22)))
        );
        assert_eq!(
            p("al2023-ami-ecs-hvm-2023.0.20250101-kernel-6.1-arm64"),
            Some(("amazon-linux-2023/arm64/recommended".into(), (2025, 1, 1)))
        );
        assert_eq!(
            p("al2023-ami-ecs-gpu-hvm-2023.0.20250101-kernel-6.1-x86_64"),
            Some(("amazon-linux-2023/gpu/recommended".into(), (2025, 1, 1)))
        );
        assert_eq!(
            p("amzn2-ami-ecs-hvm-2.0.20240109-x86_64-ebs"),
            Some(("amazon-linux-2/recommended".into(), (2024, 1, 9)))
        );
        assert_eq!(
            p("amzn2-ami-ecs-kernel-5.10-hvm-2.0.20240109-arm64-ebs"),
            Some((
                "amazon-linux-2/kernel-5.10/arm64/recommended".into(),
                (2024, 1, 9)
            ))
        );
        assert_eq!(
            p("Windows_Server-2022-English-Full-ECS_Optimized-2024.01.10"),
            None
        );
        assert_eq!(p("bottlerocket-aws-ecs-2-x86_64-v1.19.0-c3ac2e1f"), None);
        assert_eq!(p("my-golden-ami-20250101"), None);
        assert_eq!(days_between((2025, 1, 1), (2026, 9, 22)), 629);
        let base = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended";
        let param = |n: &str, v: &str| Parameter {
            name: Some(n.to_owned()),
            value: Some(v.to_owned()),
        };
        // Field parameters (what the scanner asks for) and the JSON value both give a release;
        // an unparsable JSON value gives none; other parameters are ignored.
        let (releases, read) = ami_releases(
            &[
                param(&format!("{base}/image_id"), "ami-1"),
                param(
                    &format!("{base}/image_name"),
                    "al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64",
                ),
                param(
                    "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended",
                    r#"{"image_id":"ami-2","image_name":"amzn2-ami-ecs-hvm-2.0.20260901-x86_64-ebs","ecs_agent_version":"1.107.0"}"#,
                ),
                param(
                    "/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended",
                    "{'image_id': 'x'}",
                ),
                param("/acme/db/password", "never"),
            ],
            &[format!("{base}/arm64/recommended/image_id")],
        );
        let ids: Vec<_> = releases
            .iter()
            .map(|r| (r.parameter.as_str(), r.image_id.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                (base, Some("ami-1")),
                (
                    "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended",
                    Some("ami-2")
                ),
            ]
        );
        assert_eq!(read.len(), 4, "{read:?}");
        assert!(read.contains(&format!("{base}/arm64/recommended")));
        assert_eq!(days_between((2024, 2, 28), (2024, 3, 1)), 2);
        assert_eq!(days_between((2026, 9, 22), (2026, 9, 22)), 0);
    }
}

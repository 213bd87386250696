//! OCSF 1.6 `Compliance Finding` (class 2003): the class AWS Security Hub uses for posture control
//! results, for Amazon Security Lake custom sources and SIEMs that read OCSF.
//!
//! One event per evaluation, one event per line (JSON Lines). `finding_info.uid` is the ASFF
//! finding `Id` and `metadata.product.uid` the ASFF `ProductArn`, so an OCSF event and the
//! Security Hub finding of the same evaluation join on `(cloud.account.uid, finding_info.uid)`.
//! Like the ASFF renderer, nothing from environment values, command arguments, labels or tags is
//! copied: the evidence names where a value is, never what it is.

use serde_json::{Map, Value, json};

use super::asff::{partition_of, product_arn, region_of, requirement, standard};
use crate::evaluation::{Evaluation, finding_id};
use crate::finding::{Framework, Severity, Status};
use crate::model::Arn;

pub const OCSF_VERSION: &str = "1.6.0";
pub const CLASS_UID: u32 = 2003;
pub const CATEGORY_UID: u32 = 2;
/// `activity_id` 1 (Create): a scan reports what it observed, each evaluation anew.
pub const ACTIVITY_CREATE: u32 = 1;

/// OCSF `severity_id` and its caption.
pub fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// OCSF `compliance.status_id` and its caption. NOT_AVAILABLE (a resource that could not be
/// read) is `Unknown`, never `Pass`; NOT_APPLICABLE is `Other`, captioned "Not Applicable".
pub fn compliance_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Passed => (1, "Pass"),
        Status::Failed => (3, "Fail"),
        Status::NotAvailable => (0, "Unknown"),
        Status::NotApplicable => (99, "Not Applicable"),
    }
}

/// OCSF finding `status_id` and its caption, as Security Hub sets the workflow status of its
/// own control findings: a failing evaluation is `New`; a passing or not applicable one is
/// `Resolved`; one that could not be read stays `New` (someone has to look).
pub fn finding_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Failed | Status::NotAvailable => (1, "New"),
        Status::Passed | Status::NotApplicable => (4, "Resolved"),
    }
}

/// The CloudFormation-style type (as AWS Config and Security Hub's OCSF findings name
/// resources) of each ASFF resource type the checks report.
pub const RESOURCE_TYPES: &[(&str, &str)] = &[
    ("AwsEcsTaskDefinition", "AWS::ECS::TaskDefinition"),
    ("AwsEcsService", "AWS::ECS::Service"),
    ("AwsEcsTaskSet", "AWS::ECS::TaskSet"),
    ("AwsEcsCluster", "AWS::ECS::Cluster"),
    ("AwsEcsCapacityProvider", "AWS::ECS::CapacityProvider"),
    ("AwsEcsContainerInstance", "AWS::ECS::ContainerInstance"),
    ("AwsAccount", "AWS::::Account"),
    (
        "AwsEcsDaemonTaskDefinition",
        "AWS::ECS::DaemonTaskDefinition",
    ),
    ("AwsEcsDaemon", "AWS::ECS::Daemon"),
    ("AwsEcsGateway", "AWS::ECS::Gateway"),
    ("AwsIamRole", "AWS::IAM::Role"),
    ("AwsIamPolicy", "AWS::IAM::Policy"),
    ("AwsKmsKey", "AWS::KMS::Key"),
    ("AwsEcrRepository", "AWS::ECR::Repository"),
    ("AwsEcrContainerImage", "AWS::ECR::ContainerImage"),
    ("AwsLogsLogGroup", "AWS::Logs::LogGroup"),
    ("AwsSecretsManagerSecret", "AWS::SecretsManager::Secret"),
    (
        "AwsElbv2LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ),
    ("AwsEc2Vpc", "AWS::EC2::VPC"),
    ("AwsEc2Subnet", "AWS::EC2::Subnet"),
    ("AwsEc2SecurityGroup", "AWS::EC2::SecurityGroup"),
    ("AwsEc2RouteTable", "AWS::EC2::RouteTable"),
    ("AwsEc2Instance", "AWS::EC2::Instance"),
    ("AwsEc2Volume", "AWS::EC2::Volume"),
];

/// The CloudFormation-style type of an ASFF resource type; `Other` resources are typed by
/// their ARN.
pub fn resource_type(asff_type: &str, arn: &str) -> &'static str {
    if let Some((_, cfn)) = RESOURCE_TYPES.iter().find(|(t, _)| *t == asff_type) {
        return cfn;
    }
    match Arn::parse(arn) {
        Some(a) if a.service == "ssm" && a.resource.starts_with("parameter") => {
            "AWS::SSM::Parameter"
        }
        Some(a)
            if a.service == "elasticloadbalancing" && a.resource.starts_with("targetgroup/") =>
        {
            "AWS::ElasticLoadBalancingV2::TargetGroup"
        }
        _ => "Other",
    }
}

/// One OCSF `Compliance Finding` for an evaluation observed at `now_ms`.
pub fn event(e: &Evaluation, product_version: &str, now_ms: i64) -> Value {
    let c = e.check;
    let account = e.resource.account();
    let region = e.resource.region();
    let partition = partition_of(&e.resource.arn, region);
    // A finding that does not fail is informational, as in ASFF and Security Hub's own
    // control findings; the check's severity stays in `compliance.checks`.
    let shown_severity = if e.status == Status::Failed {
        e.severity()
    } else {
        Severity::Informational
    };
    let (severity_id, severity_caption) = severity(shown_severity);
    let (check_severity_id, check_severity_caption) = severity(e.severity());
    let (compliance_status_id, compliance_caption) = compliance_status(e.status);
    let (status_id, status_caption) = finding_status(e.status);
    let evidence = e.evidence_lines();
    let details: Vec<String> = match e.reason() {
        Some(reason) if evidence.is_empty() => vec![reason.to_owned()],
        _ => evidence.clone(),
    };
    let message = if details.is_empty() {
        c.title.to_owned()
    } else {
        format!("{}. Found: {}", c.title, details.join("; "))
    };
    let mut standards: Vec<&'static str> = Vec::new();
    for r in c.compliance {
        let s = standard(r.framework);
        if !standards.contains(&s) {
            standards.push(s);
        }
    }
    let requirements: Vec<String> = c
        .compliance
        .iter()
        .map(|r| requirement(r.framework, r.control))
        .collect();
    let security_hub_controls: Vec<&str> = c.controls(Framework::AwsFsbp).collect();

    let mut resources = vec![resource(
        e.resource.kind.asff_type(),
        &e.resource.arn,
        Some(&e.resource.name),
        region,
        partition,
        1,
    )];
    for r in e.related() {
        let r_region = region_of(&r.arn, region);
        resources.push(resource(
            r.resource_type,
            &r.arn,
            None,
            r_region,
            partition,
            4,
        ));
    }

    let mut compliance = Map::new();
    compliance.insert("control".into(), json!(c.id));
    compliance.insert("status".into(), json!(compliance_caption));
    compliance.insert("status_id".into(), json!(compliance_status_id));
    compliance.insert("category".into(), json!(c.category.as_str()));
    if !standards.is_empty() {
        compliance.insert("standards".into(), json!(standards));
        compliance.insert("requirements".into(), json!(requirements));
    }
    if !details.is_empty() {
        compliance.insert("status_details".into(), json!(details));
    }
    compliance.insert(
        "checks".into(),
        json!([{
            "uid": c.id,
            "name": c.slug,
            "desc": c.title,
            "severity": check_severity_caption,
            "severity_id": check_severity_id,
            "status": compliance_caption,
            "status_id": compliance_status_id,
            "standards": standards,
        }]),
    );

    let mut unmapped = Map::new();
    unmapped.insert("check_id".into(), json!(c.id));
    unmapped.insert("evaluation_status".into(), json!(e.status.as_str()));
    if let Some(cluster) = &e.resource.cluster {
        unmapped.insert("cluster".into(), json!(cluster));
    }
    if !security_hub_controls.is_empty() {
        unmapped.insert("security_hub_controls".into(), json!(security_hub_controls));
    }

    json!({
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": now_ms,
        "severity_id": severity_id,
        "severity": severity_caption,
        "status_id": status_id,
        "status": status_caption,
        "message": message,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": "ecs-posture",
                "vendor_name": "ecs-posture",
                "version": product_version,
                "uid": product_arn(partition, region, account),
            },
        },
        "cloud": {
            "provider": "AWS",
            "region": region,
            "cloud_partition": partition,
            "account": {"uid": account, "type": "AWS Account", "type_id": 10},
        },
        "finding_info": {
            "uid": finding_id(e),
            "title": c.title,
            "desc": c.description,
            "types": c.types,
            "created_time": now_ms,
            "first_seen_time": now_ms,
            "last_seen_time": now_ms,
            "modified_time": now_ms,
        },
        "compliance": compliance,
        "resources": resources,
        "remediation": {
            "desc": c.remediation.text,
            "references": c.references,
        },
        "unmapped": unmapped,
    })
}

fn resource(
    asff_type: &str,
    arn: &str,
    name: Option<&str>,
    region: &str,
    partition: &str,
    role_id: u32,
) -> Value {
    let mut r = Map::new();
    r.insert("uid".into(), json!(arn));
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        r.insert("name".into(), json!(name));
    }
    r.insert("type".into(), json!(resource_type(asff_type, arn)));
    r.insert("region".into(), json!(region));
    r.insert("cloud_partition".into(), json!(partition));
    r.insert("role_id".into(), json!(role_id));
    Value::Object(r)
}

/// `--format ocsf`: one `Compliance Finding` per shown evaluation, one JSON object per line.
pub fn render(shown: &[&Evaluation], product_version: &str, now_ms: i64) -> String {
    let mut out = String::new();
    for e in shown {
        out.push_str(&event(e, product_version, now_ms).to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_type_the_checks_relate_maps_to_a_cloudformation_type() {
        for (t, _) in RESOURCE_TYPES {
            let mapped = resource_type(t, "");
            assert!(mapped.starts_with("AWS::"), "{t} -> {mapped}");
        }
        assert_eq!(
            resource_type(
                "Other",
                "arn:aws:ssm:eu-west-1:111122223333:parameter/app/db"
            ),
            "AWS::SSM::Parameter"
        );
        assert_eq!(
            resource_type(
                "Other",
                "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/0123456789abcdef"
            ),
            "AWS::ElasticLoadBalancingV2::TargetGroup"
        );
        assert_eq!(resource_type("Other", "not-an-arn"), "Other");
    }

    #[test]
    fn statuses_never_turn_ignorance_into_a_pass() {
        assert_eq!(compliance_status(Status::NotAvailable), (0, "Unknown"));
        assert_eq!(finding_status(Status::NotAvailable), (1, "New"));
        assert_eq!(compliance_status(Status::Failed), (3, "Fail"));
        assert_eq!(compliance_status(Status::Passed), (1, "Pass"));
        assert_eq!(finding_status(Status::Passed), (4, "Resolved"));
    }
}

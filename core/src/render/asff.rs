//! AWS Security Finding Format: `BatchImportFindings` input, every field within its limit.
//!
//! Identity is deterministic: the finding Id derives from account, region, check id and resource
//! ARN only, so rescans update findings instead of duplicating them. Environment values, command
//! arguments, labels and tags are never copied into a finding.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::time::rfc3339_millis;
use super::truncate;
use crate::finding::{Evaluation, Framework, ResourceKind, Severity, Status};
use crate::model::Snapshot;

pub const SCHEMA_VERSION: &str = "2018-10-08";
pub const PRODUCT_NAME: &str = "ecs-posture";
pub const MAX_FINDINGS_PER_BATCH: usize = 100;
pub const MAX_BATCH_BYTES: usize = 6 * 1000 * 1000;
pub const MAX_FINDING_BYTES: usize = 240 * 1000;
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;
const MAX_RECOMMENDATION: usize = 512;
const MAX_PRODUCT_FIELD: usize = 2048;
const MAX_DETAIL_STRING: usize = 1024;
const MAX_REQUIREMENTS: usize = 32;

/// `ecs-posture/<region>/<account>/<check>/<sha256(resource ARN) as 32 hex chars>`.
pub fn finding_id(e: &Evaluation) -> String {
    finding_id_for(
        e.resource.account(),
        e.resource.region(),
        e.check.id,
        &e.resource.arn,
    )
}

pub fn finding_id_for(account: &str, region: &str, check_id: &str, resource_arn: &str) -> String {
    let digest = Sha256::digest(resource_arn.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("ecs-posture/{region}/{account}/{check_id}/{hex}")
}

/// The account's default custom-integration product ARN.
pub fn product_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default")
}

fn partition_of(arn: &str) -> &str {
    crate::model::Arn::parse(arn)
        .map(|a| a.partition)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

fn requirement(f: Framework, control: &str) -> String {
    match f {
        Framework::AwsFsbp => format!("AWS Foundational Security Best Practices v1.0.0/{control}"),
        Framework::AwsConfig => format!("AWS Config/{control}"),
        Framework::Nist80053 => format!("NIST.800-53.r5 {control}"),
        Framework::PciDss => format!("PCI DSS v4.0/{control}"),
        Framework::Hipaa => format!("HIPAA/{control}"),
        Framework::Soc2 => format!("SOC 2/{control}"),
        Framework::Cis => format!("CIS Docker Benchmark v1.6.0/{control}"),
    }
}

/// How a finding is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordState {
    Active,
    Archived,
}

/// Timestamps and state of one import of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import {
    pub compliance: Status,
    pub record_state: RecordState,
    pub created_at_ms: i64,
    pub first_observed_ms: i64,
    pub updated_at_ms: i64,
}

impl Import {
    /// A first import now, of the evaluation's own status.
    pub fn new_at(status: Status, now_ms: i64) -> Import {
        Import {
            compliance: status,
            record_state: RecordState::Active,
            created_at_ms: now_ms,
            first_observed_ms: now_ms,
            updated_at_ms: now_ms,
        }
    }
}

/// What a finding is about: an evaluation, or a ledger entry whose resource is gone.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub check: &'static crate::checks::Check,
    pub resource_type: &'a str,
    pub arn: &'a str,
    pub name: &'a str,
    pub cluster: Option<&'a str>,
    pub evidence: &'a [String],
}

impl<'a> Subject<'a> {
    pub fn of(e: &'a Evaluation) -> Subject<'a> {
        Subject {
            check: e.check,
            resource_type: e.resource.kind.asff_type(),
            arn: &e.resource.arn,
            name: &e.resource.name,
            cluster: e.resource.cluster.as_deref(),
            evidence: e.evidence(),
        }
    }
}

/// Build one ASFF finding. `details` comes from [`resource_details`].
pub fn finding(e: &Evaluation, details: Option<&Value>, import: &Import) -> Value {
    subject_finding(&Subject::of(e), details, import)
}

/// Build one ASFF finding for any subject.
pub fn subject_finding(e: &Subject<'_>, details: Option<&Value>, import: &Import) -> Value {
    let c = e.check;
    let arn = crate::model::Arn::parse(e.arn);
    let account = arn.as_ref().map(|a| a.account).unwrap_or("");
    let region = arn.as_ref().map(|a| a.region).unwrap_or("");
    let partition = partition_of(e.arn);
    let label = match import.compliance {
        Status::Failed => c.severity,
        _ => Severity::Informational,
    };
    let severity = json!({"Label": label.as_str(), "Original": c.severity.as_str()});
    let types: Vec<&str> = c.types.iter().copied().take(50).collect();
    let mut description = c.description.to_owned();
    if import.compliance == Status::Failed && !e.evidence.is_empty() {
        description = format!("{}\n\nFound: {}", c.description, e.evidence.join("; "));
    }
    let mut requirements: Vec<String> = c
        .compliance
        .iter()
        .filter(|x| x.framework != Framework::AwsConfig)
        .map(|x| requirement(x.framework, x.control))
        .collect();
    requirements.truncate(MAX_REQUIREMENTS);
    let mut product_fields = Map::new();
    let mut pf = |k: &str, v: &str| {
        let v = v.trim();
        if !v.is_empty() {
            product_fields.insert(
                format!("ecs-posture/{k}"),
                Value::String(truncate(v, MAX_PRODUCT_FIELD)),
            );
        }
    };
    pf("CheckId", c.id);
    pf("Slug", c.slug);
    pf("Category", c.category.as_str());
    pf("ResourceName", e.name);
    pf("Evidence", &e.evidence.join("; "));
    if let Some(cluster) = e.cluster {
        pf("Cluster", cluster);
    }
    let mut resource = json!({
        "Type": e.resource_type,
        "Id": e.arn,
        "Partition": partition,
        "Region": region,
    });
    if let Some(d) = details {
        resource["Details"] = d.clone();
    }
    let url = c
        .references
        .first()
        .copied()
        .unwrap_or("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security.html");
    let mut f = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id_for(account, region, c.id, e.arn),
        "ProductArn": product_arn(partition, region, account),
        "ProductName": PRODUCT_NAME,
        "CompanyName": PRODUCT_NAME,
        "GeneratorId": c.id,
        "AwsAccountId": account,
        "Region": region,
        "Types": types,
        "CreatedAt": rfc3339_millis(import.created_at_ms),
        "UpdatedAt": rfc3339_millis(import.updated_at_ms),
        "FirstObservedAt": rfc3339_millis(import.first_observed_ms),
        "LastObservedAt": rfc3339_millis(import.updated_at_ms),
        "Severity": severity,
        "FindingProviderFields": {"Severity": severity, "Types": types},
        "Title": truncate(c.title, MAX_TITLE),
        "Description": truncate(&description, MAX_DESCRIPTION),
        "Remediation": {"Recommendation": {"Text": truncate(c.remediation.text, MAX_RECOMMENDATION), "Url": url}},
        "ProductFields": product_fields,
        "Resources": [resource],
        "Compliance": {"Status": match import.compliance { Status::Failed => "FAILED", Status::Passed => "PASSED", Status::NotApplicable => "NOT_AVAILABLE" }},
        "RecordState": match import.record_state { RecordState::Active => "ACTIVE", RecordState::Archived => "ARCHIVED" },
    });
    if !requirements.is_empty() {
        f["Compliance"]["RelatedRequirements"] = json!(requirements);
    }
    if serde_json::to_vec(&f).map(|v| v.len()).unwrap_or(0) > MAX_FINDING_BYTES
        && let Some(res) = f["Resources"][0].as_object_mut()
    {
        res.remove("Details");
    }
    f
}

/// Remove nulls, empty strings, empty lists and objects (ASFF strings must match `.*\S.*`) and
/// cut long strings.
fn prune(v: Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(Value::String(truncate(&s, MAX_DETAIL_STRING))),
        Value::Array(a) => {
            let a: Vec<Value> = a.into_iter().filter_map(prune).collect();
            (!a.is_empty()).then_some(Value::Array(a))
        }
        Value::Object(m) => {
            let m: Map<String, Value> = m
                .into_iter()
                .filter_map(|(k, v)| prune(v).map(|v| (k, v)))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other),
    }
}

/// ASFF `Resources[].Details` for the resource an evaluation is about. Environment variables
/// appear by name only; commands, labels and tags are left out.
pub fn resource_details(snapshot: &Snapshot, e: &Evaluation) -> Option<Value> {
    let i = e.resource.index;
    let details = match e.resource.kind {
        ResourceKind::TaskDefinition => {
            let td = &snapshot.task_definitions.get(i)?.item;
            let containers: Vec<Value> = td
                .container_definitions
                .iter()
                .map(|c| {
                    json!({
                        "Name": c.name, "Image": c.image, "Cpu": c.cpu, "Memory": c.memory,
                        "MemoryReservation": c.memory_reservation, "Essential": c.essential,
                        "Privileged": c.privileged, "ReadonlyRootFilesystem": c.readonly_root_filesystem,
                        "User": c.user,
                        "Environment": c.environment.iter().map(|v| json!({"Name": v.name})).collect::<Vec<_>>(),
                        "Secrets": c.secrets.iter().map(|s| json!({"Name": s.name, "ValueFrom": s.value_from})).collect::<Vec<_>>(),
                        "LogConfiguration": c.log_configuration.as_ref().map(|l| json!({"LogDriver": l.log_driver})),
                        "LinuxParameters": c.linux_parameters.as_ref().map(|l| json!({
                            "InitProcessEnabled": l.init_process_enabled,
                            "Capabilities": l.capabilities.as_ref().map(|k| json!({"Add": k.add, "Drop": k.drop})),
                        })),
                        "DockerSecurityOptions": c.docker_security_options,
                        "MountPoints": c.mount_points.iter().map(|m| json!({"SourceVolume": m.source_volume, "ContainerPath": m.container_path, "ReadOnly": m.read_only})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let volumes: Vec<Value> = td
                .volumes
                .iter()
                .map(|v| {
                    json!({
                        "Name": v.name,
                        "Host": v.host.as_ref().map(|h| json!({"SourcePath": h.source_path})),
                        "EfsVolumeConfiguration": v.efs_volume_configuration.as_ref().map(|e| json!({
                            "FilesystemId": e.file_system_id,
                            "TransitEncryption": e.transit_encryption,
                            "AuthorizationConfig": e.authorization_config.as_ref().map(|a| json!({"Iam": a.iam, "AccessPointId": a.access_point_id})),
                        })),
                    })
                })
                .collect();
            json!({"AwsEcsTaskDefinition": {
                "ContainerDefinitions": containers, "Cpu": td.cpu, "Memory": td.memory,
                "ExecutionRoleArn": td.execution_role_arn, "TaskRoleArn": td.task_role_arn, "Family": td.family,
                "NetworkMode": td.network_mode, "PidMode": td.pid_mode, "IpcMode": td.ipc_mode,
                "RequiresCompatibilities": td.requires_compatibilities, "Status": td.status, "Volumes": volumes,
            }})
        }
        ResourceKind::Service => {
            let s = &snapshot.services.get(i)?.item;
            json!({"AwsEcsService": {
                "ServiceName": s.service_name, "ServiceArn": s.service_arn, "Cluster": s.cluster_arn,
                "LaunchType": s.launch_type, "PlatformVersion": s.platform_version, "TaskDefinition": s.task_definition,
                "EnableExecuteCommand": s.enable_execute_command, "DesiredCount": s.desired_count,
                "SchedulingStrategy": s.scheduling_strategy,
                "DeploymentController": s.deployment_controller.as_ref().map(|d| json!({"Type": d.kind})),
                "CapacityProviderStrategy": s.capacity_provider_strategy.iter().map(|c| json!({"CapacityProvider": c.capacity_provider, "Weight": c.weight, "Base": c.base})).collect::<Vec<_>>(),
                "NetworkConfiguration": s.awsvpc().map(|a| json!({"AwsVpcConfiguration": {
                    "AssignPublicIp": a.assign_public_ip, "SecurityGroups": a.security_groups, "Subnets": a.subnets,
                }})),
            }})
        }
        ResourceKind::Cluster => {
            let c = &snapshot.clusters.get(i)?.item;
            json!({"AwsEcsCluster": {
                "ClusterArn": c.cluster_arn, "ClusterName": c.cluster_name, "Status": c.status,
                "CapacityProviders": c.capacity_providers,
                "ClusterSettings": c.settings.as_ref().map(|s| s.iter().map(|x| json!({"Name": x.name, "Value": x.value})).collect::<Vec<_>>()),
                "Configuration": c.exec_config().map(|x| json!({"ExecuteCommandConfiguration": {
                    "KmsKeyId": x.kms_key_id, "Logging": x.logging,
                    "LogConfiguration": x.log_configuration.as_ref().map(|l| json!({
                        "CloudWatchLogGroupName": l.cloud_watch_log_group_name,
                        "CloudWatchEncryptionEnabled": l.cloud_watch_encryption_enabled,
                        "S3BucketName": l.s3_bucket_name, "S3EncryptionEnabled": l.s3_encryption_enabled,
                        "S3KeyPrefix": l.s3_key_prefix,
                    })),
                }})),
                "RegisteredContainerInstancesCount": c.registered_container_instances_count,
                "RunningTasksCount": c.running_tasks_count,
                "ActiveServicesCount": c.active_services_count,
            }})
        }
        ResourceKind::TaskSet => {
            let t = &snapshot.task_sets.get(i)?.item;
            json!({"Other": {"Id": t.id, "Service": t.service_arn, "Cluster": t.cluster_arn, "Status": t.status,
                "TaskDefinition": t.task_definition, "LaunchType": t.launch_type, "PlatformVersion": t.platform_version,
                "AssignPublicIp": t.network_configuration.as_ref().and_then(|n| n.awsvpc_configuration.as_ref()).and_then(|a| a.assign_public_ip.clone())}})
        }
        ResourceKind::CapacityProvider => {
            let c = &snapshot.capacity_providers.get(i)?.item;
            let asg = c.auto_scaling_group_provider.as_ref();
            json!({"Other": {"Name": c.name, "Status": c.status,
                "AutoScalingGroupArn": asg.and_then(|a| a.auto_scaling_group_arn.clone()),
                "ManagedTerminationProtection": asg.and_then(|a| a.managed_termination_protection.clone()),
                "ManagedScaling": asg.and_then(|a| a.managed_scaling.as_ref()).and_then(|m| m.status.clone())}})
        }
        ResourceKind::ContainerInstance => {
            let c = &snapshot.container_instances.get(i)?.item;
            json!({"Other": {"Ec2InstanceId": c.ec2_instance_id, "Status": c.status,
                "AgentConnected": c.agent_connected.map(|b| b.to_string()),
                "AgentVersion": c.version_info.as_ref().and_then(|v| v.agent_version.clone()),
                "InstanceType": c.attribute("ecs.instance-type"), "Cluster": c.cluster_arn}})
        }
    };
    prune(details)
}

/// Split findings into `BatchImportFindings` batches of at most 100 findings and 6 MB.
pub fn batches(findings: Vec<Value>) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = Vec::new();
    let mut cur: Vec<Value> = Vec::new();
    let mut bytes = 0usize;
    for f in findings {
        let size = serde_json::to_vec(&f).map(|v| v.len()).unwrap_or(0) + 1;
        if !cur.is_empty()
            && (cur.len() == MAX_FINDINGS_PER_BATCH || bytes + size > MAX_BATCH_BYTES)
        {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        bytes += size;
        cur.push(f);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The CLI's `--format asff`: FAILED evaluations as first imports at `now_ms`, one
/// `{"Findings": [...]}` batch per line (each line is valid `BatchImportFindings` input).
pub fn render(shown: &[&Evaluation], snapshot: &Snapshot, now_ms: i64) -> String {
    let findings: Vec<Value> = shown
        .iter()
        .filter(|e| e.status == Status::Failed)
        .map(|e| {
            finding(
                e,
                resource_details(snapshot, e).as_ref(),
                &Import::new_at(Status::Failed, now_ms),
            )
        })
        .collect();
    let mut out = String::new();
    for b in batches(findings) {
        out.push_str(&serde_json::to_string(&json!({"Findings": b})).unwrap_or_default());
        out.push('\n');
    }
    out
}

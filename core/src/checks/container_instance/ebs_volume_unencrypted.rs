use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CI07",
    slug: "ebs-volume-unencrypted",
    title: "The EBS volumes of ECS container instances should be encrypted",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when an EBS volume attached to the EC2 instance behind the container instance has `Encrypted` false (Security Hub EC2.3, for attached volumes). An instance without EBS volumes is not applicable. NOT_AVAILABLE when the instance or one of its volumes was not read (`aws ec2 describe-volumes`).",
    risk: "Image layers, container writable layers, volumes and logs on the host's disks sit unencrypted: a snapshot or a detached volume exposes them.",
    remediation: Remediation {
        text: "Turn on EBS encryption by default in the region and replace the instances (existing volumes cannot be encrypted in place).",
        cli: "aws ec2 enable-ebs-encryption-by-default",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      BlockDeviceMappings:\n        - DeviceName: /dev/xvda\n          Ebs:\n            Encrypted: true",
        terraform: "resource \"aws_ebs_encryption_by_default\" \"on\" {\n  enabled = true\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-3",
    ],
    compliance: &[
        fsbp("EC2.3"),
        config_rule("encrypted-volumes"),
        nist("SC-28"),
        nist("SC-28(1)"),
        pci("3.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "an unencrypted volume",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}},{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-2"}}]}]}],"Volumes":[{"VolumeId":"vol-1","Encrypted":true},{"VolumeId":"vol-2","Encrypted":false}]}"#,
        },
        Example {
            name: "encrypted volumes",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"Volumes":[{"VolumeId":"vol-1","Encrypted":true}]}"#,
        },
        Example {
            name: "no EBS volume",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[]}]}],"Volumes":[]}"#,
        },
        Example {
            name: "volumes not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}]}"#,
        },
        Example {
            name: "EC2 instance not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]}"#,
        },
        Example {
            name: "deregistered",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"INACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstanceSurroundings(eval),
};

fn eval(v: &InstanceView<'_>, _: &Options) -> Verdict {
    let Some(ec2) = v.ec2 else {
        return v.instance_not_read();
    };
    let mut evidence = Vec::new();
    let mut related = vec![v.instance_related(ec2)];
    let mut unknown = Vec::new();
    let mut any = false;
    for (device, id) in ec2.block_device_mappings.iter().filter_map(|b| {
        b.ebs
            .as_ref()
            .and_then(|e| e.volume_id.as_deref())
            .map(|id| (b.device_name.as_deref().unwrap_or("?"), id))
    }) {
        any = true;
        match v.network.volume(id) {
            None => unknown.push(format!("volume {id}")),
            Some(vol) if vol.encrypted != Some(true) => {
                evidence.push(format!("volume {id} ({device}) is not encrypted"));
                related.push(v.volume_related(id));
            }
            Some(_) => {}
        }
    }
    if !evidence.is_empty() {
        Verdict::of(Outcome::failed(evidence)).related(related)
    } else if !unknown.is_empty() {
        Verdict::of(Outcome::unknown(format!(
            "not read: {}",
            unknown.join(", ")
        )))
    } else if any {
        Verdict::of(Outcome::Passed).related(related)
    } else {
        Verdict::of(Outcome::na("the instance has no EBS volume"))
    }
}

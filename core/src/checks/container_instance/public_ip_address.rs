use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CI06",
    slug: "public-ip-address",
    title: "ECS container instances should not have a public IPv4 address",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when the EC2 instance behind the container instance has a `PublicIpAddress` (Security Hub EC2.9; IPv6 addresses are not covered, as in the control). NOT_AVAILABLE when the instance was not read.",
    risk: "The host of the containers is addressable from the internet: the agent, SSH and every host-mode or bridge-mapped port are one security group rule away from exposure.",
    remediation: Remediation {
        text: "Launch container instances in private subnets without public IPs (the launch template's network interface AssociatePublicIpAddress false), reaching ECS through NAT or VPC endpoints.",
        cli: "aws ec2 modify-subnet-attribute --subnet-id subnet-x --no-map-public-ip-on-launch",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      NetworkInterfaces:\n        - DeviceIndex: 0\n          AssociatePublicIpAddress: false",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  network_interfaces {\n    associate_public_ip_address = false\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9",
    ],
    compliance: &[
        fsbp("EC2.9"),
        config_rule("ec2-instance-no-public-ip"),
        nist("AC-4"),
        nist("SC-7"),
        pci("1.4.4"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "public IPv4 address",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}],"PublicIpAddress":"203.0.113.10"}]}]}"#,
        },
        Example {
            name: "private only",
            expect: Status::Passed,
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
    let related = vec![v.instance_related(ec2)];
    Verdict::of(match &ec2.public_ip_address {
        Some(ip) => Outcome::failed([format!(
            "instance {} has public IPv4 address {ip}",
            ec2.id()
        )]),
        None => Outcome::Passed,
    })
    .related(related)
}

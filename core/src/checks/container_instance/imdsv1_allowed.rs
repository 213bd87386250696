use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CI04",
    slug: "imdsv1-allowed",
    title: "ECS container instances should require IMDSv2",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the EC2 instance behind the container instance has `MetadataOptions.HttpTokens` `optional` (Security Hub EC2.8: passes only with `required`; a disabled endpoint with `optional` tokens still fails, as in the control). NOT_AVAILABLE when the instance was not read (`aws ec2 describe-instances`).",
    risk: "IMDSv1 answers any GET without a session token: a server-side request forgery in any container, or a container that reaches the host network, reads the instance role's credentials.",
    remediation: Remediation {
        text: "Require IMDSv2 on the instance and in its launch template (hop limit 1 keeps bridge-mode containers out).",
        cli: "aws ec2 modify-instance-metadata-options --instance-id i-0abc --http-tokens required --http-put-response-hop-limit 1",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      MetadataOptions:\n        HttpTokens: required\n        HttpPutResponseHopLimit: 1",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  metadata_options {\n    http_tokens                 = \"required\"\n    http_put_response_hop_limit = 1\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
    ],
    compliance: &[
        fsbp("EC2.8"),
        config_rule("ec2-imdsv2-check"),
        nist("AC-3"),
        nist("AC-6"),
        pci("2.2.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "IMDSv1 allowed",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}]}"#,
        },
        Example {
            name: "IMDSv1 allowed, endpoint disabled",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"disabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}]}"#,
        },
        Example {
            name: "IMDSv2 required",
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
    Verdict::of(if ec2.imds_v2_required() {
        Outcome::Passed
    } else {
        Outcome::failed([format!(
            "instance {}: HttpTokens = {} (IMDSv1 allowed)",
            ec2.id(),
            ec2.metadata_options
                .as_ref()
                .and_then(|m| m.http_tokens.as_deref())
                .unwrap_or("optional")
        )])
    })
    .related(related)
}

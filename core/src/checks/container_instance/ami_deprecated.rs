use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::render::time::{date, parse_timestamp_ms};

pub static CHECK: Check = Check {
    id: "CI09",
    slug: "ami-deprecated",
    title: "ECS container instances should not run a deprecated AMI",
    severity: Severity::Medium,
    category: Category::RuntimeSecurity,
    types: &[types::PATCH],
    description: "Fails when the AMI the instance was launched from (`aws ec2 describe-instances`, then `aws ec2 describe-images`) has a `DeprecationTime` at or before the scan: its owner no longer maintains it (AWS deprecates its public AMIs two years after creation at the latest; custom, Windows and Bottlerocket AMIs are judged alike, unlike CI08). An AMI without a deprecation time passes. A deregistered AMI is not applicable (CI08 says the same). NOT_AVAILABLE when the instance or its AMI was not read, or when the evaluation has no clock (a library evaluation; the CLI and the Lambda pass theirs). The evidence gives the date, so it does not change from one day to the next.",
    risk: "A deprecated AMI no longer receives fixes: its kernel, container runtime and agent keep the vulnerabilities found since, and every task on the instance shares that kernel.",
    remediation: Remediation {
        text: "Launch the capacity provider's instances from a current AMI (for ECS-optimized AMIs, the family's recommended parameter) and replace the running ones with an instance refresh.",
        cli: "aws autoscaling start-instance-refresh --auto-scaling-group-name ASG --preferences MinHealthyPercentage=90",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      ImageId: '{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}'",
        terraform: "data \"aws_ssm_parameter\" \"ecs_ami\" {\n  name = \"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\"\n}\n# launch template: image_id = data.aws_ssm_parameter.ecs_ami.value",
    },
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-versions.html",
    ],
    compliance: &[nist("SI-2"), nist("CM-2"), pci("6.3.3"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "deprecated before the scan",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-old"}]}],
"Images":[{"ImageId":"ami-old","Name":"acme-golden-ecs-20230101","OwnerId":"111122223333","CreationDate":"2023-01-01T00:00:00.000Z","DeprecationTime":"2025-01-01T00:00:00.000Z"}]}"#,
        },
        Example {
            name: "deprecation still ahead",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-new"}]}],
"Images":[{"ImageId":"ami-new","Name":"al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64","ImageOwnerAlias":"amazon","DeprecationTime":"2028-09-22T00:00:00.000Z"}]}"#,
        },
        Example {
            name: "no deprecation time",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-gold"}]}],
"Images":[{"ImageId":"ami-gold","Name":"acme-golden-ecs-20260101","OwnerId":"111122223333"}]}"#,
        },
        Example {
            name: "a deregistered AMI",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-gone"}]}],"Images":[]}"#,
        },
        Example {
            name: "the AMI not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-old"}]}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstanceSurroundings(eval),
};

fn eval(v: &InstanceView<'_>, _: &Options) -> Verdict {
    let (ami, image, related) = match v.instance_ami(
        "the instance's AMI is deregistered (or no longer shared): no deprecation time to read",
    ) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let Some(deprecation) = image.deprecation_time.as_deref() else {
        return Verdict::of(Outcome::Passed).related(related);
    };
    let Some(at) = parse_timestamp_ms(&serde_json::Value::String(deprecation.to_owned())) else {
        return Verdict::of(Outcome::unknown(format!(
            "AMI {ami} has a deprecation time that is not a date: {deprecation:?}"
        )));
    };
    let Some(now) = v.now_ms else {
        return Verdict::of(Outcome::unknown(
            "the evaluation has no clock: a deprecation time cannot be judged".to_owned(),
        ));
    };
    if at <= now {
        let name = image.name.as_deref().unwrap_or("");
        Verdict::of(Outcome::failed([format!(
            "AMI {ami} ({name}) is deprecated since {}",
            date(at)
        )]))
        .related(related)
    } else {
        Verdict::of(Outcome::Passed).related(related)
    }
}

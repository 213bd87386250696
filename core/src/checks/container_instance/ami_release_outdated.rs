use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::instance::{days_between, ecs_ami_family};

pub static CHECK: Check = Check {
    id: "CI08",
    slug: "ami-release-outdated",
    title: "ECS container instances should run a current release of their ECS-optimized AMI",
    severity: Severity::Medium,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES],
    description: "For an instance launched from an ECS-optimized Amazon Linux AMI (AL2023 or AL2: standard, arm64, GPU, Neuron/Inferentia, kernel 5.10, recognised by the AMI name from `aws ec2 describe-images`), compares its AMI with the family's current release, the public parameter `/aws/service/ecs/optimized-ami/<family>/recommended` (`aws ssm get-parameters`). Fails when the instance runs another AMI whose release date (in its name) is more than `max_ami_release_lag_days` (default 30) before the current release's. Both dates come from AWS's release names, so the verdict does not depend on the scanning machine's clock. Other AMIs (custom, Windows, Bottlerocket) are not applicable, and so is a deregistered AMI. NOT_AVAILABLE when the instance, its AMI or the family's parameter was not read.",
    risk: "An outdated AMI keeps kernel, container runtime and ECS agent vulnerabilities that later releases fixed; every task on the instance shares that kernel.",
    remediation: Remediation {
        text: "Point the capacity provider's launch template at the recommended parameter (resolve:ssm) and replace the instances (instance refresh), or enable managed instance draining and let the Auto Scaling group roll them.",
        cli: "aws autoscaling start-instance-refresh --auto-scaling-group-name ASG --preferences MinHealthyPercentage=90",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      ImageId: '{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}'",
        terraform: "data \"aws_ssm_parameter\" \"ecs_ami\" {\n  name = \"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\"\n}\n# launch template: image_id = data.aws_ssm_parameter.ecs_ami.value",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-versions.html",
    ],
    compliance: &[nist("SI-2"), nist("CM-2"), pci("6.3.3"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "max_ami_release_lag_days",
        default: "30",
        doc: "days an ECS-optimized AMI may lag behind its family's current release",
    }],
    examples: &[
        Example {
            name: "far behind the current release",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-old"}]}],
"Images":[{"ImageId":"ami-old","Name":"al2023-ami-ecs-hvm-2023.0.20250101-kernel-6.1-x86_64","ImageOwnerAlias":"amazon"}],
"Parameters":[{"Name":"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended","Type":"String","Value":"{\"ecs_agent_version\":\"1.107.0\",\"image_id\":\"ami-new\",\"image_name\":\"al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64\",\"schema_version\":1}"}],"InvalidParameters":[]}"#,
        },
        Example {
            name: "within the allowed lag",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-recent"}]}],
"Images":[{"ImageId":"ami-recent","Name":"al2023-ami-ecs-hvm-2023.0.20260910-kernel-6.1-x86_64","ImageOwnerAlias":"amazon"}],
"Parameters":[{"Name":"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended","Type":"String","Value":"{\"ecs_agent_version\":\"1.107.0\",\"image_id\":\"ami-new\",\"image_name\":\"al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64\",\"schema_version\":1}"}],"InvalidParameters":[]}"#,
        },
        Example {
            name: "a custom AMI",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-gold"}]}],
"Images":[{"ImageId":"ami-gold","Name":"acme-golden-ecs-20250101","OwnerId":"111122223333"}]}"#,
        },
        Example {
            name: "the family's release not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-old"}]}],
"Images":[{"ImageId":"ami-old","Name":"al2023-ami-ecs-hvm-2023.0.20250101-kernel-6.1-x86_64","ImageOwnerAlias":"amazon"}]}"#,
        },
        Example {
            name: "the AMI not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-old"}]}]}"#,
        },
        Example {
            name: "a deregistered AMI",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],
"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-gone"}]}],"Images":[]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstanceSurroundings(eval),
};

fn eval(v: &InstanceView<'_>, opts: &Options) -> Verdict {
    let (ami, image, related) = match v.instance_ami(
        "the instance's AMI is deregistered (or no longer shared): no release to compare",
    ) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let name = image.name.as_deref().unwrap_or("");
    let Some((parameter, released)) = ecs_ami_family(name) else {
        return Verdict::of(Outcome::na(
            "not an ECS-optimized Amazon Linux AMI (custom, Windows or Bottlerocket): no family release to compare",
        ));
    };
    let current = match v.network.ami_release(&parameter) {
        None => return Verdict::of(Outcome::unknown(format!("not read: {parameter}"))),
        Some(None) => {
            return Verdict::of(Outcome::unknown(format!(
                "{parameter} does not exist or holds no release"
            )));
        }
        Some(Some(r)) => r,
    };
    if current.image_id.as_deref() == Some(ami) {
        return Verdict::of(Outcome::Passed).related(related);
    }
    let current_name = current.image_name.as_deref().unwrap_or("");
    let Some((_, current_date)) = ecs_ami_family(current_name) else {
        return Verdict::of(Outcome::unknown(format!(
            "{parameter} names a release without a date: {current_name:?}"
        )));
    };
    let lag = days_between(released, current_date);
    if lag > i64::from(opts.max_ami_release_lag_days) {
        let agent = current
            .ecs_agent_version
            .as_deref()
            .map(|a| format!(", agent {a}"))
            .unwrap_or_default();
        Verdict::of(Outcome::failed([format!(
            "AMI {ami} ({name}) is {lag} days behind the current release {} ({current_name}{agent}); at most {} allowed",
            current.image_id.as_deref().unwrap_or("?"),
            opts.max_ami_release_lag_days
        )]))
        .related(related)
    } else {
        Verdict::of(Outcome::Passed).related(related)
    }
}

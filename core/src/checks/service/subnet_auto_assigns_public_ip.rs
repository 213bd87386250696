use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV25",
    slug: "subnet-auto-assigns-public-ip",
    title: "The subnets of ECS services should not auto-assign public IP addresses",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a subnet an awsvpc service (or one of its task sets) places tasks in has `MapPublicIpOnLaunch` true (Security Hub EC2.15). Task ENIs get a public IP only through `assignPublicIp` (SV01, ECS.2), but every other instance or interface launched into the subnet gets one by default, and the subnet is built to be public. NOT_AVAILABLE when the subnets were not read.",
    risk: "Anything launched into the subnet is addressable from the internet by default, next to the tasks.",
    remediation: Remediation {
        text: "Turn off auto-assignment of public IPv4 addresses on the subnet; give public addresses only where one is meant to be public.",
        cli: "aws ec2 modify-subnet-attribute --subnet-id subnet-x --no-map-public-ip-on-launch",
        cloudformation: "Subnet:\n  Type: AWS::EC2::Subnet\n  Properties:\n    MapPublicIpOnLaunch: false",
        terraform: "resource \"aws_subnet\" \"tasks\" {\n  map_public_ip_on_launch = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15",
    ],
    compliance: &[
        fsbp("EC2.15"),
        config_rule("subnet-auto-assign-public-ip-disabled"),
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
            name: "a subnet that auto-assigns public IPs",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","MapPublicIpOnLaunch":false},{"SubnetId":"subnet-2","VpcId":"vpc-1","MapPublicIpOnLaunch":true}]}"#,
        },
        Example {
            name: "no auto-assignment",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","MapPublicIpOnLaunch":false}]}"#,
        },
        Example {
            name: "subnets not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}}]}"#,
        },
        Example {
            name: "bridge service",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::ServiceSurroundings(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Verdict {
    let net = match v.service_network(false, true) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let mut evidence = Vec::new();
    let mut related = Vec::new();
    for s in &net.subnets {
        if s.map_public_ip_on_launch == Some(true) {
            evidence.push(format!(
                "subnet {} has MapPublicIpOnLaunch = true",
                s.subnet_id.as_deref().unwrap_or("?")
            ));
            related.push(v.subnet_related(s));
        }
    }
    Verdict::of(Outcome::fail_if_any(evidence)).related(related)
}

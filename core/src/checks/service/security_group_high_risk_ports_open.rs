use crate::checks::support::network::HIGH_RISK_PORTS;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV10",
    slug: "security-group-high-risk-ports-open",
    title: "Security groups of ECS services should not allow unrestricted access to high-risk ports",
    severity: Severity::Critical,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a security group the service's tasks use has an ingress rule from `0.0.0.0/0` or `::/0` that reaches one of Security Hub EC2.19's high-risk ports (20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300; not customizable), by a single port, a range or protocol `-1`. TCP, UDP and `-1` count alike. The groups are those of `awsvpcConfiguration` (or the VPC's default group when none is named). Prefix lists and security group references are not the internet. NOT_AVAILABLE when a group was not read.",
    risk: "Remote administration, database and debug ports open to the internet are scanned continuously; one weak password or unpatched service is a foothold next to the task's credentials.",
    remediation: Remediation {
        text: "Remove the rules that admit 0.0.0.0/0 or ::/0 on these ports; admit only the load balancer's security group or known address ranges, and use Session Manager or ECS Exec instead of SSH.",
        cli: "aws ec2 revoke-security-group-ingress --group-id sg-x --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        cloudformation: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    SourceSecurityGroupId: !Ref LoadBalancerSecurityGroup",
        terraform: "ingress {\n  from_port       = 443\n  to_port         = 443\n  protocol        = \"tcp\"\n  security_groups = [aws_security_group.lb.id]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
    ],
    compliance: &[
        fsbp("EC2.19"),
        config_rule("restricted-common-ports"),
        nist("AC-4"),
        nist("SC-7"),
        pci("1.3.1"),
        soc2("CC6.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "SSH open to the world",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "a range over 3306 from ::/0",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":3000,"ToPort":4000,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "all traffic open",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "443 open, 22 from a private range",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]},{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "group not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}]}"#,
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
    let net = match v.service_network(true, false) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    v.judge_groups(net, |g| {
        let hits: Vec<String> = g
            .open_ingress()
            .iter()
            .filter_map(|r| {
                let ports: Vec<String> = HIGH_RISK_PORTS
                    .iter()
                    .filter(|p| r.covers(**p))
                    .map(u16::to_string)
                    .collect();
                (!ports.is_empty())
                    .then(|| format!("{} (high-risk: {})", r.describe(), ports.join(", ")))
            })
            .collect();
        (!hits.is_empty()).then(|| hits.join("; "))
    })
}

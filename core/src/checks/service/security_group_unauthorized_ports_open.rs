use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};
use crate::model::network::{OpenRule, Protocol};

pub static CHECK: Check = Check {
    id: "SV11",
    slug: "security-group-unauthorized-ports-open",
    title: "Security groups of ECS services should only allow unrestricted incoming traffic for authorized ports",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a security group the service's tasks use has an ingress rule from `0.0.0.0/0` or `::/0` that admits a TCP port not in `authorized_tcp_ports` (default 80 and 443), any UDP port not in `authorized_udp_ports` (default none), or every protocol (`-1`), as Security Hub EC2.18 (`vpc-sg-open-only-to-authorized-ports`) with its default parameters. Groups without such rules pass. Prefix lists and security group references are not the internet. NOT_AVAILABLE when a group was not read.",
    risk: "Every port open to the internet beyond what the service serves is attack surface that nobody meant to publish.",
    remediation: Remediation {
        text: "Admit the internet only on the ports the service serves (or only from the load balancer's security group), and list any other deliberately public port in `authorized_tcp_ports`.",
        cli: "aws ec2 revoke-security-group-ingress --group-id sg-x --ip-permissions 'IpProtocol=tcp,FromPort=8080,ToPort=8080,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        cloudformation: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0",
        terraform: "ingress {\n  from_port   = 443\n  to_port     = 443\n  protocol    = \"tcp\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18",
        "https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-open-only-to-authorized-ports.html",
    ],
    compliance: &[
        fsbp("EC2.18"),
        config_rule("vpc-sg-open-only-to-authorized-ports"),
        nist("AC-4"),
        nist("SC-7"),
        pci("1.3.1"),
        soc2("CC6.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[
        OptionDoc {
            key: "authorized_tcp_ports",
            default: "[80, 443]",
            doc: "TCP ports a security group may open to 0.0.0.0/0 or ::/0 (EC2.18 authorizedTcpPorts, at most 32).",
        },
        OptionDoc {
            key: "authorized_udp_ports",
            default: "[]",
            doc: "UDP ports a security group may open to 0.0.0.0/0 or ::/0 (EC2.18 authorizedUdpPorts).",
        },
    ],
    examples: &[
        Example {
            name: "8080 open to the world",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "a range that includes 443 and more",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":444,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "UDP 53 from ::/0",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"udp","FromPort":53,"ToPort":53,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "80 and 443 only",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]},{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "0.0.0.0/1 is not Security Hub's 0.0.0.0/0",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/1"}]}],"IpPermissionsEgress":[]}]}"#,
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

fn eval(v: &ServiceView<'_>, opts: &Options) -> Verdict {
    let net = match v.service_network(true, false) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let unauthorized = |r: &OpenRule| -> bool {
        let allowed = match r.protocol {
            Protocol::All => return true,
            Protocol::Tcp => &opts.authorized_tcp_ports,
            Protocol::Udp => &opts.authorized_udp_ports,
            Protocol::Other => return false,
        };
        // Any port of the range outside the authorized list.
        (u32::from(r.ports.0)..=u32::from(r.ports.1))
            .any(|p| !allowed.iter().any(|a| u32::from(*a) == p))
    };
    v.judge_groups(net, |g| {
        let hits: Vec<String> = g
            .open_ingress()
            .iter()
            .filter(|r| unauthorized(r))
            .map(OpenRule::describe)
            .collect();
        (!hits.is_empty()).then(|| format!("{} (not an authorized port)", hits.join("; ")))
    })
}

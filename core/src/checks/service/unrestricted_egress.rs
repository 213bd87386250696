use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};
use crate::model::network::Protocol;

pub static CHECK: Check = Check {
    id: "SV15",
    slug: "unrestricted-egress",
    title: "Security groups of ECS services should restrict outbound traffic",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when a security group the service's tasks use allows all traffic (`-1`) or every TCP port to `0.0.0.0/0` or `::/0` outbound. Passes when egress is limited to specific ports (such as 443), prefix lists or security groups (seed guidance: only outbound HTTPS). No Security Hub control covers egress; off by default because every new security group carries an allow-all egress rule. NOT_AVAILABLE when a group was not read.",
    risk: "Unrestricted egress lets a compromised task download tooling and exfiltrate data anywhere, and reach command-and-control over any port.",
    remediation: Remediation {
        text: "Replace the allow-all egress rule with rules for what the tasks need: 443 to AWS endpoints (or VPC endpoints' security groups and prefix lists), and the ports of the services they call.",
        cli: "aws ec2 revoke-security-group-egress --group-id sg-x --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' && aws ec2 authorize-security-group-egress --group-id sg-x --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        cloudformation: "SecurityGroupEgress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0",
        terraform: "egress {\n  from_port   = 443\n  to_port     = 443\n  protocol    = \"tcp\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n}",
    },
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"],
    compliance: &[nist("SC-7"), nist("SC-7(5)"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the default allow-all egress",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[],"IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#,
        },
        Example {
            name: "every TCP port to ::/0",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[],"IpPermissionsEgress":[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]}]}"#,
        },
        Example {
            name: "HTTPS only",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[],"IpPermissionsEgress":[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#,
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
        let wide: Vec<String> = g
            .ip_permissions_egress
            .iter()
            .filter_map(|p| p.open_to_internet())
            .filter(|r| {
                r.protocol == Protocol::All
                    || (r.protocol == Protocol::Tcp && r.ports == (0, u16::MAX))
            })
            .map(|r| r.describe().replacen(" from ", " to ", 1))
            .collect();
        (!wide.is_empty()).then(|| format!("allows {} outbound", wide.join(", ")))
    })
}

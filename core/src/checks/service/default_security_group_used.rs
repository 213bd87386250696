use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV13",
    slug: "default-security-group-used",
    title: "ECS services should not use their VPC's default security group",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when a security group named in the service's `awsvpcConfiguration` is its VPC's default group (`GroupName` `default`). A service that names no group gets the default group too; SV07 (service-without-security-group) reports that case, so it is not reported twice. Wider than Security Hub EC2.2, which checks that the default group has no rules, so it does not name that control. NOT_AVAILABLE when a named group was not read.",
    risk: "The default group is shared by everything that forgets to name one; its rules admit all of its members to each other, so a compromised task reaches every other workload in it.",
    remediation: Remediation {
        text: "Create a dedicated security group for the service and replace the default group in its network configuration; then remove every rule from the default group (Security Hub EC2.2).",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[subnet-a],securityGroups=[sg-service],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsvpcConfiguration:\n    SecurityGroups: [!Ref ServiceSecurityGroup]",
        terraform: "network_configuration {\n  security_groups = [aws_security_group.service.id]\n}",
    },
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"],
    compliance: &[nist("AC-4"), nist("SC-7"), pci("1.2.1"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the default group is named",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-d"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-d","GroupName":"default","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":"sg-d"}]}],"IpPermissionsEgress":[]}]}"#,
        },
        Example {
            name: "a dedicated group",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[],"IpPermissionsEgress":[]}]}"#,
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
    let Some(vpc) = v.awsvpc else {
        return Verdict::of(Outcome::na("service has no awsvpc network configuration"));
    };
    if vpc.security_groups.is_empty() {
        return Verdict::of(Outcome::na(
            "service names no security group (reported by SV07, service-without-security-group)",
        ));
    }
    let net = match v.service_network(true, false) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let defaults: Vec<_> = net.groups.iter().filter(|g| g.is_default()).collect();
    let evidence: Vec<String> = defaults
        .iter()
        .map(|g| {
            format!(
                "security group {} is the default group of {}",
                g.id(),
                g.vpc_id.as_deref().unwrap_or("its VPC")
            )
        })
        .collect();
    let related = defaults.iter().map(|g| v.group_related(g)).collect();
    Verdict::of(Outcome::fail_if_any(evidence)).related(related)
}

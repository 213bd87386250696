use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV07",
    slug: "service-without-security-group",
    title: "ECS awsvpc services should name their security groups",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "For services with an awsvpc network configuration, fails when `securityGroups` is empty (the VPC's default security group is then used) or lists more than 5 groups (hard to review). Services without awsvpc configuration are NOT_APPLICABLE. Whether the groups themselves are open is a check for the EC2 API (later work).",
    risk: "The default security group is shared by everything that forgets to name one and usually allows all traffic between its members; many groups make the effective rules hard to reason about.",
    remediation: Remediation {
        text: "Create a dedicated security group per service that allows only the load balancer (or the callers) on the service port, and set it on the service.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[subnet-a],securityGroups=[sg-service],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsvpcConfiguration:\n    SecurityGroups: [!Ref ServiceSecurityGroup]",
        terraform: "network_configuration {\n  security_groups = [aws_security_group.service.id]\n  subnets         = var.private_subnet_ids\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
    ],
    compliance: &[nist("AC-4"), nist("SC-7"), pci("1.2.1"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no security groups",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":[]}}}]}"#,
        },
        Example {
            name: "one group",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}}]}"#,
        },
        Example {
            name: "bridge",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Outcome {
    let Some(vpc) = v.service.awsvpc() else {
        return Outcome::na("service has no awsvpc network configuration");
    };
    match vpc.security_groups.len() {
        0 => Outcome::failed([
            "awsvpcConfiguration.securityGroups is empty (the VPC default security group applies)"
                .to_owned(),
        ]),
        n if n > 5 => Outcome::failed([format!("{n} security groups attached (more than 5)")]),
        _ => Outcome::Passed,
    }
}

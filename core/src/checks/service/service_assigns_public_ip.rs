use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV01",
    slug: "service-assigns-public-ip",
    title: "ECS services should not have public IP addresses assigned to them automatically",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when the service's `networkConfiguration.awsvpcConfiguration.assignPublicIp` is ENABLED. Absent network configuration (bridge or host services) or absent `assignPublicIp` means DISABLED, the API default. Evaluated for every launch type, including capacity-provider services that have no `launchType` (Security Hub ECS.2).",
    risk: "Tasks with public IPs are reachable from the internet wherever their security groups allow it, bypassing load balancers, WAF and private-subnet design.",
    remediation: Remediation {
        text: "Run tasks in private subnets with `assignPublicIp: DISABLED`; reach the internet through a NAT gateway and AWS services through VPC endpoints; expose the service through a load balancer.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-x],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsvpcConfiguration:\n    AssignPublicIp: DISABLED\n    Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n    SecurityGroups: [!Ref ServiceSecurityGroup]",
        terraform: "network_configuration {\n  subnets          = var.private_subnet_ids\n  security_groups  = [aws_security_group.service.id]\n  assign_public_ip = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2",
    ],
    compliance: &[
        fsbp("ECS.2"),
        nist("AC-21"),
        nist("AC-3"),
        nist("AC-3(7)"),
        nist("AC-4"),
        nist("AC-4(21)"),
        nist("AC-6"),
        nist("SC-7"),
        nist("SC-7(11)"),
        nist("SC-7(16)"),
        nist("SC-7(20)"),
        nist("SC-7(21)"),
        nist("SC-7(3)"),
        nist("SC-7(4)"),
        nist("SC-7(9)"),
        pci("1.4.4"),
        hipaa("164.312(e)(1)"),
        soc2("CC6.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "enabled",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"assignPublicIp":"ENABLED"}}}]}"#,
        },
        Example {
            name: "capacity provider service with public ip",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}],"networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"ENABLED"}}}]}"#,
        },
        Example {
            name: "disabled",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"DISABLED"}}}]}"#,
        },
        Example {
            name: "bridge service",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","launchType":"EC2"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Outcome {
    if v.service.assigns_public_ip() {
        Outcome::failed([
            "networkConfiguration.awsvpcConfiguration.assignPublicIp = ENABLED".to_owned(),
        ])
    } else {
        Outcome::Passed
    }
}

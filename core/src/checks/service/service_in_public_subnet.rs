use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV12",
    slug: "service-in-public-subnet",
    title: "ECS services should run their tasks in private subnets",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when a subnet of the service's `awsvpcConfiguration` is public: its effective route table (the explicitly associated table, else the main table of the subnet's own VPC) has an active `0.0.0.0/0` or `::/0` route to an internet gateway (`igw-`; NAT gateways, transit gateways, endpoints, egress-only gateways and blackhole routes are private). High when the tasks also get a public IP. NOT_AVAILABLE when a subnet or its VPC's route tables were not read.",
    risk: "A task in a public subnet is one setting (a public IP) away from the internet, and its subnet's neighbours are internet-facing by design.",
    remediation: Remediation {
        text: "Move the service to private subnets (default route to a NAT gateway, or none with VPC endpoints) and expose it through a load balancer in the public subnets.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[subnet-private-a,subnet-private-b],securityGroups=[sg-x],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsvpcConfiguration:\n    Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]",
        terraform: "network_configuration {\n  subnets = var.private_subnet_ids\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-connecting-vpc.html",
    ],
    compliance: &[nist("SC-7"), pci("1.3.1"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "main table routes to an internet gateway",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        },
        Example {
            name: "NAT gateway default route",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"active"}]}]}"#,
        },
        Example {
            name: "egress-only internet gateway for IPv6",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationIpv6CidrBlock":"::/0","GatewayId":"eigw-1","State":"active"}]}]}"#,
        },
        Example {
            name: "route tables not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}]}"#,
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
    let public = v.public_subnets(net);
    if let Some(unknown) = public.unknown_verdict() {
        return unknown;
    }
    let (mut evidence, related) = (public.evidence, public.related);
    let public_ip = net.public_ip && !evidence.is_empty();
    if public_ip {
        evidence.push("tasks get a public IP (assignPublicIp ENABLED)".to_owned());
    }
    let verdict = Verdict::of(Outcome::fail_if_any(evidence)).related(related);
    if public_ip {
        verdict.severity(Severity::High)
    } else {
        verdict
    }
}

use crate::checks::support::network::{Ec2Arns, public_subnets};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CP03",
    slug: "managed-instances-public-subnet",
    title: "ECS Managed Instances capacity providers should launch instances into private subnets",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES],
    description: "For ECS Managed Instances capacity providers, fails when a subnet of `managedInstancesProvider.instanceLaunchTemplate.networkConfiguration.subnets` routes `0.0.0.0/0` or `::/0` to an internet gateway (its explicit route table, else the VPC's main table; the same semantics as SV12 for services). HIGH when such a subnet also assigns public IPv4 addresses on launch (`MapPublicIpOnLaunch`): the launch template has no public IP setting, so the instances get one and are reachable from the internet wherever their security groups allow. The subnets and route tables are related resources. NOT_APPLICABLE for Auto Scaling group and Fargate providers; NOT_AVAILABLE when a subnet or its VPC's route tables were not read, or the launch template names no subnet. No Security Hub control, AWS Config rule or other scanner looks at Managed Instances providers.",
    risk: "Managed Instances run the tasks of every service placed on the provider, and ECS manages them, not you: in a public subnet with public addresses they are one security group rule away from the internet, with the instance profile's credentials and every task's data on them.",
    remediation: Remediation {
        text: "Launch Managed Instances into private subnets (a NAT gateway or VPC endpoints for egress) and reach the services through load balancers in public subnets.",
        cli: "aws ecs update-capacity-provider --name PROVIDER --managed-instances-provider '{\"instanceLaunchTemplate\":{\"networkConfiguration\":{\"subnets\":[\"subnet-private-a\",\"subnet-private-b\"],\"securityGroups\":[\"sg-instances\"]}}}'",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  ManagedInstancesProvider:\n    InstanceLaunchTemplate:\n      NetworkConfiguration:\n        Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n        SecurityGroups: [!Ref InstancesSecurityGroup]",
        terraform: "resource \"aws_ecs_capacity_provider\" \"managed\" {\n  managed_instances_provider {\n    instance_launch_template {\n      network_configuration {\n        subnets         = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n        security_groups = [aws_security_group.instances.id]\n      }\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    ],
    compliance: &[nist("AC-4"), nist("SC-7"), pci("1.3.1"), soc2("CC6.6")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "public subnet assigning public addresses",
            expect: Status::Failed,
            json: concat!(
                r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","#,
                r#""managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}}}],"#,
                r#""Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","MapPublicIpOnLaunch":true}],"#,
                r#""RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#
            ),
        },
        Example {
            name: "private subnet behind a NAT gateway",
            expect: Status::Passed,
            json: concat!(
                r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","#,
                r#""managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}}}],"#,
                r#""Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","MapPublicIpOnLaunch":false}],"#,
                r#""RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"active"}]}]}"#
            ),
        },
        Example {
            name: "subnets not read",
            expect: Status::NotAvailable,
            json: concat!(
                r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","#,
                r#""managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}}}]}"#
            ),
        },
        Example {
            name: "Auto Scaling group provider",
            expect: Status::NotApplicable,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/asg","name":"asg","status":"ACTIVE","autoScalingGroupProvider":{"autoScalingGroupArn":"arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1:autoScalingGroupName/asg"}}]}"#,
        },
    ],
    evaluator: Evaluator::CapacityProviderSurroundings(eval),
};

fn eval(v: &ProviderView<'_>, _: &Options) -> Verdict {
    if v.provider.managed_instances_provider.is_none() {
        return Verdict::of(Outcome::na(super::NOT_MANAGED_INSTANCES));
    }
    let ids = v.provider.managed_instances_subnets();
    if ids.is_empty() {
        return Verdict::of(Outcome::unknown(
            "the launch template names no subnet: where the instances launch is not known"
                .to_owned(),
        ));
    }
    let mut unread: Vec<String> = Vec::new();
    let mut subnets = Vec::new();
    for id in ids {
        match v.network.subnet(id) {
            Some(s) => subnets.push(s),
            None => unread.push(format!("subnet {id}")),
        }
    }
    let arns = Ec2Arns {
        partition: v.partition,
        region: v.region,
        account: v.account,
    };
    let found = public_subnets(v.network, arns, &subnets);
    if found.evidence.is_empty() {
        unread.extend(found.unknown);
        if !unread.is_empty() {
            return Verdict::of(Outcome::unknown(format!("not read: {}", unread.join(", "))));
        }
        return Verdict::of(Outcome::Passed);
    }
    let mut evidence = found.evidence;
    let assigning: Vec<&str> = subnets
        .iter()
        .filter(|s| s.map_public_ip_on_launch == Some(true))
        .filter_map(|s| s.subnet_id.as_deref())
        .filter(|id| {
            evidence
                .iter()
                .any(|e| e.starts_with(&format!("subnet {id} ")))
        })
        .collect();
    for id in &assigning {
        evidence.push(format!(
            "subnet {id} assigns public IPv4 addresses on launch: the instances get one"
        ));
    }
    let verdict = Verdict::of(Outcome::failed(evidence)).related(found.related);
    if assigning.is_empty() {
        verdict
    } else {
        verdict.severity(Severity::High)
    }
}

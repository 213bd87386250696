use crate::checks::support::network::HIGH_RISK_PORTS;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV09",
    slug: "service-reachable-from-internet",
    title: "ECS services should not be directly reachable from the internet",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when the service's tasks are reachable from the internet without a load balancer: `assignPublicIp` is ENABLED, at least one of its subnets is public (its effective route table, the explicitly associated one or else the VPC's main table, has an active `0.0.0.0/0` or `::/0` route to an internet gateway), and at least one of its security groups admits `0.0.0.0/0` or `::/0` on some port. The evidence names the path hop by hop. Critical when the open ports include a Security Hub EC2.19 high-risk port or ECS Exec is enabled. Passes without a public IP; reaching tasks only through an internet-facing load balancer is the normal shape of a web service and does not fail. NOT_AVAILABLE when a group, subnet or route table it needs was not read. Critical also when the task role of the service's task definition, read from IAM, may do everything, can escalate its privileges through ECS, or can read every secret (TD35, TD39, TD41): the evidence says which and names the role as a related resource.",
    risk: "A task with a public IP in a public subnet behind an open security group is on the internet: scanners find SSH, databases and debug ports within minutes, and one vulnerable process is a foothold in the VPC with the task role's credentials.",
    remediation: Remediation {
        text: "Run the tasks in private subnets with `assignPublicIp: DISABLED`, put an internet-facing load balancer in front of them, and let the task security group admit only the load balancer's security group on the container port.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[subnet-private-a],securityGroups=[sg-service],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsvpcConfiguration:\n    AssignPublicIp: DISABLED\n    Subnets: [!Ref PrivateSubnetA]\n    SecurityGroups: [!Ref ServiceSecurityGroup]  # ingress only from the load balancer's group",
        terraform: "network_configuration {\n  subnets          = var.private_subnet_ids\n  security_groups  = [aws_security_group.service.id]\n  assign_public_ip = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-connecting-vpc.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    ],
    compliance: &[nist("AC-4"), nist("SC-7"), pci("1.3.1"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "public IP, public subnet (main table), SSH open",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        },
        Example {
            name: "a CODE_DEPLOY service's task set: public IP, public subnet, SSH open",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{"type":"CODE_DEPLOY"},"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/1","status":"PRIMARY","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}},{"id":"ecs-svc/2","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/2","status":"ACTIVE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}]}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        },
        Example {
            name: "IPv6: explicit table routes ::/0 to the internet gateway, port 443 open to ::/0",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-main","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[]},{"RouteTableId":"rtb-2","VpcId":"vpc-1","Associations":[{"Main":false,"SubnetId":"subnet-1"}],"Routes":[{"DestinationIpv6CidrBlock":"::/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        },
        Example {
            name: "the explicit table wins over a public main table (NAT only)",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-main","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]},{"RouteTableId":"rtb-2","VpcId":"vpc-1","Associations":[{"SubnetId":"subnet-1"}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"active"}]}]}"#,
        },
        Example {
            name: "blackhole internet route, and the main table of another VPC does not count",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"blackhole"}]},{"RouteTableId":"rtb-9","VpcId":"vpc-9","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-9","State":"active"}]}]}"#,
        },
        Example {
            name: "no public IP",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}]}"#,
        },
        Example {
            name: "only a security group reference and a prefix list admit traffic",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":8080,"ToPort":8080,"UserIdGroupPairs":[{"GroupId":"sg-lb"}],"PrefixListIds":[{"PrefixListId":"pl-1"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1"}]}]}"#,
        },
        Example {
            name: "route tables not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}]}"#,
        },
        Example {
            name: "a task set's security group not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{"type":"EXTERNAL"},"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-9"],"assignPublicIp":"ENABLED"}}}]}],
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
    let Some(vpc) = v.awsvpc else {
        return Verdict::of(Outcome::na("service has no awsvpc network configuration"));
    };
    if !vpc
        .assign_public_ip
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("ENABLED"))
    {
        return Verdict::of(Outcome::Passed);
    }
    let net = match v.service_network(true, true) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let mut related: Vec<Related> = Vec::new();
    let mut open_text = Vec::new();
    let mut high_risk = false;
    for g in &net.groups {
        let open = g.open_ingress();
        if open.is_empty() {
            continue;
        }
        high_risk |= open
            .iter()
            .any(|r| HIGH_RISK_PORTS.iter().any(|p| r.covers(*p)));
        open_text.push(format!(
            "security group {} admits {}",
            g.id(),
            open.iter()
                .map(|r| r.describe())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        related.push(v.group_related(g));
    }
    if open_text.is_empty() {
        return Verdict::of(Outcome::Passed);
    }
    let public = v.public_subnets(net);
    if public.evidence.is_empty() {
        return public
            .unknown_verdict()
            .unwrap_or_else(|| Verdict::of(Outcome::Passed));
    }
    // The path in order: subnets and their tables, then the groups.
    related.splice(0..0, public.related);
    let exec = v.service.enable_execute_command == Some(true);
    let mut evidence = vec!["tasks get a public IP (assignPublicIp ENABLED)".to_owned()];
    evidence.extend(public.evidence);
    evidence.extend(open_text);
    if exec {
        evidence.push("ECS Exec is enabled on the service".to_owned());
    }
    // What an attacker in the task can do with its role's credentials.
    let role = v.task_definition.and_then(|td| {
        crate::checks::support::roles::powerful_role(
            v.identity,
            td.task_role_arn.as_deref(),
            v.account,
        )
    });
    if let Some((arn, name, what)) = &role {
        evidence.push(format!("its task role {name} {what}"));
        related.push(Related::new("AwsIamRole", arn.clone()));
    }
    let verdict = Verdict::of(Outcome::failed(evidence)).related(related);
    if high_risk || exec || role.is_some() {
        verdict.severity(Severity::Critical)
    } else {
        verdict
    }
}

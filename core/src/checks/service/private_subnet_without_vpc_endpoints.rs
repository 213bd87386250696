use crate::checks::support::image;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::network::SubnetRoute;

pub static CHECK: Check = Check {
    id: "SV26",
    slug: "private-subnet-without-vpc-endpoints",
    title: "ECS services in private subnets should reach the AWS services their tasks need through VPC endpoints",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Informational, off by default. Applies to services whose tasks run only in private subnets (no effective route table sends a default route to an internet gateway). From the service's task definition (also for its task sets) it derives what the tasks need: ECR images need `ecr.api`, `ecr.dkr` and `s3` (layers); `awslogs` needs `logs`; Secrets Manager secrets and registry credentials need `secretsmanager`; parameters need `ssm`. Fails when the VPC has no `available` endpoint for one: an interface endpoint with private DNS enabled, or for `s3` a gateway endpoint on the subnets' route tables (or an interface endpoint). Without them AWS traffic leaves through a NAT gateway, or with no NAT route the tasks cannot start. NOT_AVAILABLE when the subnets, route tables, VPC endpoints or task definition were not read.",
    risk: "Image pulls, logs and secret retrievals that cross a NAT gateway leave the VPC: they depend on internet egress the tasks would not otherwise need, bypass endpoint policies that could restrict which registries and secrets are reachable, and fail outright in isolated subnets.",
    remediation: Remediation {
        text: "Create interface endpoints (private DNS on) for ecr.api, ecr.dkr, logs and secretsmanager or ssm as the tasks need, and an S3 gateway endpoint on the private subnets' route tables; restrict them with endpoint policies.",
        cli: "aws ec2 create-vpc-endpoint --vpc-id vpc-x --vpc-endpoint-type Interface --service-name com.amazonaws.REGION.ecr.dkr --subnet-ids subnet-a subnet-b --security-group-ids sg-endpoints --private-dns-enabled\naws ec2 create-vpc-endpoint --vpc-id vpc-x --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.s3 --route-table-ids rtb-private",
        cloudformation: "EcrDkrEndpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: !Ref Vpc\n    VpcEndpointType: Interface\n    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr\n    PrivateDnsEnabled: true\n    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n    SecurityGroupIds: [!Ref EndpointSecurityGroup]",
        terraform: "resource \"aws_vpc_endpoint\" \"ecr_dkr\" {\n  vpc_id              = aws_vpc.main.id\n  vpc_endpoint_type   = \"Interface\"\n  service_name        = \"com.amazonaws.${var.region}.ecr.dkr\"\n  private_dns_enabled = true\n  subnet_ids          = aws_subnet.private[*].id\n  security_group_ids  = [aws_security_group.endpoints.id]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
    ],
    compliance: &[nist("SC-7"), nist("AC-4")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "ECR images and awslogs without endpoints",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0","logConfiguration":{"logDriver":"awslogs"}}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"active"}]}],
"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.api","State":"available","PrivateDnsEnabled":true}]}}}"#,
        },
        Example {
            name: "every endpoint the tasks need",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0","logConfiguration":{"logDriver":"awslogs"}}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[]}],
"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.api","State":"available","PrivateDnsEnabled":true},
{"VpcEndpointId":"vpce-2","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.dkr","State":"available","PrivateDnsEnabled":true},
{"VpcEndpointId":"vpce-3","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.logs","State":"available","PrivateDnsEnabled":true},
{"VpcEndpointId":"vpce-4","VpcEndpointType":"Gateway","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.s3","State":"available","RouteTableIds":["rtb-1"]}]}}}"#,
        },
        Example {
            name: "an S3 gateway endpoint on another route table",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0"}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"SubnetId":"subnet-1"}],"Routes":[]}],
"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.api","State":"available","PrivateDnsEnabled":true},
{"VpcEndpointId":"vpce-2","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.dkr","State":"available","PrivateDnsEnabled":true},
{"VpcEndpointId":"vpce-4","VpcEndpointType":"Gateway","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.s3","State":"available","RouteTableIds":["rtb-9"]}]}}}"#,
        },
        Example {
            name: "a secret with the Secrets Manager endpoint's private DNS off",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"}]}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[]}],
"VpcEndpoints":[{"VpcEndpointId":"vpce-5","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.secretsmanager","State":"available","PrivateDnsEnabled":false}]}}}"#,
        },
        Example {
            name: "tasks in a public subnet",
            expect: Status::NotApplicable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0"}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}],
"VpcEndpoints":[]}}}"#,
        },
        Example {
            name: "VPC endpoints not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.0"}]}},
"net.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[]}]}}}"#,
        },
    ],
    evaluator: Evaluator::ServiceSurroundings(eval),
};

/// An AWS service the tasks need at start or run time, and why.
struct Need {
    service: &'static str,
    why: &'static str,
}

fn needs(td: &TaskDefinition) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    let mut add = |service: &'static str, why: &'static str| {
        if !out.iter().any(|n| n.service == service) {
            out.push(Need { service, why });
        }
    };
    let is_secrets_manager = |r: &str| r.starts_with("arn:") && r.contains(":secretsmanager:");
    for c in &td.container_definitions {
        if c.image
            .as_deref()
            .and_then(image::parse)
            .is_some_and(|i| i.is_ecr_private())
        {
            add("ecr.api", "images from Amazon ECR");
            add("ecr.dkr", "images from Amazon ECR");
            add("s3", "image layers from Amazon ECR");
        }
        let log = c.log_configuration.as_ref();
        if log
            .and_then(|l| l.log_driver.as_deref())
            .is_some_and(|d| d.eq_ignore_ascii_case("awslogs"))
        {
            add("logs", "the awslogs log driver");
        }
        let refs = c
            .secrets
            .iter()
            .chain(log.map(|l| l.secret_options.as_slice()).unwrap_or(&[]))
            .filter_map(|s| s.value_from.as_deref());
        for r in refs {
            if is_secrets_manager(r) {
                add("secretsmanager", "secrets from Secrets Manager");
            } else {
                add("ssm", "parameters from Systems Manager");
            }
        }
        if c.repository_credentials
            .as_ref()
            .and_then(|r| r.credentials_parameter.as_deref())
            .is_some()
        {
            add("secretsmanager", "private registry credentials");
        }
    }
    out
}

fn eval(v: &ServiceView<'_>, _: &Options) -> Verdict {
    let net = match v.service_network(false, true) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let public = v.public_subnets(net);
    if let Some(unknown) = public.unknown_verdict() {
        return unknown;
    }
    if !public.evidence.is_empty() {
        return Verdict::of(Outcome::na(
            "tasks run in a subnet routed to an internet gateway",
        ));
    }
    let Some(vpc) = net.vpc else {
        return Verdict::of(Outcome::unknown(
            "not read: the VPC of the service's subnets",
        ));
    };
    let Some(td) = v.task_definition else {
        return Verdict::of(Outcome::unknown("not read: the service's task definition"));
    };
    let needs = needs(td);
    if needs.is_empty() {
        return Verdict::of(Outcome::na(
            "the tasks need no AWS service endpoint (no ECR image, awslogs or secret)",
        ));
    }
    let Some(endpoints) = v.network.vpc_endpoints(vpc) else {
        return Verdict::of(Outcome::unknown("not read: VPC endpoints"));
    };
    let tables: Vec<&str> = net
        .subnets
        .iter()
        .filter_map(|s| match v.network.route_of(s) {
            Some(SubnetRoute::Private { route_table, .. }) => Some(route_table),
            _ => None,
        })
        .collect();
    let mut evidence = Vec::new();
    for n in &needs {
        let of_service: Vec<_> = endpoints
            .iter()
            .filter(|e| e.aws_service() == Some(n.service))
            .collect();
        let usable = of_service.iter().any(|e| {
            if e.is_type("Gateway") {
                n.service == "s3"
                    && tables
                        .iter()
                        .all(|t| e.route_table_ids.iter().any(|r| r == t))
            } else {
                e.is_type("Interface") && (n.service == "s3" || e.private_dns_enabled == Some(true))
            }
        });
        if usable {
            continue;
        }
        let detail = match of_service.first() {
            None => String::new(),
            Some(e) if e.is_type("Gateway") => format!(
                "; gateway endpoint {} is not on the route tables of the service's subnets",
                e.vpc_endpoint_id.as_deref().unwrap_or("?")
            ),
            Some(e) => format!(
                "; endpoint {} has private DNS disabled",
                e.vpc_endpoint_id.as_deref().unwrap_or("?")
            ),
        };
        evidence.push(format!(
            "VPC {vpc} has no usable endpoint for {} ({}){detail}",
            n.service, n.why
        ));
    }
    Verdict::of(Outcome::fail_if_any(evidence)).related(vec![v.vpc_related(vpc)])
}

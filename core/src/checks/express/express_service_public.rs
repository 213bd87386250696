use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};
use crate::model::express::ExpressService;

pub static CHECK: Check = Check {
    id: "SV28",
    slug: "express-service-public",
    title: "ECS Express Mode services should not be reachable from the internet unless meant to be",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::NETWORK],
    description: "Fails when an ingress path of an active configuration of an ECS Express Mode service has `accessType` PUBLIC: an internet-facing Application Load Balancer with an endpoint on `*.ecs.<region>.on.aws`, Express's default. Every active configuration is judged (two run during a deployment); the evidence names each public endpoint. HIGH when the task role of a public configuration, read from IAM, may do everything, can escalate through ECS or can read every secret (TD35, TD39, TD41). Passes when every path is PRIVATE; NOT_AVAILABLE when none is listed yet; NOT_APPLICABLE for services Express does not manage. The tasks' public IP and subnets are judged by SV01, SV09 and SV12 on the same service, so nothing is reported twice. No Security Hub control, AWS Config rule or other scanner looks at Express Mode services.",
    risk: "An Express service is on the internet the moment it is created: every scanner on the internet finds the endpoint, and an application meant for internal users (an admin tool, an API behind a VPN) is exposed with whatever its code and its task role allow.",
    remediation: Remediation {
        text: "Decide whether the service must be public. If not, create it with a network configuration of private subnets (Express then gives it a PRIVATE ingress path on an internal load balancer) and reach it from the VPC; the access type is fixed when the service is created. If it must be public, keep it and protect the managed load balancer (an AWS WAF web ACL) and keep the task role minimal.",
        cli: "aws ecs create-express-gateway-service --service-name SERVICE --cluster CLUSTER --primary-container image=IMAGE,containerPort=8080 --execution-role-arn EXECUTION_ROLE --infrastructure-role-arn INFRA_ROLE --network-configuration 'subnets=[subnet-private-a,subnet-private-b],securityGroups=[sg-app]'",
        cloudformation: "Type: AWS::ECS::ExpressGatewayService\nProperties:\n  NetworkConfiguration:\n    Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n    SecurityGroups: [!Ref AppSecurityGroup]",
        terraform: "# AWS Cloud Control provider\nresource \"awscc_ecs_express_gateway_service\" \"app\" {\n  network_configuration = {\n    subnets         = var.private_subnet_ids\n    security_groups = [aws_security_group.app.id]\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeExpressGatewayService.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_IngressPathSummary.html",
    ],
    compliance: &[nist("AC-4"), nist("SC-7"), pci("1.3.1"), soc2("CC6.6")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "public ingress path (the default)",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/default","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/default","serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsInfrastructureRoleForExpressServices","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"serviceRevisionArn":"arn:aws:ecs:us-east-1:111122223333:service-revision/default/web/1","executionRoleArn":"arn:aws:iam::111122223333:role/ecsTaskExecutionRole","taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:1","primaryContainer":{"image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2","containerPort":8080},"ingressPaths":[{"accessType":"PUBLIC","endpoint":"https://we-1a2b3c.ecs.us-east-1.on.aws"}]}]}}}}"#,
        },
        Example {
            name: "public, and the task role is an administrator",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"taskRoleArn":"arn:aws:iam::111122223333:role/web-task","ingressPaths":[{"accessType":"PUBLIC","endpoint":"https://we-1a2b3c.ecs.us-east-1.on.aws"}]}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "private ingress path",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/api","serviceName":"api","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-api.json":{"service":{"serviceName":"api","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/api","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"networkConfiguration":{"subnets":["subnet-private-a"],"securityGroups":["sg-1"]},"ingressPaths":[{"accessType":"PRIVATE","endpoint":"https://ap-4d5e6f.ecs.us-east-1.on.aws"}]}]}}}}"#,
        },
        Example {
            name: "an Express service whose description was not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]}"#,
        },
        Example {
            name: "an ordinary service",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"CUSTOMER"}]}"#,
        },
    ],
    evaluator: Evaluator::ExpressService(eval),
};

fn eval(v: &ServiceView<'_>, e: &ExpressService, _: &Options) -> Verdict {
    let mut evidence = Vec::new();
    let mut paths = 0;
    let mut public_task_roles = Vec::new();
    for c in &e.active_configurations {
        paths += c.ingress_paths.len();
        let public: Vec<&str> = c
            .ingress_paths
            .iter()
            .filter(|p| p.is_public())
            .map(|p| p.endpoint.as_deref().unwrap_or("(no endpoint given)"))
            .collect();
        if public.is_empty() {
            continue;
        }
        for endpoint in public {
            let line = format!("public ingress path {endpoint} (internet-facing load balancer)");
            if !evidence.contains(&line) {
                evidence.push(line);
            }
        }
        let role = c
            .task_role_arn
            .as_deref()
            .or_else(|| v.task_definition.and_then(|td| td.task_role_arn.as_deref()));
        if !public_task_roles.contains(&role) {
            public_task_roles.push(role);
        }
    }
    if evidence.is_empty() {
        return Verdict::of(if paths == 0 {
            Outcome::unknown("the Express description lists no ingress path yet")
        } else {
            Outcome::Passed
        });
    }
    let mut related = Vec::new();
    for role in public_task_roles {
        if let Some((arn, name, what)) =
            crate::checks::support::roles::powerful_role(v.identity, role, v.account)
        {
            evidence.push(format!("its task role {name} {what}"));
            related.push(Related::new("AwsIamRole", arn));
        }
    }
    let verdict = Verdict::of(Outcome::failed(evidence));
    if related.is_empty() {
        verdict
    } else {
        verdict.related(related).severity(Severity::High)
    }
}

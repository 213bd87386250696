use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::express::ExpressService;

pub static CHECK: Check = Check {
    id: "SV29",
    slug: "express-infrastructure-role-administrator",
    title: "The infrastructure role of ECS Express Mode services should not allow every action on every resource",
    severity: Severity::Critical,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the `infrastructureRoleArn` of an ECS Express Mode service, read from IAM, may perform every action on every resource, with TD35's policy evaluation (every policy kind, `NotAction`/`NotResource`, unconditioned Deny, permissions boundary; HIGH when the grant holds only under a Condition or a Deny removes part of it). ECS assumes this role to create and change the service's load balancer, security groups, certificate and scaling: AWS's managed policy for it (`AmazonECSInfrastructureRoleforExpressGatewayServices`) is scoped to those services, so an administrator role there is a shortcut taken at setup. The task and execution roles of the service's task definition are judged by TD35-TD43. NOT_AVAILABLE when the role or one of its policies was not read; NOT_APPLICABLE when the description names no role or the role does not exist. No Security Hub control, AWS Config rule or other scanner looks at Express Mode services.",
    risk: "Anyone who can pass or assume the infrastructure role, or who can change what the Express service asks ECS to do with it, acts as an administrator of the account.",
    remediation: Remediation {
        text: "Give the infrastructure role only the AWS managed policy `AmazonECSInfrastructureRoleforExpressGatewayServices` (trusted by `ecs.amazonaws.com`), and detach the administrator grant.",
        cli: "aws iam attach-role-policy --role-name ecsInfrastructureRoleForExpressServices --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices\naws iam detach-role-policy --role-name ecsInfrastructureRoleForExpressServices --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        cloudformation: "ExpressInfrastructureRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: { Service: ecs.amazonaws.com }\n          Action: sts:AssumeRole\n    ManagedPolicyArns:\n      - arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices",
        terraform: "resource \"aws_iam_role_policy_attachment\" \"express_infrastructure\" {\n  role       = aws_iam_role.express_infrastructure.name\n  policy_arn = \"arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRoleforExpressGatewayServices.html",
    ],
    compliance: &[nist("AC-6"), nist("AC-6(10)"), pci("7.2.1"), soc2("CC6.3")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "AdministratorAccess on the infrastructure role",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","infrastructureRoleArn":"arn:aws:iam::111122223333:role/express-infra","status":{"statusCode":"ACTIVE"},"activeConfigurations":[]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"express-infra","Arn":"arn:aws:iam::111122223333:role/express-infra","RolePolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "a scoped inline policy",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","infrastructureRoleArn":"arn:aws:iam::111122223333:role/express-infra","status":{"statusCode":"ACTIVE"},"activeConfigurations":[]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"express-infra","Arn":"arn:aws:iam::111122223333:role/express-infra","RolePolicyList":[{"PolicyName":"elb","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:CreateLoadBalancer","elasticloadbalancing:CreateListener"],"Resource":"*"}]}}],"AttachedManagedPolicies":[]}],"Policies":[]}}}"#,
        },
        Example {
            name: "IAM not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","infrastructureRoleArn":"arn:aws:iam::111122223333:role/express-infra","status":{"statusCode":"ACTIVE"},"activeConfigurations":[]}}}}"#,
        },
    ],
    evaluator: Evaluator::ExpressService(eval),
};

fn eval(v: &ServiceView<'_>, e: &ExpressService, _: &Options) -> Verdict {
    match crate::checks::support::roles::named(e.infrastructure_role_arn.as_deref()) {
        Some(role) => crate::checks::support::roles::administrator_verdict(
            v.identity,
            role,
            v.account,
            "infrastructure role",
        ),
        None => Verdict::of(Outcome::na(
            "the Express description names no infrastructure role",
        )),
    }
}

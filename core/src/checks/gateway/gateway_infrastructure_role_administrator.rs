use crate::checks::support::roles::{administrator_verdict, named};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::gateway::Gateway;
use crate::model::identity::Identity;

pub static CHECK: Check = Check {
    id: "GW05",
    slug: "gateway-infrastructure-role-administrator",
    title: "The infrastructure role of ECS Gateways should not allow every action on every resource",
    severity: Severity::Critical,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the `infrastructureRoleArn` of an ECS Gateway, read from IAM, may perform every action on every resource, with TD35's policy evaluation (every policy kind, `NotAction`/`NotResource`, unconditioned Deny, permissions boundary; HIGH when the grant holds only under a Condition or a Deny removes part of it). ECS assumes this role to create and change the gateway's shared load balancers, listeners, target groups and security groups; only administrator access is judged, since that work needs broad load balancing and EC2 actions by design (the same decision as SV29 for Express Mode services). NOT_AVAILABLE when the role or one of its policies was not read; NOT_APPLICABLE when the gateway names no role, the role does not exist, or the gateway is being deleted. No Security Hub control, AWS Config rule or other scanner looks at ECS Gateways.",
    risk: "Anyone who can pass the gateway's infrastructure role to ECS, or change the gateway, has ECS act as an administrator of the account on their behalf.",
    remediation: Remediation {
        text: "Give the gateway's infrastructure role only the load balancing and EC2 actions ECS documents for gateways (trusted by `ecs.amazonaws.com`), and detach the administrator grant.",
        cli: "aws iam detach-role-policy --role-name ecsGatewayRole --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\naws iam put-role-policy --role-name ecsGatewayRole --policy-name gateway --policy-document file://gateway-infrastructure.json",
        cloudformation: "GatewayInfrastructureRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: { Service: ecs.amazonaws.com }\n          Action: sts:AssumeRole\n    Policies:\n      - PolicyName: gateway\n        PolicyDocument: ...  # elasticloadbalancing and ec2 security group actions only",
        terraform: "resource \"aws_iam_role_policy\" \"gateway\" {\n  role   = aws_iam_role.gateway_infrastructure.id\n  policy = data.aws_iam_policy_document.gateway_infrastructure.json\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Gateway.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ],
    compliance: &[nist("AC-6"), nist("AC-6(10)"), pci("7.2.1"), soc2("CC6.3")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "AdministratorAccess on the gateway's role",
            expect: Status::Failed,
            json: r#"{"files":{"gateway-edge.json":{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PUBLIC"}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"ecsGatewayRole","Arn":"arn:aws:iam::111122223333:role/ecsGatewayRole","RolePolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "load balancing actions only",
            expect: Status::Passed,
            json: r#"{"files":{"gateway-edge.json":{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PUBLIC"}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"ecsGatewayRole","Arn":"arn:aws:iam::111122223333:role/ecsGatewayRole","RolePolicyList":[{"PolicyName":"elb","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"}]}}],"AttachedManagedPolicies":[]}],"Policies":[]}}}"#,
        },
        Example {
            name: "IAM not read",
            expect: Status::NotAvailable,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PUBLIC"}}"#,
        },
    ],
    evaluator: Evaluator::GatewayRoles(eval),
};

fn eval(g: &Gateway, identity: &Identity, account: &str, _: &Options) -> Verdict {
    match named(g.infrastructure_role_arn.as_deref()) {
        Some(role) => administrator_verdict(identity, role, account, "infrastructure role"),
        None => Verdict::of(Outcome::na("the gateway names no infrastructure role")),
    }
}

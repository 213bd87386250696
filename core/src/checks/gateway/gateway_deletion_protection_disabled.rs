use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::gateway::Gateway;

pub static CHECK: Check = Check {
    id: "GW01",
    slug: "gateway-deletion-protection-disabled",
    title: "ECS Gateways should have deletion protection enabled",
    severity: Severity::Medium,
    category: Category::Availability,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an ECS Gateway's `deletionProtection` is not true (absent is off). A gateway is the shared Application Load Balancers in front of the services routed through it, so deleting it takes every one of them off the network. The same semantics as Security Hub ELB.6 for load balancers; no Security Hub control, AWS Config rule or other scanner looks at ECS Gateways. Gateways being deleted are NOT_APPLICABLE.",
    risk: "One mistaken delete (a console click, a stack teardown, a script) removes the load balancers of every service behind the gateway at once.",
    remediation: Remediation {
        text: "Enable deletion protection on the gateway; disable it deliberately when the gateway must go.",
        cli: "aws ecs update-gateway --gateway GATEWAY --deletion-protection",
        cloudformation: "Type: AWS::ECS::Gateway\nProperties:\n  DeletionProtection: true",
        terraform: "resource \"aws_ecs_gateway\" \"edge\" {\n  deletion_protection = true\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Gateway.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeGatewayAlbConfiguration.html",
    ],
    compliance: &[nist("CM-3"), nist("SC-5(2)"), soc2("A1.2")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "deletion protection off",
            expect: Status::Failed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":false,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing"}}}}"#,
        },
        Example {
            name: "deletion protection on",
            expect: Status::Passed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing"}}}}"#,
        },
        Example {
            name: "deletion protection not given",
            expect: Status::Failed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PRIVATE","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internal"}}}}"#,
        },
    ],
    evaluator: Evaluator::Gateway(eval),
};

fn eval(g: &Gateway, _: &Options) -> Outcome {
    match g.deletion_protection {
        Some(true) => Outcome::Passed,
        Some(false) => Outcome::failed(["deletionProtection = false".to_owned()]),
        None => Outcome::failed(["deletionProtection not set (off)".to_owned()]),
    }
}

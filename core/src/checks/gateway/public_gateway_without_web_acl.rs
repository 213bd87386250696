use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::gateway::Gateway;

pub static CHECK: Check = Check {
    id: "GW02",
    slug: "public-gateway-without-web-acl",
    title: "Internet-facing ECS Gateways should be protected by an AWS WAF web ACL",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an ECS Gateway is reachable from the internet (`accessType` PUBLIC, else an `internet-facing` scheme) and its shared load balancer configuration names no `webACLArn`. Private gateways are NOT_APPLICABLE; NOT_AVAILABLE when neither the access type nor the scheme is given. The same intent as Security Hub WAF.10/ELB controls for load balancers; no Security Hub control, AWS Config rule or other scanner looks at ECS Gateways.",
    risk: "Every service routed through a public gateway takes internet traffic with no layer 7 filtering: injection, scanning and credential stuffing reach the containers unfiltered, and there is no place to rate-limit or block by reputation.",
    remediation: Remediation {
        text: "Associate an AWS WAF web ACL (with the AWS managed core rule set at least) with the gateway, or make the gateway private and expose only what must be public through a protected entry point.",
        cli: "aws ecs update-gateway --gateway GATEWAY --configuration '{\"hostSharedAlb\":{\"webACLArn\":\"arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID\"}}'",
        cloudformation: "Type: AWS::ECS::Gateway\nProperties:\n  Configuration:\n    HostSharedAlb:\n      WebACLArn: !GetAtt WebAcl.Arn",
        terraform: "resource \"aws_ecs_gateway\" \"edge\" {\n  configuration {\n    host_shared_alb {\n      web_acl_arn = aws_wafv2_web_acl.edge.arn\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Gateway.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeGatewayAlbConfiguration.html",
    ],
    compliance: &[nist("SC-7"), nist("SI-4"), pci("6.4.2"), soc2("CC6.6")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "public without a web ACL",
            expect: Status::Failed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing"}}}}"#,
        },
        Example {
            name: "public with a web ACL",
            expect: Status::Passed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing","webACLArn":"arn:aws:wafv2:us-east-1:111122223333:regional/webacl/edge/0123"}}}}"#,
        },
        Example {
            name: "private gateway",
            expect: Status::NotApplicable,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PRIVATE","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internal"}}}}"#,
        },
    ],
    evaluator: Evaluator::Gateway(eval),
};

fn eval(g: &Gateway, _: &Options) -> Outcome {
    match g.is_public() {
        None => Outcome::unknown(
            "neither accessType nor the load balancers' scheme was given".to_owned(),
        ),
        Some(false) => Outcome::na("private gateway (internal load balancers)"),
        Some(true) => match g.alb().and_then(|a| a.web_acl_arn.as_deref()) {
            Some(_) => Outcome::Passed,
            None => Outcome::failed([
                "the gateway is internet-facing and names no AWS WAF web ACL (webACLArn)"
                    .to_owned(),
            ]),
        },
    }
}

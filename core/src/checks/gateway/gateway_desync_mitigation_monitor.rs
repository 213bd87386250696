use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::gateway::Gateway;

pub static CHECK: Check = Check {
    id: "GW04",
    slug: "gateway-desync-mitigation-monitor",
    title: "ECS Gateways should mitigate HTTP desync in defensive or strictest mode",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an ECS Gateway's shared load balancer configuration sets `httpDesync` to `monitor`; `defensive`, `strictest` and absent (the load balancers' default, defensive) pass. The same semantics as Security Hub ELB.12 for Application Load Balancers; no Security Hub control, AWS Config rule or other scanner looks at ECS Gateways. NOT_APPLICABLE for gateways of another type.",
    risk: "In monitor mode ambiguous requests are forwarded as they are: request smuggling lets one client poison another's request or reach routes the gateway was meant to block.",
    remediation: Remediation {
        text: "Set the gateway's HTTP desync mitigation to defensive (or strictest).",
        cli: "aws ecs update-gateway --gateway GATEWAY --configuration '{\"hostSharedAlb\":{\"httpDesync\":\"defensive\"}}'",
        cloudformation: "Type: AWS::ECS::Gateway\nProperties:\n  Configuration:\n    HostSharedAlb:\n      HttpDesync: defensive",
        terraform: "resource \"aws_ecs_gateway\" \"edge\" {\n  configuration {\n    host_shared_alb {\n      http_desync = \"defensive\"\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Gateway.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeGatewayAlbConfiguration.html",
    ],
    compliance: &[nist("SC-8(2)"), soc2("CC6.6")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "monitor",
            expect: Status::Failed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing","httpDesync":"monitor"}}}}"#,
        },
        Example {
            name: "strictest",
            expect: Status::Passed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing","httpDesync":"strictest"}}}}"#,
        },
        Example {
            name: "default (defensive)",
            expect: Status::Passed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing"}}}}"#,
        },
    ],
    evaluator: Evaluator::Gateway(eval),
};

fn eval(g: &Gateway, _: &Options) -> Outcome {
    let Some(alb) = g.alb() else {
        return Outcome::na("not a shared load balancer gateway");
    };
    match alb.http_desync.as_deref() {
        Some(m) if m.eq_ignore_ascii_case("monitor") => {
            Outcome::failed(["httpDesync = monitor".to_owned()])
        }
        _ => Outcome::Passed,
    }
}

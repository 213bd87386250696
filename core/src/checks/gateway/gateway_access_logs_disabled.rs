use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::gateway::Gateway;

pub static CHECK: Check = Check {
    id: "GW03",
    slug: "gateway-access-logs-disabled",
    title: "ECS Gateways should deliver access logs",
    severity: Severity::Medium,
    category: Category::Logging,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an ECS Gateway's shared load balancer configuration has no `accessLogs` destination (an S3 bucket). The same semantics as Security Hub ELB.5 for load balancers; no Security Hub control, AWS Config rule or other scanner looks at ECS Gateways. NOT_APPLICABLE for gateways of another type.",
    risk: "Without access logs there is no record of who called the services behind the gateway: incidents cannot be investigated and attacks against them go unnoticed.",
    remediation: Remediation {
        text: "Deliver the gateway's access logs to an S3 bucket with a retention that meets your audit needs.",
        cli: "aws ecs update-gateway --gateway GATEWAY --configuration '{\"hostSharedAlb\":{\"accessLogs\":{\"destination\":{\"s3\":{\"bucket\":\"BUCKET\",\"prefix\":\"gateway\"}}}}}'",
        cloudformation: "Type: AWS::ECS::Gateway\nProperties:\n  Configuration:\n    HostSharedAlb:\n      AccessLogs:\n        Destination:\n          S3:\n            Bucket: !Ref AccessLogBucket",
        terraform: "resource \"aws_ecs_gateway\" \"edge\" {\n  configuration {\n    host_shared_alb {\n      access_logs {\n        destination {\n          s3 {\n            bucket = aws_s3_bucket.access_logs.id\n          }\n        }\n      }\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Gateway.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeGatewayAlbConfiguration.html",
    ],
    compliance: &[nist("AU-2"), nist("AU-12"), pci("10.2.1"), soc2("CC7.2")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no access logs",
            expect: Status::Failed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing"}}}}"#,
        },
        Example {
            name: "logs to S3",
            expect: Status::Passed,
            json: r#"{"gateway":{"gatewayArn":"arn:aws:ecs:us-east-1:111122223333:gateway/edge","name":"edge","status":"ACTIVE","infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecsGatewayRole","deletionProtection":true,"accessType":"PUBLIC","configuration":{"hostSharedAlb":{"networkConfiguration":{"subnets":["subnet-1","subnet-2"],"inboundSecurityGroup":"sg-1"},"port":443,"protocol":"HTTPS","scheme":"internet-facing","accessLogs":{"destination":{"s3":{"bucket":"edge-logs","prefix":"gw"}}}}}}}"#,
        },
    ],
    evaluator: Evaluator::Gateway(eval),
};

fn eval(g: &Gateway, _: &Options) -> Outcome {
    let Some(alb) = g.alb() else {
        return Outcome::na("not a shared load balancer gateway");
    };
    let bucket = alb
        .access_logs
        .as_ref()
        .and_then(|l| l.destination.as_ref())
        .and_then(|d| d.s3.as_ref())
        .and_then(|s| s.bucket.as_deref());
    match bucket {
        Some(_) => Outcome::Passed,
        None => Outcome::failed(["no accessLogs destination".to_owned()]),
    }
}

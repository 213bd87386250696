use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV14",
    slug: "vpc-flow-logs-disabled",
    title: "The VPCs of ECS services should have flow logs that record rejected traffic",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the VPC of the service's subnets has no VPC-level flow log whose `TrafficType` is `REJECT` or `ALL` (Security Hub EC2.6 with its `trafficType` REJECT parameter). Subnet- or ENI-level flow logs do not satisfy the VPC-level control. NOT_AVAILABLE when the subnets or the flow logs were not read.",
    risk: "Without flow logs, probes of the tasks, exfiltration attempts and blocked lateral movement leave no network record to investigate.",
    remediation: Remediation {
        text: "Create a flow log for the VPC that records at least rejected traffic, delivered to CloudWatch Logs or S3.",
        cli: "aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-x --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::flow-log-bucket",
        cloudformation: "FlowLog:\n  Type: AWS::EC2::FlowLog\n  Properties:\n    ResourceType: VPC\n    ResourceId: !Ref Vpc\n    TrafficType: REJECT\n    LogDestinationType: s3\n    LogDestination: !GetAtt FlowLogBucket.Arn",
        terraform: "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id               = aws_vpc.main.id\n  traffic_type         = \"REJECT\"\n  log_destination_type = \"s3\"\n  log_destination      = aws_s3_bucket.flow_logs.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
    ],
    compliance: &[
        fsbp("EC2.6"),
        config_rule("vpc-flow-logs-enabled"),
        nist("AU-12"),
        nist("SI-4"),
        pci("10.2.1"),
        soc2("CC7.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no flow log",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"FlowLogs":[]}"#,
        },
        Example {
            name: "an ACCEPT-only flow log",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"FlowLogs":[{"FlowLogId":"fl-1","ResourceId":"vpc-1","TrafficType":"ACCEPT"}]}"#,
        },
        Example {
            name: "a REJECT flow log",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"FlowLogs":[{"FlowLogId":"fl-1","ResourceId":"vpc-1","TrafficType":"REJECT"}]}"#,
        },
        Example {
            name: "flow logs not read",
            expect: Status::NotAvailable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],
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
    let net = match v.service_network(false, true) {
        Ok(n) => n,
        Err(verdict) => return verdict,
    };
    let Some(vpc) = net.vpc else {
        return Verdict::of(Outcome::unknown(
            "not read: the VPC of the service's subnets",
        ));
    };
    match v.network.vpc_flow_logs(vpc) {
        None => Verdict::of(Outcome::unknown("not read: VPC flow logs")),
        Some(logs) if logs.is_empty() => Verdict::of(Outcome::failed([format!(
            "VPC {vpc} has no flow log recording REJECT or ALL traffic"
        )]))
        .related(vec![v.vpc_related(vpc)]),
        Some(_) => Verdict::of(Outcome::Passed).related(vec![v.vpc_related(vpc)]),
    }
}

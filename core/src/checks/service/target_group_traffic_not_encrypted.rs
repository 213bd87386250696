use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV24",
    slug: "target-group-traffic-not-encrypted",
    title: "Target groups of ECS services should encrypt traffic to the tasks",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a target group of the service (behind a load balancer) has a `Protocol` other than `HTTPS`, `TLS` or `QUIC` (Security Hub ELB.22). Lambda and `alb` target types and GENEVE target groups are not applicable. Off by default: most services end TLS at the load balancer, so this fails very often; enable it where traffic to tasks must be encrypted end to end.",
    risk: "Requests travel from the load balancer to the tasks in plain text inside the VPC, readable by anything that can see that traffic.",
    remediation: Remediation {
        text: "Serve HTTPS (or TLS) in the container and create the target group with that protocol.",
        cli: "aws elbv2 create-target-group --name web-tls --protocol HTTPS --port 8443 --vpc-id vpc-x --target-type ip",
        cloudformation: "TargetGroup:\n  Type: AWS::ElasticLoadBalancingV2::TargetGroup\n  Properties:\n    Protocol: HTTPS\n    Port: 8443\n    TargetType: ip",
        terraform: "resource \"aws_lb_target_group\" \"web\" {\n  protocol    = \"HTTPS\"\n  port        = 8443\n  target_type = \"ip\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-22",
    ],
    compliance: &[
        fsbp("ELB.22"),
        config_rule("elbv2-targetgroup-protocol-encrypted"),
        nist("SC-8"),
        nist("SC-8(1)"),
        nist("SC-13"),
        nist("SC-23"),
        pci("4.2.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "HTTP target group",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "TCP target group",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"TCP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "HTTPS target group",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTPS","Port":8080,"HealthCheckProtocol":"HTTPS","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "GENEVE target group",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"GENEVE","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "target group not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[]}}}"#,
        },
        Example {
            name: "no load balancer",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::ServiceLoadBalancers(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Verdict {
    v.judge_target_groups(
        "no target group of the service carries traffic this control judges",
        |g| {
            let kind = g.target_type.as_deref().unwrap_or("");
            let protocol = g.protocol.as_deref().unwrap_or("");
            if kind.eq_ignore_ascii_case("lambda")
                || kind.eq_ignore_ascii_case("alb")
                || protocol.eq_ignore_ascii_case("GENEVE")
            {
                return Judgement::NotApplicable;
            }
            Judgement::Found(
                if ["HTTPS", "TLS", "QUIC"]
                    .iter()
                    .any(|p| protocol.eq_ignore_ascii_case(p))
                {
                    Vec::new()
                } else {
                    vec![format!(
                        "protocol is {}",
                        if protocol.is_empty() {
                            "(none)"
                        } else {
                            protocol
                        }
                    )]
                },
            )
        },
    )
}

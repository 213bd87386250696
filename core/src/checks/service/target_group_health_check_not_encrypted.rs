use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV23",
    slug: "target-group-health-check-not-encrypted",
    title: "Target groups of ECS services should use encrypted health checks",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a target group of the service (behind a load balancer) has a `HealthCheckProtocol` other than `HTTPS` (Security Hub ELB.21). Lambda and `alb` target types and GENEVE target groups are not applicable. Off by default: most services end TLS at the load balancer, so this fails very often; enable it where traffic to tasks must be encrypted end to end.",
    risk: "Health checks to the tasks travel unencrypted inside the VPC.",
    remediation: Remediation {
        text: "Serve HTTPS in the container and set the target group's health check protocol to HTTPS.",
        cli: "aws elbv2 modify-target-group --target-group-arn TG_ARN --health-check-protocol HTTPS",
        cloudformation: "TargetGroup:\n  Type: AWS::ElasticLoadBalancingV2::TargetGroup\n  Properties:\n    HealthCheckProtocol: HTTPS",
        terraform: "resource \"aws_lb_target_group\" \"web\" {\n  health_check {\n    protocol = \"HTTPS\"\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-21",
    ],
    compliance: &[
        fsbp("ELB.21"),
        config_rule("elbv2-targetgroup-healthcheck-protocol-encrypted"),
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
            name: "HTTP health check",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "HTTPS health check",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTPS","Port":8080,"HealthCheckProtocol":"HTTPS","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "lambda target group",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"lambda","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
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
            let hc = g.health_check_protocol.as_deref().unwrap_or("(none)");
            Judgement::Found(if hc.eq_ignore_ascii_case("HTTPS") {
                Vec::new()
            } else {
                vec![format!("health check protocol is {hc}")]
            })
        },
    )
}

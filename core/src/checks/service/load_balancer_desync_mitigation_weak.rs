use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV22",
    slug: "load-balancer-desync-mitigation-weak",
    title: "Application load balancers in front of ECS services should mitigate HTTP desync",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when an application load balancer in front of the service has `routing.http.desync_mitigation_mode` set to anything but `defensive` or `strictest` (Security Hub ELB.12): `monitor` fails. An answer without the attribute is the API default, `defensive`, and passes. NOT_AVAILABLE when the attributes were not read or the read answered an error.",
    risk: "Ambiguous requests reach the service, which enables HTTP request smuggling: requests hidden inside others, cache poisoning, bypassed front-end controls.",
    remediation: Remediation {
        text: "Set the desync mitigation mode to defensive (or strictest).",
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN --attributes Key=routing.http.desync_mitigation_mode,Value=defensive",
        cloudformation: "LoadBalancer:\n  Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Properties:\n    LoadBalancerAttributes:\n      - Key: routing.http.desync_mitigation_mode\n        Value: defensive",
        terraform: "resource \"aws_lb\" \"web\" {\n  desync_mitigation_mode = \"defensive\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-12",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode",
    ],
    compliance: &[
        fsbp("ELB.12"),
        config_rule("alb-desync-mode-check"),
        nist("SC-8"),
        nist("SC-8(2)"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "monitor",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"routing.http.desync_mitigation_mode","Value":"monitor"}]}}}"#,
        },
        Example {
            name: "defensive",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"routing.http.desync_mitigation_mode","Value":"defensive"}]}}}"#,
        },
        Example {
            name: "strictest",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"routing.http.desync_mitigation_mode","Value":"strictest"}]}}}"#,
        },
        Example {
            name: "absent (the default, defensive)",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"deletion_protection.enabled","Value":"false"}]}}}"#,
        },
        Example {
            name: "network load balancer",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[]}}}"#,
        },
        Example {
            name: "attributes not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]}}}"#,
        },
        Example {
            name: "attributes answered an error",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Code":"AccessDenied","Message":"User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancerAttributes"}}}"#,
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
    v.judge_load_balancers(
        "no application load balancer in front of the service",
        |s| {
            if !(s.lb.is_application()) {
                return Judgement::NotApplicable;
            }
            judge_attribute(
                s,
                v,
                "routing.http.desync_mitigation_mode",
                |value| match value.unwrap_or("defensive") {
                    "defensive" | "strictest" => None,
                    other => Some(format!("routing.http.desync_mitigation_mode = {other}")),
                },
            )
        },
    )
}

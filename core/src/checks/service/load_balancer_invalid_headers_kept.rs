use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV19",
    slug: "load-balancer-invalid-headers-kept",
    title: "Application load balancers in front of ECS services should drop invalid HTTP headers",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when an application load balancer in front of the service does not have `routing.http.drop_invalid_header_fields.enabled` set to `true` (Security Hub ELB.4; the attribute defaults to false, so an answer without it fails). Security Hub suggests disabling ELB.4 where ELB.12 is enabled; both are kept here, each with its own control's semantics. NOT_AVAILABLE when the attributes were not read or the read answered an error.",
    risk: "Headers that are not valid HTTP pass to the service, which enables request smuggling and header injection against it.",
    remediation: Remediation {
        text: "Enable dropping of invalid header fields on the load balancer.",
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN --attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true",
        cloudformation: "LoadBalancer:\n  Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Properties:\n    LoadBalancerAttributes:\n      - Key: routing.http.drop_invalid_header_fields.enabled\n        Value: \"true\"",
        terraform: "resource \"aws_lb\" \"web\" {\n  drop_invalid_header_fields = true\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-4",
    ],
    compliance: &[
        fsbp("ELB.4"),
        config_rule("alb-http-drop-invalid-header-enabled"),
        nist("SC-8"),
        nist("SC-8(2)"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "left at its default",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"routing.http.drop_invalid_header_fields.enabled","Value":"false"}]}}}"#,
        },
        Example {
            name: "absent from the answer (default false)",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"deletion_protection.enabled","Value":"true"}]}}}"#,
        },
        Example {
            name: "enabled",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[{"Key":"routing.http.drop_invalid_header_fields.enabled","Value":"true"}]}}}"#,
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
                "routing.http.drop_invalid_header_fields.enabled",
                |value| {
                    (value != Some("true")).then(|| {
                        format!(
                            "routing.http.drop_invalid_header_fields.enabled = {}",
                            value.unwrap_or("false (default)")
                        )
                    })
                },
            )
        },
    )
}

use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV17",
    slug: "load-balancer-tls-policy-outdated",
    title: "Load balancers in front of ECS services should use a current TLS security policy",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when an `HTTPS` listener of an application load balancer, or a `TLS` listener of a network load balancer, in front of the service uses a security policy outside Security Hub ELB.17's list (not customizable): `ELBSecurityPolicy-TLS13-1-3-2021-06`, `ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04`, `ELBSecurityPolicy-TLS13-1-2-Res-2021-06`, `ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04`, `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`, `ELBSecurityPolicy-TLS13-1-3-PQ-2025-09`, `ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09`, `ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09`. The older `ELBSecurityPolicy-TLS13-1-2-2021-06` and `-FIPS-2023-04` (still in some copies of the control) and the CLI/CloudFormation default `ELBSecurityPolicy-2016-08` fail. A load balancer with no TLS listener is not applicable (ELB.18 judges that). NOT_AVAILABLE when listeners were not read.",
    risk: "Old policies accept TLS 1.0/1.1 and weak ciphers, which allow downgrade attacks on the traffic to the service.",
    remediation: Remediation {
        text: "Set each TLS listener's security policy to a TLS 1.3 policy from the list, such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06.",
        cli: "aws elbv2 modify-listener --listener-arn LISTENER_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        cloudformation: "HttpsListener:\n  Type: AWS::ElasticLoadBalancingV2::Listener\n  Properties:\n    Protocol: HTTPS\n    SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        terraform: "resource \"aws_lb_listener\" \"https\" {\n  protocol   = \"HTTPS\"\n  ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-Res-2021-06\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    ],
    compliance: &[
        fsbp("ELB.17"),
        config_rule("elbv2-predefined-security-policy-ssl-check"),
        nist("SC-8"),
        nist("SC-8(1)"),
        nist("SC-13"),
        nist("SC-23"),
        pci("4.2.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the CLI default policy",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-2016-08"}]}}}"#,
        },
        Example {
            name: "a TLS 1.3 policy dropped from the list",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06"}]}}}"#,
        },
        Example {
            name: "network load balancer TLS listener",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/web/fedcba9876543210/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","Port":443,"Protocol":"TLS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS-1-2-2017-01"}]}}}"#,
        },
        Example {
            name: "a listed policy",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}]},{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000002","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "a post-quantum policy",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/web/fedcba9876543210/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","Port":443,"Protocol":"TLS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"}]}}}"#,
        },
        Example {
            name: "no TLS listener",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "listeners not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]}}}"#,
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

const ELB17: [&str; 8] = [
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];

fn eval(v: &ServiceView<'_>, _: &Options) -> Verdict {
    v.judge_load_balancers("no TLS listener in front of the service", |s| {
        let tls = |l: &crate::model::load_balancing::Listener| {
            s.lb.is_application() && l.protocol_is("HTTPS")
                || s.lb.is_network() && l.protocol_is("TLS")
        };
        match v.network.load_balancing.listeners_of(s.lb) {
            crate::model::load_balancing::Lookup::Found(ls) if !ls.iter().any(|l| tls(l)) => {
                Judgement::NotApplicable
            }
            _ => judge_listeners(s, v, |l| {
                if !tls(l) {
                    return None;
                }
                match l.ssl_policy.as_deref() {
                    Some(p) if ELB17.contains(&p) => None,
                    Some(p) => Some(format!("uses {p}, not a policy ELB.17 accepts")),
                    None => Some("names no security policy".to_owned()),
                }
            }),
        }
    })
}

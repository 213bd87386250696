use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV18",
    slug: "load-balancer-listener-not-encrypted",
    title: "Load balancer listeners in front of ECS services should encrypt traffic",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when an application load balancer in front of the service has a listener whose protocol is not `HTTPS`, or a network load balancer one whose protocol is not `TLS` (Security Hub ELB.18). An `HTTP` listener that only redirects to HTTPS also fails, as it does in the control (decision: the control's exact semantics are kept; ELB.1 judges the redirect). Gateway load balancers are not applicable. NOT_AVAILABLE when listeners were not read.",
    risk: "Traffic to the service crosses the network in plain text on a listener that accepts it.",
    remediation: Remediation {
        text: "Serve only HTTPS (application) or TLS (network) listeners, with a certificate from ACM.",
        cli: "aws elbv2 modify-listener --listener-arn LISTENER_ARN --protocol HTTPS --port 443 --certificates CertificateArn=CERT_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        cloudformation: "Listener:\n  Type: AWS::ElasticLoadBalancingV2::Listener\n  Properties:\n    Protocol: HTTPS\n    Port: 443\n    Certificates:\n      - CertificateArn: !Ref Certificate",
        terraform: "resource \"aws_lb_listener\" \"https\" {\n  protocol        = \"HTTPS\"\n  port            = 443\n  certificate_arn = aws_acm_certificate.web.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-18",
    ],
    compliance: &[
        fsbp("ELB.18"),
        config_rule("elbv2-listener-encryption-in-transit"),
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
            name: "HTTP listener",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "HTTP listener that redirects",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}]},{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000002","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "network load balancer TCP listener",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/web/fedcba9876543210/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","Port":443,"Protocol":"TCP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "HTTPS only",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "network load balancer TLS listener",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/web/fedcba9876543210/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","Port":443,"Protocol":"TLS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "listeners not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]}}}"#,
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
        "no application or network load balancer in front of the service",
        |s| {
            let wanted = if s.lb.is_application() {
                "HTTPS"
            } else if s.lb.is_network() {
                "TLS"
            } else {
                return Judgement::NotApplicable;
            };
            judge_listeners(s, v, |l| {
                (!l.protocol_is(wanted)).then(|| format!("protocol is not {wanted}"))
            })
        },
    )
}

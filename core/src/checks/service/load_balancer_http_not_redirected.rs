use crate::checks::support::load_balancing::*;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "SV16",
    slug: "load-balancer-http-not-redirected",
    title: "Application load balancers in front of ECS services should redirect HTTP to HTTPS",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when an application load balancer in front of the service (through the target groups of the service and its task sets) has an `HTTP` listener whose default action is not a redirect with `RedirectConfig.Protocol` `HTTPS` (Security Hub ELB.1). A redirect that keeps `#{protocol}` fails. Every HTTP listener is judged, so one redirecting listener does not hide another that forwards. Listener rules are not read: a rule that forwards some paths in plain HTTP behind a redirecting default action is not seen. Network and gateway load balancers are not applicable. NOT_AVAILABLE when the target groups, load balancers or listeners were not read.",
    risk: "Requests, cookies and tokens reach the service in plain text over the internet, readable and alterable by anyone on the path.",
    remediation: Remediation {
        text: "Make every HTTP listener's default action a redirect to HTTPS (status 301), and serve the service from an HTTPS listener.",
        cli: "aws elbv2 modify-listener --listener-arn LISTENER_ARN --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
        cloudformation: "HttpListener:\n  Type: AWS::ElasticLoadBalancingV2::Listener\n  Properties:\n    LoadBalancerArn: !Ref LoadBalancer\n    Port: 80\n    Protocol: HTTP\n    DefaultActions:\n      - Type: redirect\n        RedirectConfig:\n          Protocol: HTTPS\n          Port: \"443\"\n          StatusCode: HTTP_301",
        terraform: "resource \"aws_lb_listener\" \"http\" {\n  load_balancer_arn = aws_lb.web.arn\n  port              = 80\n  protocol          = \"HTTP\"\n  default_action {\n    type = \"redirect\"\n    redirect {\n      protocol    = \"HTTPS\"\n      port        = \"443\"\n      status_code = \"HTTP_301\"\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-1",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
    ],
    compliance: &[
        fsbp("ELB.1"),
        config_rule("alb-http-to-https-redirection-check"),
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
            name: "HTTP listener forwards",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "one of two HTTP listeners forwards",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}]},{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000002","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":8080,"Protocol":"HTTP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "redirect keeps the request's protocol",
            expect: Status::Failed,
            json: r##"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"#{protocol}","Port":"8443","StatusCode":"HTTP_302"}}]}]}}}"##,
        },
        Example {
            name: "HTTP redirects to HTTPS",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}]},{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000002","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "HTTPS only",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}],"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Res-2021-06"}]}}}"#,
        },
        Example {
            name: "through a CODE_DEPLOY task set's target group",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{"type":"CODE_DEPLOY"},"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/1","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "network load balancer",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","LoadBalancerName":"web","Type":"network","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/web/fedcba9876543210/0000000000000001","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/fedcba9876543210","Port":80,"Protocol":"TCP","DefaultActions":[{"Type":"forward","TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"}]}]}}}"#,
        },
        Example {
            name: "listeners not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]}}}"#,
        },
        Example {
            name: "listeners answered an error",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}],"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Code":"Throttling","Message":"Rate exceeded"}}}"#,
        },
        Example {
            name: "target group not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[]}}}"#,
        },
        Example {
            name: "load balancer not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","containerName":"web","containerPort":8080}]}]},"elbv2.json":{"TargetGroups":[{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef","TargetGroupName":"web","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"]}]},"listeners-web.json":{"Listeners":[]},"lb-attributes-web.json":{"Attributes":[]}}}"#,
        },
        Example {
            name: "only a Classic Load Balancer",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","loadBalancers":[{"loadBalancerName":"legacy","containerName":"web","containerPort":8080}]}]}"#,
        },
        Example {
            name: "no load balancer",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::ServiceLoadBalancers(eval),
};

fn redirects_to_https(l: &crate::model::load_balancing::Listener) -> bool {
    l.default_actions.iter().any(|a| {
        a.kind.as_deref() == Some("redirect")
            && a.redirect_config
                .as_ref()
                .and_then(|r| r.protocol.as_deref())
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
    })
}

fn eval(v: &ServiceView<'_>, _: &Options) -> Verdict {
    v.judge_load_balancers(
        "no application load balancer in front of the service",
        |s| {
            if !s.lb.is_application() {
                return Judgement::NotApplicable;
            }
            judge_listeners(s, v, |l| {
                (l.protocol_is("HTTP") && !redirects_to_https(l)).then(|| {
                    let actions: Vec<&str> = l
                        .default_actions
                        .iter()
                        .filter_map(|a| a.kind.as_deref())
                        .collect();
                    format!(
                        "HTTP is not redirected to HTTPS (default action: {})",
                        if actions.is_empty() {
                            "none".to_owned()
                        } else {
                            actions.join(", ")
                        }
                    )
                })
            })
        },
    )
}

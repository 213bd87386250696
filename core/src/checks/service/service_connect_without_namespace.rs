use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV05",
    slug: "service-connect-without-namespace",
    title: "ECS services using Service Connect should name a namespace",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES],
    description: "For services with Service Connect enabled (`serviceConnectConfiguration.enabled: true` on the PRIMARY deployment as `DescribeServices` reports it, or at the top level of `create-service` input), fails when neither the service nor its cluster's `serviceConnectDefaults` names a Cloud Map namespace. When the cluster is not in the snapshot, only the service's own namespace counts. Services without Service Connect are NOT_APPLICABLE.",
    risk: "Without an explicit namespace, services land in whatever default namespace exists, so services of different teams or environments can discover and call each other.",
    remediation: Remediation {
        text: "Set `serviceConnectConfiguration.namespace` on the service (or `serviceConnectDefaults` on the cluster) to the namespace of its environment.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --service-connect-configuration 'enabled=true,namespace=prod.internal'",
        cloudformation: "ServiceConnectConfiguration:\n  Enabled: true\n  Namespace: prod.internal",
        terraform: "service_connect_configuration {\n  enabled   = true\n  namespace = aws_service_discovery_http_namespace.prod.arn\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html",
    ],
    compliance: &[nist("AC-4"), nist("SC-7"), soc2("CC6.6")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no namespace anywhere",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","serviceConnectConfiguration":{"enabled":true}}]}"#,
        },
        Example {
            name: "cluster default namespace",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","serviceConnectDefaults":{"namespace":"arn:aws:servicediscovery:us-east-1:111122223333:namespace/ns-1"}}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","serviceName":"web","serviceConnectConfiguration":{"enabled":true}}]}"#,
        },
        Example {
            name: "primary deployment without namespace (DescribeServices shape)",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deployments":[{"id":"ecs-svc/1","status":"PRIMARY","serviceConnectConfiguration":{"enabled":true}}]}]}"#,
        },
        Example {
            name: "not used",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web"}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Outcome {
    let Some(sc) = v.service.service_connect_enabled() else {
        return Outcome::na("Service Connect not enabled");
    };
    let own = sc
        .namespace
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty());
    let cluster_default = v
        .cluster
        .and_then(|c| c.service_connect_defaults.as_ref())
        .and_then(|d| d.namespace.as_deref())
        .is_some_and(|n| !n.trim().is_empty());
    if own || cluster_default {
        Outcome::Passed
    } else {
        Outcome::failed([
            "Service Connect enabled without a namespace on the service or its cluster".to_owned(),
        ])
    }
}

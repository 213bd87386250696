use crate::checks::support::image;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD50",
    slug: "app-mesh-end-of-support",
    title: "ECS task definitions should not depend on AWS App Mesh, which reached its end of support",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::BEST_PRACTICES, types::PATCH],
    description: "AWS discontinued support for AWS App Mesh on September 30, 2026: its console and resources are no longer accessible, and its Envoy proxy receives no further fixes. Fails on the latest ACTIVE revision of a family that depends on App Mesh: a `proxyConfiguration` of type `APPMESH`, a container running the App Mesh Envoy image (`aws-appmesh-envoy`), or a container configured for a virtual node or gateway (`APPMESH_RESOURCE_ARN` or `APPMESH_VIRTUAL_NODE_NAME` in its environment). The evidence names what was found. No call is made: the dependency is read from the task definition.",
    risk: "Traffic between services runs through an unsupported proxy and control plane: no security fixes for Envoy, no way to change mesh routing or TLS settings, and an outage of the mesh cannot be repaired.",
    remediation: Remediation {
        text: "Migrate the services to Amazon ECS Service Connect (namespace on the cluster, `serviceConnectConfiguration` on each service), then remove the proxy configuration and the Envoy container from the task definition.",
        cli: "aws ecs update-service --cluster prod --service web --service-connect-configuration '{\"enabled\":true,\"namespace\":\"prod\",\"services\":[{\"portName\":\"http\",\"clientAliases\":[{\"port\":80}]}]}'",
        cloudformation: "WebService:\n  Type: AWS::ECS::Service\n  Properties:\n    ServiceConnectConfiguration:\n      Enabled: true\n      Namespace: prod\n      Services:\n        - PortName: http\n          ClientAliases:\n            - Port: 80",
        terraform: "service_connect_configuration {\n  enabled   = true\n  namespace = aws_service_discovery_http_namespace.prod.arn\n  service {\n    port_name = \"http\"\n    client_alias { port = 80 }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html",
        "https://aws.amazon.com/blogs/containers/migrating-from-aws-app-mesh-to-amazon-ecs-service-connect",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html",
    ],
    compliance: &[nist("SA-22"), nist("SI-2"), pci("6.3.3"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "an App Mesh proxy configuration and Envoy sidecar",
            expect: Status::Failed,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","proxyConfiguration":{"type":"APPMESH","containerName":"envoy","properties":[{"name":"IgnoredUID","value":"1337"},{"name":"ProxyIngressPort","value":"15000"},{"name":"ProxyEgressPort","value":"15001"},{"name":"AppPorts","value":"8080"}]},"containerDefinitions":[{"name":"app","image":"nginx:1.27"},{"name":"envoy","image":"840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod","environment":[{"name":"APPMESH_RESOURCE_ARN","value":"arn:aws:appmesh:us-east-1:111122223333:mesh/prod/virtualNode/web"}]}]}}"#,
        },
        Example {
            name: "Envoy configured for a virtual node without a proxy configuration",
            expect: Status::Failed,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"},{"name":"envoy","image":"envoyproxy/envoy:v1.31","environment":[{"name":"APPMESH_VIRTUAL_NODE_NAME","value":"mesh/prod/virtualNode/web"}]}]}}"#,
        },
        Example {
            name: "Service Connect instead (an Envoy image outside App Mesh)",
            expect: Status::Passed,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27","portMappings":[{"name":"http","containerPort":80}]},{"name":"proxy","image":"envoyproxy/envoy:v1.31"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let mut found = Vec::new();
    if let Some(p) = &td.proxy_configuration
        && p.proxy_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("APPMESH"))
    {
        found.push(format!(
            "proxyConfiguration type APPMESH{}",
            p.container_name
                .as_deref()
                .map(|c| format!(" (proxy container {c})"))
                .unwrap_or_default()
        ));
    }
    for (name, c) in support::containers(td) {
        if c.image
            .as_deref()
            .and_then(image::parse)
            .is_some_and(|r| r.repository.rsplit('/').next() == Some("aws-appmesh-envoy"))
        {
            found.push(format!("container {name} runs the App Mesh Envoy image"));
        }
        for kv in &c.environment {
            if let Some(key) = kv.name.as_deref().filter(|k| {
                k.eq_ignore_ascii_case("APPMESH_RESOURCE_ARN")
                    || k.eq_ignore_ascii_case("APPMESH_VIRTUAL_NODE_NAME")
            }) {
                found.push(format!(
                    "container {name} is configured for App Mesh ({key})"
                ));
            }
        }
    }
    if found.is_empty() {
        Outcome::Passed
    } else {
        Outcome::failed(found.into_iter().map(|f| {
            format!("{f}: AWS App Mesh reached its end of support on 2026-09-30; migrate to ECS Service Connect")
        }))
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV27",
    slug: "service-connect-without-tls",
    title: "ECS Service Connect endpoints should use TLS",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "For services with Service Connect enabled (`serviceConnectConfiguration` of the PRIMARY deployment as `DescribeServices` reports it, or at the top level of `create-service` input), fails when one of the endpoints the service publishes (`services[]`) has no `tls` configuration with a certificate authority (`issuerCertificateAuthority.awsPcaAuthorityArn`): the Service Connect proxies then carry that endpoint's traffic in plain text. A client-only service (no `services[]`) publishes nothing and is NOT_APPLICABLE, as are services without Service Connect. No Security Hub control, AWS Config rule or other scanner covers this field.",
    risk: "Requests between services, with the credentials, tokens and personal data they carry, cross the VPC in clear text, readable by anything that can capture traffic on the path and open to impersonation of the endpoint.",
    remediation: Remediation {
        text: "Give each Service Connect service a `tls` configuration naming an AWS Private CA authority (and a KMS key and role if required); the proxies then encrypt and authenticate the traffic with no change to the application.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --service-connect-configuration file://service-connect.json   # services[].tls.issuerCertificateAuthority.awsPcaAuthorityArn",
        cloudformation: "ServiceConnectConfiguration:\n  Enabled: true\n  Services:\n    - PortName: api\n      Tls:\n        IssuerCertificateAuthority:\n          AwsPcaAuthorityArn: !Ref PrivateCa\n        RoleArn: !GetAtt ServiceConnectTlsRole.Arn",
        terraform: "service_connect_configuration {\n  enabled = true\n  service {\n    port_name = \"api\"\n    tls {\n      issuer_cert_authority {\n        aws_pca_authority_arn = aws_acmpca_certificate_authority.internal.arn\n      }\n      role_arn = aws_iam_role.service_connect_tls.arn\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html",
    ],
    compliance: &[
        nist("SC-8"),
        nist("SC-8(1)"),
        nist("SC-23"),
        hipaa("164.312(e)(1)"),
        soc2("CC6.7"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "endpoint without TLS (DescribeServices shape)",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/api","serviceName":"api","deployments":[{"id":"ecs-svc/1","status":"PRIMARY","serviceConnectConfiguration":{"enabled":true,"namespace":"prod.internal","services":[{"portName":"api"}]}}]}]}"#,
        },
        Example {
            name: "endpoint with a Private CA",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/api","serviceName":"api","serviceConnectConfiguration":{"enabled":true,"namespace":"prod.internal","services":[{"portName":"api","tls":{"issuerCertificateAuthority":{"awsPcaAuthorityArn":"arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/0123"}}}]}}]}"#,
        },
        Example {
            name: "client only",
            expect: Status::NotApplicable,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","serviceConnectConfiguration":{"enabled":true,"namespace":"prod.internal"}}]}"#,
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
    if sc.services.is_empty() {
        return Outcome::na("client-only Service Connect: the service publishes no endpoint");
    }
    let evidence: Vec<String> = sc
        .services
        .iter()
        .filter(|s| !s.has_tls())
        .map(|s| {
            format!(
                "Service Connect endpoint {} without TLS (no tls.issuerCertificateAuthority)",
                s.port_name.as_deref().unwrap_or("(unnamed port)")
            )
        })
        .collect();
    Outcome::fail_if_any(evidence)
}

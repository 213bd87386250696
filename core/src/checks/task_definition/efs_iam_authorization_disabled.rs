use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD16",
    slug: "efs-iam-authorization-disabled",
    title: "ECS task definitions should use IAM authorization for EFS volumes",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an EFS volume does not set `authorizationConfig.iam: ENABLED`. Without it, EFS file system policies cannot distinguish the task role from any other NFS client in the network. Task definitions without EFS volumes are NOT_APPLICABLE.",
    risk: "Any client that can reach the mount target can mount the file system with the permissions the file system policy grants to anonymous NFS clients.",
    remediation: Remediation {
        text: "Enable IAM authorization (which requires transit encryption) and grant `elasticfilesystem:ClientMount`/`ClientWrite` to the task role in the file system policy.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # efsVolumeConfiguration.authorizationConfig = {\"iam\": \"ENABLED\", \"accessPointId\": \"fsap-...\"}",
        cloudformation: "EFSVolumeConfiguration:\n  TransitEncryption: ENABLED\n  AuthorizationConfig:\n    IAM: ENABLED\n    AccessPointId: !Ref AccessPoint",
        terraform: "authorization_config {\n  iam             = \"ENABLED\"\n  access_point_id = aws_efs_access_point.app.id\n}",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html"],
    compliance: &[
        nist("AC-3"),
        nist("IA-2"),
        pci("7.2.1"),
        hipaa("164.312(a)(1)"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no IAM authorization",
            expect: Status::Failed,
            json: r#"{"family":"a","volumes":[{"name":"a","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED"}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "IAM enabled",
            expect: Status::Passed,
            json: r#"{"family":"a","volumes":[{"name":"a","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED","authorizationConfig":{"iam":"ENABLED"}}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "no EFS",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let efs: Vec<_> = td
        .volumes
        .iter()
        .filter_map(|v| v.efs_volume_configuration.as_ref().map(|e| (v, e)))
        .collect();
    if efs.is_empty() {
        return Outcome::na("no EFS volumes");
    }
    Outcome::fail_if_any(
        efs.iter()
            .filter(|(_, e)| {
                !e.authorization_config
                    .as_ref()
                    .and_then(|a| a.iam.as_deref())
                    .is_some_and(|i| i.eq_ignore_ascii_case("ENABLED"))
            })
            .map(|(v, _)| {
                format!(
                    "volume {}: authorizationConfig.iam not ENABLED",
                    v.name.as_deref().unwrap_or("(unnamed)")
                )
            })
            .collect(),
    )
}

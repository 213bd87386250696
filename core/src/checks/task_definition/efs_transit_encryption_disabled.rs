use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD15",
    slug: "efs-transit-encryption-disabled",
    title: "ECS task definitions should use in-transit encryption for EFS volumes",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when any volume with an `efsVolumeConfiguration` has `transitEncryption` other than ENABLED (the API default is DISABLED). Every EFS volume is checked, not only the first (Checkov's CKV_AWS_97 stops at the first). Task definitions without EFS volumes are NOT_APPLICABLE.",
    risk: "NFS traffic between the task and EFS travels unencrypted: anyone able to observe the network path can read or alter file contents.",
    remediation: Remediation {
        text: "Set `transitEncryption: ENABLED` on every EFS volume (and prefer `authorizationConfig.iam: ENABLED` with an access point).",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # volumes[].efsVolumeConfiguration.transitEncryption = ENABLED",
        cloudformation: "Volumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: !Ref FileSystem\n      TransitEncryption: ENABLED",
        terraform: "volume {\n  name = \"data\"\n  efs_volume_configuration {\n    file_system_id     = aws_efs_file_system.data.id\n    transit_encryption = \"ENABLED\"\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-18",
    ],
    compliance: &[
        fsbp("ECS.18"),
        config_rule("ecs-task-definition-efs-encryption-enabled"),
        nist("SC-8"),
        nist("SC-8(1)"),
        nist("SC-13"),
        pci("4.2.1"),
        hipaa("164.312(e)(1)"),
        hipaa("164.312(e)(2)(ii)"),
        soc2("CC6.7"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "second volume unencrypted",
            expect: Status::Failed,
            json: r#"{"family":"a","volumes":[{"name":"a","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED"}},{"name":"b","efsVolumeConfiguration":{"fileSystemId":"fs-2"}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "encrypted",
            expect: Status::Passed,
            json: r#"{"family":"a","volumes":[{"name":"a","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED"}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "no EFS",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","volumes":[{"name":"tmp"}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
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
                !e.transit_encryption
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("ENABLED"))
            })
            .map(|(v, e)| {
                format!(
                    "volume {}: transitEncryption = {}",
                    v.name.as_deref().unwrap_or("(unnamed)"),
                    e.transit_encryption
                        .as_deref()
                        .unwrap_or("DISABLED (default)")
                )
            })
            .collect(),
    )
}

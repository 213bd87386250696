use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{ContainerInstance, Version};

pub static CHECK: Check = Check {
    id: "CI02",
    slug: "agent-outdated",
    title: "ECS container agents should run a supported version",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    types: &[types::PATCH],
    description: "Fails when `versionInfo.agentVersion` is lower than `min_agent_version` (default 1.65.0), or cannot be parsed (a version that cannot be verified is not assumed current). NOT_APPLICABLE when the version is not reported.",
    risk: "Old agents miss security fixes (credential endpoint hardening, task metadata isolation) and newer features such as ECS Exec encryption.",
    remediation: Remediation {
        text: "Update the agent (or move to the latest ECS-optimized AMI through an instance refresh).",
        cli: "aws ecs update-container-agent --cluster CLUSTER --container-instance INSTANCE_ARN",
        cloudformation: "ImageId: '{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}'",
        terraform: "image_id = data.aws_ssm_parameter.ecs_ami.value  # /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-update.html",
        "https://github.com/aws/amazon-ecs-agent/releases",
    ],
    compliance: &[
        nist("SI-2"),
        nist("SI-2(2)"),
        pci("6.3.3"),
        hipaa("164.308(a)(5)(ii)(B)"),
        soc2("CC7.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "min_agent_version",
        default: "1.65.0",
        doc: "lowest acceptable agent version",
    }],
    examples: &[
        Example {
            name: "old",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","status":"ACTIVE","versionInfo":{"agentVersion":"1.51.0"}}]}"#,
        },
        Example {
            name: "current",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","status":"ACTIVE","versionInfo":{"agentVersion":"1.89.2"}}]}"#,
        },
        Example {
            name: "not reported",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","status":"ACTIVE"}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstance(eval),
};

fn eval(c: &ContainerInstance, opts: &Options) -> Outcome {
    let Some(v) = c
        .version_info
        .as_ref()
        .and_then(|v| v.agent_version.as_deref())
    else {
        return Outcome::na("agent version not reported");
    };
    match Version::parse(v) {
        Some(cur) if cur >= opts.min_agent_version => Outcome::Passed,
        Some(_) => Outcome::failed([format!(
            "agentVersion = {v} (minimum {})",
            opts.min_agent_version
        )]),
        None => Outcome::failed([format!("agentVersion {v:?} could not be parsed")]),
    }
}

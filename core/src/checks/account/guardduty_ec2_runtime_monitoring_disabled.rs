use crate::checks::support::detection::runtime_monitoring;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "AC03",
    slug: "guardduty-ec2-runtime-monitoring-disabled",
    title: "GuardDuty Runtime Monitoring should watch ECS container instances",
    severity: Severity::Medium,
    category: Category::Monitoring,
    types: &[types::FSBP, types::RUNTIME],
    description: "Evaluated once per account and region that has ECS container instances. Passes when the region's GuardDuty detector (`aws guardduty list-detectors`, `get-detector`) is `ENABLED` with its `RUNTIME_MONITORING` feature `ENABLED` and that feature's `EC2_AGENT_MANAGEMENT` configuration `ENABLED`: Security Hub GuardDuty.13 exactly. Fails when the region has no detector (GuardDuty.1) or it is suspended. An agent installed by hand also monitors instances; Security Hub's control does not see it and neither does this check, whose evidence says so (GuardDuty's coverage page shows such instances). Archived when a region scan finds no container instance. NOT_AVAILABLE when GuardDuty was not read, a call was refused (the AWS error code is named) or the output has no `Features`.",
    risk: "Container instances run many tasks on one kernel: an escape from one container, a privileged task or a stolen instance role is visible only to a runtime agent on the host. Without it, GuardDuty sees network and API activity only.",
    remediation: Remediation {
        text: "Enable GuardDuty in the region, enable Runtime Monitoring and its automated agent configuration for Amazon EC2; the agent is installed on the instances through SSM (they need the SSM agent and a route to the GuardDuty endpoint).",
        cli: "aws guardduty update-detector --detector-id DETECTOR_ID --features '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"EC2_AGENT_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'",
        cloudformation: "Detector:\n  Type: AWS::GuardDuty::Detector\n  Properties:\n    Enable: true\n    Features:\n      - Name: RUNTIME_MONITORING\n        Status: ENABLED\n        AdditionalConfiguration:\n          - Name: EC2_AGENT_MANAGEMENT\n            Status: ENABLED",
        terraform: "resource \"aws_guardduty_detector_feature\" \"runtime\" {\n  detector_id = aws_guardduty_detector.main.id\n  name        = \"RUNTIME_MONITORING\"\n  status      = \"ENABLED\"\n  additional_configuration {\n    name   = \"EC2_AGENT_MANAGEMENT\"\n    status = \"ENABLED\"\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-13",
        "https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html",
    ],
    compliance: &[
        fsbp("GuardDuty.13"),
        config_rule("guardduty-ec2-protection-runtime-enabled"),
        nist("SI-4"),
        nist("SI-4(2)"),
        pci("11.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "runtime monitoring without the EC2 agent",
            expect: Status::Failed,
            json: r#"{"files":{"container-instances.json":{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"ENABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"ENABLED"},{"Name":"EC2_AGENT_MANAGEMENT","Status":"DISABLED"}]}]}}}"#,
        },
        Example {
            name: "runtime monitoring with the EC2 agent",
            expect: Status::Passed,
            json: r#"{"files":{"container-instances.json":{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"ENABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"EC2_AGENT_MANAGEMENT","Status":"ENABLED"}]}]}}}"#,
        },
        Example {
            name: "a suspended detector",
            expect: Status::Failed,
            json: r#"{"files":{"container-instances.json":{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"DISABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"EC2_AGENT_MANAGEMENT","Status":"ENABLED"}]}]}}}"#,
        },
        Example {
            name: "GuardDuty not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}]}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::Ec2Capacity,
        source: crate::model::account::GUARDDUTY_DETECTOR_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    runtime_monitoring(v, "EC2_AGENT_MANAGEMENT", "ECS container instances")
}

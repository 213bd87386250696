use crate::checks::support::detection::runtime_monitoring;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "AC02",
    slug: "guardduty-fargate-runtime-monitoring-disabled",
    title: "GuardDuty Runtime Monitoring should watch ECS tasks on Fargate",
    severity: Severity::Medium,
    category: Category::Monitoring,
    types: &[types::FSBP, types::RUNTIME],
    description: "Evaluated once per account and region where the scan saw services or task sets on Fargate. Passes when the region's GuardDuty detector (`aws guardduty list-detectors`, `get-detector`) is `ENABLED` with its `RUNTIME_MONITORING` feature `ENABLED` and that feature's `ECS_FARGATE_AGENT_MANAGEMENT` configuration `ENABLED`: Security Hub GuardDuty.12 exactly (`EKS_RUNTIME_MONITORING` covers EKS only). Fails when the region has no detector (GuardDuty.1) or it is suspended. Clusters tagged `GuardDutyManaged=true` get the agent even with automation off; Security Hub fails the account then too, and so does this check. Organization members see the features their delegated administrator set. Archived when a region scan finds no Fargate workload. NOT_AVAILABLE when GuardDuty was not read, a call was refused (the AWS error code is named) or the output has no `Features`.",
    risk: "Without the GuardDuty security agent in Fargate tasks, a compromised container (a reverse shell, a cryptominer, credential theft from the task metadata endpoint) runs unseen: Fargate gives no host to monitor, so runtime activity is the only place these attacks show.",
    remediation: Remediation {
        text: "Enable GuardDuty in the region, enable Runtime Monitoring and its automated agent configuration for AWS Fargate (ECS only); new tasks and deployments then get the agent sidecar. Redeploy running services to cover their tasks.",
        cli: "aws guardduty update-detector --detector-id DETECTOR_ID --features '[{\"Name\":\"RUNTIME_MONITORING\",\"Status\":\"ENABLED\",\"AdditionalConfiguration\":[{\"Name\":\"ECS_FARGATE_AGENT_MANAGEMENT\",\"Status\":\"ENABLED\"}]}]'",
        cloudformation: "Detector:\n  Type: AWS::GuardDuty::Detector\n  Properties:\n    Enable: true\n    Features:\n      - Name: RUNTIME_MONITORING\n        Status: ENABLED\n        AdditionalConfiguration:\n          - Name: ECS_FARGATE_AGENT_MANAGEMENT\n            Status: ENABLED",
        terraform: "resource \"aws_guardduty_detector_feature\" \"runtime\" {\n  detector_id = aws_guardduty_detector.main.id\n  name        = \"RUNTIME_MONITORING\"\n  status      = \"ENABLED\"\n  additional_configuration {\n    name   = \"ECS_FARGATE_AGENT_MANAGEMENT\"\n    status = \"ENABLED\"\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-12",
        "https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-ecs-fargate.html",
    ],
    compliance: &[
        fsbp("GuardDuty.12"),
        config_rule("guardduty-ecs-protection-runtime-enabled"),
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
            name: "runtime monitoring without the Fargate agent",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"ENABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"EC2_AGENT_MANAGEMENT","Status":"ENABLED"},{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"DISABLED"}]}]}}}"#,
        },
        Example {
            name: "runtime monitoring with the Fargate agent",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}],"taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"ENABLED","Features":[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"ENABLED"}]}]}}}"#,
        },
        Example {
            name: "no detector in the region",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detectors.json":{"DetectorIds":[]}}}"#,
        },
        Example {
            name: "only EKS runtime monitoring",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detector.json":{"ServiceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty","Status":"ENABLED","Features":[{"Name":"EKS_RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"ENABLED"}]}]}}}"#,
        },
        Example {
            name: "a detector listed but not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detectors.json":{"DetectorIds":["12abc34d567e8fa901bc2d34e56789f0"]}}}"#,
        },
        Example {
            name: "the detector read was refused",
            expect: Status::NotAvailable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]},"guardduty-detector.json":{"Code":"AccessDeniedException","Message":"User is not authorized to perform: guardduty:GetDetector"}}}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::Fargate,
        source: crate::model::account::GUARDDUTY_DETECTOR_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    runtime_monitoring(v, "ECS_FARGATE_AGENT_MANAGEMENT", "ECS tasks on Fargate")
}

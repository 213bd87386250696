use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskSet;

pub static CHECK: Check = Check {
    id: "TS01",
    slug: "task-set-assigns-public-ip",
    title: "ECS task sets should not automatically assign public IP addresses",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    types: &[types::FSBP, types::NETWORK],
    description: "Fails when a task set's `networkConfiguration.awsvpcConfiguration.assignPublicIp` is ENABLED (Security Hub ECS.16). Task sets exist for EXTERNAL and CODE_DEPLOY deployment controllers, whose services may carry no network configuration of their own, so ECS.2 alone misses them. Task sets are read from `DescribeTaskSets` and from `services[].taskSets`.",
    risk: "Tasks of the task set are reachable from the internet wherever their security groups allow it.",
    remediation: Remediation {
        text: "Create task sets with `assignPublicIp: DISABLED` in private subnets (in CodeDeploy, in the AppSpec's network configuration).",
        cli: "aws ecs create-task-set --cluster CLUSTER --service SERVICE --task-definition app:5 --network-configuration 'awsvpcConfiguration={subnets=[subnet-a],securityGroups=[sg-x],assignPublicIp=DISABLED}'",
        cloudformation: "NetworkConfiguration:\n  AwsVpcConfiguration:\n    AssignPublicIp: DISABLED",
        terraform: "network_configuration {\n  assign_public_ip = false\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16",
    ],
    compliance: &[
        fsbp("ECS.16"),
        nist("AC-21"),
        nist("AC-3"),
        nist("AC-3(7)"),
        nist("AC-4"),
        nist("AC-4(21)"),
        nist("AC-6"),
        nist("SC-7"),
        nist("SC-7(11)"),
        nist("SC-7(16)"),
        nist("SC-7(20)"),
        nist("SC-7(21)"),
        nist("SC-7(3)"),
        nist("SC-7(4)"),
        nist("SC-7(9)"),
        pci("1.4.4"),
        soc2("CC6.6"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "enabled",
            expect: Status::Failed,
            json: r#"{"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/1","networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"ENABLED"}}}]}"#,
        },
        Example {
            name: "inside a service",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","deploymentController":{"type":"CODE_DEPLOY"},"taskSets":[{"id":"ecs-svc/2","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/2","networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"ENABLED"}}}]}]}"#,
        },
        Example {
            name: "disabled",
            expect: Status::Passed,
            json: r#"{"taskSets":[{"id":"ecs-svc/1","taskSetArn":"arn:aws:ecs:us-east-1:111122223333:task-set/c/web/ecs-svc/1","networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"DISABLED"}}}]}"#,
        },
    ],
    evaluator: Evaluator::TaskSet(eval),
};

fn eval(t: &TaskSet, _: &Options) -> Outcome {
    if t.assigns_public_ip() {
        Outcome::failed([
            "networkConfiguration.awsvpcConfiguration.assignPublicIp = ENABLED".to_owned(),
        ])
    } else {
        Outcome::Passed
    }
}

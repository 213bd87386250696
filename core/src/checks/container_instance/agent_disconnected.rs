use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::ContainerInstance;

pub static CHECK: Check = Check {
    id: "CI01",
    slug: "agent-disconnected",
    title: "ECS container agents should be connected",
    severity: Severity::High,
    category: Category::Availability,
    types: &[types::BEST_PRACTICES],
    description: "Fails when an ACTIVE or DRAINING container instance reports `agentConnected: false`. Instances in other states (REGISTERING, DEREGISTERING, INACTIVE) are NOT_APPLICABLE.",
    risk: "A disconnected agent stops reporting task state and accepting updates: tasks keep running unmanaged, security patches and task stops are not applied.",
    remediation: Remediation {
        text: "Check the agent's logs on the instance (/var/log/ecs), restart it, update it, or replace the instance.",
        cli: "aws ssm send-command --instance-ids INSTANCE --document-name AWS-RunShellScript --parameters 'commands=[\"systemctl restart ecs\"]'",
        cloudformation: "# replace the instance through the Auto Scaling group (instance refresh)",
        terraform: "# trigger an instance refresh on the aws_autoscaling_group",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-update.html",
    ],
    compliance: &[nist("SI-4"), nist("CM-3"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "disconnected",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","ec2InstanceId":"i-1","status":"ACTIVE","agentConnected":false}]}"#,
        },
        Example {
            name: "connected",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","ec2InstanceId":"i-1","status":"ACTIVE","agentConnected":true}]}"#,
        },
        Example {
            name: "deregistering",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","ec2InstanceId":"i-1","status":"DEREGISTERING","agentConnected":false}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstance(eval),
};

fn eval(c: &ContainerInstance, _: &Options) -> Outcome {
    let active = c
        .status
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE") || s.eq_ignore_ascii_case("DRAINING"));
    if !active {
        return Outcome::na("container instance is not ACTIVE or DRAINING");
    }
    match c.agent_connected {
        Some(false) => Outcome::failed(["agentConnected = false".to_owned()]),
        Some(true) => Outcome::Passed,
        None => Outcome::na("agentConnected not reported"),
    }
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::CapacityProvider;

pub static CHECK: Check = Check {
    id: "CP01",
    slug: "termination-protection-disabled",
    title: "ECS capacity providers should have managed termination protection enabled",
    severity: Severity::Medium,
    category: Category::Availability,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "For Auto Scaling group capacity providers, fails when `autoScalingGroupProvider.managedTerminationProtection` is not ENABLED (Security Hub ECS.19; it fails whether or not managed scaling is on, unlike the MCP variant). FARGATE, FARGATE_SPOT and Managed Instances providers have no Auto Scaling group and are NOT_APPLICABLE.",
    risk: "Scale-in can terminate instances that still run tasks, killing workloads and losing in-flight data.",
    remediation: Remediation {
        text: "Enable managed scaling and managed termination protection on the capacity provider, and instance scale-in protection on the Auto Scaling group.",
        cli: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name ASG --new-instances-protected-from-scale-in\naws ecs update-capacity-provider --name CP --auto-scaling-group-provider 'managedScaling={status=ENABLED},managedTerminationProtection=ENABLED'",
        cloudformation: "AutoScalingGroupProvider:\n  AutoScalingGroupArn: !Ref Asg\n  ManagedScaling:\n    Status: ENABLED\n  ManagedTerminationProtection: ENABLED",
        terraform: "auto_scaling_group_provider {\n  auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn\n  managed_termination_protection = \"ENABLED\"\n  managed_scaling { status = \"ENABLED\" }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-19",
    ],
    compliance: &[
        fsbp("ECS.19"),
        config_rule("ecs-capacity-provider-termination-check"),
        nist("CP-10"),
        nist("SC-5"),
        soc2("A1.2"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "disabled",
            expect: Status::Failed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/cp","name":"cp","autoScalingGroupProvider":{"autoScalingGroupArn":"arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:x","managedTerminationProtection":"DISABLED"}}]}"#,
        },
        Example {
            name: "enabled",
            expect: Status::Passed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/cp","name":"cp","autoScalingGroupProvider":{"autoScalingGroupArn":"x","managedScaling":{"status":"ENABLED"},"managedTerminationProtection":"ENABLED"}}]}"#,
        },
        Example {
            name: "fargate",
            expect: Status::NotApplicable,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/FARGATE","name":"FARGATE"}]}"#,
        },
    ],
    evaluator: Evaluator::CapacityProvider(eval),
};

fn eval(c: &CapacityProvider, _: &Options) -> Outcome {
    let Some(asg) = c.auto_scaling_group_provider.as_ref() else {
        return Outcome::na("capacity provider has no Auto Scaling group");
    };
    match asg.managed_termination_protection.as_deref() {
        Some(v) if v.eq_ignore_ascii_case("ENABLED") => Outcome::Passed,
        other => Outcome::failed([format!(
            "managedTerminationProtection = {}",
            other.unwrap_or("DISABLED (default)")
        )]),
    }
}

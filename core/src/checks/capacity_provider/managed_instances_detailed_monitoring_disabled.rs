use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::CapacityProvider;

pub static CHECK: Check = Check {
    id: "CP06",
    slug: "managed-instances-detailed-monitoring-disabled",
    title: "ECS Managed Instances should have detailed CloudWatch monitoring",
    severity: Severity::Low,
    category: Category::Monitoring,
    types: &[types::BEST_PRACTICES],
    description: "Off by default (detailed monitoring is billed per instance). For ECS Managed Instances capacity providers, fails when `managedInstancesProvider.instanceLaunchTemplate.monitoring` is not `DETAILED` (absent is ECS's default, `BASIC`: five-minute metrics). The same semantics as the AWS Config rule `ec2-instance-detailed-monitoring-enabled` for EC2 instances, applied where ECS launches them; no Security Hub control or other scanner looks at Managed Instances providers. NOT_APPLICABLE for Auto Scaling group and Fargate providers.",
    risk: "With five-minute metrics, a CPU or network spike from a compromised or runaway task on a shared instance is averaged away before an alarm can see it, and incident timelines lose their resolution.",
    remediation: Remediation {
        text: "Set the instance launch template's monitoring to DETAILED; ECS applies it to the instances it launches.",
        cli: "aws ecs update-capacity-provider --name PROVIDER --managed-instances-provider '{\"instanceLaunchTemplate\":{\"monitoring\":\"DETAILED\"}}'",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  ManagedInstancesProvider:\n    InstanceLaunchTemplate:\n      Monitoring: DETAILED",
        terraform: "resource \"aws_ecs_capacity_provider\" \"managed\" {\n  managed_instances_provider {\n    instance_launch_template {\n      monitoring = \"DETAILED\"\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/detailed-monitoring-managed-instances.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-detailed-monitoring-enabled.html",
    ],
    compliance: &[nist("SI-4"), nist("AU-12"), soc2("CC7.2")],
    status: CheckStatus::Preview,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "basic monitoring",
            expect: Status::Failed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"monitoring":"BASIC"}}}]}"#,
        },
        Example {
            name: "not set (basic)",
            expect: Status::Failed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"]}}}}]}"#,
        },
        Example {
            name: "detailed monitoring",
            expect: Status::Passed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"monitoring":"DETAILED"}}}]}"#,
        },
        Example {
            name: "Fargate",
            expect: Status::NotApplicable,
            json: r#"{"capacityProviders":[{"name":"FARGATE","status":"ACTIVE"}]}"#,
        },
    ],
    evaluator: Evaluator::CapacityProvider(eval),
};

fn eval(c: &CapacityProvider, _: &Options) -> Outcome {
    let Some(m) = c.managed_instances_provider.as_ref() else {
        return Outcome::na(super::NOT_MANAGED_INSTANCES);
    };
    match m
        .instance_launch_template
        .as_ref()
        .and_then(|t| t.monitoring.as_deref())
    {
        Some(x) if x.eq_ignore_ascii_case("DETAILED") => Outcome::Passed,
        Some(x) => Outcome::failed([format!("monitoring = {x}")]),
        None => Outcome::failed(["monitoring not set (BASIC, ECS's default)".to_owned()]),
    }
}

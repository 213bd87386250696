use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::{Arn, CapacityProvider};

pub static CHECK: Check = Check {
    id: "CP04",
    slug: "managed-instances-fips-disabled",
    title: "ECS Managed Instances should use FIPS 140 validated cryptography where it is required",
    severity: Severity::Low,
    category: Category::Encryption,
    types: &[types::BEST_PRACTICES],
    description: "Off by default (only estates bound to FIPS 140 need it). For ECS Managed Instances capacity providers, fails when `managedInstancesProvider.instanceLaunchTemplate.fipsEnabled` is false, or absent outside the AWS GovCloud (US) regions (where ECS then launches instances without FIPS mode). NOT_APPLICABLE for Auto Scaling group and Fargate providers (AC06 judges Fargate's FIPS mode).",
    risk: "Workloads under FedRAMP, CMMC or other regimes that require FIPS 140 validated modules are out of compliance when their instances use the default cryptographic modules.",
    remediation: Remediation {
        text: "Set fipsEnabled in the provider's instance launch template; ECS replaces the instances with FIPS-enabled ones.",
        cli: "aws ecs update-capacity-provider --name PROVIDER --managed-instances-provider '{\"instanceLaunchTemplate\":{\"fipsEnabled\":true}}'",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  ManagedInstancesProvider:\n    InstanceLaunchTemplate:\n      FipsEnabled: true",
        terraform: "resource \"aws_ecs_capacity_provider\" \"managed\" {\n  managed_instances_provider {\n    instance_launch_template {\n      fips_enabled = true\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_InstanceLaunchTemplate.html",
    ],
    compliance: &[nist("SC-13")],
    status: CheckStatus::Preview,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "FIPS off",
            expect: Status::Failed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"fipsEnabled":false,"networkConfiguration":{"subnets":["subnet-1"]}}}}]}"#,
        },
        Example {
            name: "absent in a commercial region",
            expect: Status::Failed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"]}}}}]}"#,
        },
        Example {
            name: "absent in AWS GovCloud (US)",
            expect: Status::Passed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws-us-gov:ecs:us-gov-west-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"networkConfiguration":{"subnets":["subnet-1"]}}}}]}"#,
        },
        Example {
            name: "FIPS on",
            expect: Status::Passed,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"instanceLaunchTemplate":{"fipsEnabled":true}}}]}"#,
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
    let fips = m
        .instance_launch_template
        .as_ref()
        .and_then(|t| t.fips_enabled);
    let gov_cloud = c
        .capacity_provider_arn
        .as_deref()
        .and_then(Arn::parse)
        .is_some_and(|a| a.region.starts_with("us-gov-"));
    match fips {
        Some(true) => Outcome::Passed,
        Some(false) => Outcome::failed(["fipsEnabled = false".to_owned()]),
        None if gov_cloud => Outcome::Passed,
        None => Outcome::failed([
            "fipsEnabled not set: instances launch without FIPS mode outside AWS GovCloud (US)"
                .to_owned(),
        ]),
    }
}

use crate::checks::support::roles::{administrator_verdict, named, profile_administrator_verdict};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CP05",
    slug: "managed-instances-role-administrator",
    title: "The infrastructure and instance roles of ECS Managed Instances should not allow every action on every resource",
    severity: Severity::Critical,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "For ECS Managed Instances capacity providers, fails when the `infrastructureRoleArn` (ECS assumes it to launch and manage the instances) or the role of the launch template's `ec2InstanceProfileArn` (the instances' own credentials, on every instance running the provider's tasks), read from IAM, may perform every action on every resource, with TD35's policy evaluation (HIGH when only under a Condition or with part of it denied). The instance profile is resolved to its role through the account's authorization details (`InstanceProfileList`), as CI05 does for container instances. NOT_APPLICABLE for Auto Scaling group and Fargate providers; NOT_AVAILABLE when a role, its profile or one of its policies was not read. No Security Hub control, AWS Config rule or other scanner looks at Managed Instances providers.",
    risk: "The instance role's credentials sit on every Managed Instance, in reach of whatever runs there; the infrastructure role can be passed by anyone allowed to create a provider. As administrators, either is the whole account.",
    remediation: Remediation {
        text: "Give the infrastructure role only `AmazonECSInfrastructureRolePolicyForManagedInstances` and the instance role only `AmazonECSInstanceRolePolicyForManagedInstances` (AWS managed), and detach the administrator grant.",
        cli: "aws iam attach-role-policy --role-name ecsInstanceRole --policy-arn arn:aws:iam::aws:policy/AmazonECSInstanceRolePolicyForManagedInstances\naws iam detach-role-policy --role-name ecsInstanceRole --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        cloudformation: "ManagedInstancesInstanceRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: { Service: ec2.amazonaws.com }\n          Action: sts:AssumeRole\n    ManagedPolicyArns:\n      - arn:aws:iam::aws:policy/AmazonECSInstanceRolePolicyForManagedInstances",
        terraform: "resource \"aws_iam_role_policy_attachment\" \"managed_instances\" {\n  role       = aws_iam_role.managed_instances.name\n  policy_arn = \"arn:aws:iam::aws:policy/AmazonECSInstanceRolePolicyForManagedInstances\"\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html",
    ],
    compliance: &[nist("AC-6"), nist("AC-6(10)"), pci("7.2.1"), soc2("CC6.3")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the instance profile's role is an administrator",
            expect: Status::Failed,
            json: r#"{"files":{"providers.json":{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecs-infra","instanceLaunchTemplate":{"ec2InstanceProfileArn":"arn:aws:iam::111122223333:instance-profile/ecs-instances","networkConfiguration":{"subnets":["subnet-1"]}}}}]},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"ecs-infra","Arn":"arn:aws:iam::111122223333:role/ecs-infra","RolePolicyList":[],"AttachedManagedPolicies":[]},{"RoleName":"ecs-instances","Arn":"arn:aws:iam::111122223333:role/ecs-instances","RolePolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}],"InstanceProfileList":[{"InstanceProfileName":"ecs-instances","Arn":"arn:aws:iam::111122223333:instance-profile/ecs-instances"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "both roles scoped",
            expect: Status::Passed,
            json: r#"{"files":{"providers.json":{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecs-infra","instanceLaunchTemplate":{"ec2InstanceProfileArn":"arn:aws:iam::111122223333:instance-profile/ecs-instances"}}}]},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"ecs-infra","Arn":"arn:aws:iam::111122223333:role/ecs-infra","RolePolicyList":[{"PolicyName":"ec2","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:CreateFleet"],"Resource":"*"}]}}],"AttachedManagedPolicies":[]},{"RoleName":"ecs-instances","Arn":"arn:aws:iam::111122223333:role/ecs-instances","RolePolicyList":[{"PolicyName":"ecs","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RegisterContainerInstance","ecs:Poll"],"Resource":"*"}]}}],"AttachedManagedPolicies":[],"InstanceProfileList":[{"InstanceProfileName":"ecs-instances","Arn":"arn:aws:iam::111122223333:instance-profile/ecs-instances"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "IAM not read",
            expect: Status::NotAvailable,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/managed","name":"managed","status":"ACTIVE","managedInstancesProvider":{"infrastructureRoleArn":"arn:aws:iam::111122223333:role/ecs-infra","instanceLaunchTemplate":{"ec2InstanceProfileArn":"arn:aws:iam::111122223333:instance-profile/ecs-instances"}}}]}"#,
        },
        Example {
            name: "Auto Scaling group provider",
            expect: Status::NotApplicable,
            json: r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:111122223333:capacity-provider/asg","name":"asg","status":"ACTIVE","autoScalingGroupProvider":{"autoScalingGroupArn":"arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1:autoScalingGroupName/asg","managedTerminationProtection":"ENABLED"}}]}"#,
        },
    ],
    evaluator: Evaluator::CapacityProviderSurroundings(eval),
};

fn eval(v: &ProviderView<'_>, _: &Options) -> Verdict {
    let Some(m) = &v.provider.managed_instances_provider else {
        return Verdict::of(Outcome::na(super::NOT_MANAGED_INSTANCES));
    };
    let mut parts: Vec<(Option<&str>, Verdict)> = Vec::with_capacity(2);
    if let Some(role) = named(m.infrastructure_role_arn.as_deref()) {
        parts.push((
            None,
            administrator_verdict(v.identity, role, v.account, "infrastructure role"),
        ));
    }
    if let Some(profile) = m
        .instance_launch_template
        .as_ref()
        .and_then(|t| named(t.ec2_instance_profile_arn.as_deref()))
    {
        parts.push((None, profile_administrator_verdict(v.identity, profile)));
    }
    if parts.is_empty() {
        return Verdict::of(Outcome::na("the provider names no role"));
    }
    Verdict::combine(parts)
}

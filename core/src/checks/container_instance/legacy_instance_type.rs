use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::ContainerInstance;

pub static CHECK: Check = Check {
    id: "CI03",
    slug: "legacy-instance-type",
    title: "ECS container instances should not use previous-generation instance types",
    severity: Severity::Medium,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the `ecs.instance-type` attribute names a family in `legacy_instance_families` (default t1, m1, m2, m3, c1, c3, cc2, cg1, cr1, hi1, hs1, g2, i2, r3). NOT_APPLICABLE when the attribute is missing (external instances).",
    risk: "Previous-generation (Xen) instances lack Nitro's hardware isolation and hypervisor security improvements, and cannot run current AMIs' hardening features.",
    remediation: Remediation {
        text: "Move the Auto Scaling group's launch template to a current-generation Nitro type and refresh the instances.",
        cli: "aws ec2 create-launch-template-version --launch-template-id LT --source-version 1 --launch-template-data '{\"InstanceType\":\"m7g.large\"}'",
        cloudformation: "LaunchTemplateData:\n  InstanceType: m7g.large",
        terraform: "instance_type = \"m7g.large\"",
    },
    references: &["https://aws.amazon.com/ec2/previous-generation/"],
    compliance: &[nist("SA-22"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "legacy_instance_families",
        default: "t1, m1, m2, m3, c1, c3, cc2, cg1, cr1, hi1, hs1, g2, i2, r3",
        doc: "instance families reported",
    }],
    examples: &[
        Example {
            name: "m3",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","attributes":[{"name":"ecs.instance-type","value":"m3.medium"}]}]}"#,
        },
        Example {
            name: "m7g",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","attributes":[{"name":"ecs.instance-type","value":"m7g.large"}]}]}"#,
        },
        Example {
            name: "external",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c/abc","attributes":[]}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstance(eval),
};

fn eval(c: &ContainerInstance, opts: &Options) -> Outcome {
    let Some(t) = c.attribute("ecs.instance-type") else {
        return Outcome::na("instance type attribute not reported");
    };
    let family = t.split('.').next().unwrap_or(t);
    if opts
        .legacy_instance_families
        .iter()
        .any(|f| f.eq_ignore_ascii_case(family))
    {
        Outcome::failed([format!("instance type {t} is previous-generation")])
    } else {
        Outcome::Passed
    }
}

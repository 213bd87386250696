use crate::checks::support::roles::{RoleUse, role_key};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};
use crate::model::identity::RoleLookup;

pub static CHECK: Check = Check {
    id: "TD40",
    slug: "task-role-shared",
    title: "Each ECS task definition family and service should have a task role of its own",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the task role is also the task role of another family (its latest ACTIVE revision, or a revision a service runs) or of more than one service in the snapshot (a service counts once whatever its deployments and task sets run). Roles named by name or ARN compare by account and name. Execution roles are not judged: one is commonly shared. Needs no IAM read. A scoped scan (an event's rescan) sees only the families and services it read: sharing it finds fails, and no sharing is NOT_AVAILABLE there (the nightly scan of the whole region decides).",
    risk: "A role shared by several workloads carries the union of their permissions: compromising the least important one gives access to what all of them can reach, and no policy can be narrowed without breaking another workload.",
    remediation: Remediation {
        text: "Give each family (service) its own task role with only the permissions that workload needs.",
        cli: "aws iam create-role --role-name orders-task --assume-role-policy-document file://ecs-tasks-trust.json",
        cloudformation: "OrdersTaskRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument: ...",
        terraform: "resource \"aws_iam_role\" \"orders_task\" {\n  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
    ],
    compliance: &[nist("AC-6"), nist("AC-5"), soc2("CC6.3")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "two families, one role",
            expect: Status::Failed,
            json: r#"{"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/app","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]},
{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/api:4","family":"api","revision":4,"status":"ACTIVE","taskRoleArn":"app","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}]}"#,
        },
        Example {
            name: "one family, one service",
            expect: Status::Passed,
            json: r#"{"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:2","family":"web","revision":2,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/app","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}],
"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","status":"ACTIVE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:2"}]}"#,
        },
        Example {
            name: "no task role",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    let Some((_, reference)) = v.roles(&[RoleUse::Task]).into_iter().next() else {
        return Verdict::of(Outcome::na("the task definition has no task role"));
    };
    let key = role_key(reference, v.account);
    let own = v.task_definition.family.as_deref().unwrap_or("");
    let others: Vec<&str> = v
        .usage
        .families_of(&key)
        .iter()
        .map(AsRef::as_ref)
        .filter(|f| *f != own)
        .collect();
    let services: Vec<&str> = v
        .usage
        .services_of(&key)
        .iter()
        .map(AsRef::as_ref)
        .collect();
    if others.is_empty() && services.len() < 2 {
        if v.partial {
            return Verdict::of(Outcome::unknown(
                "not read: the families and services of the rest of the account-region (a scoped scan)",
            ));
        }
        return Verdict::of(Outcome::Passed);
    }
    let mut evidence = Vec::new();
    if !others.is_empty() {
        evidence.push(format!(
            "task role {} is also the task role of {} other famil{}: {}",
            key.1,
            others.len(),
            if others.len() == 1 { "y" } else { "ies" },
            others.join(", ")
        ));
    }
    if services.len() >= 2 {
        evidence.push(format!(
            "task role {} is used by {} services: {}",
            key.1,
            services.len(),
            services.join(", ")
        ));
    }
    let arn = match v.identity.role(reference, v.account) {
        RoleLookup::Found(r) => r.arn.clone(),
        _ => format!("arn:{}:iam::{}:role/{}", v.partition, key.0, key.1),
    };
    Verdict::of(Outcome::failed(evidence)).related(vec![Related::new("AwsIamRole", arn)])
}

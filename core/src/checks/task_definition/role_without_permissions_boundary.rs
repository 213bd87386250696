use crate::checks::support::roles::RoleUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "TD43",
    slug: "role-without-permissions-boundary",
    title: "ECS task and execution roles should have a permissions boundary",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Off by default (many estates use no boundaries). Fails when the task role or the execution role has no permissions boundary, or, when `required_permissions_boundaries` lists policy ARNs, a boundary that is not one of them. NOT_AVAILABLE when the role was not read.",
    risk: "Without a boundary, whoever may edit the role's policies (a pipeline, a developer) can grant the workload anything; a boundary caps what any future policy can give.",
    remediation: Remediation {
        text: "Attach the organization's workload boundary to the role.",
        cli: "aws iam put-role-permissions-boundary --role-name app-task --permissions-boundary arn:aws:iam::111122223333:policy/workload-boundary",
        cloudformation: "PermissionsBoundary: !Sub 'arn:aws:iam::${AWS::AccountId}:policy/workload-boundary'",
        terraform: "permissions_boundary = aws_iam_policy.workload_boundary.arn",
    },
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
    ],
    compliance: &[nist("AC-6"), soc2("CC6.3")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "required_permissions_boundaries",
        default: "[]",
        doc: "policy ARNs one of which each role's permissions boundary must be (empty: any boundary)",
    }],
    examples: &[
        Example {
            name: "no boundary",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task"}]}}}"#,
        },
        Example {
            name: "a boundary",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/workload-boundary"}}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, opts: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task, RoleUse::Execution], |role, _| {
        match &role.boundary {
            None => Verdict::of(Outcome::failed(["the role has no permissions boundary"])),
            Some(b)
                if !opts.required_permissions_boundaries.is_empty()
                    && !opts.required_permissions_boundaries.contains(b) =>
            {
                Verdict::of(Outcome::failed([format!(
                    "the role's permissions boundary {b} is not one of required_permissions_boundaries"
                )]))
            }
            Some(_) => Verdict::of(Outcome::Passed),
        }
    })
}

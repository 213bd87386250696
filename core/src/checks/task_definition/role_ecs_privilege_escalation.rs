use crate::checks::support::roles::{RoleUse, graded, nothing_found, qualifiers};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::iam::Access;

/// The ECS privilege escalation paths: each set of actions, all allowed, lets the holder run
/// code with a role it does not have.
pub const COMBINATIONS: &[(&str, &[&str])] = &[
    (
        "pass a role to a task it runs",
        &["iam:PassRole", "ecs:RunTask"],
    ),
    (
        "pass a role to a task it starts",
        &["iam:PassRole", "ecs:StartTask"],
    ),
    (
        "register a task definition with another role and run it as a service",
        &[
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
    ),
    (
        "register a task definition with another role and run it",
        &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        "register a task definition with another role and start it",
        &[
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:StartTask",
        ],
    ),
    (
        "register its own container instance and start tasks with another role on it",
        &[
            "iam:PassRole",
            "ecs:StartTask",
            "ecs:RegisterContainerInstance",
            "ecs:DeregisterContainerInstance",
        ],
    ),
    (
        "open a shell in other tasks and use their roles",
        &["ecs:ExecuteCommand", "ecs:DescribeTasks"],
    ),
];

pub static CHECK: Check = Check {
    id: "TD39",
    slug: "role-ecs-privilege-escalation",
    title: "ECS task roles should not be able to escalate privileges through ECS",
    severity: Severity::High,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the union of the task role's policies allows every action of one of the ECS privilege escalation paths (Prowler's list): `iam:PassRole` with `ecs:RunTask`; `iam:PassRole` with `ecs:StartTask`; `iam:PassRole`, `ecs:RegisterTaskDefinition` with `ecs:CreateService`, `ecs:RunTask` or `ecs:StartTask`; `iam:PassRole`, `ecs:StartTask`, `ecs:RegisterContainerInstance` and `ecs:DeregisterContainerInstance`; `ecs:ExecuteCommand` with `ecs:DescribeTasks`. Unlike per-policy tools, actions granted by different policies combine. An action counts when an `Allow` names it on any resource and no unconditioned `Deny` removes it on every resource; the permissions boundary caps each. A path that holds only under a `Condition` fails one level lower (MEDIUM). Resource scoping is not credited (a scoped `iam:PassRole` may still pass a powerful role): the evidence lists each path found. NOT_AVAILABLE when a policy was not read and the rest completes no path.",
    risk: "Code in the task can launch new tasks (or a shell in running ones) with a more powerful role than its own and act through them.",
    remediation: Remediation {
        text: "Remove the ECS write actions or `iam:PassRole` from the task role; if the application must launch tasks, scope `ecs:RunTask` to its task definition ARNs and `iam:PassRole` to the one role with an `iam:PassedToService` condition.",
        cli: "aws iam put-role-policy --role-name app-task --policy-name app --policy-document file://least-privilege.json",
        cloudformation: "- Effect: Allow\n  Action: ecs:RunTask\n  Resource: !Ref WorkerTaskDefinition",
        terraform: "statement {\n  actions   = [\"ecs:RunTask\"]\n  resources = [aws_ecs_task_definition.worker.arn]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-bestpractices.html",
        "https://github.com/prowler-cloud/prowler/blob/master/prowler/providers/aws/services/iam/lib/privilege_escalation.py",
    ],
    compliance: &[nist("AC-6"), nist("AC-6(1)"), soc2("CC6.3")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "PassRole and RunTask in two policies",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"pass","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/worker"}]}},{"PolicyName":"run","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"ecs:Run*","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "RunTask denied everywhere",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","ecs:RunTask"],"Resource":"*"},{"Effect":"Deny","Action":"ecs:RunTask","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "read-only ECS",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],"Resource":"*"}]}}]}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task], |_, perms| {
        let policies = perms.policies();
        let mut found = Vec::new();
        let mut worst: Option<crate::model::iam::Grant> = None;
        let mut paths: Vec<&[&str]> = Vec::new();
        for (what, actions) in COMBINATIONS {
            // A path that contains one already found adds nothing to say.
            if paths.iter().any(|p| p.iter().all(|a| actions.contains(a))) {
                continue;
            }
            let grants: Vec<_> = actions
                .iter()
                .map(|a| policies.allows_somewhere(a))
                .collect();
            if grants.iter().any(|g| g.access == Access::NotAllowed) {
                continue;
            }
            let Some(weakest) = grants.iter().copied().min_by_key(|g| g.access) else {
                continue;
            };
            paths.push(actions);
            found.push(format!(
                "can {what} ({}){}",
                actions.join(", "),
                if weakest.access == Access::Conditional {
                    " under a Condition"
                } else {
                    ""
                }
            ));
            if worst.is_none_or(|w| weakest.access > w.access) {
                worst = Some(weakest);
            }
        }
        match worst {
            None => nothing_found(perms),
            Some(g) => {
                if let Some(last) = found.last_mut() {
                    last.push_str(&qualifiers(
                        crate::model::iam::Grant {
                            access: Access::Allowed,
                            ..g
                        },
                        perms,
                    ));
                }
                Verdict::of(Outcome::failed(found)).severity(graded(g, Severity::High))
            }
        }
    })
}

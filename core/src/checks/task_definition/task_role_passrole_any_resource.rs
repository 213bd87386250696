use crate::checks::support::roles::{RoleUse, nothing_found, qualifiers};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::iam::{Access, Request};

pub static CHECK: Check = Check {
    id: "TD38",
    slug: "task-role-passrole-any-resource",
    title: "ECS task roles should not pass any role to any service",
    severity: Severity::High,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the task role may perform `iam:PassRole` (named, or through `iam:*`, `iam:Pass*` or `*`) on every resource (`Resource: \"*\"`) through an `Allow` statement that does not test `iam:PassedToService`, after unconditioned `Deny` statements and the permissions boundary. A grant that holds only under another `Condition` fails one level lower (MEDIUM). Statements scoped to named roles, or restricted by `iam:PassedToService`, pass. Only the task role is judged: its credentials are the ones the application's code (and an attacker in it) holds. NOT_AVAILABLE when a policy was not read and the rest grants nothing.",
    risk: "Passing any role lets the task hand a more powerful role to a new Lambda function, EC2 instance or ECS task and act through it: the classic IAM privilege escalation.",
    remediation: Remediation {
        text: "Scope `iam:PassRole` to the ARNs of the roles the application must pass and add a `StringEquals` condition on `iam:PassedToService`.",
        cli: "aws iam put-role-policy --role-name app-task --policy-name pass --policy-document file://pass-one-role.json",
        cloudformation: "- Effect: Allow\n  Action: iam:PassRole\n  Resource: !GetAtt WorkerRole.Arn\n  Condition:\n    StringEquals:\n      iam:PassedToService: ecs-tasks.amazonaws.com",
        terraform: "statement {\n  actions   = [\"iam:PassRole\"]\n  resources = [aws_iam_role.worker.arn]\n  condition {\n    test     = \"StringEquals\"\n    variable = \"iam:PassedToService\"\n    values   = [\"ecs-tasks.amazonaws.com\"]\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService",
    ],
    compliance: &[nist("AC-6"), nist("AC-3"), soc2("CC6.3")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "iam:PassRole on *",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["IAM:Pass*"],"Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "restricted by iam:PassedToService",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}}]}]}}}"#,
        },
        Example {
            name: "scoped to one role",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/worker"}]}}]}]}}}"#,
        },
        Example {
            name: "only an execution role",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","executionRoleArn":"arn:aws:iam::111122223333:role/exec","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task], |_, perms| {
        let (action, resource) = (Request::Named("iam:PassRole"), Request::Every);
        let policies = perms.policies();
        let g = policies.allows(action, resource);
        if g.access == Access::NotAllowed {
            return nothing_found(perms);
        }
        let open: Vec<_> = policies
            .allowing(action, resource)
            .into_iter()
            .filter(|s| {
                !s.condition_keys()
                    .iter()
                    .any(|k| k == "iam:passedtoservice")
            })
            .collect();
        if open.is_empty() {
            return nothing_found(perms);
        }
        let unconditioned = open.iter().any(|s| !s.is_conditioned());
        let grant = crate::model::iam::Grant {
            access: if unconditioned {
                g.access
            } else {
                Access::Conditional
            },
            ..g
        };
        Verdict::of(Outcome::failed([format!(
            "allows iam:PassRole on every role without an iam:PassedToService condition{}",
            qualifiers(grant, perms)
        )]))
        .severity(crate::checks::support::roles::graded(grant, Severity::High))
    })
}

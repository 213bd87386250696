use crate::checks::support::roles::RoleUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::iam::Effect;
use crate::model::identity::PolicyKind;

pub static CHECK: Check = Check {
    id: "TD36",
    slug: "role-customer-policy-administrator",
    title: "Customer managed policies attached to ECS task and execution roles should not allow full administrative privileges",
    severity: Severity::High,
    category: Category::IamSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Security Hub IAM.1 (`iam-policy-no-statements-with-admin-access`) on the policies of the task role and the execution role: fails when the default version of a customer managed policy attached to either role has a statement with `Effect: Allow`, `Action: \"*\"` and `Resource: \"*\"` (as a string or in a list). Like the control, inline and AWS managed policies are not judged here and the permissions boundary is not applied (TD35 judges what the role can effectively do). NOT_AVAILABLE when an attached customer managed policy was not read.",
    risk: "A customer managed policy that grants everything makes every role it is attached to an administrator, including the roles whose credentials any process in an ECS task can read.",
    remediation: Remediation {
        text: "Replace the `*`/`*` statement with the actions and resources the workloads need (or detach the policy from the ECS roles), then set the least-privilege version as default.",
        cli: "aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy/app --policy-document file://least-privilege.json --set-as-default",
        cloudformation: "AppPolicy:\n  Type: AWS::IAM::ManagedPolicy\n  Properties:\n    PolicyDocument:\n      Version: '2012-10-17'\n      Statement:\n        - Effect: Allow\n          Action: ['sqs:SendMessage']\n          Resource: !GetAtt Queue.Arn",
        terraform: "resource \"aws_iam_policy\" \"app\" {\n  policy = data.aws_iam_policy_document.least_privilege.json\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1",
    ],
    compliance: &[
        fsbp("IAM.1"),
        config_rule("iam-policy-no-statements-with-admin-access"),
        nist("AC-6"),
        pci("7.2.1"),
        cis("1.16"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "a customer managed * on *",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","executionRoleArn":"arn:aws:iam::111122223333:role/exec","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"exec","Arn":"arn:aws:iam::111122223333:role/exec","AttachedManagedPolicies":[{"PolicyName":"ops","PolicyArn":"arn:aws:iam::111122223333:policy/ops"}]}],
"Policies":[{"PolicyName":"ops","Arn":"arn:aws:iam::111122223333:policy/ops","DefaultVersionId":"v2","PolicyVersionList":[{"VersionId":"v2","IsDefaultVersion":true,"Document":{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":"*"}]}},{"VersionId":"v1","IsDefaultVersion":false,"Document":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "only a non-default version is * on *",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","executionRoleArn":"arn:aws:iam::111122223333:role/exec","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"exec","Arn":"arn:aws:iam::111122223333:role/exec","AttachedManagedPolicies":[{"PolicyName":"ops","PolicyArn":"arn:aws:iam::111122223333:policy/ops"}]}],
"Policies":[{"PolicyName":"ops","Arn":"arn:aws:iam::111122223333:policy/ops","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v2","IsDefaultVersion":false,"Document":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}},{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "AdministratorAccess is AWS managed (TD35's, not IAM.1's)",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}]}}}"#,
        },
        Example {
            name: "roles not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task, RoleUse::Execution], |_, perms| {
        let mut found = Vec::new();
        let mut related = Vec::new();
        for (source, policy) in perms.each() {
            if source.kind != PolicyKind::CustomerManaged {
                continue;
            }
            let admin = policy.statements.iter().any(|s| {
                s.effect == Effect::Allow
                    && !s.actions.negated
                    && s.actions.list.iter().any(|a| a == "*")
                    && s.resources
                        .as_ref()
                        .is_some_and(|r| !r.negated && r.list.iter().any(|x| x == "*"))
            });
            if admin {
                found.push(format!(
                    "{} has a statement allowing Action \"*\" on Resource \"*\"",
                    source.describe()
                ));
                if let Some(arn) = &source.arn {
                    related.push(crate::finding::Related::new("AwsIamPolicy", arn.clone()));
                }
            }
        }
        if !found.is_empty() {
            return Verdict::of(Outcome::failed(found)).related(related);
        }
        let prefix = PolicyKind::CustomerManaged.describe();
        let unread: Vec<&String> = perms
            .unread
            .iter()
            .filter(|u| u.starts_with(prefix))
            .collect();
        if unread.is_empty() {
            Verdict::of(Outcome::Passed)
        } else {
            Verdict::of(Outcome::unknown(format!(
                "not read: {}",
                unread
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )))
        }
    })
}

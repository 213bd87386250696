use crate::checks::support::roles::{RoleUse, nothing_found};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "TD37",
    slug: "role-service-wildcard",
    title: "The task and execution roles of ECS task definitions should not allow every action of a service",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Security Hub IAM.21 (`iam-policy-no-statements-with-full-access`) widened to every policy of the task role and the execution role (inline, customer managed default version, AWS managed): fails when a statement with `Effect: Allow` names a whole service with a wildcard, `<service>:*`, in `Action` or in `NotAction` (as the control does). Prefixed wildcards such as `ec2:Describe*` pass, and `*` alone is TD35's. MEDIUM when such a statement applies to every resource (`Resource: \"*\"`), LOW when it is scoped. The test is statement by statement, as the control's: a `Deny` elsewhere does not excuse it. NOT_AVAILABLE when a policy was not read and the rest has no such statement.",
    risk: "`s3:*` or `dynamodb:*` on a role shared by many tasks turns any compromised container into a way to read, change or delete every bucket or table of the account (seed: a shared task role with `s3:*`).",
    remediation: Remediation {
        text: "List the actions the application calls instead of `<service>:*` (IAM Access Analyzer can generate them from CloudTrail), and scope them to its resources.",
        cli: "aws iam put-role-policy --role-name app-task --policy-name app --policy-document file://least-privilege.json",
        cloudformation: "- Effect: Allow\n  Action: ['s3:GetObject', 's3:PutObject']\n  Resource: !Sub '${Bucket.Arn}/*'",
        terraform: "statement {\n  actions   = [\"s3:GetObject\", \"s3:PutObject\"]\n  resources = [\"${aws_s3_bucket.app.arn}/*\"]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ],
    compliance: &[
        fsbp("IAM.21"),
        config_rule("iam-policy-no-statements-with-full-access"),
        nist("AC-6"),
        pci("7.2.1"),
        soc2("CC6.3"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "s3:* on every resource",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["s3:*","sqs:SendMessage"],"Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "NotAction with a service wildcard",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*"}]}}]}]}}}"#,
        },
        Example {
            name: "prefixed wildcards",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["ec2:Describe*","s3:Get*"],"Resource":"*"}]}}]}]}}}"#,
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
        let mut everywhere = false;
        for (source, policy) in perms.each() {
            for s in &policy.statements {
                let services = s.service_wildcards();
                if services.is_empty() {
                    continue;
                }
                let all = s.resources.as_ref().is_some_and(|r| r.covers_every());
                everywhere |= all;
                let how = if s.actions.negated {
                    "NotAction"
                } else {
                    "Action"
                };
                found.push(format!(
                    "{} allows {} {} on {}{}",
                    source.describe(),
                    how,
                    services
                        .iter()
                        .map(|x| format!("{x}:*"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if all {
                        "every resource"
                    } else {
                        "scoped resources"
                    },
                    if s.is_conditioned() {
                        " (under a Condition)"
                    } else {
                        ""
                    }
                ));
            }
        }
        if found.is_empty() {
            return nothing_found(perms);
        }
        Verdict::of(Outcome::failed(found)).severity(if everywhere {
            Severity::Medium
        } else {
            Severity::Low
        })
    })
}

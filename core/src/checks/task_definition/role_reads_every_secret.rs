use crate::checks::support::roles::{RoleUse, graded, nothing_found, qualifiers};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::iam::{Access, Request};

/// The actions that read a secret's value, or decrypt one.
pub const SECRET_READS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
];

pub static CHECK: Check = Check {
    id: "TD41",
    slug: "role-reads-every-secret",
    title: "ECS execution and task roles should read only the secrets and keys their tasks use",
    severity: Severity::Medium,
    category: Category::Secrets,
    types: &[types::FSBP, types::BEST_PRACTICES],
    description: "Fails when the execution role or the task role may read the value of every secret or parameter, or decrypt with every key: `secretsmanager:GetSecretValue`, `secretsmanager:BatchGetSecretValue`, `ssm:GetParameter`, `ssm:GetParameters`, `ssm:GetParametersByPath` or `kms:Decrypt` allowed on `Resource: \"*\"` (named, or through a wildcard such as `kms:*` or `ssm:Get*`), after unconditioned `Deny` statements and the permissions boundary. ECS needs these only on the secrets, parameters and customer managed key the task definition references. The `kms:Decrypt` part is Security Hub KMS.1 (customer managed policies) and KMS.2 (inline policies) for these roles; this check judges every policy kind. A grant under a `Condition` fails one level lower (LOW). NOT_AVAILABLE when a policy was not read and the rest grants none of them.",
    risk: "Whoever controls the task (or the agent's role) can read every secret of the account, not only the ones this workload needs: database passwords, API keys and signing keys of other applications.",
    remediation: Remediation {
        text: "Scope the secret reads to the ARNs the task definition's `secrets` and `repositoryCredentials` name, and `kms:Decrypt` to the customer managed key that encrypts them.",
        cli: "aws iam put-role-policy --role-name app-exec --policy-name secrets --policy-document file://these-secrets-only.json",
        cloudformation: "- Effect: Allow\n  Action: secretsmanager:GetSecretValue\n  Resource: !Ref DbSecret\n- Effect: Allow\n  Action: kms:Decrypt\n  Resource: !GetAtt SecretsKey.Arn",
        terraform: "statement {\n  actions   = [\"secretsmanager:GetSecretValue\"]\n  resources = [aws_secretsmanager_secret.db.arn]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-2",
    ],
    compliance: &[
        fsbp("KMS.1"),
        fsbp("KMS.2"),
        config_rule("iam-customer-policy-blocked-kms-actions"),
        config_rule("iam-inline-policy-blocked-kms-actions"),
        nist("AC-6"),
        pci("7.2.1"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "GetSecretValue and kms:Decrypt on *",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","executionRoleArn":"arn:aws:iam::111122223333:role/exec","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"exec","Arn":"arn:aws:iam::111122223333:role/exec","RolePolicyList":[{"PolicyName":"secrets","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","kms:Decrypt"],"Resource":"*"}]}}],"AttachedManagedPolicies":[{"PolicyName":"AmazonECSTaskExecutionRolePolicy","PolicyArn":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}]}]}}}"#,
        },
        Example {
            name: "scoped to one secret and one key",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","executionRoleArn":"arn:aws:iam::111122223333:role/exec","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"exec","Arn":"arn:aws:iam::111122223333:role/exec","RolePolicyList":[{"PolicyName":"secrets","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"},{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}}],"AttachedManagedPolicies":[{"PolicyName":"AmazonECSTaskExecutionRolePolicy","PolicyArn":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}]}]}}}"#,
        },
        Example {
            name: "ssm:Get* on *",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"app","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"ssm:Get*","Resource":"*"}]}}]}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Execution, RoleUse::Task], |_, perms| {
        let policies = perms.policies();
        let mut allowed = Vec::new();
        let mut strongest: Option<crate::model::iam::Grant> = None;
        for action in SECRET_READS {
            let g = policies.allows(Request::Named(action), Request::Every);
            if g.access == Access::NotAllowed {
                continue;
            }
            allowed.push(if g.access == Access::Conditional {
                format!("{action} (under a Condition)")
            } else {
                (*action).to_owned()
            });
            if strongest.is_none_or(|s| g.access > s.access) {
                strongest = Some(g);
            }
        }
        let Some(g) = strongest else {
            return nothing_found(perms);
        };
        Verdict::of(Outcome::failed([format!(
            "allows {} on every resource{}",
            allowed.join(", "),
            qualifiers(g, perms)
        )]))
        .severity(graded(g, Severity::Medium))
    })
}

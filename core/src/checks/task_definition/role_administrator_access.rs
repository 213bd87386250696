use crate::checks::support::roles::{RoleUse, administrator};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "TD35",
    slug: "role-administrator-access",
    title: "The task and execution roles of ECS task definitions should not allow every action on every resource",
    severity: Severity::Critical,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the task role or the execution role may perform every action (`*`) on every resource (`*`), whatever kind of policy grants it: inline, customer managed (default version) or AWS managed (`AdministratorAccess`). The role's policies are evaluated as IAM does within one account: `Action`/`NotAction` and `Resource`/`NotResource` as strings or lists, case-insensitive action globs, an unconditioned `Deny` of every action removes it (one that removes only some actions lowers the severity one level: the rest is still every other action), and the permissions boundary caps the result. An `Allow` that holds only under a `Condition` fails one level lower (HIGH), said in the evidence; a `Deny` with a `Condition` is never trusted to apply. Organization SCPs and RCPs are invisible to a scan and the evidence says so. This is wider than Security Hub IAM.1 (customer managed policies only, see TD36). NOT_AVAILABLE when the role or one of its policies was not read and the rest grants nothing.",
    risk: "Any code running in the task (or anyone who obtains its credentials from the metadata endpoint) controls the whole account: it can read every secret, create users and keys, and delete resources.",
    remediation: Remediation {
        text: "Replace the administrator grant with the actions and resources the application (task role) or the ECS agent (execution role) needs; start from IAM Access Analyzer's policy generation over the role's CloudTrail activity.",
        cli: "aws iam detach-role-policy --role-name app-task --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\naws iam put-role-policy --role-name app-task --policy-name app --policy-document file://least-privilege.json",
        cloudformation: "AppTaskRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument: ...\n    Policies:\n      - PolicyName: app\n        PolicyDocument:\n          Version: '2012-10-17'\n          Statement:\n            - Effect: Allow\n              Action: ['s3:GetObject']\n              Resource: !Sub '${Bucket.Arn}/*'",
        terraform: "resource \"aws_iam_role_policy\" \"app\" {\n  role   = aws_iam_role.app_task.id\n  policy = data.aws_iam_policy_document.least_privilege.json\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
    ],
    compliance: &[
        nist("AC-6"),
        nist("AC-6(10)"),
        pci("7.2.1"),
        soc2("CC6.3"),
        cis("1.16"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "AdministratorAccess attached (not in the read: the built-in document)",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],"Policies":[]}}}"#,
        },
        Example {
            name: "an inline * on * (URL-encoded, as the API returns it)",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"all","PolicyDocument":"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D"}],"AttachedManagedPolicies":[]}]}}}"#,
        },
        Example {
            name: "a boundary caps it",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"all","PolicyDocument":{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}}],"PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/boundary"}}],
"Policies":[{"PolicyName":"boundary","Arn":"arn:aws:iam::111122223333:policy/boundary","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "an unconditioned Deny of everything",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{"PolicyName":"all","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}}]}]}}}"#,
        },
        Example {
            name: "a customer managed policy that was not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","AttachedManagedPolicies":[{"PolicyName":"app","PolicyArn":"arn:aws:iam::111122223333:policy/app"}]}],"IsTruncated":true}}}"#,
        },
        Example {
            name: "roles not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
        Example {
            name: "no roles",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task, RoleUse::Execution], |_, perms| {
        administrator(perms, "")
    })
}

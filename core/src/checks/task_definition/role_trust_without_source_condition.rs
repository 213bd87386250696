use crate::checks::support::roles::RoleUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::iam::{Effect, Statement};

const SOURCE_KEYS: [&str; 2] = ["aws:sourceaccount", "aws:sourcearn"];

/// The statement lets the ECS tasks service principal assume the role.
fn trusts_ecs_tasks(s: &Statement) -> bool {
    if s.effect != Effect::Allow || !s.actions.covers_action("sts:AssumeRole") {
        return false;
    }
    let service = s
        .principal
        .as_ref()
        .and_then(|p| p.get("Service"))
        .map(|v| match v {
            serde_json::Value::String(x) => vec![x.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    service
        .iter()
        .any(|x| x.eq_ignore_ascii_case("ecs-tasks.amazonaws.com"))
}

fn tests_source(s: &Statement) -> bool {
    s.condition_keys()
        .iter()
        .any(|k| SOURCE_KEYS.contains(&k.as_str()))
}

pub static CHECK: Check = Check {
    id: "TD42",
    slug: "role-trust-without-source-condition",
    title: "The trust policies of ECS task and execution roles should name the account or ARN tasks come from",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the trust policy of the task role or the execution role lets `ecs-tasks.amazonaws.com` assume it (`sts:AssumeRole`) in a statement that tests neither `aws:SourceAccount` nor `aws:SourceArn`, unless every `Allow` statement of the role's permission policies tests one of them (ECS accepts the condition \"in either the trust relationship or the IAM policy associated with the role\"). A wildcard `aws:SourceArn` such as `arn:aws:ecs:us-west-2:111122223333:*` passes: AWS's own example uses it, since a specific cluster is not supported (Prowler fails it). NOT_AVAILABLE when the trust policy was not read.",
    risk: "Without the condition, the role is open to the confused deputy problem: ECS acting for another account could be made to use it.",
    remediation: Remediation {
        text: "Add `StringEquals aws:SourceAccount` (and optionally `ArnLike aws:SourceArn arn:aws:ecs:<region>:<account>:*`) to the trust policy statement for `ecs-tasks.amazonaws.com`.",
        cli: "aws iam update-assume-role-policy --role-name app-task --policy-document file://ecs-tasks-trust-with-source.json",
        cloudformation: "AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal: { Service: ecs-tasks.amazonaws.com }\n      Action: sts:AssumeRole\n      Condition:\n        StringEquals: { aws:SourceAccount: !Ref AWS::AccountId }\n        ArnLike: { aws:SourceArn: !Sub 'arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:*' }",
        terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"aws:SourceAccount\"\n  values   = [data.aws_caller_identity.current.account_id]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    ],
    compliance: &[nist("AC-3"), nist("AC-6"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "ecs-tasks without a condition",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"}]},"RolePolicyList":[]}]}}}"#,
        },
        Example {
            name: "AWS's wildcard SourceArn example",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Condition%22%3A%7B%22ArnLike%22%3A%7B%22aws%3ASourceArn%22%3A%22arn%3Aaws%3Aecs%3Aus-east-1%3A111122223333%3A%2A%22%7D%7D%7D%5D%7D"}]}}}"#,
        },
        Example {
            name: "trust policy not returned",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"arn:aws:iam::111122223333:role/web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}},
"authorization-details.json":{"RoleDetailList":[{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task"}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionRoles(eval),
};

fn eval(v: &RoleView<'_>, _: &Options) -> Verdict {
    v.judge_roles(&[RoleUse::Task, RoleUse::Execution], |role, perms| {
        let trust = match &role.trust {
            None => return Verdict::of(Outcome::unknown("not read: the role's trust policy")),
            Some(Err(e)) => {
                return Verdict::of(Outcome::unknown(format!(
                    "the role's trust policy could not be read: {e}"
                )));
            }
            Some(Ok(t)) => t,
        };
        let open = trust
            .statements
            .iter()
            .filter(|s| trusts_ecs_tasks(s) && !tests_source(s))
            .count();
        if open == 0 {
            return Verdict::of(Outcome::Passed);
        }
        let allows: Vec<&Statement> = perms
            .policies
            .iter()
            .flat_map(|p| p.statements.iter())
            .filter(|s| s.effect == Effect::Allow)
            .collect();
        if perms.unread.is_empty() && !allows.is_empty() && allows.iter().all(|s| tests_source(s)) {
            return Verdict::of(Outcome::Passed);
        }
        Verdict::of(Outcome::failed([format!(
            "the trust policy lets ecs-tasks.amazonaws.com assume the role without an aws:SourceAccount or aws:SourceArn condition ({open} statement{})",
            if open == 1 { "" } else { "s" }
        )]))
    })
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD14",
    slug: "task-role-missing",
    title: "ECS task definitions should define a dedicated task role",
    severity: Severity::Low,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `taskRoleArn` is absent. Off by default: a task that calls no AWS API needs no task role, and having none is least privilege. Enable it where the organisation's policy is one role per service so that applications never fall back to the instance profile (EC2 launch type).",
    risk: "On EC2, a task without a task role that calls AWS APIs uses the container instance's role, shared by every task on the instance.",
    remediation: Remediation {
        text: "Create a task role per service with only the permissions it needs and set `taskRoleArn`; block containers' access to the instance metadata service on EC2.",
        cli: "aws iam create-role --role-name app-task --assume-role-policy-document file://ecs-tasks-trust.json",
        cloudformation: "TaskRoleArn: !GetAtt AppTaskRole.Arn",
        terraform: "task_role_arn = aws_iam_role.app_task.arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    ],
    compliance: &[nist("AC-6"), soc2("CC6.3")],
    status: CheckStatus::Stable,
    enabled_by_default: false,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "no task role",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "task role",
            expect: Status::Passed,
            json: r#"{"family":"a","taskRoleArn":"arn:aws:iam::111122223333:role/t","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td
        .task_role_arn
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        Outcome::Passed
    } else {
        Outcome::failed(["taskRoleArn not set".to_owned()])
    }
}

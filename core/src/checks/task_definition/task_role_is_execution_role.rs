use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD19",
    slug: "task-role-is-execution-role",
    title: "ECS task definitions should use different task and execution roles",
    severity: Severity::Medium,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `taskRoleArn` equals `executionRoleArn` (Checkov CKV_AWS_249). NOT_APPLICABLE when either role is absent.",
    risk: "The execution role can pull every image and read every secret the task definition references; giving the same role to the application hands those permissions to code an attacker may control.",
    remediation: Remediation {
        text: "Create a separate task role with only the permissions the application needs, and keep the execution role for the ECS agent (image pulls, logs, secrets).",
        cli: "aws iam create-role --role-name app-task --assume-role-policy-document file://ecs-tasks-trust.json",
        cloudformation: "TaskRoleArn: !GetAtt AppTaskRole.Arn\nExecutionRoleArn: !GetAtt AppExecutionRole.Arn",
        terraform: "task_role_arn      = aws_iam_role.app_task.arn\nexecution_role_arn = aws_iam_role.app_execution.arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    ],
    compliance: &[
        nist("AC-5"),
        nist("AC-6"),
        pci("7.2.2"),
        hipaa("164.308(a)(4)"),
        soc2("CC6.3"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "same role",
            expect: Status::Failed,
            json: r#"{"family":"a","taskRoleArn":"arn:aws:iam::111122223333:role/r","executionRoleArn":"arn:aws:iam::111122223333:role/r","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "different roles",
            expect: Status::Passed,
            json: r#"{"family":"a","taskRoleArn":"arn:aws:iam::111122223333:role/t","executionRoleArn":"arn:aws:iam::111122223333:role/e","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "no task role",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","executionRoleArn":"arn:aws:iam::111122223333:role/e","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    match (
        td.task_role_arn.as_deref(),
        td.execution_role_arn.as_deref(),
    ) {
        (Some(t), Some(e)) if !t.is_empty() && !e.is_empty() => {
            if t == e {
                Outcome::failed([format!("taskRoleArn and executionRoleArn are both {t}")])
            } else {
                Outcome::Passed
            }
        }
        _ => Outcome::na("task role or execution role not set"),
    }
}

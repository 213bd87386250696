use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD20",
    slug: "execution-role-missing",
    title: "ECS task definitions that need an execution role should define one",
    severity: Severity::Medium,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `executionRoleArn` is absent although the definition uses something only the execution role can provide: `secrets` or log `secretOptions`, the awslogs driver on Fargate, private registry `repositoryCredentials`, or Amazon ECR images on Fargate. Definitions that need no execution role are NOT_APPLICABLE (a missing role is then least privilege, not a finding).",
    risk: "Without the role, tasks fail to start or teams work around it by baking credentials into images or environment variables.",
    remediation: Remediation {
        text: "Create an execution role trusted by ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy, plus read access to exactly the secrets the definition references.",
        cli: "aws iam attach-role-policy --role-name app-execution --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        cloudformation: "ExecutionRoleArn: !GetAtt AppExecutionRole.Arn",
        terraform: "execution_role_arn = aws_iam_role.app_execution.arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
    ],
    compliance: &[nist("AC-6"), nist("IA-5(7)"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "secrets without execution role",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"arn:aws:ssm:us-east-1:111122223333:parameter/db"}]}]}"#,
        },
        Example {
            name: "secrets with execution role",
            expect: Status::Passed,
            json: r#"{"family":"a","executionRoleArn":"arn:aws:iam::111122223333:role/e","containerDefinitions":[{"name":"web","image":"nginx:1.27","secrets":[{"name":"DB","valueFrom":"db"}]}]}"#,
        },
        Example {
            name: "nothing needs it",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let fargate = td.launch_types().fargate;
    let mut needs = Vec::new();
    for (n, c) in containers(td) {
        if !c.secrets.is_empty() {
            needs.push(Evidence::container(n, "uses secrets"));
        }
        if c.log_configuration
            .as_ref()
            .is_some_and(|l| !l.secret_options.is_empty())
        {
            needs.push(Evidence::container(
                n,
                "log configuration uses secretOptions",
            ));
        }
        if c.repository_credentials
            .as_ref()
            .is_some_and(|r| r.credentials_parameter.is_some())
        {
            needs.push(Evidence::container(n, "pulls with repositoryCredentials"));
        }
        if fargate && c.log_driver().is_some_and(|d| d == "awslogs") {
            needs.push(Evidence::container(n, "awslogs driver on Fargate"));
        }
        if fargate && c.image.as_deref().is_some_and(|i| i.contains(".dkr.ecr.")) {
            needs.push(Evidence::container(n, "pulls from Amazon ECR on Fargate"));
        }
    }
    if needs.is_empty() {
        return Outcome::na("nothing in the definition requires an execution role");
    }
    if td
        .execution_role_arn
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        Outcome::Passed
    } else {
        Outcome::Failed(
            needs
                .into_iter()
                .map(|mut n| {
                    n.text = format!("{}, but executionRoleArn is not set", n.text).into();
                    n.field("executionRoleArn")
                })
                .collect(),
        )
    }
}

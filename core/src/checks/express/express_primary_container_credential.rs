use crate::checks::support::secrets;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::express::ExpressService;

pub static CHECK: Check = Check {
    id: "SV30",
    slug: "express-primary-container-credential",
    title: "The primary container of ECS Express Mode services should not carry credentials in its environment or command",
    severity: Severity::Critical,
    category: Category::Secrets,
    types: &[types::SENSITIVE, types::BEST_PRACTICES],
    description: "Scans the `primaryContainer` of every active configuration of an ECS Express Mode service, as `DescribeExpressGatewayService` returns it, for credentials in `environment` values and `command` arguments, with TD09's detector (the same shapes, names, placeholders and exceptions). The primary container is a container of the task definition the configuration runs, which TD09 judges as any other: to report each credential once, a configuration whose task definition the scan read is NOT_APPLICABLE here (TD09 reports it on the task definition), and only a configuration whose task definition was not read (its read failed, or an offline input without it) is judged from the Express description. Evidence names the variable or argument; the value never leaves the process. No Security Hub control, AWS Config rule or other scanner looks at Express Mode services.",
    risk: "A credential in an Express service's primary container is in its task definition too: readable by every principal with ecs:DescribeExpressGatewayService or ecs:DescribeTaskDefinition, in CloudTrail, and in every old revision; it must be considered leaked.",
    remediation: Remediation {
        text: "Rotate the exposed credential first. Then move it to AWS Secrets Manager, reference it from the primary container's `secrets`, and update the service; deregister the task definition revisions that carried it.",
        cli: "aws ecs update-express-gateway-service --service-arn SERVICE_ARN --primary-container '{\"image\":\"IMAGE\",\"secrets\":[{\"name\":\"DB_PASSWORD\",\"valueFrom\":\"arn:aws:secretsmanager:REGION:ACCOUNT:secret:db\"}]}'",
        cloudformation: "Type: AWS::ECS::ExpressGatewayService\nProperties:\n  PrimaryContainer:\n    Image: !Ref Image\n    Secrets:\n      - Name: DB_PASSWORD\n        ValueFrom: !Ref DbSecret",
        terraform: "# AWS Cloud Control provider\nresource \"awscc_ecs_express_gateway_service\" \"app\" {\n  primary_container = {\n    image   = var.image\n    secrets = [{ name = \"DB_PASSWORD\", value_from = aws_secretsmanager_secret.db.arn }]\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExpressGatewayContainer.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
    ],
    compliance: &[nist("IA-5(7)"), nist("SC-28"), pci("8.3.2"), pci("8.6.2")],
    status: CheckStatus::Preview,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "an access key in the environment, task definition not read",
            expect: Status::Failed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:3"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:3","primaryContainer":{"image":"public.ecr.aws/nginx/nginx:1.27","environment":[{"name":"AWS_ACCESS_KEY_ID","value":"AKIAQWERTYUIOPASDFGH"}]}}]}}}}"#,
        },
        Example {
            name: "the task definition was read: TD09 judges it",
            expect: Status::NotApplicable,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:3"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:3","primaryContainer":{"image":"public.ecr.aws/nginx/nginx:1.27","environment":[{"name":"AWS_ACCESS_KEY_ID","value":"AKIAQWERTYUIOPASDFGH"}]}}]}},
"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/default-web:3","family":"default-web","revision":3,"status":"ACTIVE","containerDefinitions":[{"name":"Main","image":"public.ecr.aws/nginx/nginx:1.27","environment":[{"name":"AWS_ACCESS_KEY_ID","value":"AKIAQWERTYUIOPASDFGH"}]}]}}}}"#,
        },
        Example {
            name: "secrets referenced, plain settings in the environment",
            expect: Status::Passed,
            json: r#"{"files":{"services.json":{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","serviceName":"web","status":"ACTIVE","resourceManagementType":"ECS"}]},
"express-web.json":{"service":{"serviceName":"web","serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/default/web","status":{"statusCode":"ACTIVE"},"activeConfigurations":[{"primaryContainer":{"image":"public.ecr.aws/nginx/nginx:1.27","environment":[{"name":"LOG_LEVEL","value":"info"}],"secrets":[{"name":"DB_PASSWORD","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:db"}]}}]}}}}"#,
        },
    ],
    evaluator: Evaluator::ExpressService(eval),
};

fn eval(v: &ServiceView<'_>, e: &ExpressService, opts: &Options) -> Verdict {
    let mut evidence = Vec::new();
    let mut judged = 0;
    for (i, c) in e.active_configurations.iter().enumerate() {
        if v.express_task_definitions
            .get(i)
            .copied()
            .flatten()
            .is_some()
        {
            continue;
        }
        let Some(p) = &c.primary_container else {
            continue;
        };
        judged += 1;
        let revision = c
            .task_definition_arn
            .as_deref()
            .map(|t| format!(" (runs {t}, not read)"))
            .unwrap_or_default();
        for var in &p.environment {
            let (Some(name), Some(value)) = (var.name.as_deref(), var.value.as_deref()) else {
                continue;
            };
            if let Some(kind) = secrets::classify(name, value, opts) {
                evidence.push(format!(
                    "primary container environment variable {name} holds {kind}{revision}"
                ));
            }
        }
        for (n, arg) in p.command.iter().enumerate() {
            if let Some(kind) = secrets::classify_argument(arg, opts) {
                evidence.push(format!(
                    "primary container command argument {} holds {kind}{revision}",
                    n + 1
                ));
            }
        }
    }
    if judged == 0 {
        return Verdict::of(Outcome::na(
            "TD09 judges the task definitions the configurations run (they were read)",
        ));
    }
    evidence.dedup();
    Verdict::of(Outcome::fail_if_any(evidence))
}

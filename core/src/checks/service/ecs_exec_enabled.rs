use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};

pub static CHECK: Check = Check {
    id: "SV04",
    slug: "ecs-exec-enabled",
    title: "ECS services should not keep ECS Exec enabled",
    severity: Severity::Medium,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when `enableExecuteCommand` is true. The evidence says whether the cluster logs exec sessions (`executeCommandConfiguration.logging`) and encrypts them with KMS, so the risk can be weighed. No other tool checks this.",
    risk: "ECS Exec gives an interactive shell in running production containers to anyone with ecs:ExecuteCommand; without session logging nothing records what they did.",
    remediation: Remediation {
        text: "Disable ECS Exec on the service and enable it only for a time-boxed investigation; if it must stay on, restrict ecs:ExecuteCommand by tag and log and encrypt sessions at the cluster.",
        cli: "aws ecs update-service --cluster CLUSTER --service SERVICE --disable-execute-command --force-new-deployment",
        cloudformation: "EnableExecuteCommand: false",
        terraform: "enable_execute_command = false",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html"],
    compliance: &[
        nist("AC-17"),
        nist("AC-6"),
        nist("AU-12"),
        pci("7.2.1"),
        hipaa("164.312(b)"),
        soc2("CC6.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "enabled",
            expect: Status::Failed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","enableExecuteCommand":true}]}"#,
        },
        Example {
            name: "disabled",
            expect: Status::Passed,
            json: r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","enableExecuteCommand":false}]}"#,
        },
    ],
    evaluator: Evaluator::Service(eval),
};

fn eval(v: &ServiceView<'_>, _: &Options) -> Outcome {
    if v.service.enable_execute_command != Some(true) {
        return Outcome::Passed;
    }
    let mut evidence = vec!["enableExecuteCommand = true".to_owned()];
    evidence.extend(crate::checks::support::exec_session_evidence(v.cluster));
    Outcome::failed(evidence)
}

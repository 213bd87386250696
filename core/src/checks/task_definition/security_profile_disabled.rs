use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD24",
    slug: "security-profile-disabled",
    title: "ECS containers should not disable seccomp, AppArmor or SELinux confinement",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES, types::RUNTIME],
    description: "Fails when a container's `dockerSecurityOptions` contains `seccomp:unconfined`, `apparmor:unconfined`, `label:disable`, `label=disable` or `systempaths=unconfined`.",
    risk: "Docker's default seccomp and AppArmor profiles block dozens of system calls used in container escapes; turning them off removes that layer for every process in the container.",
    remediation: Remediation {
        text: "Remove the unconfined options; if a system call is genuinely needed, use a custom seccomp profile that allows only it.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # without \"seccomp:unconfined\"",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    DockerSecurityOptions: [no-new-privileges]",
        terraform: "container_definitions = jsonencode([{ name = \"app\", dockerSecurityOptions = [\"no-new-privileges\"] }])",
    },
    references: &["https://docs.docker.com/engine/security/seccomp/"],
    compliance: &[
        nist("AC-6"),
        nist("CM-7"),
        nist("SC-39"),
        soc2("CC6.8"),
        cis("5.1"),
        cis("5.21"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "seccomp unconfined",
            expect: Status::Failed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","dockerSecurityOptions":["seccomp:unconfined"]}]}"#,
        },
        Example {
            name: "defaults",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","dockerSecurityOptions":["no-new-privileges"]}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        for o in &c.docker_security_options {
            let l = o.trim().to_ascii_lowercase().replace('=', ":");
            if matches!(
                l.as_str(),
                "seccomp:unconfined"
                    | "apparmor:unconfined"
                    | "label:disable"
                    | "systempaths:unconfined"
            ) {
                evidence.push(Evidence::container(
                    n,
                    format!("dockerSecurityOptions includes {}", o.trim()),
                ));
            }
        }
    }
    Outcome::fail_if_any(evidence)
}

use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::{OsFamily, TaskDefinition};

pub static CHECK: Check = Check {
    id: "TD23",
    slug: "no-new-privileges-missing",
    title: "ECS containers on EC2 should set no-new-privileges",
    severity: Severity::Low,
    category: Category::RuntimeSecurity,
    types: &[types::BEST_PRACTICES, types::RUNTIME],
    description: "For task definitions that can run on EC2 or external instances, fails when a container's `dockerSecurityOptions` lacks `no-new-privileges` (or `no-new-privileges:true`). Fargate-only and Windows task definitions are NOT_APPLICABLE: Fargate does not accept `dockerSecurityOptions`.",
    risk: "Without no-new-privileges a process can gain privileges through setuid binaries in the image, turning a foothold as an unprivileged user into root in the container.",
    remediation: Remediation {
        text: "Add `no-new-privileges` to `dockerSecurityOptions` of every container (container instances must allow it with ECS_SELINUX_CAPABLE/ECS_APPARMOR_CAPABLE only for SELinux/AppArmor labels; no-new-privileges needs nothing).",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # \"dockerSecurityOptions\": [\"no-new-privileges\"]",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    DockerSecurityOptions: [no-new-privileges]",
        terraform: "container_definitions = jsonencode([{ name = \"app\", dockerSecurityOptions = [\"no-new-privileges\"] }])",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
    ],
    compliance: &[nist("AC-6"), nist("CM-7"), soc2("CC6.8"), cis("5.25")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "ec2 without the option",
            expect: Status::Failed,
            json: r#"{"family":"a","requiresCompatibilities":["EC2"],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
        Example {
            name: "ec2 with the option",
            expect: Status::Passed,
            json: r#"{"family":"a","containerDefinitions":[{"name":"web","image":"nginx:1.27","dockerSecurityOptions":["no-new-privileges"]}]}"#,
        },
        Example {
            name: "fargate only",
            expect: Status::NotApplicable,
            json: r#"{"family":"a","requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn eval(td: &TaskDefinition, _: &Options) -> Outcome {
    if td.launch_types().fargate_only() {
        return Outcome::na("Fargate does not support dockerSecurityOptions");
    }
    if td.os_family() == OsFamily::Windows {
        return Outcome::na("task definition is for Windows");
    }
    Outcome::fail_if_any(
        containers(td)
            .filter(|(_, c)| {
                !c.docker_security_options.iter().any(|o| {
                    let o = o.trim().to_ascii_lowercase();
                    o == "no-new-privileges"
                        || o == "no-new-privileges:true"
                        || o == "no-new-privileges=true"
                })
            })
            .map(|(n, _)| {
                Evidence::container(n, "dockerSecurityOptions lacks no-new-privileges")
                    .field("dockerSecurityOptions")
            })
            .collect(),
    )
}

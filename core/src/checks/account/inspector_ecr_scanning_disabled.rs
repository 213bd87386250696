use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::account::EcrScanning;
use crate::model::load_balancing::Read;

pub static CHECK: Check = Check {
    id: "AC04",
    slug: "inspector-ecr-scanning-disabled",
    title: "Amazon Inspector should scan the ECR images ECS task definitions use",
    severity: Severity::High,
    category: Category::ImageSecurity,
    types: &[types::FSBP, types::PATCH],
    description: "Evaluated once per account and region where ACTIVE task definitions use images of the account's own ECR registry there. Passes when `aws inspector2 batch-get-account-status` reports the account's `resourceState.ecr.status` as `ENABLED`: Security Hub Inspector.2 exactly (`ENABLING`, `DISABLING`, `DISABLED`, `SUSPENDING`, `SUSPENDED` fail, named). Enabling it switches the registry to enhanced scanning, which rescans images as vulnerabilities are published; TD44 (ECR.1) judges each repository's scanning. Archived when a region scan finds no task definition using the registry. NOT_AVAILABLE when Inspector was not read, the call was refused, or the output lists the account among `failedAccounts` or not at all (the error code is named).",
    risk: "Basic scanning looks at an image once, at push: a vulnerability published next month in a library the running image carries is never reported. Continuous scanning is what turns a new CVE into a finding against the images ECS actually runs.",
    remediation: Remediation {
        text: "Activate Amazon Inspector for Amazon ECR in the account and region (from the delegated administrator in an organization), then choose the rescan duration that covers how long images stay deployed.",
        cli: "aws inspector2 enable --resource-types ECR --account-ids ACCOUNT_ID --region REGION",
        cloudformation: "# Amazon Inspector activation has no CloudFormation resource; enable it with the CLI,\n# the console or Terraform (from the delegated administrator in an organization).",
        terraform: "resource \"aws_inspector2_enabler\" \"ecr\" {\n  account_ids    = [data.aws_caller_identity.current.account_id]\n  resource_types = [\"ECR\"]\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-2",
        "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html",
    ],
    compliance: &[
        fsbp("Inspector.2"),
        config_rule("inspector-ecr-scan-enabled"),
        nist("RA-5"),
        nist("SI-2"),
        pci("6.3.3"),
        pci("11.3.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "ECR scanning disabled where the account's images run",
            expect: Status::Failed,
            json: r#"{"files":{"task-definition.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.2"}]}},"inspector2-account-status.json":{"accounts":[{"accountId":"111122223333","state":{"status":"ENABLED"},"resourceState":{"ec2":{"status":"ENABLED"},"ecr":{"status":"DISABLED"}}}],"failedAccounts":[]}}}"#,
        },
        Example {
            name: "ECR scanning enabled",
            expect: Status::Passed,
            json: r#"{"files":{"task-definition.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.2"}]}},"inspector2-account-status.json":{"accounts":[{"accountId":"111122223333","state":{"status":"ENABLED"},"resourceState":{"ecr":{"status":"ENABLED"}}}],"failedAccounts":[]}}}"#,
        },
        Example {
            name: "the account failed in the answer",
            expect: Status::NotAvailable,
            json: r#"{"files":{"task-definition.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.2"}]}},"inspector2-account-status.json":{"accounts":[],"failedAccounts":[{"accountId":"111122223333","errorCode":"ACCESS_DENIED","errorMessage":"denied"}]}}}"#,
        },
        Example {
            name: "Inspector not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"web","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.2"}]}}"#,
        },
    ],
    evaluator: Evaluator::Account(AccountCheck {
        applies_where: Workload::EcrImages,
        source: crate::model::account::INSPECTOR_STATUS_FILE,
        eval,
    }),
};

fn eval(v: &AccountView<'_>, _: &Options) -> Outcome {
    let status = match &v.settings.inspector {
        None => {
            return Outcome::unknown(
                "not read: Amazon Inspector (aws inspector2 batch-get-account-status)".to_owned(),
            );
        }
        Some(Read::Error(e)) => {
            return Outcome::unknown(format!(
                "not read: Amazon Inspector's account status (inspector2:BatchGetAccountStatus: {})",
                e.code
            ));
        }
        Some(Read::Answered(s)) => s,
    };
    match status.ecr_scanning(v.account) {
        EcrScanning::Status(s) if s.eq_ignore_ascii_case("ENABLED") => Outcome::Passed,
        EcrScanning::Status(s) => Outcome::failed(vec![format!(
            "Amazon Inspector ECR scanning is {s} for account {} in {}, where ECS task definitions use images of its registry: they are scanned at most once, at push",
            v.account, v.region
        )]),
        EcrScanning::Failed(code) => Outcome::unknown(format!(
            "not read: Amazon Inspector's status of account {} (failedAccounts: {code})",
            v.account
        )),
        EcrScanning::Absent => Outcome::unknown(format!(
            "not read: Amazon Inspector's ECR state of account {} (absent from batch-get-account-status)",
            v.account
        )),
    }
}

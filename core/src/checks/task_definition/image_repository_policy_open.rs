use crate::checks::support::repositories::RepositoryUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::load_balancing::Read;
use crate::model::registry::policy_exposure;

pub static CHECK: Check = Check {
    id: "TD48",
    slug: "image-repository-policy-open",
    title: "The ECR repositories ECS task definitions pull from should not be open to every AWS account",
    severity: Severity::Critical,
    category: Category::ImageSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Reads the repository policy of the latest ACTIVE task definitions' repositories (`GetRepositoryPolicy`; `RepositoryPolicyNotFoundException` passes: only the account's own principals have access). Fails CRITICAL when an `Allow` statement names the principal `*` (or `{\"AWS\": \"*\"}`) without a condition restricting who (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:PrincipalArn`, `aws:SourceVpce` and the like): on a private repository that is every authenticated AWS principal of any account, so anyone can pull (or push, with the actions granted) the images. Fails LOW when the policy grants other accounts by ARN or id and none of them is in `trusted_accounts`, naming them. Offline, the error document is bound by file name: `repository-policy-<repository>.json`. NOT_AVAILABLE on any other error or when not read.",
    risk: "Images carry code, configuration and sometimes secrets baked into layers; a repository open to every AWS account gives them away, and a push grant lets anyone replace what the tasks run.",
    remediation: Remediation {
        text: "Restrict the statement to named accounts or to the organization (`aws:PrincipalOrgID`), or remove it.",
        cli: "aws ecr set-repository-policy --repository-name web --policy-text file://org-only-pull.json",
        cloudformation: "WebRepository:\n  Type: AWS::ECR::Repository\n  Properties:\n    RepositoryPolicyText:\n      Version: '2012-10-17'\n      Statement:\n        - Effect: Allow\n          Principal: '*'\n          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']\n          Condition:\n            StringEquals:\n              aws:PrincipalOrgID: o-exampleorgid",
        terraform: "resource \"aws_ecr_repository_policy\" \"web\" {\n  repository = aws_ecr_repository.web.name\n  policy     = data.aws_iam_policy_document.org_only_pull.json\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
    ],
    compliance: &[nist("AC-3"), nist("AC-21"), pci("7.2.1"), soc2("CC6.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "trusted_accounts",
        default: "(none)",
        doc: "account ids a repository policy may grant without a finding",
    }],
    examples: &[
        Example {
            name: "open to every AWS principal",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"policy.json":{"registryId":"111122223333","repositoryName":"web","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"pull\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\"]}]}"}}}"#,
        },
        Example {
            name: "restricted to the organization",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"policy.json":{"registryId":"111122223333","repositoryName":"web","policyText":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"ecr:BatchGetImage\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-exampleorgid\"}}}]}"}}}"#,
        },
        Example {
            name: "another account",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"policy.json":{"registryId":"111122223333","repositoryName":"web","policyText":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:BatchGetImage\"}]}"}}}"#,
        },
        Example {
            name: "no repository policy",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repository-policy-web.json":{"Code":"RepositoryPolicyNotFoundException","Message":"Repository policy does not exist for the repository with name 'web'"}}}"#,
        },
        Example {
            name: "not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, opts: &Options) -> Verdict {
    v.judge_repositories(|r| judge(r, opts))
}

fn judge(r: &RepositoryUse<'_>, opts: &Options) -> Verdict {
    let text = match r.registry.repository_policy(r.account, r.name) {
        Some(Read::Answered(text)) => text,
        Some(Read::Error(e)) if e.code == "RepositoryPolicyNotFoundException" => {
            return Verdict::of(Outcome::Passed);
        }
        Some(Read::Error(e)) => {
            return Verdict::of(Outcome::unknown(format!(
                "the repository policy could not be read (ecr:GetRepositoryPolicy answered {}: {})",
                e.code, e.message
            )));
        }
        None => {
            return Verdict::of(Outcome::unknown(
                "not read: the repository policy (aws ecr get-repository-policy)",
            ));
        }
    };
    let exposure = match policy_exposure(text, r.account) {
        Ok(e) => e,
        Err(e) => {
            return Verdict::of(Outcome::unknown(format!(
                "the repository policy could not be parsed: {e}"
            )));
        }
    };
    if !exposure.public.is_empty() {
        return Verdict::of(Outcome::failed([format!(
            "the repository policy allows every AWS principal of any account with no restricting condition ({})",
            exposure.public.join(", ")
        )]))
        .severity(Severity::Critical);
    }
    let others: Vec<&str> = exposure
        .accounts
        .iter()
        .map(String::as_str)
        .filter(|a| !opts.trusted_accounts.iter().any(|t| t == a))
        .collect();
    if others.is_empty() {
        return Verdict::of(Outcome::Passed);
    }
    Verdict::of(Outcome::failed([format!(
        "the repository policy grants other accounts not in trusted_accounts: {}",
        others.join(", ")
    )]))
    .severity(Severity::Low)
}

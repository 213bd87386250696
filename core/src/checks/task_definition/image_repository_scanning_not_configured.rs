use crate::checks::support::repositories::RepositoryUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};
use crate::model::load_balancing::Read;
use crate::model::registry::registry_rules_frequency;

pub static CHECK: Check = Check {
    id: "TD44",
    slug: "image-repository-scanning-not-configured",
    title: "The ECR repositories ECS task definitions pull from should scan images on push or continuously",
    severity: Severity::High,
    category: Category::ImageSecurity,
    types: &[types::FSBP, types::PATCH],
    description: "Security Hub ECR.1 on the repositories of the latest ACTIVE task definitions' images (private ECR, the scanned account and region). Passes when the repository's effective scan frequency is `SCAN_ON_PUSH` or `CONTINUOUS_SCAN`; fails on `MANUAL`. The effective frequency is ECR's own answer (`BatchGetRepositoryScanningConfiguration`) where read, else it is worked out from the registry's rules with their real precedence: under enhanced scanning a continuous rule wins over a scan-on-push rule and a repository no rule matches is not scanned; under basic scanning a repository no scan-on-push rule matches is manual. A filter without `*` matches every name containing it. The repository's own `scanOnPush` flag (deprecated) counts only when neither was read, and the evidence says so. An image in another account's or region's registry is NOT_AVAILABLE; images outside ECR are not applicable.",
    risk: "Images that are never scanned run known vulnerabilities unnoticed: nothing reports the CVEs of what the tasks run.",
    remediation: Remediation {
        text: "Configure registry scanning (enhanced scanning with Amazon Inspector for continuous scans) with a filter that matches the repository.",
        cli: "aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules '[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'",
        cloudformation: "RegistryScanning:\n  Type: AWS::ECR::RegistryScanningConfiguration\n  Properties:\n    ScanType: ENHANCED\n    Rules:\n      - ScanFrequency: CONTINUOUS_SCAN\n        RepositoryFilters:\n          - Filter: '*'\n            FilterType: WILDCARD",
        terraform: "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html",
    ],
    compliance: &[
        fsbp("ECR.1"),
        config_rule("ecr-private-image-scanning-enabled"),
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
            name: "enhanced scanning, continuous rule wins",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/prod-web:1.4"}]}},
"scanning.json":{"registryId":"111122223333","scanningConfiguration":{"scanType":"ENHANCED","rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]},{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod","filterType":"WILDCARD"}]}]}}}}"#,
        },
        Example {
            name: "basic scanning, no rule matches",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"scanning.json":{"registryId":"111122223333","scanningConfiguration":{"scanType":"BASIC","rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]}}}}"#,
        },
        Example {
            name: "ECR's own answer for the repository",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repo-scanning.json":{"scanningConfigurations":[{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/web","repositoryName":"web","scanOnPush":false,"scanFrequency":"MANUAL","appliedScanFilters":[]}],"failures":[]}}}"#,
        },
        Example {
            name: "scanning not read",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}}"#,
        },
        Example {
            name: "another account's registry",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"444455556666.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"scanning.json":{"registryId":"111122223333","scanningConfiguration":{"scanType":"BASIC","rules":[]}}}}"#,
        },
        Example {
            name: "Docker Hub image",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, _: &Options) -> Verdict {
    v.judge_repositories(judge)
}

fn judge(r: &RepositoryUse<'_>) -> Verdict {
    let (frequency, basis) = match r.registry.repository_scanning(r.account, r.name) {
        Some(Read::Answered(c)) if c.scan_frequency.is_some() => (
            c.scan_frequency.clone().unwrap_or_default(),
            "ECR's effective scanning configuration of the repository".to_owned(),
        ),
        repo_read => match r.registry.registry_scanning(r.account) {
            Some(Read::Answered(config)) => {
                let e = registry_rules_frequency(config, r.name);
                (e.frequency, e.basis)
            }
            registry_read => {
                let flag = r
                    .repository
                    .and_then(|x| x.image_scanning_configuration.as_ref())
                    .and_then(|c| c.scan_on_push);
                let why = |x: Option<String>| x.unwrap_or_else(|| "not read".to_owned());
                let repo_why = why(match repo_read {
                    Some(Read::Error(e)) => Some(format!("{}: {}", e.code, e.message)),
                    _ => None,
                });
                let registry_why = why(match registry_read {
                    Some(Read::Error(e)) => Some(format!("{}: {}", e.code, e.message)),
                    _ => None,
                });
                match flag {
                    Some(true) => (
                        "SCAN_ON_PUSH".to_owned(),
                        format!(
                            "the repository's own scanOnPush flag (deprecated; the registry's configuration: {registry_why})"
                        ),
                    ),
                    _ => {
                        return Verdict::of(Outcome::unknown(format!(
                            "the repository's scanning configuration could not be read (ecr:BatchGetRepositoryScanningConfiguration: {repo_why}; ecr:GetRegistryScanningConfiguration: {registry_why})"
                        )));
                    }
                }
            }
        },
    };
    if frequency.eq_ignore_ascii_case("SCAN_ON_PUSH")
        || frequency.eq_ignore_ascii_case("CONTINUOUS_SCAN")
    {
        return Verdict::of(Outcome::Passed);
    }
    Verdict::of(Outcome::failed([format!(
        "images of the repository are not scanned on push or continuously (scan frequency {frequency}, from {basis})"
    )]))
}

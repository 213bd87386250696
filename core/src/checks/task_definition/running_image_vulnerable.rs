use crate::checks::support::repositories::{Place, repository_arn};
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Related, Severity, Status, Verdict};
use crate::model::load_balancing::Read;

pub static CHECK: Check = Check {
    id: "TD49",
    slug: "running-image-vulnerable",
    title: "The images ECS tasks run should have no CRITICAL or HIGH vulnerabilities",
    severity: Severity::High,
    category: Category::ImageSecurity,
    types: &[types::PATCH],
    description: "Judges the image each container of the latest ACTIVE task definitions actually runs, by digest: the digest the image reference pins (`@sha256:`), else the digests running tasks report (`DescribeTasks` `containers[].imageDigest`) or service revisions pinned (`DescribeServiceRevisions` `containerImages[]`). A tag is never resolved through the repository: it may have moved since the tasks started. Reads that image's scan (`DescribeImageScanFindings`, which carries basic findings or, under enhanced scanning, Amazon Inspector's findings) and fails when it has CRITICAL or HIGH findings (enhanced findings only while `ACTIVE`), at the worst severity found, with the counts and the first vulnerability ids in the evidence. NOT_AVAILABLE when no digest is known, when the image was never scanned (`ScanNotFoundException`) or its scan did not complete (`FAILED`, `UNSUPPORTED_IMAGE`, `SCAN_ELIGIBILITY_EXPIRED`, `FINDINGS_UNAVAILABLE`), or when the registry is not read.",
    risk: "Known exploitable vulnerabilities in what the tasks run right now: the image scan already names them, but only a running digest says they are in production.",
    remediation: Remediation {
        text: "Rebuild the image on patched base images and packages, push it, and deploy the new digest (force a new deployment of the services using it).",
        cli: "aws ecr describe-image-scan-findings --repository-name web --image-id imageDigest=sha256:...\naws ecs update-service --cluster prod --service web --force-new-deployment",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web@${PatchedDigest}'",
        terraform: "image = \"${aws_ecr_repository.web.repository_url}@${var.patched_digest}\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/APIReference/API_DescribeImageScanFindings.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Container.html",
    ],
    compliance: &[nist("RA-5"), nist("SI-2"), pci("6.3.3"), soc2("CC7.1")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "the running digest has a CRITICAL finding",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"tasks.json":{"tasks":[{"taskArn":"arn:aws:ecs:us-east-1:111122223333:task/prod/0123","taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","containers":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4","imageDigest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}]}],"failures":[]},
"scan.json":{"registryId":"111122223333","repositoryName":"web","imageId":{"imageDigest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","imageTag":"1.4"},"imageScanStatus":{"status":"COMPLETE","description":"The scan was completed successfully."},"imageScanFindings":{"findingSeverityCounts":{"CRITICAL":1,"MEDIUM":3},"findings":[{"name":"CVE-2024-3094","severity":"CRITICAL"}]}}}}"#,
        },
        Example {
            name: "pinned digest, clean scan",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:2222222222222222222222222222222222222222222222222222222222222222"}]}},
"scan.json":{"registryId":"111122223333","repositoryName":"web","imageId":{"imageDigest":"sha256:2222222222222222222222222222222222222222222222222222222222222222"},"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findingSeverityCounts":{"LOW":2},"findings":[]}}}}"#,
        },
        Example {
            name: "no running digest known",
            expect: Status::NotAvailable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}}"#,
        },
        Example {
            name: "scan failed",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web@sha256:2222222222222222222222222222222222222222222222222222222222222222"}]}},
"scan.json":{"registryId":"111122223333","repositoryName":"web","imageId":{"imageDigest":"sha256:2222222222222222222222222222222222222222222222222222222222222222"},"imageScanStatus":{"status":"UNSUPPORTED_IMAGE","description":"The operating system is not supported"}}}}"#,
        },
        Example {
            name: "public image",
            expect: Status::NotApplicable,
            json: r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"public.ecr.aws/nginx/nginx:1.27"}]}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, _: &Options) -> Verdict {
    let running = v
        .task_definition
        .task_definition_arn
        .as_deref()
        .and_then(|arn| v.registry.running_of(arn));
    let mut parts: Vec<(Option<String>, Verdict)> = Vec::new();
    for img in v.images {
        // Only a failing or unknown part's label reaches the combined verdict.
        let label = |v: &Verdict| v.labelled().then(|| format!("container {}", img.container));
        let (account, region, repository, (pinned, found)) = match &img.place {
            Place::NotEcr => continue,
            Place::Elsewhere(why) => {
                let v = Verdict::of(Outcome::unknown(why.clone()));
                parts.push((label(&v), v));
                continue;
            }
            Place::Here {
                account,
                region,
                repository,
                digest,
                found,
                ..
            } => (account, region, repository, (digest, found)),
        };
        let digests: Vec<&str> = match pinned {
            Some(d) => vec![*d],
            None => running
                .map(|set| {
                    set.iter()
                        .filter(|r| r.container == img.container)
                        .map(|r| r.digest.as_str())
                        .collect()
                })
                .unwrap_or_default(),
        };
        if digests.is_empty() {
            let v = Verdict::of(Outcome::unknown(
                "not read: the digest the container runs (the image is not pinned by digest and no running task or service revision of this task definition was read: aws ecs describe-tasks)",
            ));
            parts.push((label(&v), v));
            continue;
        }
        let repo_arn = repository_arn(
            v.partition,
            region,
            account,
            repository,
            found.as_ref().ok().copied(),
        );
        for digest in digests {
            let related = vec![
                Related::new("AwsEcrContainerImage", format!("{repo_arn}@{digest}")),
                Related::new("AwsEcrRepository", repo_arn.clone()),
            ];
            let short = &digest[..digest.len().min(19)];
            let verdict = match v.registry.scan(account, repository, digest) {
                None => Verdict::of(Outcome::unknown(format!(
                    "not read: the scan findings of {repository}@{short}… (aws ecr describe-image-scan-findings)"
                ))),
                Some(Read::Error(e)) if e.code == "ScanNotFoundException" => {
                    Verdict::of(Outcome::unknown(format!(
                        "the image {repository}@{short}… was never scanned (ScanNotFoundException)"
                    )))
                }
                Some(Read::Error(e)) => Verdict::of(Outcome::unknown(format!(
                    "the scan findings of {repository}@{short}… could not be read (ecr:DescribeImageScanFindings answered {}: {})",
                    e.code, e.message
                ))),
                Some(Read::Answered(scan)) => match scan.status().map(str::to_ascii_uppercase) {
                    Some(s) if !matches!(s.as_str(), "COMPLETE" | "ACTIVE") => {
                        let why = scan
                            .image_scan_status
                            .as_ref()
                            .and_then(|x| x.description.clone())
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default();
                        Verdict::of(Outcome::unknown(format!(
                            "the scan of {repository}@{short}… is {s}{why}"
                        )))
                    }
                    _ => {
                        let found = scan.vulnerabilities();
                        if found.critical + found.high == 0 {
                            Verdict::of(Outcome::Passed)
                        } else {
                            let top: Vec<&str> =
                                found.top.iter().take(5).map(String::as_str).collect();
                            Verdict::of(Outcome::failed([format!(
                                "the image it runs ({repository}@{short}…) has {} CRITICAL and {} HIGH vulnerabilities{}",
                                found.critical,
                                found.high,
                                if top.is_empty() {
                                    String::new()
                                } else {
                                    format!(": {}", top.join(", "))
                                }
                            )]))
                            .severity(if found.critical > 0 {
                                Severity::Critical
                            } else {
                                Severity::High
                            })
                        }
                    }
                },
            };
            parts.push((label(&verdict), verdict.related(related)));
        }
    }
    if parts.is_empty() {
        return Verdict::of(Outcome::na(
            "no container image is in a private Amazon ECR registry",
        ));
    }
    Verdict::combine(parts)
}

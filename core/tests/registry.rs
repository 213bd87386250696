//! The ECR reads as the image checks see them: which answer decides, what stays unknown, and
//! where the running digest comes from.

use ecs_posture_core::checks::catalog::find;
use ecs_posture_core::finding::Status;
use ecs_posture_core::{Context, Options, Snapshot, evaluate};

const TD: &str = r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[
  {"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4"},
  {"name":"sidecar","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4"},
  {"name":"proxy","image":"envoyproxy/envoy:v1.31"}]}}"#;

fn snapshot(files: &[(&str, &str)]) -> Snapshot {
    let mut s = Snapshot::default();
    s.add_document("td.json", TD).unwrap();
    for (name, text) in files {
        s.add_document(name, text).unwrap();
    }
    s
}

fn judged(s: &Snapshot, check: &str) -> (Status, Vec<String>, Option<String>) {
    let c = find(check).unwrap();
    let e = evaluate(s, &[c], &Options::default(), &Context::for_snapshot(s))
        .into_iter()
        .next()
        .unwrap();
    (e.status, e.evidence_lines(), e.reason().map(str::to_owned))
}

const REGISTRY_BASIC_NONE: &str =
    r#"{"registryId":"111122223333","scanningConfiguration":{"scanType":"BASIC","rules":[]}}"#;

#[test]
fn the_repositorys_own_answer_wins_over_the_registry_rules() {
    let batch = r#"{"scanningConfigurations":[{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/team/web","repositoryName":"team/web","scanOnPush":true,"scanFrequency":"SCAN_ON_PUSH","appliedScanFilters":[{"filter":"team","filterType":"WILDCARD"}]}],"failures":[]}"#;
    let s = snapshot(&[
        ("registry.json", REGISTRY_BASIC_NONE),
        ("batch.json", batch),
    ]);
    assert_eq!(judged(&s, "TD44").0, Status::Passed);
    let s = snapshot(&[("registry.json", REGISTRY_BASIC_NONE)]);
    let (status, evidence, _) = judged(&s, "TD44");
    assert_eq!(status, Status::Failed);
    // One repository used by two containers: judged once, both containers named.
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert!(
        evidence[0].starts_with("repository team/web (containers app, sidecar)"),
        "{evidence:?}"
    );
}

#[test]
fn a_failed_batch_read_falls_back_to_the_registry_rules_then_the_deprecated_flag() {
    let batch = r#"{"scanningConfigurations":[],"failures":[{"repositoryName":"team/web","failureCode":"REPOSITORY_NOT_FOUND","failureReason":"REPOSITORY_NOT_FOUND"}]}"#;
    let rules = r#"{"registryId":"111122223333","scanningConfiguration":{"scanType":"ENHANCED","rules":[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"team/*","filterType":"WILDCARD"}]}]}}"#;
    let s = snapshot(&[("batch.json", batch), ("registry.json", rules)]);
    assert_eq!(judged(&s, "TD44").0, Status::Passed);
    // Neither read: the repository flag counts, said in the evidence of nothing (it passes),
    // and without it the repository is unknown, never compliant.
    let repos = r#"{"repositories":[{"registryId":"111122223333","repositoryName":"team/web","imageTagMutability":"MUTABLE","imageScanningConfiguration":{"scanOnPush":true}}]}"#;
    let denied = r#"{"Code":"AccessDeniedException","Message":"denied"}"#;
    let s = snapshot(&[
        ("repos.json", repos),
        ("registry-scanning-configuration.json", denied),
    ]);
    assert_eq!(judged(&s, "TD44").0, Status::Passed);
    let repos_off = repos.replace("\"scanOnPush\":true", "\"scanOnPush\":false");
    let s = snapshot(&[
        ("repos.json", &repos_off),
        ("registry-scanning-configuration.json", denied),
    ]);
    let (status, _, reason) = judged(&s, "TD44");
    assert_eq!(status, Status::NotAvailable);
    assert!(reason.unwrap().contains("AccessDeniedException"));
}

#[test]
fn repository_names_with_a_slash_bind_by_file_name() {
    let s = snapshot(&[(
        "lifecycle-policy-team%2Fweb.json",
        r#"{"Code":"LifecyclePolicyNotFoundException","Message":"none"}"#,
    )]);
    assert_eq!(judged(&s, "TD46").0, Status::Failed);
    // The same error under another repository's name says nothing of this one.
    let s = snapshot(&[(
        "lifecycle-policy-web.json",
        r#"{"Code":"LifecyclePolicyNotFoundException","Message":"none"}"#,
    )]);
    assert_eq!(judged(&s, "TD46").0, Status::NotAvailable);
}

#[test]
fn the_running_digest_comes_from_tasks_or_service_revisions_never_the_tag() {
    let digest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let scan = format!(
        r#"{{"registryId":"111122223333","repositoryName":"team/web","imageId":{{"imageDigest":"{digest}","imageTag":"1.4"}},"imageScanStatus":{{"status":"COMPLETE"}},"imageScanFindings":{{"findingSeverityCounts":{{"HIGH":1}},"findings":[{{"name":"CVE-1","severity":"HIGH"}}]}}}}"#
    );
    // The scan of the tag's digest alone proves nothing: which digest runs is unknown.
    let s = snapshot(&[("scan.json", &scan)]);
    assert_eq!(judged(&s, "TD49").0, Status::NotAvailable);
    let revisions = format!(
        r#"{{"serviceRevisions":[{{"serviceRevisionArn":"arn:aws:ecs:us-east-1:111122223333:service-revision/prod/web/1","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","containerImages":[{{"containerName":"app","imageDigest":"{digest}","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4"}},{{"containerName":"sidecar","imageDigest":"{digest}"}}]}}],"failures":[]}}"#
    );
    let s = snapshot(&[("scan.json", &scan), ("revisions.json", &revisions)]);
    let (status, evidence, _) = judged(&s, "TD49");
    assert_eq!(status, Status::Failed);
    assert_eq!(evidence.len(), 2, "{evidence:?}");
    assert!(
        evidence
            .iter()
            .all(|e| e.contains("1 HIGH") && e.contains("CVE-1"))
    );
    let c = find("TD49").unwrap();
    let e = &evaluate(&s, &[c], &Options::default(), &Context::for_snapshot(&s))[0];
    assert_eq!(e.severity(), ecs_posture_core::finding::Severity::High);
    // A running digest never scanned is unknown.
    let other = digest.replace('a', "b");
    let tasks = format!(
        r#"{{"tasks":[{{"taskArn":"arn:aws:ecs:us-east-1:111122223333:task/prod/1","taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","containers":[{{"name":"app","imageDigest":"{other}"}}]}}]}}"#
    );
    let s = snapshot(&[("scan.json", &scan), ("tasks.json", &tasks)]);
    let (status, _, reason) = judged(&s, "TD49");
    assert_eq!(status, Status::NotAvailable);
    assert!(reason.unwrap().contains("not read: the scan findings"));
}

#[test]
fn images_elsewhere_are_unknown_and_public_ones_not_applicable() {
    let mut s = Snapshot::default();
    s.add_document(
        "td.json",
        &TD.replace(
            "111122223333.dkr.ecr.us-east-1",
            "111122223333.dkr.ecr.eu-west-1",
        ),
    )
    .unwrap();
    s.add_document("registry.json", REGISTRY_BASIC_NONE)
        .unwrap();
    let (status, _, reason) = judged(&s, "TD44");
    assert_eq!(status, Status::NotAvailable);
    assert!(reason.unwrap().contains("eu-west-1"));
}

#[test]
fn unknown_shapes_of_registry_documents_are_errors_naming_the_file() {
    let mut s = Snapshot::default();
    let err = s
        .add_document("scan.json", r#"{"imageScanStatus":{"status":"COMPLETE"}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("scan.json"), "{err}");
    let err = s
        .add_document("repos.json", r#"{"repositories":{"a":1}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("repositories"), "{err}");
}

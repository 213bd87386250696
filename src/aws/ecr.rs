//! The ECR repositories a scan's images come from, their scans and keys, read as the AWS CLI
//! prints them (`aws ecr describe-repositories`, `get-registry-scanning-configuration`,
//! `batch-get-repository-scanning-configuration`, `get-lifecycle-policy`,
//! `get-repository-policy`, `describe-image-scan-findings`, `aws kms describe-key`), so that a
//! live scan and an offline one of its snapshot read the same thing.
//!
//! Only the scanned account's registry in the scanned region is read, and in it only the
//! repositories the latest ACTIVE revisions use. Calls: one `DescribeRepositories` page per
//! 1,000 repositories, one `GetRegistryScanningConfiguration`, one
//! `BatchGetRepositoryScanningConfiguration` per 25 repositories, one `GetLifecyclePolicy` and
//! one `GetRepositoryPolicy` per repository, one `DescribeImageScanFindings` (every page) per
//! digest, one `DescribeKey` per distinct key. The digests are those pinned by the task
//! definitions and those their running tasks report (`ListTasks` + `DescribeTasks` per
//! cluster, by the ECS client, only where a definition does not pin its digest).
//! Per-repository answers that are AWS errors are kept as error documents bound by file name:
//! `LifecyclePolicyNotFoundException` and `RepositoryPolicyNotFoundException` are facts.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::ImageIdentifier;
use ecs_posture_core::checks::support::image;
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::registry::{
    LIFECYCLE_PREFIX, REGISTRY_SCANNING_FILE, REPOSITORIES_FILE, REPOSITORY_POLICY_PREFIX,
    SCAN_FINDINGS_PREFIX, ecr_location,
};
use serde_json::{Value, json};

use super::ec2::{NetworkRead, each_concurrently};

/// The names of the documents this reader writes (each names its own content, or binds an
/// error to its repository): `snapshot --live` keeps them as they are.
pub const SOURCE_PREFIXES: &[&str] = &[
    REPOSITORIES_FILE,
    REGISTRY_SCANNING_FILE,
    "ecr-repository-scanning",
    LIFECYCLE_PREFIX,
    REPOSITORY_POLICY_PREFIX,
    SCAN_FINDINGS_PREFIX,
    "kms-key-",
    "ecs-tasks-",
];

/// The repositories and digests of the scanned registry that a snapshot's latest ACTIVE task
/// definitions use.
#[derive(Debug, Default)]
pub struct ImageRefs {
    pub repositories: BTreeSet<String>,
    /// (repository, digest) pairs to read the scans of.
    pub digests: BTreeSet<(String, String)>,
    /// Task definition ARNs whose ECR images are not pinned by digest (their running tasks
    /// tell which digest runs).
    pub unpinned: BTreeSet<String>,
}

impl ImageRefs {
    pub fn of(snapshot: &Snapshot, account: &str, region: &str) -> ImageRefs {
        let mut latest: BTreeMap<&str, (i64, &ecs_posture_core::model::TaskDefinition)> =
            BTreeMap::new();
        for r in &snapshot.task_definitions {
            let td = &r.item;
            if td.status.as_deref().is_some_and(|s| s != "ACTIVE") {
                continue;
            }
            let family = td.family.as_deref().unwrap_or("");
            let revision = td.revision.unwrap_or(0);
            if latest.get(family).is_none_or(|(rev, _)| *rev < revision) {
                latest.insert(family, (revision, td));
            }
        }
        let mut out = ImageRefs::default();
        for (_, td) in latest.values() {
            for c in &td.container_definitions {
                let Some(r) = c.image.as_deref().and_then(image::parse) else {
                    continue;
                };
                let Some(l) = r.registry.and_then(|host| ecr_location(host, r.repository)) else {
                    continue;
                };
                if l.account != account || l.region != region {
                    continue;
                }
                out.repositories.insert(l.repository.to_owned());
                match r.digest.filter(|_| r.pinned_by_digest()) {
                    Some(d) => {
                        out.digests.insert((l.repository.to_owned(), d.to_owned()));
                    }
                    None => {
                        if let Some(arn) = &td.task_definition_arn {
                            out.unpinned.insert(arn.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// Add the digests running tasks of the snapshot report for the unpinned definitions.
    pub fn add_running(&mut self, snapshot: &Snapshot, account: &str, region: &str) {
        for r in &snapshot.task_definitions {
            let td = &r.item;
            let Some(arn) = td.task_definition_arn.as_deref() else {
                continue;
            };
            if !self.unpinned.contains(arn) {
                continue;
            }
            let Some(running) = snapshot.registry.running_of(arn) else {
                continue;
            };
            for c in &td.container_definitions {
                let Some(l) = c
                    .image
                    .as_deref()
                    .and_then(image::parse)
                    .and_then(|r| ecr_location(r.registry?, r.repository))
                else {
                    continue;
                };
                if l.account != account || l.region != region {
                    continue;
                }
                for x in running.iter().filter(|x| x.container == c.display_name()) {
                    self.digests
                        .insert((l.repository.to_owned(), x.digest.clone()));
                }
            }
        }
    }
}

/// A repository name in a file name (`/` written `%2F`).
pub fn file_name(prefix: &str, repository: &str, suffix: &str) -> String {
    format!("{prefix}{}{suffix}.json", repository.replace('/', "%2F"))
}

fn filters(list: &[aws_sdk_ecr::types::ScanningRepositoryFilter]) -> Vec<Value> {
    list.iter()
        .map(|f| json!({"filter": f.filter(), "filterType": f.filter_type().as_str()}))
        .collect()
}

/// Read what `refs` names in `account`'s registry. KMS keys are read with `kms` where given.
pub async fn read(
    client: &Client,
    kms: Option<&aws_sdk_kms::Client>,
    account: &str,
    refs: &ImageRefs,
) -> NetworkRead {
    let mut out = NetworkRead::default();
    if refs.repositories.is_empty() {
        return out;
    }
    // Every page of the registry's repositories (naming them would fail the whole call on one
    // deleted repository), keeping those in use.
    let mut repositories: Vec<Value> = Vec::new();
    let mut keys: BTreeSet<String> = BTreeSet::new();
    let mut pages = client
        .describe_repositories()
        .registry_id(account)
        .max_results(1000)
        .into_paginator()
        .send();
    let mut listed = true;
    while let Some(page) = pages.next().await {
        out.count("ecr:DescribeRepositories");
        match page {
            Ok(page) => {
                for r in page.repositories() {
                    let Some(name) = r.repository_name() else {
                        continue;
                    };
                    if !refs.repositories.contains(name) {
                        continue;
                    }
                    let enc = r.encryption_configuration();
                    if let Some(k) = enc.and_then(|e| e.kms_key()) {
                        keys.insert(k.to_owned());
                    }
                    repositories.push(json!({
                        "repositoryArn": r.repository_arn(),
                        "registryId": r.registry_id(),
                        "repositoryName": name,
                        "repositoryUri": r.repository_uri(),
                        "imageTagMutability": r.image_tag_mutability().map(|m| m.as_str()),
                        "imageTagMutabilityExclusionFilters": r.image_tag_mutability_exclusion_filters().iter().map(|f| json!({"filter": f.filter(), "filterType": f.filter_type().as_str()})).collect::<Vec<_>>(),
                        "imageScanningConfiguration": r.image_scanning_configuration().map(|c| json!({"scanOnPush": c.scan_on_push()})),
                        "encryptionConfiguration": enc.map(|e| json!({"encryptionType": e.encryption_type().as_str(), "kmsKey": e.kms_key()})),
                    }));
                }
            }
            Err(e) => {
                out.errors.push(format!(
                    "ecr:DescribeRepositories in account {account}: {}",
                    super::sdk_error_summary(&e)
                ));
                if let Some(doc) = super::error_document(&e) {
                    out.docs.push((REPOSITORIES_FILE.into(), doc));
                }
                listed = false;
                break;
            }
        }
    }
    if listed {
        out.docs.push((
            REPOSITORIES_FILE.into(),
            json!({"repositories": repositories}),
        ));
    }

    // A registry listed whole proves the missing repositories absent (tasks cannot pull from
    // them): nothing more is read of those, and they stay unknown to the checks.
    let names: Vec<String> = if listed {
        repositories
            .iter()
            .filter_map(|r| r["repositoryName"].as_str().map(str::to_owned))
            .collect()
    } else {
        refs.repositories.iter().cloned().collect()
    };
    if names.is_empty() {
        return out;
    }

    out.count("ecr:GetRegistryScanningConfiguration");
    match client.get_registry_scanning_configuration().send().await {
        Ok(o) => {
            let config = o.scanning_configuration().map(|c| {
                json!({
                    "scanType": c.scan_type().map(|t| t.as_str()),
                    "rules": c.rules().iter().map(|r| json!({
                        "scanFrequency": r.scan_frequency().as_str(),
                        "repositoryFilters": filters(r.repository_filters()),
                    })).collect::<Vec<_>>(),
                })
            });
            out.docs.push((
                REGISTRY_SCANNING_FILE.into(),
                json!({"registryId": o.registry_id().unwrap_or(account), "scanningConfiguration": config.unwrap_or_else(|| json!({}))}),
            ));
        }
        Err(e) => {
            out.errors.push(format!(
                "ecr:GetRegistryScanningConfiguration in account {account}: {}",
                super::sdk_error_summary(&e)
            ));
            if let Some(doc) = super::error_document(&e) {
                out.docs.push((REGISTRY_SCANNING_FILE.into(), doc));
            }
        }
    }

    let mut configurations: Vec<Value> = Vec::new();
    let mut failures: Vec<Value> = Vec::new();
    for chunk in names.chunks(25) {
        out.count("ecr:BatchGetRepositoryScanningConfiguration");
        match client
            .batch_get_repository_scanning_configuration()
            .set_repository_names(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => {
                for c in o.scanning_configurations() {
                    configurations.push(json!({
                        "repositoryArn": c.repository_arn(),
                        "repositoryName": c.repository_name(),
                        "scanOnPush": c.scan_on_push(),
                        "scanFrequency": c.scan_frequency().map(|f| f.as_str()),
                        "appliedScanFilters": filters(c.applied_scan_filters()),
                    }));
                }
                for f in o.failures() {
                    failures.push(json!({
                        "repositoryName": f.repository_name(),
                        "failureCode": f.failure_code().map(|c| c.as_str()),
                        "failureReason": f.failure_reason(),
                    }));
                }
            }
            Err(e) => {
                // Each repository of the chunk stays without its own answer: the registry's
                // rules decide for it.
                out.errors.push(format!(
                    "ecr:BatchGetRepositoryScanningConfiguration in account {account}: {}",
                    super::sdk_error_summary(&e)
                ));
                if let Some(doc) = super::error_document(&e) {
                    for name in chunk {
                        failures.push(json!({
                            "repositoryName": name,
                            "failureCode": doc["Code"],
                            "failureReason": doc["Message"],
                        }));
                    }
                }
            }
        }
    }
    if !configurations.is_empty() || !failures.is_empty() {
        out.docs.push((
            "ecr-repository-scanning.json".into(),
            json!({"scanningConfigurations": configurations, "failures": failures}),
        ));
    }

    // Each repository's policies, then each running digest's scan, several at once.
    let policies = each_concurrently(names.to_vec(), |name: String| {
        let (client, account) = (client.clone(), account.to_owned());
        async move {
            let mut out = NetworkRead::default();
            out.count("ecr:GetLifecyclePolicy");
            let answer = client
                .get_lifecycle_policy()
                .registry_id(&account)
                .repository_name(&name)
                .send()
                .await
                .map(|o| json!({"registryId": o.registry_id(), "repositoryName": o.repository_name(), "lifecyclePolicyText": o.lifecycle_policy_text()}));
            keep(
                &mut out,
                file_name(LIFECYCLE_PREFIX, &name, ""),
                ("ecr:GetLifecyclePolicy", &name, &account),
                "LifecyclePolicyNotFoundException",
                answer,
            );
            out.count("ecr:GetRepositoryPolicy");
            let answer = client
                .get_repository_policy()
                .registry_id(&account)
                .repository_name(&name)
                .send()
                .await
                .map(|o| json!({"registryId": o.registry_id(), "repositoryName": o.repository_name(), "policyText": o.policy_text()}));
            keep(
                &mut out,
                file_name(REPOSITORY_POLICY_PREFIX, &name, ""),
                ("ecr:GetRepositoryPolicy", &name, &account),
                "RepositoryPolicyNotFoundException",
                answer,
            );
            out
        }
    })
    .await;
    out.absorb(policies);

    let digests: Vec<(String, String)> = refs
        .digests
        .iter()
        .filter(|(n, _)| names.contains(n))
        .cloned()
        .collect();
    let scans = each_concurrently(digests, |(name, digest): (String, String)| {
        let (client, account) = (client.clone(), account.to_owned());
        async move {
            let mut out = NetworkRead::default();
            let file = file_name(SCAN_FINDINGS_PREFIX, &name, &format!("@{digest}"));
            if let Some(doc) = scan_findings(&client, &account, &name, &digest, &mut out).await {
                out.docs.push((file, doc));
            }
            out
        }
    })
    .await;
    out.absorb(scans);

    if let Some(kms) = kms {
        for key in &keys {
            out.count("kms:DescribeKey");
            match kms.describe_key().key_id(key).send().await {
                Ok(o) => {
                    if let Some(m) = o.key_metadata() {
                        out.docs.push((
                            format!("kms-key-{}.json", m.key_id()),
                            json!({"KeyMetadata": {
                                "AWSAccountId": m.aws_account_id(),
                                "KeyId": m.key_id(),
                                "Arn": m.arn(),
                                "KeyManager": m.key_manager().map(|k| k.as_str()),
                                "KeyState": m.key_state().map(|k| k.as_str()),
                            }}),
                        ));
                    }
                }
                Err(e) => out.errors.push(format!(
                    "kms:DescribeKey {key} in account {account}: {}",
                    super::sdk_error_summary(&e)
                )),
            }
        }
    }
    out
}

/// Keep a per-repository answer under `file`: the output, or the AWS error document (an error
/// other than `not_found`, which is a fact about the repository, is also reported).
fn keep<E: aws_sdk_ecr::error::ProvideErrorMetadata>(
    out: &mut NetworkRead,
    file: String,
    (op, name, account): (&str, &str, &str),
    not_found: &str,
    answer: Result<Value, aws_sdk_ecr::error::SdkError<E, aws_sdk_ecr::config::http::HttpResponse>>,
) {
    match answer {
        Ok(doc) => out.docs.push((file, doc)),
        Err(e) => {
            let doc = super::error_document(&e);
            if doc.as_ref().and_then(|d| d["Code"].as_str()) != Some(not_found) {
                out.errors.push(format!(
                    "{op} {name} in account {account}: {}",
                    super::sdk_error_summary(&e)
                ));
            }
            if let Some(doc) = doc {
                out.docs.push((file, doc));
            }
        }
    }
}

/// Every page of one image's scan findings, merged into one document; the error document
/// where ECR answered with one (`ScanNotFoundException`: never scanned).
async fn scan_findings(
    client: &Client,
    account: &str,
    name: &str,
    digest: &str,
    out: &mut NetworkRead,
) -> Option<Value> {
    let mut pages = client
        .describe_image_scan_findings()
        .registry_id(account)
        .repository_name(name)
        .image_id(ImageIdentifier::builder().image_digest(digest).build())
        .max_results(1000)
        .into_paginator()
        .send();
    let mut doc: Option<Value> = None;
    while let Some(page) = pages.next().await {
        out.count("ecr:DescribeImageScanFindings");
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let error = super::error_document(&e);
                if error.as_ref().and_then(|d| d["Code"].as_str()) != Some("ScanNotFoundException")
                {
                    out.errors.push(format!(
                        "ecr:DescribeImageScanFindings {name}@{digest} in account {account}: {}",
                        super::sdk_error_summary(&e)
                    ));
                }
                // A failure after the first page leaves the findings incomplete: unknown.
                return error;
            }
        };
        let d = doc.get_or_insert_with(|| {
            json!({
                "registryId": page.registry_id().unwrap_or(account),
                "repositoryName": page.repository_name().unwrap_or(name),
                "imageId": {"imageDigest": digest, "imageTag": page.image_id().and_then(|i| i.image_tag())},
                "imageScanStatus": page.image_scan_status().map(|s| json!({"status": s.status().map(|x| x.as_str()), "description": s.description()})),
                "imageScanFindings": {"findingSeverityCounts": {}, "findings": [], "enhancedFindings": []},
            })
        });
        if let Some(f) = page.image_scan_findings() {
            let results = &mut d["imageScanFindings"];
            if let Some(counts) = f.finding_severity_counts() {
                for (k, v) in counts {
                    results["findingSeverityCounts"][k.as_str()] = json!(v);
                }
            }
            if let Some(list) = results["findings"].as_array_mut() {
                for x in f.findings() {
                    list.push(
                        json!({"name": x.name(), "severity": x.severity().map(|s| s.as_str())}),
                    );
                }
            }
            if let Some(list) = results["enhancedFindings"].as_array_mut() {
                for x in f.enhanced_findings() {
                    list.push(json!({
                        "severity": x.severity(),
                        "status": x.status(),
                        "title": x.title(),
                        "packageVulnerabilityDetails": x.package_vulnerability_details().map(|p| json!({"vulnerabilityId": p.vulnerability_id()})),
                    }));
                }
            }
        }
    }
    doc
}

/// The running tasks of `clusters` (`ListTasks` RUNNING, `DescribeTasks` by 100), as `aws ecs
/// describe-tasks` prints them (the parts the image checks read: each container's digest).
pub async fn running_tasks(ecs: &aws_sdk_ecs::Client, clusters: &[String]) -> NetworkRead {
    let mut out = NetworkRead::default();
    for cluster in clusters {
        let mut arns: Vec<String> = Vec::new();
        let mut pages = ecs
            .list_tasks()
            .cluster(cluster)
            .desired_status(aws_sdk_ecs::types::DesiredStatus::Running)
            .max_results(100)
            .into_paginator()
            .send();
        let mut failed = false;
        while let Some(page) = pages.next().await {
            out.count("ecs:ListTasks");
            match page {
                Ok(p) => arns.extend(p.task_arns().iter().cloned()),
                Err(e) => {
                    out.errors.push(format!(
                        "ecs:ListTasks {cluster}: {}",
                        super::sdk_error_summary(&e)
                    ));
                    failed = true;
                    break;
                }
            }
        }
        if failed || arns.is_empty() {
            continue;
        }
        let mut tasks: Vec<Value> = Vec::new();
        for chunk in arns.chunks(100) {
            out.count("ecs:DescribeTasks");
            match ecs
                .describe_tasks()
                .cluster(cluster)
                .set_tasks(Some(chunk.to_vec()))
                .send()
                .await
            {
                Ok(o) => {
                    for t in o.tasks() {
                        tasks.push(json!({
                            "taskArn": t.task_arn(),
                            "clusterArn": t.cluster_arn(),
                            "taskDefinitionArn": t.task_definition_arn(),
                            "lastStatus": t.last_status(),
                            "containers": t.containers().iter().map(|c| json!({
                                "name": c.name(),
                                "image": c.image(),
                                "imageDigest": c.image_digest(),
                            })).collect::<Vec<_>>(),
                        }));
                    }
                }
                Err(e) => out.errors.push(format!(
                    "ecs:DescribeTasks {cluster}: {}",
                    super::sdk_error_summary(&e)
                )),
            }
        }
        let name = cluster.rsplit('/').next().unwrap_or(cluster);
        out.docs
            .push((format!("ecs-tasks-{name}.json"), json!({"tasks": tasks})));
    }
    out
}

//! The ECS inventory: reads exactly what a scope names, in as few calls as the ECS API allows
//! (DescribeClusters 100 at a time with SETTINGS/CONFIGURATIONS/TAGS, DescribeServices 10 at a
//! time with TAGS, maxResults 100 on every list, each task definition revision described once),
//! with bounded concurrency. What could not be read is recorded and never evaluated.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use aws_sdk_ecs::Client;
use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecs::types::{
    CapacityProviderField, ClusterField, Service, ServiceField, TaskDefinitionField,
    TaskDefinitionStatus,
};
use indicatif::ProgressBar;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use ecs_posture_core::fleet::Extent;
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::TaskDefinition as TaskDefinitionModel;
use ecs_posture_core::model::network::References;
use ecs_posture_core::scope::{Coverage, Scope, family_of};

use super::ecs_json;

mod account_settings;
mod daemons;
mod express;
mod gateways;

/// Revisions a service runs: its own, draining (non-PRIMARY) deployments', and its task sets'.
/// A deleted (INACTIVE) service runs nothing.
fn in_use(s: &aws_sdk_ecs::types::Service) -> Vec<String> {
    if s.status() == Some("INACTIVE") {
        return Vec::new();
    }
    s.task_definition()
        .into_iter()
        .chain(
            s.deployments()
                .iter()
                .filter(|d| d.status() != Some("PRIMARY"))
                .filter_map(|d| d.task_definition()),
        )
        .chain(s.task_sets().iter().filter_map(|t| t.task_definition()))
        .map(str::to_owned)
        .collect()
}
use super::budget::{Budget, Rate};
use crate::ports::{Collected, Inventory, InventoryError};

/// Selects the services a scope reads.
type Matcher = Arc<dyn Fn(&Service) -> bool + Send + Sync>;

/// The awsvpc configurations of a service: its own and its task sets'.
fn placements(s: &Service) -> impl Iterator<Item = &aws_sdk_ecs::types::AwsVpcConfiguration> {
    s.network_configuration()
        .into_iter()
        .chain(
            s.task_sets()
                .iter()
                .filter_map(|t| t.network_configuration()),
        )
        .filter_map(|n| n.awsvpc_configuration())
}

/// Built-in capacity providers: not describable as ASG providers and never tagged.
const BUILT_IN_PROVIDERS: [&str; 2] = ["FARGATE", "FARGATE_SPOT"];

#[derive(Clone)]
pub struct EcsInventory {
    client: Client,
    /// Reads the networking of awsvpc services (`None`: ECS only, the network checks are then
    /// NOT_AVAILABLE).
    ec2: Option<aws_sdk_ec2::Client>,
    /// Reads the load balancers in front of services (`None`: their checks are NOT_AVAILABLE).
    elbv2: Option<aws_sdk_elasticloadbalancingv2::Client>,
    /// Reads the current ECS-optimized AMI releases (public parameters only).
    ssm: Option<aws_sdk_ssm::Client>,
    /// Reads the roles of task definitions (`None`: their checks are NOT_AVAILABLE).
    iam: Option<aws_sdk_iam::Client>,
    /// Reads the ECR repositories and image scans of the images in use, and their KMS keys
    /// (`None`: their checks are NOT_AVAILABLE).
    ecr: Option<aws_sdk_ecr::Client>,
    kms: Option<aws_sdk_kms::Client>,
    /// Reads the log groups containers write to (`None`: their checks are NOT_AVAILABLE).
    logs: Option<aws_sdk_cloudwatchlogs::Client>,
    /// Reads the metadata of the secrets containers take (never a value).
    secretsmanager: Option<aws_sdk_secretsmanager::Client>,
    /// Read the account-region's GuardDuty detector and Inspector status where the workloads
    /// they protect run (`None`: AC02-AC04 are NOT_AVAILABLE).
    guardduty: Option<aws_sdk_guardduty::Client>,
    inspector: Option<aws_sdk_inspector2::Client>,
    concurrency: usize,
    budget: Option<Arc<Budget>>,
    progress: Option<ProgressBar>,
}

impl EcsInventory {
    /// ECS only: what surrounds the workloads is not read.
    pub fn new(client: Client) -> EcsInventory {
        EcsInventory {
            client,
            ec2: None,
            elbv2: None,
            ssm: None,
            iam: None,
            ecr: None,
            kms: None,
            logs: None,
            secretsmanager: None,
            guardduty: None,
            inspector: None,
            concurrency: 8,
            budget: None,
            progress: None,
        }
    }

    /// ECS, the EC2 networking its awsvpc services use, the load balancers in front of them and
    /// the IAM roles of their task definitions, with one configuration.
    pub fn from_config(config: &aws_config::SdkConfig) -> EcsInventory {
        EcsInventory {
            ec2: Some(aws_sdk_ec2::Client::new(config)),
            elbv2: Some(aws_sdk_elasticloadbalancingv2::Client::new(config)),
            ssm: Some(aws_sdk_ssm::Client::new(config)),
            iam: Some(aws_sdk_iam::Client::new(config)),
            ecr: Some(aws_sdk_ecr::Client::new(config)),
            kms: Some(aws_sdk_kms::Client::new(config)),
            logs: Some(aws_sdk_cloudwatchlogs::Client::new(config)),
            secretsmanager: Some(aws_sdk_secretsmanager::Client::new(config)),
            guardduty: Some(aws_sdk_guardduty::Client::new(config)),
            inspector: Some(aws_sdk_inspector2::Client::new(config)),
            ..EcsInventory::new(Client::new(config))
        }
    }

    /// Spend from `rate` before every ECS request (one budget per account-region scanned).
    pub fn with_budget(mut self, rate: Rate) -> EcsInventory {
        self.budget = Some(Arc::new(Budget::new(rate)));
        self
    }

    pub fn with_progress(mut self, bar: ProgressBar) -> EcsInventory {
        self.progress = Some(bar);
        self
    }
}

/// State shared by the tasks of one collection.
#[derive(Default)]
struct Acc {
    docs: Vec<(String, Value)>,
    coverage: Coverage,
    errors: Vec<String>,
    calls: BTreeMap<String, u64>,
}

#[derive(Clone)]
struct Ctx {
    client: Client,
    /// For scopes named by surrounding resources (a route table's subnets, a load balancer's
    /// target groups).
    ec2: Option<aws_sdk_ec2::Client>,
    elbv2: Option<aws_sdk_elasticloadbalancingv2::Client>,
    /// For the roles a managed policy is attached to.
    iam: Option<aws_sdk_iam::Client>,
    acc: Arc<Mutex<Acc>>,
    sem: Arc<Semaphore>,
    budget: Option<Arc<Budget>>,
    progress: Option<ProgressBar>,
}

/// ECS's answer for a cluster that does not exist (deleted).
fn is_cluster_not_found<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> bool {
    super::sdk_error_code(e) == Some("ClusterNotFoundException")
}

fn err_text<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> String {
    // The service's code, message and request id: never a request or response body.
    super::sdk_error_summary(e)
}

impl Ctx {
    fn with<T>(&self, f: impl FnOnce(&mut Acc) -> T) -> T {
        let mut guard = match self.acc.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Wait for the account-region's request budget (when it has one).
    async fn spend(&self) {
        if let Some(b) = &self.budget {
            b.spend().await;
        }
    }

    /// Spend from the budget and count one request of `op`.
    async fn call(&self, op: &str) {
        self.spend().await;
        self.count(op);
    }

    fn count(&self, op: &str) {
        self.with(|a| *a.calls.entry(op.to_owned()).or_default() += 1);
        if let Some(p) = &self.progress {
            p.inc(1);
            p.set_message(op.to_owned());
        }
    }

    fn doc(&self, source: &str, v: Value) {
        self.with(|a| a.docs.push((source.to_owned(), v)));
    }

    fn error(&self, what: String) {
        tracing::warn!(error = %what, "read failed");
        self.with(|a| a.errors.push(what));
    }

    fn unreadable(&self, arn: &str, why: String) {
        tracing::warn!(resource_arn = %arn, error = %why, "resource could not be read");
        self.with(|a| {
            a.coverage.unreadable.insert(arn.to_owned());
            a.errors.push(format!("{arn}: {why}"));
        });
    }

    fn covered(&self, f: impl FnOnce(&mut Coverage)) {
        self.with(|a| f(&mut a.coverage));
    }

    /// Which revisions services run is not fully known: no revision is proven superseded.
    fn service_reads_failed(&self) {
        self.covered(|c| c.service_reads_failed = true);
    }

    /// Record a describe call's `failures`: MISSING proves absence, anything else is unreadable.
    fn failures(&self, list: &[aws_sdk_ecs::types::Failure]) {
        for f in list {
            let arn = f.arn().unwrap_or("(unknown)").to_owned();
            let reason = f.reason().unwrap_or("unknown");
            if reason.eq_ignore_ascii_case("MISSING") {
                self.covered(|c| {
                    c.resources.insert(arn.clone());
                });
            } else {
                self.unreadable(
                    &arn,
                    format!("{reason} {}", f.detail().unwrap_or(""))
                        .trim()
                        .to_owned(),
                );
            }
        }
    }

    async fn list_clusters(&self) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut pages = self
            .client
            .list_clusters()
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = {
            self.spend().await;
            pages.next().await
        } {
            self.count("ListClusters");
            match page {
                Ok(r) => out.extend(r.cluster_arns().iter().cloned()),
                Err(e) => {
                    self.error(format!("ListClusters: {}", err_text(&e)));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Describe clusters (100 per call); returns (ARN, capacity provider names) of those found.
    async fn describe_clusters(&self, names: &[String]) -> Vec<(String, Vec<String>)> {
        let mut found = Vec::new();
        for chunk in names.chunks(100) {
            self.call("DescribeClusters").await;
            let r = self
                .client
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .include(ClusterField::Settings)
                .include(ClusterField::Configurations)
                .include(ClusterField::Tags)
                .send()
                .await;
            match r {
                Ok(r) => {
                    self.failures(r.failures());
                    let docs: Vec<Value> = r.clusters().iter().map(ecs_json::cluster).collect();
                    for c in r.clusters() {
                        if let Some(arn) = c.cluster_arn() {
                            self.covered(|cov| {
                                cov.resources.insert(arn.to_owned());
                            });
                            found.push((arn.to_owned(), c.capacity_providers().to_vec()));
                        }
                    }
                    self.doc("ecs:DescribeClusters", json!({"clusters": docs}));
                }
                Err(e) => {
                    let why = err_text(&e);
                    for n in chunk {
                        self.unreadable(n, format!("DescribeClusters: {why}"));
                    }
                }
            }
        }
        found
    }

    /// Every service ARN of a cluster, following pages; `false` when a page could not be read.
    async fn list_services(&self, cluster: &str) -> (Vec<String>, bool) {
        let mut arns = Vec::new();
        let mut pages = self
            .client
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = {
            self.spend().await;
            pages.next().await
        } {
            self.count("ListServices");
            match page {
                Ok(r) => arns.extend(r.service_arns().iter().cloned()),
                Err(e) => {
                    self.error(format!("ListServices {cluster}: {}", err_text(&e)));
                    return (arns, false);
                }
            }
        }
        (arns, true)
    }

    async fn services_of(&self, cluster: &str) -> Vec<String> {
        let (arns, complete) = self.list_services(cluster).await;
        if !complete {
            self.service_reads_failed();
            return self.describe_services(cluster, &arns).await;
        }
        let refs = self.describe_services(cluster, &arns).await;
        self.covered(|c| {
            c.services_of_clusters.insert(cluster.to_owned());
        });
        refs
    }

    /// Describe services (10 per call) with their task sets; returns referenced task definitions.
    async fn describe_services(&self, cluster: &str, arns: &[String]) -> Vec<String> {
        let mut refs = Vec::new();
        for chunk in arns.chunks(10) {
            self.call("DescribeServices").await;
            let r = self
                .client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await;
            match r {
                Ok(r) => {
                    if r.failures().iter().any(|f| f.reason() != Some("MISSING")) {
                        self.service_reads_failed();
                    }
                    self.failures(r.failures());
                    for s in r.services() {
                        refs.extend(in_use(s));
                        if let Some(arn) = s.service_arn() {
                            self.covered(|c| {
                                c.resources.insert(arn.to_owned());
                                c.task_sets_of_services.insert(arn.to_owned());
                            });
                        }
                    }
                    let docs: Vec<Value> = r.services().iter().map(ecs_json::service).collect();
                    self.doc("ecs:DescribeServices", json!({"services": docs}));
                    let all: Vec<&Service> = r.services().iter().collect();
                    Box::pin(self.describe_express_services(express::express_arns(&all))).await;
                }
                Err(e) if is_cluster_not_found(&e) => {
                    // The cluster is gone, and so are its services.
                    self.covered(|c| c.resources.extend(chunk.iter().cloned()));
                }
                Err(e) => {
                    self.service_reads_failed();
                    let why = err_text(&e);
                    for a in chunk {
                        self.unreadable(a, format!("DescribeServices: {why}"));
                    }
                }
            }
        }
        refs
    }

    async fn container_instances_of(&self, cluster: &str) {
        let mut arns = Vec::new();
        let mut pages = self
            .client
            .list_container_instances()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = {
            self.spend().await;
            pages.next().await
        } {
            self.count("ListContainerInstances");
            match page {
                Ok(r) => arns.extend(r.container_instance_arns().iter().cloned()),
                Err(e) => {
                    self.error(format!(
                        "ListContainerInstances {cluster}: {}",
                        err_text(&e)
                    ));
                    return;
                }
            }
        }
        let mut complete = true;
        for chunk in arns.chunks(100) {
            self.call("DescribeContainerInstances").await;
            match self
                .client
                .describe_container_instances()
                .cluster(cluster)
                .set_container_instances(Some(chunk.to_vec()))
                .send()
                .await
            {
                Ok(r) => {
                    self.failures(r.failures());
                    let docs: Vec<Value> = r
                        .container_instances()
                        .iter()
                        .map(|c| ecs_json::container_instance(c, cluster))
                        .collect();
                    self.doc(
                        "ecs:DescribeContainerInstances",
                        json!({"containerInstances": docs}),
                    );
                }
                Err(e) => {
                    complete = false;
                    let why = err_text(&e);
                    for a in chunk {
                        self.unreadable(a, format!("DescribeContainerInstances: {why}"));
                    }
                }
            }
        }
        if complete {
            self.covered(|c| {
                c.container_instances_of_clusters.insert(cluster.to_owned());
            });
        }
    }

    async fn capacity_providers(&self, names: &BTreeSet<String>) {
        let names: Vec<String> = names
            .iter()
            .filter(|n| !BUILT_IN_PROVIDERS.contains(&n.as_str()))
            .cloned()
            .collect();
        for chunk in names.chunks(100) {
            self.call("DescribeCapacityProviders").await;
            match self
                .client
                .describe_capacity_providers()
                .set_capacity_providers(Some(chunk.to_vec()))
                .include(CapacityProviderField::Tags)
                .send()
                .await
            {
                Ok(r) => {
                    self.failures(r.failures());
                    self.providers_read(r.capacity_providers());
                }
                Err(e) => {
                    let why = err_text(&e);
                    for n in chunk {
                        self.unreadable(n, format!("DescribeCapacityProviders: {why}"));
                    }
                }
            }
        }
    }

    /// Every Managed Instances capacity provider of the region (all pages of
    /// `DescribeCapacityProviders`), described as `capacity_providers` does.
    async fn managed_instances_providers(&self) {
        let listed = self
            .all_pages(
                "DescribeCapacityProviders",
                |token| {
                    self.client
                        .describe_capacity_providers()
                        .include(CapacityProviderField::Tags)
                        .max_results(100)
                        .set_next_token(token)
                        .send()
                },
                |r, out| {
                    out.extend(
                        r.capacity_providers()
                            .iter()
                            .filter(|c| c.managed_instances_provider().is_some())
                            .cloned(),
                    );
                    r.next_token().map(str::to_owned)
                },
            )
            .await;
        match listed {
            Ok(found) if found.is_empty() => {}
            Ok(found) => self.providers_read(&found),
            Err(e) => self.error(format!("DescribeCapacityProviders: {}", err_text(&e))),
        }
    }

    /// Capacity providers described: each proven read, all added as one document.
    fn providers_read(&self, providers: &[aws_sdk_ecs::types::CapacityProvider]) {
        self.covered(|c| {
            c.resources.extend(
                providers
                    .iter()
                    .filter_map(|p| p.capacity_provider_arn().map(str::to_owned)),
            )
        });
        let docs: Vec<Value> = providers.iter().map(ecs_json::capacity_provider).collect();
        self.doc(
            "ecs:DescribeCapacityProviders",
            json!({"capacityProviders": docs}),
        );
    }

    /// ACTIVE revision ARNs of the region, or of one family (exact match).
    async fn list_task_definitions(&self, family: Option<&str>) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut pages = self
            .client
            .list_task_definitions()
            .status(TaskDefinitionStatus::Active)
            .set_family_prefix(family.map(str::to_owned))
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = {
            self.spend().await;
            pages.next().await
        } {
            self.count("ListTaskDefinitions");
            match page {
                Ok(r) => {
                    let arns: Vec<String> = r
                        .task_definition_arns()
                        .iter()
                        .filter(|a| family.is_none_or(|f| family_of(a) == f))
                        .cloned()
                        .collect();
                    self.covered(|c| c.active_task_definitions.extend(arns.iter().cloned()));
                    out.extend(arns);
                }
                Err(e) => {
                    self.error(format!(
                        "ListTaskDefinitions{}: {}",
                        family.map(|f| format!(" {f}")).unwrap_or_default(),
                        err_text(&e)
                    ));
                    return None;
                }
            }
        }
        Some(out)
    }

    async fn describe_task_definition(&self, reference: String) {
        let _permit = self.sem.acquire().await;
        self.call("DescribeTaskDefinition").await;
        match self
            .client
            .describe_task_definition()
            .task_definition(&reference)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
        {
            Ok(r) => match r.task_definition() {
                Some(td) => {
                    if let Some(arn) = td.task_definition_arn() {
                        self.covered(|c| {
                            c.resources.insert(arn.to_owned());
                        });
                    }
                    self.doc(
                        "ecs:DescribeTaskDefinition",
                        ecs_json::task_definition(td, r.tags()),
                    );
                }
                None => self.unreadable(
                    &reference,
                    "DescribeTaskDefinition returned no task definition".to_owned(),
                ),
            },
            Err(e) => {
                let text = err_text(&e);
                // ECS answers ClientException "Unable to describe task definition" for a revision
                // that does not exist (deleted): that proves absence.
                let missing = e.as_service_error().is_some_and(|s| {
                    s.is_client_exception()
                        && s.message()
                            .is_some_and(|m| m.contains("Unable to describe task definition"))
                });
                if missing {
                    self.covered(|c| {
                        c.resources.insert(reference.clone());
                    });
                } else {
                    self.unreadable(&reference, format!("DescribeTaskDefinition: {text}"));
                }
            }
        }
    }

    async fn describe_task_definitions(&self, refs: impl IntoIterator<Item = String>) {
        let mut seen = HashSet::new();
        let mut set = JoinSet::new();
        for r in refs {
            let key = r
                .rsplit_once("task-definition/")
                .map(|(_, k)| k.to_owned())
                .unwrap_or_else(|| r.clone());
            if seen.insert(key) {
                let me = self.clone();
                set.spawn(async move { me.describe_task_definition(r).await });
            }
        }
        while set.join_next().await.is_some() {}
    }

    /// Services, container instances of clusters (concurrently); returns referenced revisions.
    async fn cluster_contents(&self, clusters: &[String]) -> Vec<String> {
        let mut set = JoinSet::new();
        for c in clusters {
            let me = self.clone();
            let c = c.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                let refs = Box::pin(me.services_of(&c)).await;
                Box::pin(me.container_instances_of(&c)).await;
                refs
            });
        }
        let mut refs = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(r) = r {
                refs.extend(r);
            }
        }
        refs
    }

    async fn region(&self) {
        let Some(listed) = self.list_clusters().await else {
            return;
        };
        self.covered(|c| c.clusters.extend(listed.iter().cloned()));
        let found = self.describe_clusters(&listed).await;
        if found.len() == listed.len() {
            self.covered(|c| c.all_clusters = true);
        } else {
            // The services of the clusters that could not be described were not read.
            self.service_reads_failed();
        }
        let arns: Vec<String> = found.iter().map(|(a, _)| a.clone()).collect();
        let providers: BTreeSet<String> =
            found.iter().flat_map(|(_, p)| p.iter().cloned()).collect();
        let referenced = Box::pin(self.cluster_contents(&arns)).await;
        Box::pin(self.daemon_region(&arns)).await;
        Box::pin(self.gateway_region()).await;
        self.capacity_providers(&providers).await;
        let mut wanted: Vec<String> = Vec::new();
        if let Some(all) = self.list_task_definitions(None).await {
            self.covered(|c| c.all_task_definitions = true);
            wanted.extend(latest_revisions(all).into_values());
        }
        wanted.extend(referenced);
        Box::pin(self.describe_task_definitions(wanted)).await;
    }

    async fn cluster(&self, name: &str) {
        let found = self.describe_clusters(&[name.to_owned()]).await;
        let Some((arn, providers)) = found.into_iter().next() else {
            // Described MISSING (not merely unreadable): a cluster that does not exist has no
            // services, task sets or container instances.
            self.covered(|c| {
                if c.resources.contains(name) && !c.unreadable.contains(name) {
                    c.services_of_clusters.insert(name.to_owned());
                    c.container_instances_of_clusters.insert(name.to_owned());
                    c.daemons_of_clusters.insert(name.to_owned());
                }
            });
            return;
        };
        let referenced = self.cluster_contents(std::slice::from_ref(&arn)).await;
        let daemon_definitions = Box::pin(self.daemons_of(&arn)).await;
        Box::pin(self.describe_daemon_task_definitions(daemon_definitions)).await;
        self.capacity_providers(&providers.into_iter().collect())
            .await;
        self.describe_task_definitions(referenced).await;
    }

    async fn service(&self, wanted: &str) {
        // arn:...:service/<cluster>/<name>, or <cluster>/<name>, or a bare name (default cluster).
        let (cluster, service) = match wanted.rsplit_once(":service/") {
            Some((prefix, rest)) => match rest.split_once('/') {
                Some((c, _)) => (Some(format!("{prefix}:cluster/{c}")), wanted.to_owned()),
                None => (None, wanted.to_owned()),
            },
            None => match wanted.split_once('/') {
                Some((c, s)) => (Some(c.to_owned()), s.to_owned()),
                None => (None, wanted.to_owned()),
            },
        };
        let cluster = cluster.unwrap_or_else(|| "default".to_owned());
        let refs = self
            .describe_services(&cluster, std::slice::from_ref(&service))
            .await;
        self.describe_clusters(std::slice::from_ref(&cluster)).await;
        self.describe_task_definitions(refs).await;
    }

    /// Task definition revisions, each family's ACTIVE revisions listed once, and the services
    /// that run any of the families read once (one ListClusters, one service listing per
    /// cluster), however many revisions are named.
    async fn task_definitions(&self, wanted: &[&str]) {
        let families: BTreeSet<String> = wanted.iter().map(|w| family_of(w).to_owned()).collect();
        // A bare family name stands for its latest ACTIVE revision, which the family's listing
        // names: it is described once, by ARN (by name only when the listing fails).
        let bare = |w: &&str| !w.contains(':');
        let mut refs: Vec<String> = wanted
            .iter()
            .filter(|w| !bare(w))
            .map(|w| (*w).to_owned())
            .collect();
        for family in &families {
            let listed = self.list_task_definitions(Some(family)).await;
            if listed.is_none() {
                refs.extend(
                    wanted
                        .iter()
                        .filter(|w| bare(w) && **w == family.as_str())
                        .map(|w| (*w).to_owned()),
                );
            }
            if let Some(active) = listed {
                self.covered(|c| {
                    c.task_definition_families.insert(family.clone());
                });
                if let Some(latest) = active.iter().max_by_key(|a| revision_of(a)) {
                    refs.push(latest.clone());
                }
            }
        }
        // Services that run the families, so their revisions are evaluated (and kept) too.
        let families = Arc::new(families);
        let used = Box::pin(self.services_matching(Arc::new(move |s: &Service| {
            in_use(s).iter().any(|t| families.contains(family_of(t)))
        })))
        .await;
        refs.extend(used);
        self.describe_task_definitions(refs).await;
    }

    /// The services of every cluster that `wanted` selects, read with their clusters (service
    /// checks see their cluster's settings, as in a region scan): one ListClusters, one service
    /// listing per cluster. Returns the revisions they run.
    async fn services_matching(&self, wanted: Matcher) -> Vec<String> {
        let clusters = self.list_clusters().await;
        let Some(clusters) = clusters else {
            self.service_reads_failed();
            return Vec::new();
        };
        let mut set = JoinSet::new();
        for c in clusters {
            let me = self.clone();
            let wanted = wanted.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                let refs = me.services_of_cluster_matching(&c, &wanted).await;
                (c, refs)
            });
        }
        let mut refs = Vec::new();
        let mut hosting = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok((cluster, r)) = r
                && let Some(r) = r
            {
                refs.extend(r);
                hosting.push(cluster);
            }
        }
        if !hosting.is_empty() {
            hosting.sort();
            self.describe_clusters(&hosting).await;
        }
        refs
    }

    /// The services of a cluster that `wanted` selects: added to the snapshot; returns their
    /// revisions, or `None` when no service of the cluster is selected.
    async fn services_of_cluster_matching(
        &self,
        cluster: &str,
        wanted: &Matcher,
    ) -> Option<Vec<String>> {
        let (arns, complete) = self.list_services(cluster).await;
        if !complete {
            self.service_reads_failed();
        }
        let mut refs = Vec::new();
        let mut any = false;
        for chunk in arns.chunks(10) {
            self.call("DescribeServices").await;
            match self
                .client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await
            {
                Ok(r) => {
                    let users: Vec<&Service> = r.services().iter().filter(|s| wanted(s)).collect();
                    for s in &users {
                        refs.extend(in_use(s));
                        if let Some(a) = s.service_arn() {
                            self.covered(|c| {
                                c.resources.insert(a.to_owned());
                                c.task_sets_of_services.insert(a.to_owned());
                            });
                        }
                    }
                    if !users.is_empty() {
                        any = true;
                        let docs: Vec<Value> = users.iter().map(|s| ecs_json::service(s)).collect();
                        self.doc("ecs:DescribeServices", json!({"services": docs}));
                        Box::pin(self.describe_express_services(express::express_arns(&users)))
                            .await;
                    }
                }
                Err(e) => {
                    self.service_reads_failed();
                    let why = err_text(&e);
                    self.error(format!("DescribeServices {cluster}: {why}"));
                }
            }
        }
        any.then_some(refs)
    }

    /// The services that use any of `groups` (themselves or through a task set), with their
    /// clusters and revisions. A service that names no group gets its VPC's default group, which
    /// may be one of them: it is read too.
    async fn security_groups(&self, groups: &[&str]) {
        let groups: BTreeSet<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        let refs = Box::pin(self.services_matching(Arc::new(move |s: &Service| {
            placements(s).any(|v| {
                v.security_groups().is_empty()
                    || v.security_groups().iter().any(|g| groups.contains(g))
            })
        })))
        .await;
        self.describe_task_definitions(refs).await;
    }

    /// Calls and errors of a lookup made to resolve a scope.
    fn absorb(&self, read: super::ec2::NetworkRead) {
        self.with(|a| {
            for (op, n) in read.calls {
                *a.calls.entry(op).or_default() += n;
            }
            a.errors.extend(read.errors);
        });
    }

    /// The services placed in any of `subnets` (themselves or through a task set).
    async fn services_in_subnets(&self, subnets: BTreeSet<String>) {
        let refs = Box::pin(self.services_matching(Arc::new(move |s: &Service| {
            placements(s).any(|v| v.subnets().iter().any(|x| subnets.contains(x)))
        })))
        .await;
        self.describe_task_definitions(refs).await;
    }

    /// The services placed in the VPCs that `vpcs` names (route tables, VPCs or VPC endpoints).
    /// Where those VPCs cannot be resolved (no EC2 client, a failed lookup, recorded, or a
    /// deleted endpoint), every awsvpc service is read: more than needed, never less.
    async fn services_in_vpcs(&self, vpcs: VpcsOf) {
        let subnets = match &self.ec2 {
            Some(ec2) => {
                let mut read = super::ec2::NetworkRead::default();
                let found = match vpcs {
                    VpcsOf::RouteTables(t) => {
                        super::ec2::vpcs_of_route_tables(ec2, &t, &mut read).await
                    }
                    VpcsOf::Endpoints(e) => super::ec2::vpcs_of_endpoints(ec2, &e, &mut read).await,
                    VpcsOf::Vpcs(v) => Some(v),
                };
                let subnets = match found {
                    Some(v) => super::ec2::subnets_of_vpcs(ec2, v, &mut read).await,
                    None => None,
                };
                self.absorb(read);
                subnets
            }
            None => None,
        };
        match subnets {
            Some(subnets) => Box::pin(self.services_in_subnets(subnets)).await,
            None => {
                let refs = Box::pin(self.services_matching(Arc::new(|s: &Service| {
                    s.network_configuration().is_some()
                        || s.task_sets()
                            .iter()
                            .any(|t| t.network_configuration().is_some())
                })))
                .await;
                self.describe_task_definitions(refs).await;
            }
        }
    }

    /// The services behind `load_balancers` through their target groups (themselves or through
    /// a task set). Where the target groups cannot be read, every service with a load balancer.
    async fn load_balancers(&self, load_balancers: &[&str]) {
        let lbs: Vec<String> = load_balancers.iter().map(|t| (*t).to_owned()).collect();
        let groups = match &self.elbv2 {
            Some(elbv2) => {
                let mut read = super::ec2::NetworkRead::default();
                let found = super::elbv2::target_groups_of(elbv2, &lbs, &mut read).await;
                self.absorb(read);
                found
            }
            None => None,
        };
        let refs = Box::pin(self.services_matching(Arc::new(move |s: &Service| {
            s.load_balancers()
                .iter()
                .chain(s.task_sets().iter().flat_map(|t| t.load_balancers()))
                .any(|l| match &groups {
                    Some(g) => l.target_group_arn().is_some_and(|t| g.contains(t)),
                    None => true,
                })
        })))
        .await;
        self.describe_task_definitions(refs).await;
    }

    /// What a role change concerns: the task definition families whose latest ACTIVE revision
    /// names one of `roles` as task or execution role (`None`: any role), each read as a task
    /// definition scope (its family, the services that run it), and the region's ECS Gateways and
    /// Managed Instances providers, whose infrastructure roles (and the providers' instance
    /// profiles, whose roles a scan cannot name without IAM) may be among them. Every family's
    /// latest revision is described once to find them (ECS cannot filter by role); where the
    /// listing fails, nothing is read (recorded).
    async fn role_users(&self, roles: Option<BTreeSet<String>>) {
        Box::pin(self.gateway_region()).await;
        Box::pin(self.managed_instances_providers()).await;
        self.families_where(Arc::new(move |td: &TaskDefinitionModel| {
            [
                td.task_role_arn.as_deref(),
                td.execution_role_arn.as_deref(),
            ]
            .into_iter()
            .flatten()
            .filter(|r| !r.is_empty())
            .any(|r| {
                roles
                    .as_ref()
                    .is_none_or(|want| want.contains(r.rsplit('/').next().unwrap_or(r)))
            })
        }))
        .await
    }

    /// The task definition families whose latest ACTIVE revision uses what `scope` names (an
    /// ECR repository, a log group, a secret, a parameter), each read as a task definition
    /// scope.
    async fn dependents(&self, scope: Scope) {
        self.families_where(Arc::new(move |td: &TaskDefinitionModel| scope.used_by(td)))
            .await
    }

    /// The task definition families whose latest ACTIVE revision `wanted` accepts, each read
    /// as a task definition scope (its family, the services that run it). Every family's
    /// latest revision is described once to find them (ECS cannot filter by what a definition
    /// names); where the listing fails, nothing is read (recorded).
    async fn families_where(
        &self,
        wanted: Arc<dyn Fn(&TaskDefinitionModel) -> bool + Send + Sync>,
    ) {
        let Some(all) = self.list_task_definitions(None).await else {
            return;
        };
        let mut set = JoinSet::new();
        for (family, arn) in latest_revisions(all) {
            let me = self.clone();
            let wanted = wanted.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                me.call("DescribeTaskDefinition").await;
                match me
                    .client
                    .describe_task_definition()
                    .task_definition(&arn)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let doc = ecs_json::task_definition(r.task_definition()?, &[]);
                        let td: TaskDefinitionModel =
                            serde_json::from_value(doc.get("taskDefinition")?.clone()).ok()?;
                        wanted(&td).then_some(family)
                    }
                    Err(e) => {
                        me.error(format!("DescribeTaskDefinition {arn}: {}", err_text(&e)));
                        None
                    }
                }
            });
        }
        let mut families = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(Some(f)) = r {
                families.push(f);
            }
        }
        if families.is_empty() {
            return;
        }
        families.sort();
        let wanted: Vec<&str> = families.iter().map(String::as_str).collect();
        Box::pin(self.task_definitions(&wanted)).await;
    }

    /// The task definitions of the roles a managed policy is attached to or bounds
    /// (`ListEntitiesForPolicy`, every page). Where they cannot be listed (recorded), those of
    /// every role: more than needed, never less.
    async fn policy_users(&self, policy: &str) {
        let roles = match &self.iam {
            Some(iam) => {
                let mut read = super::ec2::NetworkRead::default();
                let found = super::iam::roles_of_policy(iam, policy, &mut read).await;
                self.absorb(read);
                found
            }
            None => None,
        };
        match roles {
            Some(r) if r.is_empty() => {}
            Some(r) => Box::pin(self.role_users(Some(r))).await,
            None => Box::pin(self.role_users(None)).await,
        }
    }

    /// The clusters an EC2 instance is registered to as a container instance (one filtered
    /// ListContainerInstances per cluster), each read whole.
    async fn instance(&self, id: &str) {
        let Some(clusters) = self.list_clusters().await else {
            self.service_reads_failed();
            return;
        };
        let filter = format!("ec2InstanceId == {id}");
        for c in clusters {
            self.spend().await;
            self.count("ListContainerInstances");
            match self
                .client
                .list_container_instances()
                .cluster(&c)
                .filter(&filter)
                .max_results(1)
                .send()
                .await
            {
                Ok(r) if !r.container_instance_arns().is_empty() => {
                    Box::pin(self.cluster(&c)).await;
                }
                Ok(_) => {}
                Err(e) => self.error(format!("ListContainerInstances {c}: {}", err_text(&e))),
            }
        }
    }

    fn collect_scope<'a>(
        &'a self,
        scope: &'a Scope,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            match scope {
                Scope::Region => Box::pin(self.region()).await,
                Scope::Cluster(c) => Box::pin(self.cluster(c)).await,
                Scope::Service(s) => Box::pin(self.service(s)).await,
                Scope::TaskDefinition(t) => Box::pin(self.task_definitions(&[t.as_str()])).await,
                Scope::SecurityGroup(g) => Box::pin(self.security_groups(&[g.as_str()])).await,
                Scope::Subnet(x) => {
                    Box::pin(self.services_in_subnets(std::iter::once(x.clone()).collect())).await
                }
                Scope::RouteTable(x) => {
                    Box::pin(self.services_in_vpcs(VpcsOf::RouteTables(vec![x.clone()]))).await
                }
                Scope::Vpc(x) => {
                    Box::pin(self.services_in_vpcs(VpcsOf::Vpcs(vec![x.clone()]))).await
                }
                Scope::VpcEndpoint(x) => {
                    Box::pin(self.services_in_vpcs(VpcsOf::Endpoints(vec![x.clone()]))).await
                }
                Scope::LoadBalancer(x) => Box::pin(self.load_balancers(&[x.as_str()])).await,
                Scope::Instance(x) => Box::pin(self.instance(x)).await,
                Scope::Role(x) => {
                    Box::pin(self.role_users(Some(std::iter::once(x.clone()).collect()))).await
                }
                Scope::Policy(x) => Box::pin(self.policy_users(x)).await,
                Scope::DaemonTaskDefinition(x) => Box::pin(self.daemon_task_definitions(x)).await,
                Scope::Daemon(x) => Box::pin(self.daemon(x)).await,
                Scope::Gateway(x) => {
                    Box::pin(self.describe_gateways(std::slice::from_ref(x))).await
                }
                Scope::Repository(_)
                | Scope::LogGroup(_)
                | Scope::Secret(_)
                | Scope::Parameter(_) => Box::pin(self.dependents(scope.clone())).await,
                Scope::CapacityProvider(c) => {
                    let name = c.rsplit('/').next().unwrap_or(c).to_owned();
                    Box::pin(self.capacity_providers(&std::iter::once(name).collect())).await
                }
                Scope::Many(list) => match Scope::many(list.clone()) {
                    // Repeats are read once; task definitions (and security groups, and VPC
                    // endpoints) together, so that the services of the region are listed once
                    // for all of them.
                    Scope::Many(parts) => {
                        let mut revisions: Vec<&str> = Vec::new();
                        let mut groups: Vec<&str> = Vec::new();
                        let mut endpoints: Vec<String> = Vec::new();
                        for s in &parts {
                            match s {
                                Scope::TaskDefinition(t) => revisions.push(t),
                                Scope::SecurityGroup(g) => groups.push(g),
                                // One DeleteVpcEndpoints event names several endpoints.
                                Scope::VpcEndpoint(e) => endpoints.push(e.clone()),
                                other => self.collect_scope(other).await,
                            }
                        }
                        if !endpoints.is_empty() {
                            Box::pin(self.services_in_vpcs(VpcsOf::Endpoints(endpoints))).await;
                        }
                        if !revisions.is_empty() {
                            Box::pin(self.task_definitions(&revisions)).await;
                        }
                        if !groups.is_empty() {
                            Box::pin(self.security_groups(&groups)).await;
                        }
                    }
                    single => self.collect_scope(&single).await,
                },
            }
        })
    }
}

impl Ctx {
    /// Every page of a listing the SDK has no paginator for (ListDaemons,
    /// ListDaemonTaskDefinitions, ListGateways): `fetch` sends one page's request with the
    /// token, `take` keeps the page's items and returns its next token. Each page spends from
    /// the budget and counts as `op`; the first error ends the listing.
    async fn all_pages<P, T, E, Fut>(
        &self,
        op: &str,
        fetch: impl Fn(Option<String>) -> Fut,
        take: impl Fn(P, &mut Vec<T>) -> Option<String>,
    ) -> Result<Vec<T>, SdkError<E, HttpResponse>>
    where
        Fut: std::future::Future<Output = Result<P, SdkError<E, HttpResponse>>>,
    {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.call(op).await;
            let page = fetch(token.take()).await?;
            match take(page, &mut items) {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return Ok(items),
            }
        }
    }
}

/// An error code that says the region (or account) does not offer the operation's feature at
/// all: ECS answers `UnsupportedFeatureException` for a feature not available there, and a
/// region where the operation is not deployed answers `UnknownOperationException`. Either
/// proves the feature's resources absent; any other error leaves them unknown.
fn not_offered(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("UnsupportedFeatureException" | "UnknownOperationException")
    )
}

/// The revision number a task definition ARN ends with (0 when it has none).
fn revision_of(arn: &str) -> i64 {
    arn.rsplit(':')
        .next()
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0)
}

/// The latest of the listed revisions (ARNs) of each family, by family.
fn latest_revisions(arns: Vec<String>) -> BTreeMap<String, String> {
    let mut latest: BTreeMap<String, String> = BTreeMap::new();
    for arn in arns {
        let family = family_of(&arn).to_owned();
        if latest
            .get(&family)
            .is_none_or(|cur| revision_of(cur) < revision_of(&arn))
        {
            latest.insert(family, arn);
        }
    }
    latest
}

/// What names the VPCs whose services a scope reads.
enum VpcsOf {
    RouteTables(Vec<String>),
    Vpcs(Vec<String>),
    Endpoints(Vec<String>),
}

/// The raw documents an inventory read, as ECS API JSON (what `ecs-posture snapshot` writes).
pub struct Documents {
    pub docs: Vec<(String, Value)>,
    pub collected: Collected,
}

impl EcsInventory {
    fn ctx(&self) -> Ctx {
        Ctx {
            client: self.client.clone(),
            ec2: self.ec2.clone(),
            elbv2: self.elbv2.clone(),
            iam: self.iam.clone(),
            acc: Arc::new(Mutex::new(Acc::default())),
            sem: Arc::new(Semaphore::new(self.concurrency)),
            budget: self.budget.clone(),
            progress: self.progress.clone(),
        }
    }

    /// Read a scope and return both the documents and the collected snapshot.
    pub async fn read(&self, scope: &Scope) -> Documents {
        let ctx = self.ctx();
        ctx.collect_scope(scope).await;
        let acc = std::mem::take(&mut *ctx.acc.lock().unwrap_or_else(|p| p.into_inner()));
        let mut snapshot = Snapshot {
            partial: *scope != Scope::Region,
            ..Snapshot::default()
        };
        let mut errors = acc.errors;
        for (source, doc) in &acc.docs {
            if let Err(e) = snapshot.add_value(source, doc) {
                errors.push(e.to_string());
            }
        }
        let mut api_calls = acc.calls;
        let mut docs = acc.docs;
        // What surrounds the workloads, each read adding its documents to the snapshot (so the
        // next read sees them), its calls and its errors.
        let mut absorb = |snapshot: &mut Snapshot, read: super::ec2::NetworkRead| {
            for (source, doc) in &read.docs {
                if let Err(e) = snapshot.add_value(source, doc) {
                    errors.push(e.to_string());
                }
            }
            for (op, n) in read.calls {
                *api_calls.entry(op).or_default() += n;
            }
            for e in read.errors {
                tracing::warn!(error = %e, "read failed");
                errors.push(e);
            }
            docs.extend(read.docs);
        };
        if let Some(ec2) = &self.ec2 {
            let refs = References::of(&snapshot);
            absorb(
                &mut snapshot,
                super::ec2::read(ec2, self.ssm.as_ref(), &refs).await,
            );
        }
        if let Some(elbv2) = &self.elbv2 {
            let groups = ecs_posture_core::model::load_balancing::target_group_refs(&snapshot);
            absorb(&mut snapshot, super::elbv2::read(elbv2, &groups).await);
        }
        if let Some(iam) = &self.iam
            && let Some((account, _)) = snapshot.account_region()
        {
            let refs = super::iam::RoleRefs::of(&snapshot, &account);
            let whole = *scope == Scope::Region;
            absorb(
                &mut snapshot,
                super::iam::read(iam, &account, &refs, whole).await,
            );
        }
        if let Some(ecr) = &self.ecr
            && let Some((account, region)) = snapshot.account_region()
        {
            let mut refs = super::ecr::ImageRefs::of(&snapshot, &account, &region);
            if !refs.unpinned.is_empty() {
                // Which digest runs, where the definitions do not pin it.
                let clusters: Vec<String> = snapshot
                    .clusters
                    .iter()
                    .filter_map(|r| r.item.cluster_arn.clone())
                    .collect();
                absorb(
                    &mut snapshot,
                    super::ecr::running_tasks(&self.client, &clusters).await,
                );
                refs.add_running(&snapshot, &account, &region);
            }
            absorb(
                &mut snapshot,
                super::ecr::read(ecr, self.kms.as_ref(), &account, &refs).await,
            );
        }
        if let Some(logs) = &self.logs
            && let Some((account, region)) = snapshot.account_region()
        {
            let names = super::logs::group_names(&snapshot, &region);
            if !names.is_empty() {
                absorb(
                    &mut snapshot,
                    super::logs::read(logs, &account, &names).await,
                );
            }
        }
        if (self.secretsmanager.is_some() || self.ssm.is_some())
            && let Some((account, region)) = snapshot.account_region()
        {
            let (secrets, parameters) = super::secrets::references(&snapshot, &account, &region);
            if !secrets.is_empty() || !parameters.is_empty() {
                absorb(
                    &mut snapshot,
                    super::secrets::read(
                        self.secretsmanager.as_ref(),
                        self.ssm.as_ref(),
                        &account,
                        (&secrets, &parameters),
                    )
                    .await,
                );
            }
        }
        // The detection services, where the workloads they protect run.
        if let Some((account, region)) = snapshot.account_region() {
            let workloads =
                ecs_posture_core::engine::account_workloads(&snapshot, &account, &region);
            if let Some(guardduty) = &self.guardduty
                && super::detection::needs_guardduty(&workloads)
            {
                absorb(
                    &mut snapshot,
                    super::detection::read_guardduty(guardduty, &account).await,
                );
            }
            if let Some(inspector) = &self.inspector
                && super::detection::needs_inspector(&workloads)
            {
                absorb(
                    &mut snapshot,
                    super::detection::read_inspector(inspector, &account).await,
                );
            }
            // ECS's own account settings, where clusters run (AC05-AC07).
            if workloads.has(ecs_posture_core::checks::Workload::Clusters) {
                absorb(
                    &mut snapshot,
                    account_settings::read_account_settings(
                        &self.client,
                        ecs_posture_core::fleet::partition_of(&region),
                        &account,
                    )
                    .await,
                );
            }
        }
        tracing::info!(scope = %scope.describe(), api_calls = api_calls.values().sum::<u64>(), resources = snapshot.resource_count(), errors = errors.len(), "inventory read");
        Documents {
            docs,
            collected: Collected {
                snapshot,
                coverage: acc.coverage,
                api_calls,
                errors,
                texts: Default::default(),
            },
        }
    }
}

impl Inventory for EcsInventory {
    async fn collect(&self, scope: &Scope) -> Result<Collected, InventoryError> {
        Ok(self.read(scope).await.collected)
    }

    /// ListClusters and ListTaskDefinitions (ACTIVE), every page, within the budget.
    async fn extent(&self) -> Result<Extent, InventoryError> {
        let ctx = self.ctx();
        let clusters = ctx.list_clusters().await;
        let revisions = match clusters {
            Some(_) => ctx.list_task_definitions(None).await,
            None => None,
        };
        let acc = std::mem::take(&mut *ctx.acc.lock().unwrap_or_else(|p| p.into_inner()));
        match (clusters, revisions) {
            (Some(clusters), Some(revisions)) => Ok(Extent {
                clusters: clusters.into_iter().collect(),
                families: revisions.iter().map(|r| family_of(r).to_owned()).collect(),
            }),
            _ => Err(InventoryError::Listing(acc.errors.join("; "))),
        }
    }
}

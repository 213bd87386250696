//! ECS Managed Daemons: the daemons of each cluster read (`ListDaemons`, `DescribeDaemon`), the
//! revisions they run (`DescribeDaemonRevisions`, 20 at a time) and the daemon task definitions
//! those revisions and each family's latest ACTIVE revision name
//! (`ListDaemonTaskDefinitions`, `DescribeDaemonTaskDefinition`, `ListTagsForResource` for their
//! tags). A region or account where the feature does not exist answers
//! `UnsupportedFeatureException` (or, where the operation is not deployed,
//! `UnknownOperationException`): it has no daemons.

use std::collections::BTreeSet;

use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::DaemonTaskDefinitionStatusFilter;
use tokio::task::JoinSet;

use super::{Ctx, err_text, family_of, latest_revisions, not_offered};
use crate::aws::ecs_json;

/// `DescribeDaemonRevisions` takes at most 20 ARNs.
const REVISIONS_PER_CALL: usize = 20;

impl Ctx {
    /// Every daemon of `cluster` (all pages), described; returns the daemon task definitions
    /// their current revisions run. A listing that fails leaves the cluster's daemons unknown.
    pub(super) async fn daemons_of(&self, cluster: &str) -> Vec<String> {
        let listed = self
            .all_pages(
                "ListDaemons",
                |token| {
                    self.client
                        .list_daemons()
                        .cluster_arn(cluster)
                        .max_results(100)
                        .set_next_token(token)
                        .send()
                },
                |r, out| {
                    out.extend(
                        r.daemon_summaries_list()
                            .iter()
                            .filter_map(|d| d.daemon_arn().map(str::to_owned)),
                    );
                    r.next_token().map(str::to_owned)
                },
            )
            .await;
        let arns = match listed {
            Ok(arns) => arns,
            // Managed Daemons do not exist here: the cluster has none.
            Err(e) if e.as_service_error().is_some_and(|s| not_offered(s.code())) => Vec::new(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_cluster_not_found_exception()) =>
            {
                return Vec::new();
            }
            Err(e) => {
                self.daemon_reads_failed();
                self.error(format!("ListDaemons {cluster}: {}", err_text(&e)));
                return Vec::new();
            }
        };
        self.covered(|c| {
            c.daemons_of_clusters.insert(cluster.to_owned());
        });
        self.describe_daemons(&arns).await
    }

    /// Which daemon task definition revisions run is not fully known: none is proven superseded.
    fn daemon_reads_failed(&self) {
        self.covered(|c| c.daemon_reads_failed = true);
    }

    /// `DescribeDaemon` for each daemon, then `DescribeDaemonRevisions` for the revisions they
    /// run; returns the daemon task definitions those revisions name.
    pub(super) async fn describe_daemons(&self, arns: &[String]) -> Vec<String> {
        let mut set = JoinSet::new();
        for arn in arns {
            let me = self.clone();
            let arn = arn.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                me.call("DescribeDaemon").await;
                match me.client.describe_daemon().daemon_arn(&arn).send().await {
                    Ok(r) => match r.daemon() {
                        Some(d) => {
                            me.covered(|c| {
                                c.resources.insert(arn.clone());
                            });
                            me.doc("ecs:DescribeDaemon", ecs_json::daemon(d));
                            d.current_revisions()
                                .iter()
                                .filter_map(|r| r.arn().map(str::to_owned))
                                .collect()
                        }
                        None => {
                            me.daemon_reads_failed();
                            me.unreadable(&arn, "DescribeDaemon returned no daemon".to_owned());
                            Vec::new()
                        }
                    },
                    Err(e) => {
                        if e.as_service_error()
                            .is_some_and(|s| s.is_daemon_not_found_exception())
                        {
                            // Deleted: that proves absence.
                            me.covered(|c| {
                                c.resources.insert(arn.clone());
                            });
                        } else {
                            me.daemon_reads_failed();
                            me.unreadable(&arn, format!("DescribeDaemon: {}", err_text(&e)));
                        }
                        Vec::new()
                    }
                }
            });
        }
        let mut revisions: Vec<String> = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(r) = r {
                revisions.extend(r);
            }
        }
        revisions.sort();
        revisions.dedup();
        let mut definitions = Vec::new();
        for chunk in revisions.chunks(REVISIONS_PER_CALL) {
            self.call("DescribeDaemonRevisions").await;
            match self
                .client
                .describe_daemon_revisions()
                .set_daemon_revision_arns(Some(chunk.to_vec()))
                .send()
                .await
            {
                Ok(r) => {
                    if !r.failures().is_empty() {
                        self.daemon_reads_failed();
                    }
                    self.failures(r.failures());
                    definitions.extend(
                        r.daemon_revisions()
                            .iter()
                            .filter_map(|x| x.daemon_task_definition_arn().map(str::to_owned)),
                    );
                    self.doc(
                        "ecs:DescribeDaemonRevisions",
                        ecs_json::daemon_revisions(r.daemon_revisions(), r.failures()),
                    );
                }
                Err(e) => {
                    self.daemon_reads_failed();
                    let why = err_text(&e);
                    for arn in chunk {
                        self.unreadable(arn, format!("DescribeDaemonRevisions: {why}"));
                    }
                }
            }
        }
        definitions
    }

    /// ACTIVE daemon task definition ARNs of the region, or of one family; `None` when a page
    /// could not be read.
    pub(super) async fn list_daemon_task_definitions(
        &self,
        family: Option<&str>,
    ) -> Option<Vec<String>> {
        let listed = self
            .all_pages(
                "ListDaemonTaskDefinitions",
                |token| {
                    self.client
                        .list_daemon_task_definitions()
                        .status(DaemonTaskDefinitionStatusFilter::Active)
                        .set_family(family.map(str::to_owned))
                        .max_results(100)
                        .set_next_token(token)
                        .send()
                },
                |r, out| {
                    out.extend(
                        r.daemon_task_definitions()
                            .iter()
                            .filter_map(|d| d.arn().map(str::to_owned))
                            .filter(|a| family.is_none_or(|f| family_of(a) == f)),
                    );
                    r.next_token().map(str::to_owned)
                },
            )
            .await;
        match listed {
            Ok(arns) => Some(arns),
            // Not among the operation's modelled errors, but what ListDaemons answers where
            // Managed Daemons do not exist: no daemon task definitions either.
            Err(e) if e.as_service_error().is_some_and(|s| not_offered(s.code())) => {
                Some(Vec::new())
            }
            Err(e) => {
                self.error(format!(
                    "ListDaemonTaskDefinitions{}: {}",
                    family.map(|f| format!(" {f}")).unwrap_or_default(),
                    err_text(&e)
                ));
                None
            }
        }
    }

    /// Each daemon task definition described once, with its tags.
    pub(super) async fn describe_daemon_task_definitions(
        &self,
        refs: impl IntoIterator<Item = String>,
    ) {
        let mut seen = BTreeSet::new();
        let mut set = JoinSet::new();
        for reference in refs {
            if !seen.insert(reference.clone()) {
                continue;
            }
            let me = self.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                me.call("DescribeDaemonTaskDefinition").await;
                match me
                    .client
                    .describe_daemon_task_definition()
                    .daemon_task_definition(&reference)
                    .send()
                    .await
                {
                    Ok(r) => match r.daemon_task_definition() {
                        Some(td) => {
                            let arn = td.daemon_task_definition_arn().unwrap_or(&reference);
                            me.covered(|c| {
                                c.resources.insert(arn.to_owned());
                            });
                            // Tags are read apart; without them TD32/TD33 say so, nothing else.
                            me.call("ListTagsForResource").await;
                            let tags = me
                                .client
                                .list_tags_for_resource()
                                .resource_arn(arn)
                                .send()
                                .await;
                            let tags = match &tags {
                                Ok(t) => Some(t.tags()),
                                Err(e) => {
                                    me.error(format!("ListTagsForResource {arn}: {}", err_text(e)));
                                    None
                                }
                            };
                            me.doc(
                                "ecs:DescribeDaemonTaskDefinition",
                                ecs_json::daemon_task_definition(td, tags),
                            );
                        }
                        None => me.unreadable(
                            &reference,
                            "DescribeDaemonTaskDefinition returned no daemon task definition"
                                .to_owned(),
                        ),
                    },
                    Err(e) => {
                        let missing = e.as_service_error().is_some_and(|s| {
                            s.is_client_exception()
                                && s.message().is_some_and(|m| {
                                    m.contains("Unable to describe")
                                        || m.contains("not found")
                                        || m.contains("does not exist")
                                })
                        });
                        if missing {
                            me.covered(|c| {
                                c.resources.insert(reference.clone());
                            });
                        } else {
                            me.unreadable(
                                &reference,
                                format!("DescribeDaemonTaskDefinition: {}", err_text(&e)),
                            );
                        }
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
    }

    /// The daemons of each of `clusters` (concurrently); returns the daemon task definitions
    /// their current revisions run.
    async fn daemons_of_clusters(&self, clusters: &[String]) -> Vec<String> {
        let mut set = JoinSet::new();
        for c in clusters {
            let me = self.clone();
            let c = c.clone();
            set.spawn(async move { me.daemons_of(&c).await });
        }
        let mut definitions = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(r) = r {
                definitions.extend(r);
            }
        }
        definitions
    }

    /// The region's daemons (of `clusters`, every cluster listed) and daemon task definitions:
    /// each family's latest ACTIVE revision and every revision a daemon runs.
    pub(super) async fn daemon_region(&self, clusters: &[String]) {
        let mut wanted = self.daemons_of_clusters(clusters).await;
        if let Some(all) = self.list_daemon_task_definitions(None).await {
            self.covered(|c| c.all_daemon_task_definitions = true);
            wanted.extend(latest_revisions(all).into_values());
        }
        self.describe_daemon_task_definitions(wanted).await;
    }

    /// One daemon (a CloudTrail event named it): described with the revisions it runs and their
    /// daemon task definitions. Deleted, it is proven gone.
    pub(super) async fn daemon(&self, arn: &str) {
        let definitions = self.describe_daemons(&[arn.to_owned()]).await;
        self.describe_daemon_task_definitions(definitions).await;
    }

    /// A daemon task definition family (or one revision): its ACTIVE revisions listed, the
    /// latest and the named one described, and the daemons of every cluster read so that the
    /// revisions they run are evaluated (and their findings kept) too.
    pub(super) async fn daemon_task_definitions(&self, wanted: &str) {
        let family = family_of(wanted).to_owned();
        let mut refs = Vec::new();
        if wanted.contains(':') {
            refs.push(wanted.to_owned());
        }
        match self.list_daemon_task_definitions(Some(&family)).await {
            Some(active) => {
                self.covered(|c| {
                    c.daemon_task_definition_families.insert(family.clone());
                });
                refs.extend(latest_revisions(active).into_values());
            }
            None if !wanted.contains(':') => refs.push(wanted.to_owned()),
            None => {}
        }
        match self.list_clusters().await {
            Some(clusters) => refs.extend(
                self.daemons_of_clusters(&clusters)
                    .await
                    .into_iter()
                    .filter(|t| family_of(t) == family),
            ),
            None => self.daemon_reads_failed(),
        }
        self.describe_daemon_task_definitions(refs).await;
    }
}

//! ECS Managed Daemons as `DescribeDaemon` and `DescribeDaemonRevisions` return them. A daemon
//! runs one task of a daemon task definition on every instance of its Managed Instances capacity
//! providers; its revisions say which daemon task definition runs and whether ECS Exec is on.
//! Daemon task definitions themselves are [`super::TaskDefinition`]s marked `daemon` (their
//! container definitions are a subset of a task definition's, with the same field names).

use serde::Deserialize;

use super::de;

/// `DescribeDaemon`'s `daemon` (`DaemonDetail`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Daemon {
    pub daemon_arn: Option<String>,
    pub cluster_arn: Option<String>,
    /// `ACTIVE` or `DELETE_IN_PROGRESS`.
    pub status: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub current_revisions: Vec<DaemonRevisionRef>,
    pub deployment_arn: Option<String>,
}

/// `DaemonRevisionDetail`: a revision the daemon currently runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonRevisionRef {
    pub arn: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub total_running_count: Option<i64>,
}

/// `DescribeDaemonRevisions`' `daemonRevisions[]` (`DaemonRevision`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonRevision {
    pub daemon_revision_arn: Option<String>,
    pub cluster_arn: Option<String>,
    pub daemon_arn: Option<String>,
    pub daemon_task_definition_arn: Option<String>,
    /// ECS Exec on the daemon's tasks; absent means the service did not say.
    #[serde(deserialize_with = "de::opt_bool")]
    pub enable_execute_command: Option<bool>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub container_images: Vec<DaemonContainerImage>,
}

/// The image (and the digest ECS resolved) a daemon revision's container runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonContainerImage {
    pub container_name: Option<String>,
    pub image_digest: Option<String>,
    pub image: Option<String>,
}

impl Daemon {
    /// The daemon's name: the last part of `daemon/<cluster>/<name>`.
    pub fn display_name(&self) -> String {
        self.daemon_arn
            .as_deref()
            .and_then(|a| a.rsplit('/').next())
            .filter(|n| !n.is_empty())
            .unwrap_or("(unnamed daemon)")
            .to_owned()
    }

    /// Not being deleted.
    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
    }

    /// The ARNs of the revisions the daemon runs now.
    pub fn current_revision_arns(&self) -> impl Iterator<Item = &str> {
        self.current_revisions
            .iter()
            .filter_map(|r| r.arn.as_deref())
    }
}

//! What a scan covers: the scope asked for, and what an inventory proved it read completely.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What to (re)scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every cluster, service, task set, container instance and capacity provider of the region,
    /// and the latest ACTIVE revision of every task definition family.
    Region,
    /// One cluster (name or ARN): its settings, capacity providers, container instances,
    /// services and their task definitions.
    Cluster(String),
    /// One service (ARN, or `cluster/service`): the service, its task sets, its task
    /// definition(s) and its cluster.
    Service(String),
    /// One task definition revision (ARN or `family:revision`), its family's ACTIVE revisions,
    /// and the services that run the family.
    TaskDefinition(String),
    /// Several scopes in one scan.
    Many(Vec<Scope>),
}

impl Scope {
    pub fn describe(&self) -> String {
        match self {
            Scope::Region => "region".to_owned(),
            Scope::Cluster(c) => format!("cluster {c}"),
            Scope::Service(s) => format!("service {s}"),
            Scope::TaskDefinition(t) => format!("task definition {t}"),
            Scope::Many(v) => v.iter().map(Scope::describe).collect::<Vec<_>>().join(", "),
        }
    }
}

/// The parts of the estate an inventory listed or described completely. Only resources in a
/// covered part can be proven deleted, deregistered or superseded; a failed listing or describe
/// adds nothing here, so nothing in it is archived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Resources described directly, whether present or reported missing.
    pub resources: BTreeSet<String>,
    /// Task definition families whose ACTIVE revisions were all listed.
    pub task_definition_families: BTreeSet<String>,
    /// Every ACTIVE task definition revision of the region was listed.
    pub all_task_definitions: bool,
    /// Every cluster of the region was listed.
    pub all_clusters: bool,
    /// Clusters (ARN) whose services were all listed.
    pub services_of_clusters: BTreeSet<String>,
    /// Services (ARN) whose task sets were all returned.
    pub task_sets_of_services: BTreeSet<String>,
    /// Clusters (ARN) whose container instances were all listed.
    pub container_instances_of_clusters: BTreeSet<String>,
    /// Resources (ARN) that could not be read: never passing, never archived.
    pub unreadable: BTreeSet<String>,
}

/// The family of a task definition ARN or `family:revision`.
pub fn family_of(task_definition: &str) -> &str {
    let key = task_definition
        .rsplit_once("task-definition/")
        .map(|(_, k)| k)
        .unwrap_or(task_definition);
    key.rsplit_once(':').map(|(f, _)| f).unwrap_or(key)
}

/// `cluster` part of a new-format ARN such as `service/<cluster>/<name>`, as a cluster ARN.
fn cluster_arn_from(arn: &str, marker: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(marker)?;
    let (cluster, _) = rest.split_once('/')?;
    Some(format!("{prefix}:cluster/{cluster}"))
}

impl Coverage {
    /// True when the scan proved what exists for this resource: its absence means it is gone.
    pub fn covers(&self, resource_type: &str, arn: &str) -> bool {
        if self.unreadable.contains(arn) {
            return false;
        }
        if self.resources.contains(arn) {
            return true;
        }
        match resource_type {
            "AwsEcsTaskDefinition" => {
                self.all_task_definitions || self.task_definition_families.contains(family_of(arn))
            }
            "AwsEcsService" => cluster_arn_from(arn, ":service/")
                .is_some_and(|c| self.services_of_clusters.contains(&c)),
            "AwsEcsTaskSet" => {
                // task-set/<cluster>/<service>/<id>
                let Some((prefix, rest)) = arn.split_once(":task-set/") else {
                    return false;
                };
                let mut parts = rest.splitn(3, '/');
                let (Some(cluster), Some(service)) = (parts.next(), parts.next()) else {
                    return false;
                };
                let service_arn = format!("{prefix}:service/{cluster}/{service}");
                self.task_sets_of_services.contains(&service_arn)
                    || self
                        .services_of_clusters
                        .contains(&format!("{prefix}:cluster/{cluster}"))
            }
            "AwsEcsCluster" => self.all_clusters,
            "AwsEcsContainerInstance" => cluster_arn_from(arn, ":container-instance/")
                .is_some_and(|c| self.container_instances_of_clusters.contains(&c)),
            _ => false,
        }
    }

    pub fn merge(&mut self, other: Coverage) {
        self.resources.extend(other.resources);
        self.task_definition_families
            .extend(other.task_definition_families);
        self.all_task_definitions |= other.all_task_definitions;
        self.all_clusters |= other.all_clusters;
        self.services_of_clusters.extend(other.services_of_clusters);
        self.task_sets_of_services
            .extend(other.task_sets_of_services);
        self.container_instances_of_clusters
            .extend(other.container_instances_of_clusters);
        self.unreadable.extend(other.unreadable);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_rules() {
        let mut c = Coverage::default();
        c.services_of_clusters
            .insert("arn:aws:ecs:us-east-1:1:cluster/prod".into());
        c.task_definition_families.insert("web".into());
        c.unreadable
            .insert("arn:aws:ecs:us-east-1:1:service/prod/locked".into());
        assert!(c.covers("AwsEcsService", "arn:aws:ecs:us-east-1:1:service/prod/api"));
        assert!(!c.covers(
            "AwsEcsService",
            "arn:aws:ecs:us-east-1:1:service/prod/locked"
        ));
        assert!(!c.covers(
            "AwsEcsService",
            "arn:aws:ecs:us-east-1:1:service/staging/api"
        ));
        assert!(c.covers(
            "AwsEcsTaskDefinition",
            "arn:aws:ecs:us-east-1:1:task-definition/web:3"
        ));
        assert!(!c.covers(
            "AwsEcsTaskDefinition",
            "arn:aws:ecs:us-east-1:1:task-definition/web-staging:3"
        ));
        assert!(c.covers(
            "AwsEcsTaskSet",
            "arn:aws:ecs:us-east-1:1:task-set/prod/api/ecs-svc/1"
        ));
        assert!(!c.covers("AwsEcsCluster", "arn:aws:ecs:us-east-1:1:cluster/prod"));
        assert_eq!(
            family_of("arn:aws:ecs:us-east-1:1:task-definition/a-b:12"),
            "a-b"
        );
        assert_eq!(family_of("a-b:12"), "a-b");
    }
}

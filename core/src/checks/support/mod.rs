//! Helpers the checks share: container iteration, the tagging and tag-secret evaluators, image
//! reference parsing ([`image`]) and secret classification ([`secrets`]). They live beside the
//! rules, not among them: `checks/<kind>/` holds only checks, one file each, named after the slug.

pub mod detection;
pub mod image;
pub mod instance;
pub mod load_balancing;
pub mod logs;
pub mod network;
pub mod references;
pub mod repositories;
pub mod roles;
pub mod secrets;

use crate::config::Options;
use crate::finding::{Outcome, Verdict};
use crate::model::{ContainerDefinition, Tag, TaskDefinition};

/// What the surroundings checks of one service placement resolve once and share: its network
/// (security groups, subnets, VPC) and the load balancers in front of it. Empty in a new view
/// (and in [`ServiceView::at_placement`](crate::checks::ServiceView::at_placement)'s).
#[derive(Clone, Default)]
pub struct Resolved<'a> {
    pub(crate) network: std::cell::OnceCell<network::Resolution<'a>>,
    pub(crate) load_balancers: std::cell::OnceCell<Result<load_balancing::ServiceLbs<'a>, Verdict>>,
}

/// What a cluster does with the ECS Exec sessions of its services and daemons, as evidence: not
/// logged, logged through the task's awslogs configuration, not encrypted with a KMS key.
pub(crate) fn exec_session_evidence(cluster: Option<&crate::model::Cluster>) -> Vec<String> {
    use crate::model::ExecLogging;
    let Some(c) = cluster else {
        return Vec::new();
    };
    let mut evidence = Vec::new();
    match c.exec_logging() {
        ExecLogging::None => evidence.push(format!(
            "cluster {} does not log exec sessions (logging = NONE)",
            c.display_name()
        )),
        ExecLogging::Default => evidence.push(format!(
            "cluster {} logs exec sessions through the task's awslogs configuration (DEFAULT)",
            c.display_name()
        )),
        ExecLogging::Override => {}
    }
    if c.exec_config()
        .and_then(|e| e.kms_key_id.as_deref())
        .is_none()
    {
        evidence.push(format!(
            "cluster {} does not encrypt exec sessions with a KMS key",
            c.display_name()
        ));
    }
    evidence
}

/// Iterate the containers of a task definition with their display names.
pub(crate) fn containers(
    td: &TaskDefinition,
) -> impl Iterator<Item = (&str, &ContainerDefinition)> {
    td.container_definitions
        .iter()
        .map(|c| (c.display_name(), c))
}

/// Shared evaluator for the tagging checks (Security Hub ECS.13/14/15 semantics): FAIL when the
/// resource has no tag other than `aws:` ones, or lacks one of `required_tag_keys`.
pub(crate) fn tagging_outcome(tags: Option<&[Tag]>, opts: &Options) -> Outcome {
    let Some(tags) = tags else {
        return Outcome::na("tags were not returned (describe with --include TAGS)");
    };
    let user_tags: Vec<&str> = tags
        .iter()
        .map(|t| t.key.as_str())
        .filter(|k| !k.to_ascii_lowercase().starts_with("aws:"))
        .collect();
    if user_tags.is_empty() {
        return Outcome::failed(["no tags other than aws: system tags".to_owned()]);
    }
    let missing: Vec<&str> = opts
        .required_tag_keys
        .iter()
        .map(String::as_str)
        .filter(|k| !user_tags.contains(k))
        .collect();
    if missing.is_empty() {
        Outcome::Passed
    } else {
        Outcome::failed([format!("missing required tag keys: {}", missing.join(", "))])
    }
}

/// Shared evaluator for the sensitive-data-in-tags checks.
pub(crate) fn sensitive_tags_outcome(tags: Option<&[Tag]>, opts: &Options) -> Outcome {
    let Some(tags) = tags else {
        return Outcome::na("tags were not returned (describe with --include TAGS)");
    };
    let evidence: Vec<String> = tags
        .iter()
        .filter_map(|t| {
            secrets::classify(&t.key, &t.value, opts).map(|kind| format!("tag {}: {kind}", t.key))
        })
        .collect();
    Outcome::fail_if_any(evidence)
}

/// A Linux capability name as ECS compares it: upper case, without the `CAP_` prefix.
pub(crate) fn capability_name(cap: &str) -> String {
    capability_key(cap).to_ascii_uppercase()
}

/// The capability a name means, borrowed: trimmed, without a `CAP_` prefix in any case; equal
/// keys compare with `eq_ignore_ascii_case` (see [`same_capability`]).
fn capability_key(cap: &str) -> &str {
    let t = cap.trim();
    match t.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("CAP_") => &t[4..],
        _ => t,
    }
}

/// Two capability names mean the same capability (`cap_sys_admin` and `SYS_ADMIN`).
pub(crate) fn same_capability(a: &str, b: &str) -> bool {
    capability_key(a).eq_ignore_ascii_case(capability_key(b))
}

#[cfg(test)]
mod tests {
    use super::{capability_name, same_capability};

    #[test]
    fn capability_names_compare_without_prefix_case_or_spaces() {
        assert!(same_capability("CAP_SYS_ADMIN", "SYS_ADMIN"));
        assert!(same_capability(" cap_sys_admin ", "sys_Admin"));
        assert!(same_capability("all", "ALL"));
        assert!(!same_capability("CAP_SYS_ADMIN", "SYS_ADMINX"));
        assert!(!same_capability("CAP_", "CAP"));
        assert!(!same_capability("NET_RAW", "CAP_NET_ADMIN"));
        // Not a prefix: a name shorter than four bytes, or one cut inside a character.
        assert!(same_capability("CAP", "cap"));
        assert!(!same_capability("CAé_X", "X"));
        assert_eq!(capability_name(" cap_net_raw"), "NET_RAW");
    }
}

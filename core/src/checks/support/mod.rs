//! Helpers the checks share: container iteration, the tagging and tag-secret evaluators, image
//! reference parsing ([`image`]) and secret classification ([`secrets`]). They live beside the
//! rules, not among them: `checks/<kind>/` holds only checks, one file each, named after the slug.

pub mod image;
pub mod instance;
pub mod load_balancing;
pub mod network;
pub mod secrets;

use crate::config::Options;
use crate::finding::Outcome;
use crate::model::{ContainerDefinition, Tag, TaskDefinition};

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
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_owned).unwrap_or(up)
}

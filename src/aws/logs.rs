//! The CloudWatch Logs groups the scan's containers write to, read as `aws logs
//! describe-log-groups` prints them: one `DescribeLogGroups` per 50 groups
//! (`logGroupIdentifiers`, every page), each group's answer kept as
//! `log-group-<name>.json` (the shape `--log-group-name-prefix <name>` prints), so that a group
//! the answer lacks is proven missing. A refused read is kept as the AWS error document of each
//! of its groups.

use std::collections::BTreeSet;

use aws_sdk_cloudwatchlogs::Client;
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::logs::LOG_GROUP_PREFIX;
use serde_json::{Value, json};

use super::ec2::NetworkRead;

/// The document names this reader writes (`snapshot --live` keeps them as they are).
pub const SOURCE_PREFIX: &str = LOG_GROUP_PREFIX;

/// The log groups of the scanned region that the snapshot's ACTIVE task definitions write to.
pub fn group_names(snapshot: &Snapshot, region: &str) -> BTreeSet<String> {
    snapshot
        .task_definitions
        .iter()
        .map(|r| &r.item)
        .filter(|td| td.status.as_deref().is_none_or(|s| s == "ACTIVE"))
        .flat_map(|td| td.container_definitions.iter())
        .filter_map(|c| c.log_configuration.as_ref()?.destination())
        .filter(|d| d.region.is_none_or(|r| r == region))
        .map(|d| d.group.to_owned())
        .collect()
}

/// `log-group-<name>.json`.
pub fn file_name(group: &str) -> String {
    format!("{LOG_GROUP_PREFIX}{}.json", group.replace('/', "%2F"))
}

pub async fn read(client: &Client, account: &str, names: &BTreeSet<String>) -> NetworkRead {
    let mut out = NetworkRead::default();
    let names: Vec<String> = names.iter().cloned().collect();
    for chunk in names.chunks(50) {
        let mut found: Vec<Value> = Vec::new();
        let mut pages = client
            .describe_log_groups()
            .set_log_group_identifiers(Some(chunk.to_vec()))
            .into_paginator()
            .send();
        let mut refused: Option<Value> = None;
        let mut failed = false;
        while let Some(page) = pages.next().await {
            out.count("logs:DescribeLogGroups");
            match page {
                Ok(p) => {
                    for g in p.log_groups() {
                        found.push(json!({
                            "logGroupName": g.log_group_name(),
                            "arn": g.arn(),
                            "logGroupArn": g.log_group_arn(),
                            "retentionInDays": g.retention_in_days(),
                            "kmsKeyId": g.kms_key_id(),
                            "logGroupClass": g.log_group_class().map(|c| c.as_str()),
                        }));
                    }
                }
                Err(e) => {
                    out.errors.push(format!(
                        "logs:DescribeLogGroups in account {account}: {}",
                        super::sdk_error_summary(&e)
                    ));
                    refused = super::error_document(&e);
                    failed = true;
                    break;
                }
            }
        }
        for name in chunk {
            let doc = if failed {
                match &refused {
                    Some(error) => error.clone(),
                    // Not an answer (a timeout): nothing is kept, the group stays unread.
                    None => continue,
                }
            } else {
                let groups: Vec<Value> = found
                    .iter()
                    .filter(|g| g["logGroupName"].as_str() == Some(name.as_str()))
                    .cloned()
                    .collect();
                json!({"logGroups": groups})
            };
            out.docs.push((file_name(name), doc));
        }
    }
    out
}

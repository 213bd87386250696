//! The metadata of the secrets and parameters the scan's containers take, read as the AWS CLI
//! prints it: `aws secretsmanager describe-secret` per secret and `aws ssm describe-parameters`
//! (`Name Equals`, 50 names a call, every page). Neither returns a value, and no call that does
//! (`GetSecretValue`, `GetParameter*`) is made here. Each parameter's answer is kept as
//! `ssm-parameter-<name>.json` (so a parameter the answer lacks is proven missing); a secret
//! that was not found, or whose read was refused, as the error document `secret-<id>.json`.

use std::collections::BTreeSet;

use aws_sdk_ssm::types::ParameterStringFilter;
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::secrets::{
    PARAMETER_PREFIX, Reference, SECRET_PREFIX, file_name, references_of,
};
use serde_json::{Value, json};

use super::ec2::{NetworkRead, each_concurrently};

/// The document names this reader writes (`snapshot --live` keeps them as they are).
pub const SOURCE_PREFIXES: &[&str] = &[SECRET_PREFIX, PARAMETER_PREFIX];

/// The secrets (ids as referenced) and parameters (names) of `account` in `region` that the
/// snapshot's ACTIVE task definitions take.
pub fn references(
    snapshot: &Snapshot,
    account: &str,
    region: &str,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut secrets, mut parameters) = (BTreeSet::new(), BTreeSet::new());
    let here = |a: &Option<String>, r: &Option<String>| {
        a.as_deref().is_none_or(|a| a == account) && r.as_deref().is_none_or(|r| r == region)
    };
    for td in snapshot.task_definitions.iter().map(|r| &r.item) {
        if td.status.as_deref().is_some_and(|s| s != "ACTIVE") {
            continue;
        }
        for (r, _) in td.container_definitions.iter().flat_map(references_of) {
            match r {
                Reference::Secret {
                    id,
                    account: a,
                    region: r,
                } if here(&a, &r) => {
                    secrets.insert(id);
                }
                Reference::Parameter {
                    name,
                    account: a,
                    region: r,
                } if here(&a, &r) => {
                    parameters.insert(name);
                }
                _ => {}
            }
        }
    }
    (secrets, parameters)
}

pub async fn read(
    sm: Option<&aws_sdk_secretsmanager::Client>,
    ssm: Option<&aws_sdk_ssm::Client>,
    account: &str,
    (secrets, parameters): (&BTreeSet<String>, &BTreeSet<String>),
) -> NetworkRead {
    let mut out = NetworkRead::default();
    if let Some(sm) = sm {
        // One DescribeSecret a secret, several at once.
        let described = each_concurrently(secrets.iter().cloned().collect(), |id: String| {
            let (sm, account) = (sm.clone(), account.to_owned());
            async move { describe_secret(&sm, &account, &id).await }
        })
        .await;
        out.absorb(described);
    }
    let Some(ssm) = ssm else {
        return out;
    };
    let names: Vec<String> = parameters.iter().cloned().collect();
    for chunk in names.chunks(50) {
        let filter = ParameterStringFilter::builder()
            .key("Name")
            .option("Equals")
            .set_values(Some(chunk.to_vec()))
            .build();
        let filter = match filter {
            Ok(f) => f,
            Err(e) => {
                out.errors
                    .push(format!("ssm:DescribeParameters filter: {e}"));
                continue;
            }
        };
        let mut pages = ssm
            .describe_parameters()
            .parameter_filters(filter)
            .max_results(50)
            .into_paginator()
            .send();
        let mut found: Vec<Value> = Vec::new();
        let mut refused: Option<Option<Value>> = None;
        while let Some(page) = pages.next().await {
            out.count("ssm:DescribeParameters");
            match page {
                Ok(p) => {
                    for m in p.parameters() {
                        found.push(json!({
                            "Name": m.name(),
                            "ARN": m.arn(),
                            "Type": m.r#type().map(|t| t.as_str()),
                            "KeyId": m.key_id(),
                            "Tier": m.tier().map(|t| t.as_str()),
                            "DataType": m.data_type(),
                        }));
                    }
                }
                Err(e) => {
                    out.errors.push(format!(
                        "ssm:DescribeParameters in account {account}: {}",
                        super::sdk_error_summary(&e)
                    ));
                    refused = Some(super::error_document(&e));
                    break;
                }
            }
        }
        for name in chunk {
            let doc = match &refused {
                Some(Some(error)) => error.clone(),
                Some(None) => continue,
                None => json!({"Parameters": found
                    .iter()
                    .filter(|p| p["Name"].as_str() == Some(name.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()}),
            };
            out.docs.push((file_name(PARAMETER_PREFIX, name), doc));
        }
    }
    out
}

/// One secret's metadata (`describe-secret`, never its value), or the AWS error it answered with
/// (`ResourceNotFoundException` is a fact: the secret is missing).
async fn describe_secret(
    sm: &aws_sdk_secretsmanager::Client,
    account: &str,
    id: &str,
) -> NetworkRead {
    let mut out = NetworkRead::default();
    out.count("secretsmanager:DescribeSecret");
    match sm.describe_secret().secret_id(id).send().await {
        Ok(s) => out.docs.push((
            file_name(SECRET_PREFIX, s.name().unwrap_or(id)),
            json!({
                "ARN": s.arn(),
                "Name": s.name(),
                "KmsKeyId": s.kms_key_id(),
                "RotationEnabled": s.rotation_enabled(),
                "RotationRules": s.rotation_rules().map(|r| json!({
                    "AutomaticallyAfterDays": r.automatically_after_days(),
                    "ScheduleExpression": r.schedule_expression(),
                })),
                "LastRotatedDate": s.last_rotated_date().map(|d| d.to_string()),
                "CreatedDate": s.created_date().map(|d| d.to_string()),
                "DeletedDate": s.deleted_date().map(|d| d.to_string()),
                "OwningService": s.owning_service(),
            }),
        )),
        Err(e) => {
            let doc = super::error_document(&e);
            if doc.as_ref().and_then(|d| d["Code"].as_str()) != Some("ResourceNotFoundException") {
                out.errors.push(format!(
                    "secretsmanager:DescribeSecret {id} in account {account}: {}",
                    super::sdk_error_summary(&e)
                ));
            }
            if let Some(doc) = doc {
                out.docs.push((file_name(SECRET_PREFIX, id), doc));
            }
        }
    }
    out
}

//! ECS's account settings: the account defaults (`ListAccountSettings --effective-settings` for
//! the account's root user), read once per scan where clusters run. AC05-AC07 judge them.

use aws_sdk_ecs::Client;
use serde_json::json;

use ecs_posture_core::model::account::ECS_SETTINGS_FILE;

use crate::aws::ec2::NetworkRead;
use crate::aws::{ecs_json, error_document, sdk_error_summary};

/// The account defaults of `account`'s ECS settings (all pages), or the AWS error answered,
/// kept in the file that binds it to the account-region.
pub(super) async fn read_account_settings(
    client: &Client,
    partition: &str,
    account: &str,
) -> NetworkRead {
    let mut out = NetworkRead::default();
    let mut settings = Vec::new();
    let mut pages = client
        .list_account_settings()
        .effective_settings(true)
        .principal_arn(format!("arn:{partition}:iam::{account}:root"))
        .max_results(10)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.count("ListAccountSettings");
        match page {
            Ok(p) => settings.extend(p.settings().iter().map(|s| {
                json!({
                    "name": s.name().map(|n| n.as_str()),
                    "value": s.value(),
                    "principalArn": s.principal_arn(),
                    "type": s.r#type().map(|t| t.as_str()),
                })
            })),
            Err(e) => {
                out.errors.push(format!(
                    "ListAccountSettings in account {account}: {}",
                    sdk_error_summary(&e)
                ));
                if let Some(error) = error_document(&e) {
                    out.docs.push((ECS_SETTINGS_FILE.into(), error));
                }
                return out;
            }
        }
    }
    out.docs.push((
        ECS_SETTINGS_FILE.into(),
        ecs_json::clean(json!({ "settings": settings })),
    ));
    out
}

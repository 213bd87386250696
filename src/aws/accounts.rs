//! Credentials and clients for each account-region a deployment covers: the member role assumed
//! in the target account (STS in the target's region), and the organization's active accounts.
//!
//! Security Hub accepts a finding only from the account named in its `AwsAccountId` (with the
//! default product ARN), so the hub imports each member's findings with the member role's
//! credentials, in that member's region; the ledger and the alert topic stay in the hub.

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_ecs::config::Region;

use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::SdkError;

use ecs_posture_core::fleet::{Target, role_arn};

use super::budget::Rate;
use super::ecs::EcsInventory;
use super::securityhub::SecurityHubSink;
use crate::ports::{Accounts, AccountsError, Reach, ReachError};

/// The role the hub assumes in every member account.
#[derive(Debug, Clone)]
pub struct MemberRole {
    /// Role name, optionally with a path (`security/ecs-posture-member`).
    pub name: String,
    /// The external id the role's trust policy requires, if any.
    pub external_id: Option<String>,
    /// The STS session name (shows in the member's CloudTrail).
    pub session_name: String,
}

/// A target whose credentials could not be had.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "account {account} region {region}: sts:AssumeRole {role_arn} failed: {}",
        credentials_error_summary(.source)
    )]
    AssumeRole {
        account: String,
        region: String,
        role_arn: String,
        #[source]
        source: CredentialsError,
    },
}

/// A credentials error as one line (the STS error code and message where there is one).
pub fn credentials_error_summary(e: &CredentialsError) -> String {
    use std::error::Error;
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let line = parts.join(": ").replace(['\n', '\r'], " ");
    line.chars().take(400).collect()
}

/// The SDK configuration for `target`: the base configuration in the target's region, with the
/// member role's credentials when `role` is given (verified here, so that a missing or denying
/// role fails its own account-region at once with a message naming account, region and role).
pub async fn target_config(
    base: &SdkConfig,
    target: &Target,
    role: Option<&MemberRole>,
) -> Result<SdkConfig, TargetError> {
    let region = Region::new(target.region.clone());
    let mut builder = base.to_builder().region(region.clone());
    if let Some(role) = role {
        let arn = role_arn(target, &role.name);
        let mut provider = AssumeRoleProvider::builder(arn.clone())
            .session_name(role.session_name.clone())
            .region(region)
            .configure(base);
        if let Some(x) = &role.external_id {
            provider = provider.external_id(x.clone());
        }
        let provider = provider.build().await;
        if let Err(source) = provider.provide_credentials().await {
            return Err(TargetError::AssumeRole {
                account: target.account.clone(),
                region: target.region.clone(),
                role_arn: arn,
                source,
            });
        }
        builder = builder.credentials_provider(SharedCredentialsProvider::new(provider));
    }
    Ok(builder.build())
}

/// The hub's clients of each member: ECS (within its request budget) and Security Hub, with the
/// member role's credentials in the member's region.
pub struct RoleReach {
    pub base: SdkConfig,
    pub role: MemberRole,
    pub ecs_rate: Rate,
}

impl Reach for RoleReach {
    type Inventory = EcsInventory;
    type Sink = SecurityHubSink;

    async fn reach(&self, target: &Target) -> Result<(EcsInventory, SecurityHubSink), ReachError> {
        let cfg = target_config(&self.base, target, Some(&self.role))
            .await
            .map_err(ReachError::new)?;
        Ok((
            EcsInventory::from_config(&cfg).with_budget(self.ecs_rate),
            SecurityHubSink::new(aws_sdk_securityhub::Client::new(&cfg)),
        ))
    }
}

/// ListAccounts failed.
#[derive(Debug, thiserror::Error)]
#[error("organizations:ListAccounts: {}", super::sdk_error_summary(.source))]
pub struct ListAccountsError {
    #[source]
    source:
        SdkError<aws_sdk_organizations::operation::list_accounts::ListAccountsError, HttpResponse>,
}

/// Every ACTIVE account of the organization, with its name (the hub account must be the
/// management account or a delegated administrator for Organizations).
pub struct OrganizationAccounts {
    pub client: aws_sdk_organizations::Client,
}

impl Accounts for OrganizationAccounts {
    async fn accounts(&self) -> Result<Vec<(String, Option<String>)>, AccountsError> {
        let mut out = Vec::new();
        let mut pages = self.client.list_accounts().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|source| AccountsError::new(ListAccountsError { source }))?;
            for a in page.accounts() {
                let active = a
                    .state()
                    .is_some_and(|s| *s == aws_sdk_organizations::types::AccountState::Active)
                    || (a.state().is_none()
                        && a.status()
                            == Some(&aws_sdk_organizations::types::AccountStatus::Active));
                if let (true, Some(id)) = (active, a.id()) {
                    out.push((id.to_owned(), a.name().map(str::to_owned)));
                }
            }
        }
        Ok(out)
    }
}

/// The hub's member accounts: a fixed list, or the organization's.
pub enum MemberAccounts {
    Ids(Vec<String>),
    Organization(OrganizationAccounts),
}

impl Accounts for MemberAccounts {
    async fn accounts(&self) -> Result<Vec<(String, Option<String>)>, AccountsError> {
        match self {
            MemberAccounts::Ids(ids) => ids.accounts().await,
            MemberAccounts::Organization(o) => o.accounts().await,
        }
    }
}

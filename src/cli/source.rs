//! Where a command's estate comes from, loaded in one place through the [`Inventory`] port:
//! files and folders of ECS JSON ([`FolderInventory`]) or the ECS API ([`EcsInventory`]).

use std::collections::BTreeMap;
use std::io::IsTerminal;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use ecs_posture_core::fleet;
use ecs_posture_core::scope::Scope;

use super::common::{CliError, local_runtime, runtime};
use crate::aws::accounts::MemberRole;
use crate::aws::{self, ecs::EcsInventory};
use crate::local::FolderInventory;
use crate::ports::{Collected, Inventory};

/// Which part of the live estate to read.
#[derive(Args, Debug, Default, Clone)]
pub struct LiveScope {
    /// Read this cluster (name or ARN; repeatable). Without scope flags the whole region is read.
    #[arg(long = "cluster", value_name = "NAME|ARN")]
    pub clusters: Vec<String>,
    /// Read this service (ARN or CLUSTER/SERVICE; repeatable)
    #[arg(long = "service", value_name = "ARN")]
    pub services: Vec<String>,
    /// Read this task definition revision (ARN or FAMILY:REVISION; repeatable)
    #[arg(long = "task-definition", value_name = "ARN")]
    pub task_definitions: Vec<String>,
}

impl LiveScope {
    pub fn scope(&self) -> Scope {
        let mut parts: Vec<Scope> = Vec::new();
        parts.extend(self.clusters.iter().cloned().map(Scope::Cluster));
        parts.extend(self.services.iter().cloned().map(Scope::Service));
        parts.extend(
            self.task_definitions
                .iter()
                .cloned()
                .map(Scope::TaskDefinition),
        );
        Scope::many(parts)
    }
}

/// Which accounts and regions a live command covers.
#[derive(Args, Debug, Default, Clone)]
pub struct FleetArgs {
    /// Scan these accounts (comma-separated ids) through the member role (--role-name)
    #[arg(
        long,
        value_name = "IDS",
        requires = "role_name",
        conflicts_with = "organization"
    )]
    pub accounts: Option<String>,
    /// Scan every ACTIVE account of the organization (organizations:ListAccounts; run from the
    /// management account or a delegated administrator) through the member role
    #[arg(long, requires = "role_name")]
    pub organization: bool,
    /// Scan these regions (comma-separated); default: the configured region
    #[arg(long, value_name = "REGIONS")]
    pub regions: Option<String>,
    /// The role assumed in each account of --accounts or --organization (name, or path/name)
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the member role's trust policy requires
    #[arg(long, value_name = "ID", requires = "role_name")]
    pub external_id: Option<String>,
    /// Account-regions scanned at once
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// ECS requests per second per account-region (a client-side budget under ECS's own)
    #[arg(long, value_name = "N", default_value_t = 10.0, value_parser = parse_rate)]
    pub ecs_rate: f64,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    fleet::parse_rate(s).map_err(|e| e.to_string())
}

/// One account-region to scan: `account` is `None` for the caller's own account.
#[derive(Debug, Clone)]
pub struct Job {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Job {
    pub fn label(&self, report_account: Option<&str>) -> String {
        format!(
            "{} {}",
            self.account
                .as_deref()
                .or(report_account)
                .unwrap_or("(this account)"),
            self.region.as_deref().unwrap_or("(configured region)")
        )
    }
}

impl FleetArgs {
    /// True when the command covers more than the configured account and region.
    pub fn is_fleet(&self) -> bool {
        self.accounts.is_some() || self.organization || self.regions.is_some()
    }

    pub fn role(&self) -> Option<MemberRole> {
        self.role_name.as_ref().map(|name| MemberRole {
            name: name.clone(),
            external_id: self.external_id.clone(),
            session_name: format!("ecs-posture-{}", std::process::id()),
        })
    }

    /// The account-regions, accounts outer, in the order given.
    /// With `--organization`, `organization` is the organization's ACTIVE accounts.
    pub fn jobs(&self, organization: Option<&[String]>) -> Result<Vec<Job>, CliError> {
        let usage = |e: fleet::FleetError| CliError::Usage(e.to_string());
        if let Some(name) = &self.role_name {
            fleet::check_role_name(name).map_err(usage)?;
        }
        let regions: Vec<Option<String>> = match &self.regions {
            Some(list) => fleet::parse_regions(list)
                .map_err(usage)?
                .into_iter()
                .map(Some)
                .collect(),
            None => vec![None],
        };
        if self.role_name.is_some() && self.accounts.is_none() && !self.organization {
            return Err(CliError::Usage(
                "--role-name is assumed in the accounts of --accounts or --organization".into(),
            ));
        }
        let accounts: Vec<Option<String>> = match (&self.accounts, organization) {
            (Some(list), _) => fleet::parse_accounts(list)
                .map_err(usage)?
                .into_iter()
                .map(Some)
                .collect(),
            (None, Some(ids)) => ids.iter().cloned().map(Some).collect(),
            (None, None) => vec![None],
        };
        Ok(accounts
            .iter()
            .flat_map(|a| {
                regions.iter().map(move |r| Job {
                    account: a.clone(),
                    region: r.clone(),
                })
            })
            .collect())
    }
}

/// Where the estate comes from.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// Files and folders of ECS JSON (`-` is standard input), standing for a whole region.
    Files(&'a [String]),
    /// The ECS API, through the standard AWS SDK settings.
    Live(&'a Scope),
}

/// `ECS API calls: 12 (DescribeClusters 1, ...)`.
pub fn calls_line(calls: &BTreeMap<String, u64>) -> String {
    let total: u64 = calls.values().sum();
    let parts: Vec<String> = calls.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!("ECS API calls: {total} ({})", parts.join(", "))
}

fn progress(scope: &Scope) -> Option<ProgressBar> {
    if *scope != Scope::Region || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} reading the ECS estate: {pos} API calls ({msg})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// The SDK configuration and the ECS inventory (with a progress bar on a terminal for a region).
pub async fn live_inventory(scope: &Scope) -> (aws_config::SdkConfig, EcsInventory) {
    let config = aws::sdk_config().await;
    let mut inv = EcsInventory::from_config(&config);
    if let Some(bar) = progress(scope) {
        inv = inv.with_progress(bar);
    }
    (config, inv)
}

/// Load the estate. Live reads print the API calls they made on standard error; what could not
/// be read is in the result (`errors`, `coverage.unreadable`), never evaluated as passing.
pub fn load(origin: Origin<'_>) -> Result<Collected, CliError> {
    match origin {
        Origin::Files(paths) => {
            let inventory = FolderInventory::new(paths.to_vec());
            Ok(local_runtime()?.block_on(inventory.collect(&Scope::Region))?)
        }
        Origin::Live(scope) => {
            let collected = runtime()?.block_on(async {
                let (_, inv) = live_inventory(scope).await;
                inv.collect(scope).await
            })?;
            eprintln!("{}", calls_line(&collected.api_calls));
            Ok(collected)
        }
    }
}

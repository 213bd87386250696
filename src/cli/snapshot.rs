//! `ecs-posture snapshot --live`: the ECS API's JSON for a scope, written to a folder that
//! `scan` reads offline later.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use clap::Args;
use serde_json::{Value, json};

use super::common::{CliError, EXIT_OK, EXIT_RUNTIME, pretty_json, runtime, write_out};
use super::fleet::read_all;
use super::source::{FleetArgs, LiveScope, calls_line, live_inventory};

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Read through the ECS API (standard AWS credentials, region and endpoint settings)
    #[arg(long, required = true)]
    pub live: bool,
    #[command(flatten)]
    pub scope: LiveScope,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Folder to write the ECS API JSON into (`DIR/ACCOUNT/REGION/` for several accounts or
    /// regions)
    #[arg(long, short)]
    pub output: String,
}

fn write_json(path: &Path, v: &Value) -> Result<(), CliError> {
    let text = pretty_json("a snapshot document", v)?;
    std::fs::write(path, text).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Write what an inventory read as ECS API JSON under `dir`; returns the resources written.
fn write_docs(dir: &Path, docs: &[(String, Value)]) -> Result<usize, CliError> {
    let tds = dir.join("task-definitions");
    std::fs::create_dir_all(&tds).map_err(|source| CliError::Io {
        path: tds.display().to_string(),
        source,
    })?;
    let mut merged: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut written = 0;
    for (source, doc) in docs {
        // Outputs that name no resource keep the file name that binds them to one.
        if source.starts_with("listeners-")
            || source.starts_with("lb-attributes-")
            || source == ecs_posture_core::model::account::EBS_DEFAULT_FILE
            || source == ecs_posture_core::model::account::ECS_SETTINGS_FILE
            || crate::aws::detection::FILES.contains(&source.as_str())
            || source == ecs_posture_core::model::identity::AUTHORIZATION_DETAILS_FILE
            || source == crate::aws::iam::DETAILS_SOURCE
            || crate::aws::ecr::SOURCE_PREFIXES
                .iter()
                .any(|p| source.starts_with(p))
            || source.starts_with(crate::aws::logs::SOURCE_PREFIX)
            || crate::aws::secrets::SOURCE_PREFIXES
                .iter()
                .any(|p| source.starts_with(p))
        {
            write_json(&dir.join(source.replace(['/', '\\'], "_")), doc)?;
            written += 1;
            continue;
        }
        if let Some(td) = doc.get("taskDefinition") {
            let name = format!(
                "{}-{}.json",
                td["family"].as_str().unwrap_or("unnamed"),
                td["revision"].as_i64().unwrap_or(0)
            );
            write_json(&tds.join(name.replace(['/', '\\'], "_")), doc)?;
            written += 1;
            continue;
        }
        if let Some(td) = doc.get("daemonTaskDefinition") {
            let name = format!(
                "daemon-{}-{}.json",
                td["family"].as_str().unwrap_or("unnamed"),
                td["revision"].as_i64().unwrap_or(0)
            );
            write_json(&tds.join(name.replace(['/', '\\'], "_")), doc)?;
            written += 1;
            continue;
        }
        if let Some(g) = doc.get("gateway") {
            let name = g["name"].as_str().unwrap_or("unnamed");
            write_json(
                &dir.join(format!(
                    "gateway-{}.json",
                    name.replace(['/', '\\', ':'], "-")
                )),
                doc,
            )?;
            written += 1;
            continue;
        }
        if let Some(e) = doc.get("service") {
            // An Express Mode description: service/<cluster>/<name> -> express-<cluster>-<name>.json
            let arn = e["serviceArn"].as_str().unwrap_or("unnamed");
            let name = arn.split_once(":service/").map_or(arn, |(_, n)| n);
            write_json(
                &dir.join(format!(
                    "express-{}.json",
                    name.replace(['/', '\\', ':'], "-")
                )),
                doc,
            )?;
            written += 1;
            continue;
        }
        if let Some(d) = doc.get("daemon") {
            // daemon/<cluster>/<name> -> daemon-<cluster>-<name>.json
            let arn = d["daemonArn"].as_str().unwrap_or("unnamed");
            let name = arn.split_once(":daemon/").map_or(arn, |(_, n)| n);
            write_json(
                &dir.join(format!(
                    "daemon-{}.json",
                    name.replace(['/', '\\', ':'], "-")
                )),
                doc,
            )?;
            written += 1;
            continue;
        }
        for key in [
            "daemonRevisions",
            "clusters",
            "services",
            "capacityProviders",
            "containerInstances",
            "SecurityGroups",
            "Subnets",
            "RouteTables",
            "FlowLogs",
            "VpcEndpoints",
            "TargetGroups",
            "LoadBalancers",
            "Reservations",
            "Volumes",
            "Images",
            "Parameters",
            "InvalidParameters",
        ] {
            if let Some(items) = doc.get(key).and_then(Value::as_array) {
                merged.entry(key).or_default().extend(items.iter().cloned());
            }
        }
    }
    for (key, file) in [
        ("daemonRevisions", "daemon-revisions.json"),
        ("clusters", "clusters.json"),
        ("services", "services.json"),
        ("capacityProviders", "capacity-providers.json"),
        ("containerInstances", "container-instances.json"),
        ("SecurityGroups", "security-groups.json"),
        ("Subnets", "subnets.json"),
        ("RouteTables", "route-tables.json"),
        ("FlowLogs", "flow-logs.json"),
        ("VpcEndpoints", "vpc-endpoints.json"),
        ("TargetGroups", "target-groups.json"),
        ("LoadBalancers", "load-balancers.json"),
        ("Reservations", "instances.json"),
        ("Volumes", "volumes.json"),
        ("Images", "images.json"),
        ("Parameters", "ecs-optimized-amis.json"),
        ("InvalidParameters", "ecs-optimized-amis-invalid.json"),
    ] {
        if let Some(items) = merged.get(key) {
            written += items.len();
            write_json(&dir.join(file), &json!({ key: items }))?;
        }
    }
    Ok(written)
}

/// Several accounts or regions: each account-region under `DIR/ACCOUNT/REGION/`.
fn snapshot_fleet(args: &SnapshotArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let (jobs, results) = read_all(&args.fleet, &args.scope.scope())?;
    let mut failed = 0;
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((region, docs)) => {
                let c = &docs.collected;
                let from_arns = c.snapshot.account_region();
                let account = job
                    .account
                    .clone()
                    .or_else(|| from_arns.as_ref().map(|(a, _)| a.clone()))
                    .unwrap_or_else(|| "unknown-account".to_owned());
                let region = region.unwrap_or_else(|| "unknown-region".to_owned());
                let dir = Path::new(&args.output).join(&account).join(&region);
                let written = write_docs(&dir, &docs.docs)?;
                write_out(
                    out,
                    &format!(
                        "{account} {region}: wrote {written} resources to {}; {}\n",
                        dir.display(),
                        calls_line(&c.api_calls)
                    ),
                )?;
                if !c.errors.is_empty() {
                    failed += 1;
                    for e in &c.errors {
                        eprintln!("error: {account} {region}: {e}");
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e}", job.label(None));
            }
        }
    }
    eprintln!(
        "{} account-region(s) targeted, {} written completely, {failed} failed",
        jobs.len(),
        jobs.len() - failed
    );
    Ok(if failed > 0 { EXIT_RUNTIME } else { EXIT_OK })
}

pub fn snapshot(args: SnapshotArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    if args.fleet.is_fleet() {
        return snapshot_fleet(&args, out);
    }
    let scope = args.scope.scope();
    let docs = runtime()?.block_on(async {
        let (_, inv) = live_inventory(&scope).await;
        inv.read(&scope).await
    });
    let dir = Path::new(&args.output);
    let written = write_docs(dir, &docs.docs)?;
    let c = &docs.collected;
    write_out(
        out,
        &format!(
            "Wrote {written} resources of {} to {}\n{}\n",
            scope.describe(),
            dir.display(),
            calls_line(&c.api_calls)
        ),
    )?;
    if !c.errors.is_empty() {
        for e in &c.errors {
            eprintln!("error: {e}");
        }
        return Ok(EXIT_RUNTIME);
    }
    Ok(EXIT_OK)
}

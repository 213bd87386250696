//! Several accounts and regions from one process (`--accounts`, `--regions`, `--role-name`):
//! the fan-out the hub deployment runs on SQS FIFO, bounded here by `--concurrency`, with one
//! ECS request budget per account-region. Each account-region succeeds or fails on its own; a
//! failed one is reported by account, region, role and action, and nothing of it is evaluated
//! as passing or archived.

use std::io::Write;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use ecs_posture_core::checks::Check;
use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::finding::Status;
use ecs_posture_core::fleet::Target;
use ecs_posture_core::scope::Scope;
use ecs_posture_core::{Options, engine, render};

use super::common::{CliError, EXIT_OK, EXIT_RUNTIME, now_ms, pretty_json, runtime, write_out};
use super::publish::{LedgerStore, run_report};
use super::scan::{Format, ScanArgs};
use super::source::{FleetArgs, Job, calls_line};
use crate::aws::accounts::{MemberRole, OrganizationAccounts, target_config};
use crate::aws::budget::Rate;
use crate::aws::ecs::Documents;
use crate::aws::{
    self, dynamodb::DynamoLedger, ecs::EcsInventory, securityhub::SecurityHubSink, sns::SnsNotifier,
};
use crate::handler::{Handler, RunReport, Settings};
use crate::local::FileLedger;
use crate::ports::{Accounts, Collected};

/// The account-regions of the command (the organization's ACTIVE accounts for
/// `--organization`, read with the caller's credentials).
pub async fn resolve_jobs(
    args: &FleetArgs,
    base: &aws_config::SdkConfig,
) -> Result<Vec<Job>, CliError> {
    if !args.organization {
        return args.jobs(None);
    }
    let org = OrganizationAccounts {
        client: aws_sdk_organizations::Client::new(base),
    };
    let ids: Vec<String> = org
        .accounts()
        .await
        .map_err(|e| CliError::Live(e.to_string()))?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if ids.is_empty() {
        return Err(CliError::Live(
            "organizations:ListAccounts returned no ACTIVE account".into(),
        ));
    }
    eprintln!("organization: {} ACTIVE account(s)", ids.len());
    args.jobs(Some(&ids))
}

/// The SDK configuration of one job (the member role's credentials for another account).
pub async fn job_config(
    base: &aws_config::SdkConfig,
    job: &Job,
    role: Option<&MemberRole>,
) -> Result<aws_config::SdkConfig, String> {
    let region = job
        .region
        .clone()
        .or_else(|| aws::region_of(base))
        .ok_or_else(|| "no region: set AWS_REGION or pass --regions".to_owned())?;
    match (&job.account, role) {
        (Some(account), Some(role)) => {
            target_config(base, &Target::new(account.clone(), region), Some(role))
                .await
                .map_err(|e| e.to_string())
        }
        _ => Ok(base
            .to_builder()
            .region(aws_sdk_ecs::config::Region::new(region))
            .build()),
    }
}

/// Run `work` for every job, at most `concurrency` at once; results in job order.
pub async fn fan_out<T, F, Fut>(jobs: &[Job], concurrency: u16, work: F) -> Vec<Result<T, String>>
where
    T: Send + 'static,
    F: Fn(Job) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>> + Send + 'static,
{
    let sem = Arc::new(Semaphore::new(usize::from(concurrency)));
    let mut set = JoinSet::new();
    for (i, job) in jobs.iter().enumerate() {
        let sem = sem.clone();
        let fut = work(job.clone());
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, fut.await)
        });
    }
    let mut out: Vec<Option<Result<T, String>>> = (0..jobs.len()).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, r)) => out[i] = Some(r),
            Err(e) => tracing::error!(error = %e, "an account-region task stopped"),
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the task stopped before it finished".to_owned())))
        .collect()
}

/// What one account-region's read gave: its region and the documents read (or why it could not
/// be read at all).
pub type Read = Result<(Option<String>, Documents), String>;

/// Read `scope` in every account-region of `fleet` (each within its own ECS budget), at most
/// `--concurrency` at once; the jobs and their reads, in job order.
pub fn read_all(fleet: &FleetArgs, scope: &Scope) -> Result<(Vec<Job>, Vec<Read>), CliError> {
    fleet.jobs(Some(&[]))?;
    let role = fleet.role();
    let rate = Rate::per_second(fleet.ecs_rate);
    runtime()?.block_on(async {
        let base = aws::sdk_config().await;
        let jobs = resolve_jobs(fleet, &base).await?;
        let results = fan_out(&jobs, fleet.concurrency, |job| {
            let (base, role, scope) = (base.clone(), role.clone(), scope.clone());
            async move {
                let cfg = job_config(&base, &job, role.as_ref()).await?;
                let inv = EcsInventory::from_config(&cfg).with_budget(rate);
                Ok((aws::region_of(&cfg), inv.read(&scope).await))
            }
        })
        .await;
        Ok((jobs, results))
    })
}

/// `scan --live` over several account-regions: the evaluations of all, rendered once.
pub fn scan(
    args: &ScanArgs,
    opts: &Options,
    checks: &[&'static Check],
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let (jobs, results) = read_all(&args.fleet, &args.scope.scope())?;
    let mut all: Vec<Evaluation> = Vec::new();
    let mut asff = String::new();
    let (mut scanned, mut failed) = (0usize, 0usize);
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((region, Documents { collected, .. })) => {
                let mut ctx = engine::Context::for_snapshot(&collected.snapshot);
                ctx.now_ms = Some(crate::cli::common::now_ms());
                if let Some(a) = &job.account {
                    ctx.account = a.clone();
                }
                if let Some(r) = region {
                    ctx.region = r;
                }
                let evaluations = engine::evaluate(&collected.snapshot, checks, opts, &ctx);
                let failing = evaluations
                    .iter()
                    .filter(|e| e.status == Status::Failed)
                    .count();
                let label = format!("{} {}", ctx.account, ctx.region);
                if collected.is_complete() {
                    scanned += 1;
                    eprintln!(
                        "{label}: {} resources, {} evaluations, {failing} failing; {}",
                        collected.snapshot.resource_count(),
                        evaluations.len(),
                        calls_line(&collected.api_calls)
                    );
                } else {
                    failed += 1;
                    for e in collected.read_errors() {
                        eprintln!("error: {label}: {e}");
                    }
                    eprintln!(
                        "{label}: INCOMPLETE, {} read(s) failed; unread resources were not evaluated",
                        collected.read_errors().len()
                    );
                }
                if args.format == Format::Asff {
                    let shown: Vec<&Evaluation> = evaluations.iter().collect();
                    asff.push_str(&render::asff::render(&shown, &collected.snapshot, now_ms()));
                }
                all.extend(evaluations);
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e}", job.label(None));
            }
        }
    }
    eprintln!(
        "{} account-region(s) targeted, {scanned} scanned, {failed} failed",
        jobs.len()
    );
    let code = super::scan::render_evaluations(args, &Collected::default(), &all, Some(asff), out)?;
    if failed > 0 {
        return Err(CliError::Live(format!(
            "{failed} of {} account-region(s) could not be scanned completely; their unread resources were not evaluated",
            jobs.len()
        )));
    }
    Ok(code)
}

/// What `scan --live --publish` over several account-regions did, per account-region.
#[derive(Debug, serde::Serialize)]
pub struct FleetReport {
    pub targeted: usize,
    pub scanned: usize,
    pub failed: usize,
    pub account_regions: Vec<TargetOutcome>,
}

#[derive(Debug, serde::Serialize)]
pub struct TargetOutcome {
    pub account: Option<String>,
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RunReport>,
}

/// `scan --live --publish` over several account-regions: each member's findings imported into
/// its own Security Hub with the member role; one ledger and one alert topic in this account.
pub fn publish(args: &ScanArgs, settings: Settings, out: &mut dyn Write) -> Result<i32, CliError> {
    args.fleet.jobs(Some(&[]))?;
    let scope = args.scope.scope();
    let role = args.fleet.role();
    let rate = Rate::per_second(args.fleet.ecs_rate);
    if args.ledger_table.is_none() && args.ledger_file.is_none() {
        return Err(CliError::Usage(
            "--publish needs a ledger: --ledger-table TABLE or --ledger-file FILE".into(),
        ));
    }
    let (jobs, results) = runtime()?.block_on(async {
        let base = aws::sdk_config().await;
        let jobs = resolve_jobs(&args.fleet, &base).await?;
        let run_at = now_ms();
        let results = fan_out(&jobs, args.fleet.concurrency, |job| {
            let (base, role, scope) = (base.clone(), role.clone(), scope.clone());
            let mut settings = settings.clone();
            let ledger = match &args.ledger_table {
                Some(table) => LedgerStore::Table(DynamoLedger::new(
                    aws_sdk_dynamodb::Client::new(&base),
                    table,
                )),
                // Each account-region's own handle; the file lock orders their writes.
                None => LedgerStore::File(FileLedger::new(
                    args.ledger_file.as_deref().unwrap_or_default(),
                )),
            };
            let notifier = args
                .sns_topic_arn
                .as_ref()
                .map(|topic| SnsNotifier::new(aws_sdk_sns::Client::new(&base), topic));
            async move {
                let cfg = job_config(&base, &job, role.as_ref()).await?;
                settings.account = job.account.clone().or(settings.account);
                settings.region = aws::region_of(&cfg);
                let handler = Handler {
                    inventory: EcsInventory::from_config(&cfg).with_budget(rate),
                    sink: SecurityHubSink::new(aws_sdk_securityhub::Client::new(&cfg)),
                    ledger,
                    notifier,
                    settings,
                };
                let run_id = format!("cli-{}-{run_at}-{}", std::process::id(), job.label(None));
                match Box::pin(handler.run(&scope, &run_id, now_ms())).await {
                    Ok(r) => Ok((r, None)),
                    Err(e) => match e.report() {
                        Some(r) => Ok((r.clone(), Some(e.to_string()))),
                        None => Err(e.to_string()),
                    },
                }
            }
        })
        .await;
        Ok::<_, CliError>((jobs, results))
    })?;
    let mut report = FleetReport {
        targeted: jobs.len(),
        scanned: 0,
        failed: 0,
        account_regions: Vec::new(),
    };
    let mut text = String::new();
    let mut held = 0;
    for (job, result) in jobs.iter().zip(results) {
        let outcome = match result {
            Ok((r, error)) => {
                let label = job.label(Some(&r.account));
                if error.is_some() || !r.complete {
                    report.failed += 1;
                } else {
                    report.scanned += 1;
                }
                held += r.alerts_pending;
                eprintln!(
                    "{label}: {} imported ({} new, {} fixed, {} archived), {} alerted{}",
                    r.imported,
                    r.new,
                    r.fixed,
                    r.archived,
                    r.alerted,
                    error
                        .as_ref()
                        .map(|e| format!("; error: {e}"))
                        .unwrap_or_default()
                );
                text.push_str(&format!("== {label}\n{}", run_report(&r, args.format)?));
                TargetOutcome {
                    account: job.account.clone().or(Some(r.account.clone())),
                    region: Some(r.region.clone()),
                    error,
                    report: Some(r),
                }
            }
            Err(e) => {
                report.failed += 1;
                eprintln!("error: {}: {e}", job.label(None));
                text.push_str(&format!("== {}\nerror: {e}\n", job.label(None)));
                TargetOutcome {
                    account: job.account.clone(),
                    region: job.region.clone(),
                    error: Some(e),
                    report: None,
                }
            }
        };
        report.account_regions.push(outcome);
    }
    eprintln!(
        "{} account-region(s) targeted, {} scanned, {} failed",
        report.targeted, report.scanned, report.failed
    );
    if args.format == Format::Json {
        write_out(out, &pretty_json("the organization run report", &report)?)?;
    } else {
        write_out(out, &text)?;
    }
    if report.failed > 0 {
        return Ok(EXIT_RUNTIME);
    }
    if held > 0 {
        eprintln!(
            "error: {held} alert(s) are held by another invocation's claims; they go out when it sends them or its claims expire"
        );
        return Ok(EXIT_RUNTIME);
    }
    Ok(EXIT_OK)
}

/// The estates of several account-regions, for the reports: every one must be read completely
/// (a report never presents a partial organization as the whole).
pub fn collect(
    fleet: &FleetArgs,
    scope: &Scope,
) -> Result<Vec<ecs_posture_core::Snapshot>, CliError> {
    let (jobs, results) = read_all(fleet, scope)?;
    let mut parts = Vec::new();
    let mut failed = 0;
    for (job, result) in jobs.iter().zip(results) {
        match result.map(|(_, d)| d.collected) {
            Ok(c) if c.is_complete() => {
                eprintln!(
                    "{}: {} resources; {}",
                    job.label(c.snapshot.account_region().map(|(a, _)| a).as_deref()),
                    c.snapshot.resource_count(),
                    calls_line(&c.api_calls)
                );
                parts.push(c.snapshot);
            }
            Ok(c) => {
                failed += 1;
                for e in c.read_errors() {
                    eprintln!("error: {}: {e}", job.label(None));
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e}", job.label(None));
            }
        }
    }
    if failed > 0 {
        return Err(CliError::Live(format!(
            "{failed} of {} account-region(s) could not be read completely; no report of a part as the whole",
            jobs.len()
        )));
    }
    Ok(parts)
}

//! `ecs-posture scan --live --publish`: the function's job from the command line, against the
//! account's Security Hub, a DynamoDB or file ledger and an optional SNS topic.

use std::collections::HashMap;
use std::io::Write;

use ecs_posture_core::Options;
use ecs_posture_core::checks::Check;
use ecs_posture_core::lifecycle::{Alerted, LedgerEntry};

use super::common::{CliError, EXIT_OK, EXIT_RUNTIME, now_ms, pretty_json, runtime, write_out};
use super::scan::{Format, ScanArgs};
use super::source::{calls_line, live_inventory};
use crate::aws::{self, dynamodb::DynamoLedger, securityhub::SecurityHubSink, sns::SnsNotifier};
use crate::handler::{Handler, RunReport, Settings};
use crate::local::FileLedger;
use crate::ports::{Intent, Ledger, LedgerError};

/// The ledger the command line names: a DynamoDB table or a local file.
pub enum LedgerStore {
    Table(DynamoLedger),
    File(FileLedger),
}

impl Ledger for LedgerStore {
    async fn load(
        &self,
        account: &str,
        region: &str,
    ) -> Result<HashMap<String, LedgerEntry>, LedgerError> {
        match self {
            LedgerStore::Table(l) => l.load(account, region).await,
            LedgerStore::File(l) => l.load(account, region).await,
        }
    }

    async fn reserve(&self, intents: &[Intent]) -> Result<Vec<String>, LedgerError> {
        match self {
            LedgerStore::Table(l) => l.reserve(intents).await,
            LedgerStore::File(l) => l.reserve(intents).await,
        }
    }

    async fn record(&self, entries: &[LedgerEntry]) -> Result<(), LedgerError> {
        match self {
            LedgerStore::Table(l) => l.record(entries).await,
            LedgerStore::File(l) => l.record(entries).await,
        }
    }

    async fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<Vec<String>, LedgerError> {
        match self {
            LedgerStore::Table(l) => l.claim_alerts(items, owner, now_ms, ttl_ms).await,
            LedgerStore::File(l) => l.claim_alerts(items, owner, now_ms, ttl_ms).await,
        }
    }

    async fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> Result<(), LedgerError> {
        match self {
            LedgerStore::Table(l) => l.record_alerts(items, owner).await,
            LedgerStore::File(l) => l.record_alerts(items, owner).await,
        }
    }

    async fn debounce(&self, key: &str, now_ms: i64, window_ms: i64) -> Result<bool, LedgerError> {
        match self {
            LedgerStore::Table(l) => l.debounce(key, now_ms, window_ms).await,
            LedgerStore::File(l) => l.debounce(key, now_ms, window_ms).await,
        }
    }

    async fn release_alerts(&self, ids: &[String], owner: &str) -> Result<(), LedgerError> {
        match self {
            LedgerStore::Table(l) => l.release_alerts(ids, owner).await,
            LedgerStore::File(l) => l.release_alerts(ids, owner).await,
        }
    }
}

/// The handler's settings from the command line.
pub fn settings(
    args: &ScanArgs,
    opts: Options,
    checks: Vec<&'static Check>,
) -> Result<Settings, CliError> {
    let mut settings = Settings::new(opts)
        .map_err(|source| CliError::selection(args.config.as_deref(), source))?;
    settings.checks = checks;
    settings.refresh_age_ms = i64::from(args.refresh_age_days) * 24 * 60 * 60 * 1000;
    settings.alert_threshold = args.sns_topic_arn.as_ref().map(|_| args.alert_threshold);
    settings.account = args.account.clone();
    Ok(settings)
}

pub fn publish(
    args: &ScanArgs,
    opts: Options,
    checks: Vec<&'static Check>,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let scope = args.scope.scope();
    let mut settings = settings(args, opts, checks)?;
    let result = runtime()?.block_on(async {
        let (config, inventory) = live_inventory(&scope).await;
        settings.region = args.region.clone().or_else(|| aws::region_of(&config));
        let ledger = match (&args.ledger_table, &args.ledger_file) {
            (Some(table), _) => LedgerStore::Table(DynamoLedger::new(
                aws_sdk_dynamodb::Client::new(&config),
                table,
            )),
            (None, Some(file)) => LedgerStore::File(FileLedger::new(file)),
            (None, None) => {
                return Err(CliError::Usage(
                    "--publish needs a ledger: --ledger-table TABLE or --ledger-file FILE".into(),
                ));
            }
        };
        let handler = Handler {
            inventory,
            sink: SecurityHubSink::new(aws_sdk_securityhub::Client::new(&config)),
            ledger,
            notifier: args
                .sns_topic_arn
                .as_ref()
                .map(|topic| SnsNotifier::new(aws_sdk_sns::Client::new(&config), topic)),
            settings,
        };
        let run_id = format!("cli-{}-{}", std::process::id(), now_ms());
        Ok(handler.run(&scope, &run_id, now_ms()).await)
    })?;
    let (report, error) = match result {
        Ok(r) => (r, None),
        Err(e) => match e.report() {
            Some(r) => (r.clone(), Some(e.to_string())),
            None => return Err(CliError::Live(e.to_string())),
        },
    };
    write_out(out, &run_report(&report, args.format)?)?;
    match error {
        Some(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_RUNTIME)
        }
        None if report.alerts_pending > 0 => {
            eprintln!(
                "error: {} alert(s) are held by another invocation's claims; they go out when it sends them or its claims expire",
                report.alerts_pending
            );
            Ok(EXIT_RUNTIME)
        }
        None => Ok(EXIT_OK),
    }
}

/// What an invocation did, as text or JSON.
pub fn run_report(report: &RunReport, format: Format) -> Result<String, CliError> {
    if format == Format::Json {
        return pretty_json("the run report", report);
    }
    let mut s = format!(
        "Scope: {} ({} {}), {} resources, {} evaluations{}\n",
        report.scope,
        report.account,
        report.region,
        report.resources,
        report.evaluations,
        if report.complete { "" } else { " (INCOMPLETE)" }
    );
    s.push_str(&format!(
        "Security Hub: {} imported ({} new, {} failing again, {} changed, {} refreshed, {} fixed, {} archived), {} unchanged\n",
        report.imported, report.new, report.regressed, report.changed, report.refreshed, report.fixed, report.archived, report.unchanged
    ));
    s.push_str(&format!(
        "Alerts: {} finding(s){}{}\n",
        report.alerted,
        if report.alerts_pending > 0 {
            format!(", {} held by another invocation", report.alerts_pending)
        } else {
            String::new()
        },
        report
            .alert_subject
            .as_ref()
            .map(|x| format!(" ({x})"))
            .unwrap_or_default()
    ));
    s.push_str(&format!("{}\n", calls_line(&report.api_calls_by_operation)));
    if let Some(summary) = &report.summary {
        s.push_str(&format!(
            "Posture: {}/100; score {}/100, risk level {}\n",
            summary.posture,
            summary.score,
            summary.risk_level.as_str()
        ));
    }
    for e in &report.read_errors {
        s.push_str(&format!("read error: {e}\n"));
    }
    for f in &report.failed_imports {
        s.push_str(&format!("not imported: {f}\n"));
    }
    Ok(s)
}

//! The live CLI paths: `scan --live [--publish]` and `snapshot --live`, through the AWS SDK.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use ecs_posture_core::engine;
use ecs_posture_core::scope::Scope;

use crate::aws::{
    self, dynamodb::DynamoLedger, ecs::EcsInventory, securityhub::SecurityHubSink, sns::SnsNotifier,
};
use crate::cli::{self, CliError, EXIT_OK, EXIT_USAGE, Format, ScanArgs, SnapshotArgs};
use crate::handler::{Handler, HandlerError, RunReport, Settings};
use crate::local::FileLedger;
use crate::ports::{Ledger, NoNotifier, Notifier};

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Live(format!("cannot start the async runtime: {e}")))
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

fn calls_line(calls: &BTreeMap<String, u64>) -> String {
    let total: u64 = calls.values().sum();
    let parts: Vec<String> = calls.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!("ECS API calls: {total} ({})", parts.join(", "))
}

async fn inventory(scope: &Scope) -> (aws_config::SdkConfig, EcsInventory) {
    let config = aws::sdk_config().await;
    let mut inv = EcsInventory::new(aws_sdk_ecs::Client::new(&config));
    if let Some(bar) = progress(scope) {
        inv = inv.with_progress(bar);
    }
    (config, inv)
}

pub fn scan(args: ScanArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let opts = cli::load_options(args.config.as_deref())?;
    let checks = cli::scan_checks(&args, &opts)?;
    let scope = args.scope.scope();
    let rt = runtime()?;
    if args.publish {
        return rt.block_on(publish(&args, opts, checks, &scope, out));
    }
    let docs = rt.block_on(async {
        let (_, inv) = inventory(&scope).await;
        inv.read(&scope).await
    });
    let collected = docs.collected;
    eprintln!("{}", calls_line(&collected.api_calls));
    let mut ctx = engine::Context::for_snapshot(&collected.snapshot);
    if let Some(a) = &args.account {
        ctx.account = a.clone();
    }
    if let Some(r) = &args.region {
        ctx.region = r.clone();
    }
    let evaluations = engine::evaluate(&collected.snapshot, &checks, &opts, &ctx);
    let loaded = crate::input::Loaded {
        snapshot: collected.snapshot,
        texts: Default::default(),
    };
    let code = cli::report(&args, &loaded, &evaluations, out)?;
    if !collected.errors.is_empty() || !collected.coverage.unreadable.is_empty() {
        for e in &collected.errors {
            eprintln!("error: {e}");
        }
        return Err(CliError::Live(format!(
            "the scan is incomplete: {} read(s) failed; unread resources were not evaluated",
            collected.errors.len()
        )));
    }
    Ok(code)
}

async fn run_handler<L: Ledger, N: Notifier>(
    inv: EcsInventory,
    sink: SecurityHubSink,
    ledger: L,
    notifier: N,
    settings: Settings,
    scope: &Scope,
) -> Result<RunReport, HandlerError> {
    let handler = Handler {
        inventory: inv,
        sink,
        ledger,
        notifier,
        settings,
    };
    let run_id = format!("cli-{}-{}", std::process::id(), cli::now_ms());
    handler.run(scope, &run_id, cli::now_ms()).await
}

async fn publish(
    args: &ScanArgs,
    opts: ecs_posture_core::Options,
    checks: Vec<&'static ecs_posture_core::checks::Check>,
    scope: &Scope,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let (config, inv) = inventory(scope).await;
    let mut settings = Settings::new(opts).map_err(CliError::Usage)?;
    settings.checks = checks;
    settings.refresh_age_ms = i64::from(args.refresh_age_days) * 24 * 60 * 60 * 1000;
    settings.alert_threshold = args.sns_topic_arn.as_ref().map(|_| args.alert_threshold);
    settings.account = args.account.clone();
    settings.region = args.region.clone().or_else(|| aws::region_of(&config));
    let sink = SecurityHubSink::new(aws_sdk_securityhub::Client::new(&config));
    let result = match (&args.ledger_table, &args.ledger_file, &args.sns_topic_arn) {
        (Some(table), _, Some(topic)) => {
            run_handler(
                inv,
                sink,
                DynamoLedger::new(aws_sdk_dynamodb::Client::new(&config), table),
                SnsNotifier::new(aws_sdk_sns::Client::new(&config), topic),
                settings,
                scope,
            )
            .await
        }
        (Some(table), _, None) => {
            run_handler(
                inv,
                sink,
                DynamoLedger::new(aws_sdk_dynamodb::Client::new(&config), table),
                NoNotifier,
                settings,
                scope,
            )
            .await
        }
        (None, Some(file), Some(topic)) => {
            run_handler(
                inv,
                sink,
                FileLedger::new(file),
                SnsNotifier::new(aws_sdk_sns::Client::new(&config), topic),
                settings,
                scope,
            )
            .await
        }
        (None, Some(file), None) => {
            run_handler(
                inv,
                sink,
                FileLedger::new(file),
                NoNotifier,
                settings,
                scope,
            )
            .await
        }
        (None, None, _) => {
            return Err(CliError::Usage(
                "--publish needs a ledger: --ledger-table TABLE or --ledger-file FILE".into(),
            ));
        }
    };
    let (report, error) = match result {
        Ok(r) => (r, None),
        Err(e) => match e.report() {
            Some(r) => (r.clone(), Some(e.to_string())),
            None => return Err(CliError::Live(e.to_string())),
        },
    };
    write_report(&report, args.format, out)?;
    match error {
        Some(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_USAGE)
        }
        None => Ok(EXIT_OK),
    }
}

/// Print what an invocation did.
pub fn write_report(
    report: &RunReport,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let text = if format == Format::Json {
        serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
    } else {
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
            "Alerts: {} finding(s){}\n",
            report.alerted,
            report
                .alert_subject
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
        s.push_str(&format!("{}\n", calls_line(&report.api_calls_by_operation)));
        if let Some(summary) = &report.summary {
            s.push_str(&format!(
                "Score: {}/100, risk level {}\n",
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
        s
    };
    out.write_all(text.as_bytes())
        .map_err(|source| CliError::Io {
            path: "(stdout)".into(),
            source,
        })
}

fn write_json(path: &Path, v: &Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    std::fs::write(path, text).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

pub fn snapshot(args: SnapshotArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let scope = args.scope.scope();
    let rt = runtime()?;
    let docs = rt.block_on(async {
        let (_, inv) = inventory(&scope).await;
        inv.read(&scope).await
    });
    let dir = Path::new(&args.output);
    let tds = dir.join("task-definitions");
    std::fs::create_dir_all(&tds).map_err(|source| CliError::Io {
        path: tds.display().to_string(),
        source,
    })?;
    let mut merged: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut written = 0;
    for (_, doc) in &docs.docs {
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
        for key in [
            "clusters",
            "services",
            "capacityProviders",
            "containerInstances",
        ] {
            if let Some(items) = doc.get(key).and_then(Value::as_array) {
                merged.entry(key).or_default().extend(items.iter().cloned());
            }
        }
    }
    for (key, file) in [
        ("clusters", "clusters.json"),
        ("services", "services.json"),
        ("capacityProviders", "capacity-providers.json"),
        ("containerInstances", "container-instances.json"),
    ] {
        if let Some(items) = merged.get(key) {
            written += items.len();
            write_json(&dir.join(file), &json!({ key: items }))?;
        }
    }
    let c = &docs.collected;
    writeln!(
        out,
        "Wrote {written} resources of {} to {}\n{}",
        scope.describe(),
        dir.display(),
        calls_line(&c.api_calls)
    )
    .map_err(|source| CliError::Io {
        path: "(stdout)".into(),
        source,
    })?;
    if !c.errors.is_empty() {
        for e in &c.errors {
            eprintln!("error: {e}");
        }
        return Ok(EXIT_USAGE);
    }
    Ok(EXIT_OK)
}

/// Read a scope through the ECS API: the snapshot and the read errors.
pub fn read_snapshot(
    scope: &Scope,
) -> Result<(ecs_posture_core::model::Snapshot, Vec<String>), CliError> {
    let rt = runtime()?;
    let docs = rt.block_on(async {
        let (_, inv) = inventory(scope).await;
        inv.read(scope).await
    });
    eprintln!("{}", calls_line(&docs.collected.api_calls));
    let mut errors = docs.collected.errors;
    errors.extend(
        docs.collected
            .coverage
            .unreadable
            .iter()
            .map(|u| format!("could not read {u}")),
    );
    Ok((docs.collected.snapshot, errors))
}

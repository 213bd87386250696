//! `ecs-posture invoke`: the Lambda's own job on the embedded local default (a folder of ECS
//! JSON in, files out), so anyone can see it work without an AWS account.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::cli::{self, CliError, EXIT_OK, EXIT_USAGE, InvokeArgs};
use crate::handler::{Handler, Settings};
use crate::lambda::{App, DEBOUNCE_MS};
use crate::local::{FileLedger, FileNotifier, FileSink, FolderInventory};

pub fn invoke(args: InvokeArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let text = if args.event == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|source| CliError::Io {
            path: "(stdin)".into(),
            source,
        })?
    } else {
        std::fs::read_to_string(&args.event).map_err(|source| CliError::Io {
            path: args.event.clone(),
            source,
        })?
    };
    let event: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{}:{}:{}: invalid JSON: {e}",
            args.event,
            e.line(),
            e.column()
        ))
    })?;
    let options = cli::load_options(args.config.as_deref())?;
    let mut settings = Settings::new(options).map_err(CliError::Usage)?;
    settings.alert_threshold = Some(ecs_posture_core::Severity::High);
    let dir = Path::new(&args.out);
    let app = App {
        handler: Handler {
            inventory: FolderInventory {
                paths: args.estate.clone(),
            },
            sink: FileSink {
                dir: dir.join("securityhub"),
            },
            ledger: FileLedger::new(dir.join("ledger.json")),
            notifier: FileNotifier {
                dir: dir.join("sns"),
            },
            settings,
        },
        debounce_ms: DEBOUNCE_MS,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Live(e.to_string()))?;
    let (result, metrics) = rt.block_on(app.handle(&event, "local-invoke", cli::now_ms()));
    let io = |source| CliError::Io {
        path: "(stdout)".into(),
        source,
    };
    match result {
        Ok(summary) => {
            if args.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                )
                .map_err(io)?;
            } else {
                writeln!(out, "{}", human(&summary, dir)).map_err(io)?;
                for m in metrics {
                    writeln!(out, "metrics: {m}").map_err(io)?;
                }
            }
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_USAGE)
        }
    }
}

fn human(s: &Value, dir: &Path) -> String {
    match s["status"].as_str() {
        Some("ok") => format!(
            "Trigger {} -> scanned {} ({} resources): {} findings imported ({} new, {} fixed, {} archived), {} alerted, score {}.\n\
             Security Hub batches: {}/securityhub, SNS alerts: {}/sns, ledger: {}/ledger.json",
            s["trigger"].as_str().unwrap_or(""),
            s["scope"].as_str().unwrap_or(""),
            s["resources"],
            s["imported"],
            s["new"],
            s["fixed"],
            s["archived"],
            s["alerted"],
            s["score"],
            dir.display(),
            dir.display(),
            dir.display()
        ),
        _ => serde_json::to_string_pretty(s).unwrap_or_default(),
    }
}

//! `ecs-posture invoke`: the Lambda's own job on the embedded local default (a folder of ECS
//! JSON in, files out), so anyone can see it work without an AWS account.

use std::io::Write;
use std::path::Path;

use clap::Args;
use serde_json::Value;

use super::common::{
    CliError, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, load_options, local_runtime, now_ms, pretty_json,
    without_bom,
};
use crate::function::{App, DEBOUNCE_MS, Outcome, Response};
use crate::handler::{Handler, HandlerError, Settings};
use crate::local::{FileLedger, FileNotifier, FileSink, FolderInventory};
use crate::ports::InventoryError;

#[derive(Args, Debug)]
pub struct InvokeArgs {
    /// The Lambda event (JSON file; `-` reads standard input), e.g. events/schedule.json
    pub event: String,
    /// Files or folders of ECS JSON standing for the region's estate
    #[arg(long, required = true, num_args = 1..)]
    pub estate: Vec<String>,
    /// Folder for the Security Hub batches (securityhub/), SNS alerts (sns/) and ledger.json
    #[arg(long, default_value = "out/local")]
    pub out: String,
    /// TOML config file with an [options] table
    #[arg(long)]
    pub config: Option<String>,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

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
    let event: Value = serde_json::from_str(without_bom(&text)).map_err(|e| {
        CliError::Usage(format!(
            "{}:{}:{}: invalid JSON: {e}",
            args.event,
            e.line(),
            e.column()
        ))
    })?;
    let options = load_options(args.config.as_deref())?;
    let mut settings = Settings::new(options)
        .map_err(|source| CliError::selection(args.config.as_deref(), source))?;
    settings.alert_threshold = Some(ecs_posture_core::Severity::High);
    let dir = Path::new(&args.out);
    let app = App {
        handler: Handler {
            inventory: FolderInventory::new(args.estate.clone()),
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
    let (result, metrics) = local_runtime()?.block_on(app.handle(&event, "local-invoke", now_ms()));
    let io = |source| CliError::Io {
        path: "(stdout)".into(),
        source,
    };
    match result {
        Ok(response) => {
            if args.json {
                write!(out, "{}", pretty_json("the summary", &response.to_json())?).map_err(io)?;
            } else {
                writeln!(out, "{}", human(&response, dir)?).map_err(io)?;
                for m in metrics {
                    writeln!(out, "metrics: {m}").map_err(io)?;
                }
            }
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            // An estate that cannot be read is an input error; anything else happened at run time.
            Ok(match e.source {
                HandlerError::Inventory(InventoryError::Input(_)) => EXIT_USAGE,
                _ => EXIT_RUNTIME,
            })
        }
    }
}

fn human(response: &Response, dir: &Path) -> Result<String, CliError> {
    match response {
        Response::Event(Outcome::Ok(s)) => Ok(format!(
            "Trigger {} -> scanned {} ({} resources): {} findings imported ({} new, {} fixed, {} archived), {} alerted, score {}.\n\
             Security Hub batches: {}/securityhub, SNS alerts: {}/sns, ledger: {}/ledger.json",
            s.trigger,
            s.scope,
            s.resources,
            s.imported,
            s.new,
            s.fixed,
            s.archived,
            s.alerted,
            s.score.map_or_else(|| "null".to_owned(), |x| x.to_string()),
            dir.display(),
            dir.display(),
            dir.display()
        )),
        other => Ok(pretty_json("the summary", &other.to_json())?
            .trim_end()
            .to_owned()),
    }
}

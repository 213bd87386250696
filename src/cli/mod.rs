//! The `ecs-posture` command line: the clap [`Cli`] and one dispatch. Each subcommand (or family)
//! has its own file; [`source`] loads the estate for all of them, [`common`] holds what they share.
//!
//! - [`scan`]: `scan` (files, `--live`), with [`publish`] for `--publish` and [`fleet`] for
//!   several accounts and regions;
//! - [`snapshot`]: `snapshot --live`;
//! - [`invoke`]: the Lambda's job on the embedded local default;
//! - [`reports`]: `report`, `recommendations`, `compliance`, `metrics`, `clusters`;
//! - [`catalog`]: `checks`, `explain`, `docs`.

pub mod catalog;
pub mod common;
pub mod fleet;
pub mod invoke;
pub mod publish;
pub mod reports;
pub mod scan;
pub mod snapshot;
pub mod source;

use std::io::Write;

use clap::{Parser, Subcommand};

pub use common::{CliError, EXIT_FINDINGS, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE};

#[derive(Parser, Debug)]
#[command(
    name = "ecs-posture",
    version,
    about = "Security posture checks for Amazon ECS, kept true in AWS Security Hub"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan ECS JSON (API output, task definitions before registration, container definition lists)
    Scan(Box<scan::ScanArgs>),
    /// List the check catalog
    Checks(catalog::ChecksArgs),
    /// Print one check's documentation
    Explain {
        /// Check id (TD01) or slug (privileged-container)
        id: String,
    },
    /// Read an estate through the ECS API and write it as ECS API JSON, scannable offline
    Snapshot(snapshot::SnapshotArgs),
    /// Run the Lambda's job for one event on a local estate, writing Security Hub batches, the
    /// SNS alert and the ledger under a local folder
    Invoke(invoke::InvokeArgs),
    /// Reports: summary, detailed, executive, json, markdown, html, csv, ocsf
    Report(Box<reports::ReportArgs>),
    /// Actionable remediation, highest risk first, deduplicated across resources
    Recommendations(Box<reports::RecommendationsArgs>),
    /// Per-control compliance status for one framework
    Compliance(Box<reports::ComplianceArgs>),
    /// Score, severity distribution, categories, framework coverage and trend
    Metrics(Box<reports::MetricsArgs>),
    /// The clusters of the region with a one-line posture each (live)
    Clusters(reports::ClustersArgs),
    /// Print the generated check reference (docs/checks.md)
    Docs {
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<String>,
    },
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    crate::logging::init_cli();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match run(cli, &mut std::io::stdout().lock()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// Run one parsed command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32, CliError> {
    match cli.command {
        Command::Scan(args) => scan::scan(*args, out),
        Command::Snapshot(args) => snapshot::snapshot(args, out),
        Command::Invoke(args) => invoke::invoke(args, out),
        Command::Report(args) => reports::report(*args, out),
        Command::Recommendations(args) => reports::recommendations(*args, out),
        Command::Compliance(args) => reports::compliance(*args, out),
        Command::Metrics(args) => reports::metrics(*args, out),
        Command::Clusters(args) => reports::clusters(args, out),
        Command::Checks(args) => catalog::list_checks(args, out),
        Command::Explain { id } => catalog::explain(&id, out),
        Command::Docs { output } => catalog::write_docs(output.as_deref(), out),
    }
}

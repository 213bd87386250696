//! The `ecs-posture` command line.

use std::io::{IsTerminal, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand, ValueEnum};

use ecs_posture_core::checks::{Check, catalog};
use ecs_posture_core::finding::{Evaluation, Framework, Severity, Status};
use ecs_posture_core::scope::Scope;
use ecs_posture_core::{Options, docs, engine, render};

use crate::input;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

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
    Scan(Box<ScanArgs>),
    /// List the check catalog
    Checks(ChecksArgs),
    /// Print one check's documentation
    Explain {
        /// Check id (TD01) or slug (privileged-container)
        id: String,
    },
    /// Read an estate through the ECS API and write it as ECS API JSON, scannable offline
    Snapshot(SnapshotArgs),
    /// Run the Lambda's job for one event on a local estate, writing Security Hub batches, the
    /// SNS alert and the ledger under a local folder
    Invoke(InvokeArgs),
    /// Reports: summary, detailed, executive, json, markdown, html, csv
    Report(Box<crate::reports::ReportArgs>),
    /// Actionable remediation, highest risk first, deduplicated across resources
    Recommendations(Box<crate::reports::RecommendationsArgs>),
    /// Per-control compliance status for one framework
    Compliance(Box<crate::reports::ComplianceArgs>),
    /// Score, severity distribution, categories, framework coverage and trend
    Metrics(Box<crate::reports::MetricsArgs>),
    /// The clusters of the region with a one-line posture each (live)
    Clusters(crate::reports::ClustersArgs),
    /// Print the generated check reference (docs/checks.md)
    Docs {
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Asff,
    Sarif,
    Csv,
    Markdown,
}

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
        match parts.len() {
            0 => Scope::Region,
            1 => parts.remove(0),
            _ => Scope::Many(parts),
        }
    }
}

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

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Read through the ECS API (standard AWS credentials, region and endpoint settings)
    #[arg(long, required = true)]
    pub live: bool,
    #[command(flatten)]
    pub scope: LiveScope,
    /// Folder to write the ECS API JSON into
    #[arg(long, short)]
    pub output: String,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or folders of ECS JSON (folders are read recursively); `-` reads standard input
    #[arg(required_unless_present = "live")]
    pub paths: Vec<String>,
    /// Read the estate through the ECS API instead of files
    #[arg(long, conflicts_with = "paths")]
    pub live: bool,
    #[command(flatten)]
    pub scope: LiveScope,
    /// Run the finding lifecycle: import into Security Hub, alert SNS, record in the ledger
    #[arg(long, requires = "live")]
    pub publish: bool,
    /// SNS topic for alerts on new HIGH/CRITICAL findings (with --publish)
    #[arg(long, requires = "publish")]
    pub sns_topic_arn: Option<String>,
    /// DynamoDB table of the ledger (with --publish)
    #[arg(long, requires = "publish", conflicts_with = "ledger_file")]
    pub ledger_table: Option<String>,
    /// Local file of the ledger (with --publish)
    #[arg(long, requires = "publish")]
    pub ledger_file: Option<String>,
    /// Alert on transitions at or above this severity (with --publish)
    #[arg(long, default_value = "high", value_parser = parse_severity)]
    pub alert_threshold: Severity,
    /// Re-import findings that are still failing after this many days (with --publish)
    #[arg(long, default_value_t = 7)]
    pub refresh_age_days: u32,
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run only checks of at least this severity
    #[arg(long, value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Run only these checks (id or slug; repeatable; runs checks that are off by default too)
    #[arg(long = "check", value_name = "ID")]
    pub checks: Vec<String>,
    /// Skip these checks (id or slug; repeatable)
    #[arg(long = "skip-check", value_name = "ID")]
    pub skip_checks: Vec<String>,
    /// Run only checks mapped to this framework (aws-fsbp, aws-config, nist-800-53, pci-dss, hipaa, soc2, cis)
    #[arg(long, value_parser = parse_framework)]
    pub framework: Option<Framework>,
    /// TOML config file with an [options] table
    #[arg(long)]
    pub config: Option<String>,
    /// Exit 1 when a FAILED evaluation at or above this severity exists (`none` never fails)
    #[arg(long, default_value = "high", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// List PASSED and NOT_APPLICABLE evaluations too (table, csv, markdown; json always lists all)
    #[arg(long)]
    pub all: bool,
    /// Account id for resources whose JSON carries no ARN (default: from the snapshot's ARNs)
    #[arg(long)]
    pub account: Option<String>,
    /// Region for resources whose JSON carries no ARN (default: from the snapshot's ARNs)
    #[arg(long)]
    pub region: Option<String>,
    /// Write the report to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<String>,
}

#[derive(Args, Debug)]
pub struct ChecksArgs {
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Only checks mapped to this framework
    #[arg(long, value_parser = parse_framework)]
    pub framework: Option<Framework>,
    /// Only checks of at least this severity
    #[arg(long, value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Only checks of this resource kind (task-definition, service, task-set, cluster, capacity-provider, container-instance)
    #[arg(long)]
    pub resource: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Never,
    At(Severity),
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    s.parse()
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("never") {
        Ok(FailOn::Never)
    } else {
        s.parse().map(FailOn::At)
    }
}

/// Errors reported at the edge, each naming its input.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Input(Vec<ecs_posture_core::model::InputError>),
    #[error(transparent)]
    Config(#[from] ecs_posture_core::config::ConfigError),
    #[error("{0}")]
    Live(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
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
            EXIT_USAGE
        }
    }
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32, CliError> {
    match cli.command {
        Command::Scan(args) if args.live => crate::live::scan(*args, out),
        Command::Scan(args) => scan(*args, out),
        Command::Snapshot(args) => crate::live::snapshot(args, out),
        Command::Invoke(args) => crate::invoke::invoke(args, out),
        Command::Report(args) => crate::reports::report(*args, out),
        Command::Recommendations(args) => crate::reports::recommendations(*args, out),
        Command::Compliance(args) => crate::reports::compliance(*args, out),
        Command::Metrics(args) => crate::reports::metrics(*args, out),
        Command::Clusters(args) => crate::reports::clusters(args, out),
        Command::Checks(args) => list_checks(args, out),
        Command::Explain { id } => {
            let check = catalog::find(&id).ok_or_else(|| {
                CliError::Usage(format!("unknown check {id:?} (see `ecs-posture checks`)"))
            })?;
            write_out(out, &explain(check))?;
            Ok(EXIT_OK)
        }
        Command::Docs { output } => {
            let md = docs::checks_markdown();
            match output {
                Some(path) => {
                    std::fs::write(&path, md).map_err(|source| CliError::Io { path, source })?
                }
                None => write_out(out, &md)?,
            }
            Ok(EXIT_OK)
        }
    }
}

fn write_out(out: &mut dyn Write, s: &str) -> Result<(), CliError> {
    out.write_all(s.as_bytes()).map_err(|source| CliError::Io {
        path: "(stdout)".to_owned(),
        source,
    })
}

pub fn load_options(path: Option<&str>) -> Result<Options, CliError> {
    match path {
        None => Ok(Options::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| CliError::Io {
                path: p.to_owned(),
                source,
            })?;
            Ok(Options::from_toml(p, &text)?)
        }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The line of the source document that best locates an evaluation (for SARIF).
fn locate(texts: &std::collections::HashMap<String, String>, e: &Evaluation) -> Option<usize> {
    let source = e.resource.source.as_ref();
    let base = source.split('[').next().unwrap_or(source);
    let text = texts.get(source).or_else(|| texts.get(base))?;
    let needle = e
        .evidence()
        .first()
        .and_then(|ev| ev.strip_prefix("container "))
        .and_then(|rest| rest.split(':').next())
        .map(|name| format!("\"{name}\""))
        .unwrap_or_else(|| format!("\"{}\"", e.resource.name.split(':').next().unwrap_or("")));
    text.lines()
        .position(|l| l.contains(&needle))
        .map(|i| i + 1)
}

fn scan(args: ScanArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let opts = load_options(args.config.as_deref())?;
    let checks = scan_checks(&args, &opts)?;
    let loaded = input::load(&args.paths).map_err(CliError::Input)?;
    let mut ctx = engine::Context::for_snapshot(&loaded.snapshot);
    if let Some(a) = &args.account {
        ctx.account = a.clone();
    }
    if let Some(r) = &args.region {
        ctx.region = r.clone();
    }
    for f in &loaded.snapshot.failures {
        eprintln!(
            "warning: {}: the API could not return {}: {} (not evaluated)",
            f.source,
            f.arn.as_deref().unwrap_or("a resource"),
            f.reason
        );
    }
    let evaluations = engine::evaluate(&loaded.snapshot, &checks, &opts, &ctx);
    report(&args, &loaded, &evaluations, out)
}

/// Render evaluations in the chosen format and decide the exit code (`--fail-on`).
pub fn report(
    args: &ScanArgs,
    loaded: &input::Loaded,
    evaluations: &[Evaluation],
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let shown: Vec<&Evaluation> = evaluations
        .iter()
        .filter(|e| args.all || args.format == Format::Json || e.status == Status::Failed)
        .collect();
    let tty = args.output.is_none() && std::io::stdout().is_terminal();
    let colored = tty && std::env::var_os("NO_COLOR").is_none();
    let text = match args.format {
        Format::Table => {
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .filter(|_| tty)
                .unwrap_or(100);
            render::table::render(evaluations, &shown, width, colored)
        }
        Format::Json => render::json::render(evaluations, &shown) + "\n",
        Format::Asff => render::asff::render(&shown, &loaded.snapshot, now_ms()),
        Format::Sarif => {
            render::sarif::render(&shown, env!("CARGO_PKG_VERSION"), &|e| {
                locate(&loaded.texts, e)
            }) + "\n"
        }
        Format::Csv => render::csv::render(&shown),
        Format::Markdown => render::markdown::render(evaluations, &shown),
    };
    match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|source| CliError::Io {
            path: path.clone(),
            source,
        })?,
        None => write_out(out, &text)?,
    }
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::At(level) => evaluations
            .iter()
            .any(|e| e.status == Status::Failed && e.severity() >= level),
    };
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

/// The checks a scan runs: the configuration's selection narrowed by the command line.
pub fn scan_checks(args: &ScanArgs, opts: &Options) -> Result<Vec<&'static Check>, CliError> {
    let mut checks = engine::select(opts, &args.checks, &args.skip_checks, args.framework)
        .map_err(CliError::Usage)?;
    if let Some(min) = args.min_severity {
        checks.retain(|c| c.severity >= min);
    }
    Ok(checks)
}

fn resource_matches(c: &Check, filter: &str) -> bool {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
    let f = norm(filter);
    norm(c.kind().label()) == f
        || norm(c.kind().asff_type()) == f
        || norm(c.kind().asff_type()).trim_start_matches("awsecs") == f
}

fn list_checks(args: ChecksArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let selected: Vec<&Check> = catalog::CATALOG
        .iter()
        .copied()
        .filter(|c| args.framework.is_none_or(|f| c.maps_to(f)))
        .filter(|c| args.min_severity.is_none_or(|m| c.severity >= m))
        .filter(|c| {
            args.resource
                .as_deref()
                .is_none_or(|r| resource_matches(c, r))
        })
        .collect();
    let text = match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = selected
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id, "slug": c.slug, "title": c.title, "severity": c.severity,
                        "resource_type": c.kind().asff_type(), "category": c.category, "status": c.status,
                        "enabled_by_default": c.enabled_by_default, "revisions": c.revisions,
                        "types": c.types, "description": c.description, "risk": c.risk,
                        "remediation": c.remediation, "references": c.references,
                        "compliance": c.compliance, "options": c.options,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
        }
        ListFormat::Table => {
            let mut s = String::new();
            for c in &selected {
                let fsbp: Vec<&str> = c.controls(Framework::AwsFsbp).collect();
                s.push_str(&format!(
                    "{:<5} {:<13} {:<18} {:<4} {}{}\n",
                    c.id,
                    c.severity.as_str(),
                    c.kind().label(),
                    if c.enabled_by_default { "on" } else { "off" },
                    c.title,
                    if fsbp.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", fsbp.join(", "))
                    }
                ));
            }
            s.push_str(&format!("{} checks\n", selected.len()));
            s
        }
    };
    write_out(out, &text)?;
    Ok(EXIT_OK)
}

fn explain(c: &Check) -> String {
    let md = docs::checks_markdown();
    let start = format!("## {}\n", c.id);
    let section = md
        .find(&start)
        .map(|i| {
            let rest = &md[i..];
            let end = rest[start.len()..]
                .find("\n## ")
                .map(|j| j + start.len() + 1)
                .unwrap_or(rest.len());
            rest[..end].to_owned()
        })
        .unwrap_or_default();
    section.trim_end().to_owned() + "\n"
}

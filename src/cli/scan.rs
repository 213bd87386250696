//! `ecs-posture scan`: evaluate files or the live estate and render the evaluations; with
//! `--publish`, keep Security Hub true (see [`super::publish`]).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use ecs_posture_core::checks::Check;
use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::finding::{Framework, Severity, Status};
use ecs_posture_core::{Options, engine, render};

use super::common::{
    CliError, EXIT_FINDINGS, EXIT_OK, emit, load_options, now_ms, parse_framework, parse_severity,
    select_checks,
};
use super::source::{self, FleetArgs, LiveScope, Origin};
use crate::ports::Collected;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Asff,
    Sarif,
    Csv,
    Markdown,
    /// OCSF 1.6 Compliance Finding events, one per line
    Ocsf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Never,
    At(Severity),
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("never") {
        Ok(FailOn::Never)
    } else {
        s.parse().map(FailOn::At)
    }
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
    #[command(flatten)]
    pub fleet: FleetArgs,
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
    /// List PASSED, NOT_APPLICABLE and NOT_AVAILABLE evaluations too (table, csv, markdown, ocsf; json always lists all)
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

/// The checks a scan runs: the configuration's selection narrowed by the command line.
pub fn scan_checks(args: &ScanArgs, opts: &Options) -> Result<Vec<&'static Check>, CliError> {
    let mut checks = select_checks(
        opts,
        args.config.as_deref(),
        &args.checks,
        &args.skip_checks,
        args.framework,
    )?;
    if let Some(min) = args.min_severity {
        checks.retain(|c| c.severity >= min);
    }
    Ok(checks)
}

pub fn scan(args: ScanArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    if args.publish && !matches!(args.format, Format::Table | Format::Json) {
        // A publishing run prints what it did (imported, archived, alerted), not findings.
        return Err(CliError::Usage(
            "--publish prints the run's report: --format takes table or json with it (the findings \
             go to Security Hub; scan without --publish for asff, sarif, csv, markdown or ocsf)"
                .into(),
        ));
    }
    let opts = load_options(args.config.as_deref())?;
    let checks = scan_checks(&args, &opts)?;
    if args.fleet.is_fleet() {
        if !args.live {
            return Err(CliError::Usage(
                "--accounts and --regions read live estates: add --live".into(),
            ));
        }
        if args.publish {
            let settings = super::publish::settings(&args, opts, checks)?;
            return super::fleet::publish(&args, settings, out);
        }
        return super::fleet::scan(&args, &opts, &checks, out);
    }
    if args.publish {
        return super::publish::publish(&args, opts, checks, out);
    }
    let scope = args.scope.scope();
    let mut collected = if args.live {
        source::load(Origin::Live(&scope))?
    } else {
        source::load(Origin::Files(&args.paths))?
    };
    if !args.live {
        for f in &collected.snapshot.failures {
            eprintln!(
                "warning: {}: the API could not return {}: {} (not evaluated)",
                f.source,
                f.arn.as_deref().unwrap_or("a resource"),
                f.reason
            );
        }
        for e in collected.snapshot.express_without_service() {
            eprintln!(
                "warning: {}: Express Mode service {} is not in any describe-services output given: \
                 SV28-SV30 judge it on its service (not evaluated)",
                e.source,
                e.item.service_arn.as_deref().unwrap_or("(no serviceArn)")
            );
        }
    }
    if !args.live && args.account.is_none() && args.region.is_none() {
        // Files of several accounts or regions (a `snapshot` of an organization): each
        // account-region is evaluated in its own context, so finding Ids keep theirs.
        let mut parts = std::mem::take(&mut collected.snapshot).split_by_account_region();
        if parts.len() > 1 {
            let mut evaluations = Vec::new();
            let mut asff = String::new();
            for (_, part) in &parts {
                let mut ctx = engine::Context::for_snapshot(part);
                ctx.now_ms = Some(now_ms());
                let part_evaluations = engine::evaluate(part, &checks, &opts, &ctx);
                if args.format == Format::Asff {
                    let shown: Vec<&Evaluation> = part_evaluations.iter().collect();
                    asff.push_str(&render::asff::render(&shown, part, now_ms()));
                }
                evaluations.extend(part_evaluations);
            }
            return render_evaluations(&args, &collected, &evaluations, Some(asff), out);
        }
        collected.snapshot = parts.pop().map(|(_, s)| s).unwrap_or_default();
    }
    let mut ctx = engine::Context::for_snapshot(&collected.snapshot);
    ctx.now_ms = Some(now_ms());
    if let Some(a) = &args.account {
        ctx.account = a.clone();
    }
    if let Some(r) = &args.region {
        ctx.region = r.clone();
    }
    let evaluations = engine::evaluate(&collected.snapshot, &checks, &opts, &ctx);
    let code = render_evaluations(&args, &collected, &evaluations, None, out)?;
    if args.live && !collected.is_complete() {
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

/// The line of the source document that best locates an evaluation (for SARIF): the line naming
/// the container of its first evidence, else the resource's name.
fn locate(texts: &HashMap<String, String>, e: &Evaluation) -> Option<usize> {
    let source = e.resource.source.as_ref();
    let base = source.split('[').next().unwrap_or(source);
    let text = texts.get(source).or_else(|| texts.get(base))?;
    let needle = e
        .evidence()
        .first()
        .and_then(|ev| ev.container_name())
        .map(|name| format!("\"{name}\""))
        .unwrap_or_else(|| format!("\"{}\"", e.resource.name.split(':').next().unwrap_or("")));
    text.lines()
        .position(|l| l.contains(&needle))
        .map(|i| i + 1)
}

/// Render evaluations in the chosen format and decide the exit code (`--fail-on`). `asff`, when
/// given, is the ASFF already rendered (several snapshots each render their own findings).
pub fn render_evaluations(
    args: &ScanArgs,
    collected: &Collected,
    evaluations: &[Evaluation],
    asff: Option<String>,
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
        Format::Asff => {
            asff.unwrap_or_else(|| render::asff::render(&shown, &collected.snapshot, now_ms()))
        }
        Format::Sarif => {
            render::sarif::render(&shown, env!("CARGO_PKG_VERSION"), &|e| {
                locate(&collected.texts, e)
            }) + "\n"
        }
        Format::Csv => render::csv::render(&shown),
        Format::Markdown => render::markdown::render(evaluations, &shown),
        Format::Ocsf => render::ocsf::render(&shown, env!("CARGO_PKG_VERSION"), now_ms()),
    };
    emit(out, args.output.as_deref(), &text)?;
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::At(level) => evaluations
            .iter()
            .any(|e| e.status == Status::Failed && e.severity() >= level),
    };
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

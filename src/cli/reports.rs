//! `report`, `recommendations`, `compliance`, `metrics` and `clusters`: every output from the
//! same evaluations that go to Security Hub.

use std::collections::BTreeMap;
use std::io::Write;

use clap::{Args, ValueEnum};
use serde_json::json;

use ecs_posture_core::checks::Check;
use ecs_posture_core::evaluation::Evaluation;
use ecs_posture_core::finding::{Framework, Severity, Status};
use ecs_posture_core::model::Snapshot;
use ecs_posture_core::report::{self, Filter, TrendPoint, html, text};
use ecs_posture_core::summary::summarize;
use ecs_posture_core::{engine, render};

use super::common::{
    CliError, EXIT_OK, emit, load_options, now_rfc3339, pretty_json, select_checks, without_bom,
};
use super::source::{self, FleetArgs, LiveScope, Origin};

/// Where the estate comes from, shared by the report commands.
#[derive(Args, Debug, Default)]
pub struct Source {
    /// Files or folders of ECS JSON; `-` reads standard input
    #[arg(required_unless_present = "live")]
    pub paths: Vec<String>,
    /// Read the estate through the ECS API
    #[arg(long, conflicts_with = "paths")]
    pub live: bool,
    #[command(flatten)]
    pub scope: LiveScope,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// TOML config file with an [options] table
    #[arg(long)]
    pub config: Option<String>,
}

#[derive(Args, Debug, Default)]
pub struct Filters {
    /// Only these severities (repeatable)
    #[arg(long = "severity", value_parser = |s: &str| s.parse::<Severity>())]
    pub severities: Vec<Severity>,
    /// Only these categories (repeatable; see `ecs-posture checks --format json`)
    #[arg(long = "category")]
    pub categories: Vec<String>,
    /// Only checks mapped to this framework
    #[arg(long, value_parser = |s: &str| s.parse::<Framework>())]
    pub framework: Option<Framework>,
    /// Only these checks (id or slug; repeatable)
    #[arg(long = "check")]
    pub checks: Vec<String>,
    /// Only resources whose name or ARN contains this text
    #[arg(long)]
    pub resource: Option<String>,
}

impl Filters {
    fn filter(&self) -> Filter {
        Filter {
            severities: self.severities.clone(),
            categories: self.categories.clone(),
            framework: self.framework,
            checks: self.checks.clone(),
            resource: self.resource.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Summary,
    Detailed,
    Executive,
    Json,
    Markdown,
    Html,
    Csv,
    /// OCSF 1.6 Compliance Finding events of the findings, one per line
    Ocsf,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub filters: Filters,
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Summary)]
    pub format: ReportFormat,
    /// Earlier `--format json` reports (or scans), oldest first, for the trend
    #[arg(long = "history")]
    pub history: Vec<String>,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum TextFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RecommendationsArgs {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub filters: Filters,
    #[arg(long, short, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ComplianceArgs {
    #[command(flatten)]
    pub source: Source,
    /// aws-fsbp, aws-config, pci-dss, hipaa, soc2, nist-800-53 or cis
    #[arg(long, value_parser = |s: &str| s.parse::<Framework>())]
    pub framework: Framework,
    #[arg(long, short, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct MetricsArgs {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub filters: Filters,
    /// Earlier `--format json` reports (or scans), oldest first, for the trend
    #[arg(long = "history")]
    pub history: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

#[derive(Args, Debug)]
pub struct ClustersArgs {
    /// Read the clusters through the ECS API (the only source for this command)
    #[arg(long, required = true)]
    pub live: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// TOML config file with an [options] table
    #[arg(long)]
    pub config: Option<String>,
    #[arg(long, short, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

struct Gathered {
    snapshot: Snapshot,
    evaluations: Vec<Evaluation>,
    checks: Vec<&'static Check>,
    /// Each account-region's `(account, region, clusters)`, for per-account-region tables.
    parts: Vec<(String, String, Snapshot)>,
}

/// Evaluate each account-region in its own context; the merged snapshot and evaluations.
fn evaluate_parts(
    parts: Vec<Snapshot>,
    checks: &[&'static Check],
    opts: &ecs_posture_core::Options,
) -> (Snapshot, Vec<Evaluation>) {
    let mut merged = Snapshot::default();
    let mut evaluations = Vec::new();
    for part in parts {
        let mut ctx = engine::Context::for_snapshot(&part);
        ctx.now_ms = Some(crate::cli::common::now_ms());
        // Resource indexes stay those of the part (the reports never render ASFF details,
        // the one reader of them).
        let part_evaluations = engine::evaluate(&part, checks, opts, &ctx);
        merged.extend(part);
        evaluations.extend(part_evaluations);
    }
    (merged, evaluations)
}

fn gather(source: &Source) -> Result<Gathered, CliError> {
    let opts = load_options(source.config.as_deref())?;
    let checks = select_checks(&opts, source.config.as_deref(), &[], &[], None)?;
    let parts: Vec<Snapshot> = if source.live && source.fleet.is_fleet() {
        super::fleet::collect(&source.fleet, &source.scope.scope())?
    } else if source.live {
        let collected = source::load(Origin::Live(&source.scope.scope()))?;
        let errors = collected.read_errors();
        for e in &errors {
            eprintln!("error: {e}");
        }
        if !errors.is_empty() {
            return Err(CliError::Live(format!(
                "the scan is incomplete: {} read(s) failed",
                errors.len()
            )));
        }
        vec![collected.snapshot]
    } else {
        source::load(Origin::Files(&source.paths))?
            .snapshot
            .split_by_account_region()
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    };
    let labels: Vec<(String, String, Snapshot)> = parts
        .iter()
        .map(|p| {
            let (a, r) = p.account_region().unwrap_or_default();
            let clusters = Snapshot {
                clusters: p.clusters.clone(),
                services: p.services.clone(),
                ..Snapshot::default()
            };
            (a, r, clusters)
        })
        .collect();
    let (snapshot, evaluations) = evaluate_parts(parts, &checks, &opts);
    Ok(Gathered {
        snapshot,
        evaluations,
        checks,
        parts: labels,
    })
}

fn history(files: &[String]) -> Result<Vec<TrendPoint>, CliError> {
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|source| CliError::Io {
                path: f.clone(),
                source,
            })?;
            let v: serde_json::Value = serde_json::from_str(without_bom(&text)).map_err(|e| {
                CliError::Usage(format!(
                    "{f}:{}:{}: invalid JSON: {e}",
                    e.line(),
                    e.column()
                ))
            })?;
            report::trend_point(f, &v).ok_or_else(|| {
                CliError::Usage(format!("{f}: not an ecs-posture JSON report (no summary)"))
            })
        })
        .collect()
}

pub fn report(args: ReportArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let g = gather(&args.source)?;
    let filter = args.filters.filter();
    let shown: Vec<&Evaluation> = g.evaluations.iter().filter(|e| filter.keeps(e)).collect();
    let summary = summarize(shown.iter().copied());
    let services = report::services_by_task_definition(&g.snapshot);
    let trend = history(&args.history)?;
    let failed: Vec<&Evaluation> = shown
        .iter()
        .copied()
        .filter(|e| e.status == Status::Failed)
        .collect();
    let text = match args.format {
        ReportFormat::Summary => text::summary(&summary, &shown, &services),
        ReportFormat::Detailed => text::detailed(&summary, &shown, &services),
        ReportFormat::Executive => text::executive(&summary, &shown, &services, &trend),
        ReportFormat::Html => html::render(&summary, &shown, &services, &trend, &now_rfc3339()),
        ReportFormat::Csv => render::csv::render(&failed),
        ReportFormat::Ocsf => render::ocsf::render(
            &failed,
            env!("CARGO_PKG_VERSION"),
            crate::cli::common::now_ms(),
        ),
        ReportFormat::Markdown => {
            let mut md = render::markdown::render(shown.iter().copied(), &failed);
            md.push_str("\n## Recommendations\n\n");
            for r in report::recommendations(&shown, &services) {
                md.push_str(&format!(
                    "- **{}** {} (`{}`): {}\n",
                    r.severity, r.headline, r.check_id, r.steps
                ));
            }
            md
        }
        ReportFormat::Json => {
            // The findings (FAILED evaluations); `scan --format json` lists every evaluation.
            let evaluations: Vec<_> = failed.iter().map(|e| render::json::evaluation(e)).collect();
            let labels: BTreeMap<&str, String> = failed
                .iter()
                .map(|e| {
                    (
                        e.resource.arn.as_str(),
                        report::resource_label(e, &services),
                    )
                })
                .collect();
            pretty_json(
                "the report",
                &json!({
                    "generated_at": now_rfc3339(),
                    "summary": summary,
                    "recommendations": report::recommendations(&shown, &services),
                    "resources": labels,
                    "trend": trend,
                    "evaluations": evaluations,
                }),
            )?
        }
    };
    emit(out, args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}

pub fn recommendations(args: RecommendationsArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let g = gather(&args.source)?;
    let filter = args.filters.filter();
    let shown: Vec<&Evaluation> = g.evaluations.iter().filter(|e| filter.keeps(e)).collect();
    let recs = report::recommendations(&shown, &report::services_by_task_definition(&g.snapshot));
    let text = match args.format {
        TextFormat::Text => text::recommendations_text(&recs),
        TextFormat::Json => pretty_json("the recommendations", &recs)?,
    };
    emit(out, None, &text)?;
    Ok(EXIT_OK)
}

pub fn compliance(args: ComplianceArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let g = gather(&args.source)?;
    let all: Vec<&Evaluation> = g.evaluations.iter().collect();
    let c = report::compliance(
        args.framework,
        &all,
        &g.checks,
        &report::services_by_task_definition(&g.snapshot),
    );
    let text = match args.format {
        TextFormat::Text => text::compliance_text(&c),
        TextFormat::Json => pretty_json("the compliance report", &c)?,
    };
    emit(out, None, &text)?;
    Ok(EXIT_OK)
}

pub fn metrics(args: MetricsArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let g = gather(&args.source)?;
    let filter = args.filters.filter();
    let shown: Vec<&Evaluation> = g.evaluations.iter().filter(|e| filter.keeps(e)).collect();
    let m = report::metrics(
        &shown,
        &g.checks,
        history(&args.history)?,
        &report::services_by_task_definition(&g.snapshot),
    );
    let text = match args.format {
        TextFormat::Text => text::metrics_text(&m),
        TextFormat::Json => pretty_json(
            "the metrics",
            &json!({"generated_at": now_rfc3339(), "summary": m.summary, "posture": m.posture, "categories": m.categories, "frameworks": m.frameworks, "trend": m.trend}),
        )?,
    };
    emit(out, None, &text)?;
    Ok(EXIT_OK)
}

/// One line per cluster: score and failed counts of the cluster and what runs in it.
pub fn clusters(args: ClustersArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let source = Source {
        live: true,
        config: args.config.clone(),
        fleet: args.fleet.clone(),
        ..Source::default()
    };
    let g = gather(&source)?;
    let several = g.parts.len() > 1;
    let mut rows = Vec::new();
    for (account, region, part) in &g.parts {
        // Each account-region's clusters, with the evaluations of its own resources.
        let evaluations: Vec<Evaluation> = g
            .evaluations
            .iter()
            .filter(|e| {
                !several || (e.resource.account() == account && e.resource.region() == region)
            })
            .cloned()
            .collect();
        for (name, evals) in report::evaluations_by_cluster(part, &evaluations) {
            let s = summarize(evals.iter().copied());
            let label = if several {
                format!("{account} {region} {name}")
            } else {
                name.clone()
            };
            rows.push(json!({"cluster": label, "account": account, "region": region, "posture": s.posture, "score": s.score, "risk_level": s.risk_level, "resources": s.resources, "failed_by_severity": s.failed_by_severity}));
        }
    }
    let text = match args.format {
        TextFormat::Json => pretty_json("the clusters", &rows)?,
        TextFormat::Text => {
            let mut t = format!(
                "{:<44} {:>7} {:>5} {:<9} {:>5} {:>5} {:>5} {:>5}\n",
                "CLUSTER", "POSTURE", "SCORE", "RISK", "CRIT", "HIGH", "MED", "LOW"
            );
            for r in &rows {
                let f = &r["failed_by_severity"];
                t.push_str(&format!(
                    "{:<44} {:>7} {:>5} {:<9} {:>5} {:>5} {:>5} {:>5}\n",
                    r["cluster"].as_str().unwrap_or(""),
                    r["posture"],
                    r["score"],
                    r["risk_level"].as_str().unwrap_or(""),
                    f["CRITICAL"],
                    f["HIGH"],
                    f["MEDIUM"],
                    f["LOW"]
                ));
            }
            t
        }
    };
    emit(out, None, &text)?;
    Ok(EXIT_OK)
}

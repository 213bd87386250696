//! `ecs-posture checks`, `explain` and `docs`: the catalog and its reference.

use std::io::Write;

use clap::{Args, ValueEnum};

use ecs_posture_core::checks::{Check, catalog};
use ecs_posture_core::docs;
use ecs_posture_core::finding::{Framework, Severity};

use super::common::{
    CliError, EXIT_OK, emit, parse_framework, parse_severity, pretty_json, write_out,
};

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

fn resource_matches(c: &Check, filter: &str) -> bool {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
    let f = norm(filter);
    norm(c.kind().label()) == f
        || norm(c.kind().asff_type()) == f
        || norm(c.kind().asff_type()).trim_start_matches("awsecs") == f
}

pub fn list_checks(args: ChecksArgs, out: &mut dyn Write) -> Result<i32, CliError> {
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
            pretty_json("the catalog", &items)?
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

/// One check's documentation, rendered directly from the catalog.
pub fn explain(id: &str, out: &mut dyn Write) -> Result<i32, CliError> {
    let check = catalog::find(id).ok_or_else(|| {
        CliError::Usage(format!("unknown check {id:?} (see `ecs-posture checks`)"))
    })?;
    write_out(
        out,
        &(docs::check_section(check).trim_end().to_owned() + "\n"),
    )?;
    Ok(EXIT_OK)
}

/// docs/checks.md, to standard output or a file.
pub fn write_docs(output: Option<&str>, out: &mut dyn Write) -> Result<i32, CliError> {
    emit(out, output, &docs::checks_markdown())?;
    Ok(EXIT_OK)
}

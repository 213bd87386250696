//! What every subcommand shares: exit codes, errors, output, options loading, the clock.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use ecs_posture_core::checks::Check;
use ecs_posture_core::config::ConfigError;
use ecs_posture_core::engine::{self, UnknownCheck};
use ecs_posture_core::finding::{Framework, Severity};
use ecs_posture_core::model::InputError;
use ecs_posture_core::{Options, render};

use crate::ports::InventoryError;

/// No failing evaluation at the threshold; the command did what it was asked.
pub const EXIT_OK: i32 = 0;
/// Failing evaluations at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage, input or configuration errors (the message names the input): fix the call.
pub const EXIT_USAGE: i32 = 2;
/// Runtime failures (AWS unreachable, throttled past the retries, a read or import failed): the
/// same call may succeed later.
pub const EXIT_RUNTIME: i32 = 3;

/// Errors reported at the edge, each naming its input.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Input(Vec<InputError>),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An unknown check name; `origin` is the config file for names from its options.
    #[error("{}{source}", .origin.as_deref().map(|o| format!("{o}: ")).unwrap_or_default())]
    Selection {
        origin: Option<String>,
        #[source]
        source: UnknownCheck,
    },
    #[error("{0}")]
    Live(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {what} as JSON: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl CliError {
    /// An unknown check name, reported against the config file when it came from its options.
    pub fn selection(config: Option<&str>, source: UnknownCheck) -> CliError {
        CliError::Selection {
            origin: source
                .list
                .is_option()
                .then(|| config.unwrap_or("(options)").to_owned()),
            source,
        }
    }

    /// The exit code: runtime failures are told apart from usage errors, so a scheduler can
    /// retry the first and page on the second.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Live(_) => EXIT_RUNTIME,
            _ => EXIT_USAGE,
        }
    }
}

impl From<InventoryError> for CliError {
    fn from(e: InventoryError) -> CliError {
        match e {
            InventoryError::Input(errors) => CliError::Input(errors),
            InventoryError::Listing(what) => CliError::Live(what),
        }
    }
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

pub fn parse_framework(s: &str) -> Result<Framework, String> {
    s.parse()
}

/// Write to standard output (or the writer standing for it).
pub fn write_out(out: &mut dyn Write, s: &str) -> Result<(), CliError> {
    out.write_all(s.as_bytes()).map_err(|source| CliError::Io {
        path: "(stdout)".to_owned(),
        source,
    })
}

/// Write to `output` when given, else to standard output.
pub fn emit(out: &mut dyn Write, output: Option<&str>, text: &str) -> Result<(), CliError> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|source| CliError::Io {
            path: path.to_owned(),
            source,
        }),
        None => write_out(out, text),
    }
}

/// Pretty JSON with a final newline; `what` names the document if it cannot be written.
pub fn pretty_json(what: &'static str, value: &impl Serialize) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|source| CliError::Json { what, source })
}

/// Text as read from a file, without a leading UTF-8 byte-order mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The options of a config file, or the defaults.
pub fn load_options(path: Option<&str>) -> Result<Options, CliError> {
    match path {
        None => Ok(Options::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| CliError::Io {
                path: p.to_owned(),
                source,
            })?;
            Ok(Options::from_toml(p, without_bom(&text))?)
        }
    }
}

/// The checks to run: the options' selection narrowed by `only`, `skip` and `framework`. An
/// unknown name in the options is reported against the config file it came from.
pub fn select_checks(
    opts: &Options,
    config: Option<&str>,
    only: &[String],
    skip: &[String],
    framework: Option<Framework>,
) -> Result<Vec<&'static Check>, CliError> {
    engine::select(opts, only, skip, framework)
        .map_err(|source| CliError::selection(config, source))
}

/// The clock, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Now, as reports print it.
pub fn now_rfc3339() -> String {
    render::time::rfc3339_millis(now_ms())
}

/// A single-threaded Tokio runtime for local work (files in, files out).
pub fn local_runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Live(format!("cannot start the async runtime: {e}")))
}

/// A Tokio runtime for the commands that talk to AWS or run the function's job.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Live(format!("cannot start the async runtime: {e}")))
}

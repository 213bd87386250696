//! Logging setup shared by the Lambda and the CLI.
//!
//! The AWS SDK logs whole HTTP request and response bodies at TRACE level, and
//! `DescribeTaskDefinition` responses carry environment values. Whatever filter the user asks
//! for (`RUST_LOG`), the SDK's HTTP layers are capped at INFO so that secret values never reach
//! the logs.

use tracing_subscriber::EnvFilter;

/// Targets that log raw request or response bodies at DEBUG/TRACE.
const BODY_LOGGING_TARGETS: [&str; 8] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_types",
    "aws_sigv4",
    "hyper",
    "hyper_util",
];

/// The filter for `spec` (a `RUST_LOG`-style directive list, `default` when absent) with the
/// body-logging targets capped at INFO.
pub fn filter(spec: Option<&str>, default: &str) -> EnvFilter {
    let mut f =
        EnvFilter::try_new(spec.unwrap_or(default)).unwrap_or_else(|_| EnvFilter::new(default));
    for target in BODY_LOGGING_TARGETS {
        if let Ok(d) = format!("{target}=info").parse() {
            f = f.add_directive(d);
        }
    }
    f
}

/// Human-readable logs on stderr for the CLI (default: warnings only).
pub fn init_cli() {
    let spec = std::env::var("RUST_LOG").ok();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter(spec.as_deref(), "warn"))
        .try_init();
}

/// Structured JSON logs for the Lambda (default: info).
pub fn init_json() {
    let spec = std::env::var("RUST_LOG").ok();
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_env_filter(filter(spec.as_deref(), "info"))
        .try_init();
}

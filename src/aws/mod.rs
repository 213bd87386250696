//! AWS adapters: thin, batched, paginated and retried, one per service, each with its own error
//! type that keeps the SDK error as its `source`. Conversions to and from SDK types live in pure
//! sibling modules ([`ecs_json`], [`asff_sdk`]).
//!
//! - [`ecs`]: the ECS inventory; [`securityhub`]: the finding sink; [`dynamodb`]: the ledger;
//!   [`sns`]: the notifier; [`sqs`]: the hub's scan queue; [`accounts`]: member credentials
//!   and the organization's accounts; [`budget`]: the ECS request budget.

pub mod accounts;
pub mod asff_sdk;
pub mod budget;
pub mod detection;
pub mod dynamodb;
pub mod ec2;
pub mod ec2_json;
pub mod ecr;
pub mod ecs;
pub mod ecs_json;
pub mod elbv2;
pub mod iam;
pub mod logs;
pub mod secrets;
pub mod securityhub;
pub mod sns;
pub mod sqs;
pub mod ssm;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_ecs::config::http::HttpResponse as Response;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecs::operation::RequestId;

/// Load the SDK configuration once, with every standard setting (region, profile, credentials,
/// `AWS_ENDPOINT_URL` and the per-service endpoint variables). Unless the environment or profile
/// chooses a retry mode, use standard retries (exponential backoff with jitter) with 6
/// attempts. Not adaptive mode: its client-side rate limiter starts from a near-zero measured
/// rate after one throttling answer and slows a whole scan tens of times; the inventory bounds
/// its own concurrency instead. Every call has timeouts, so a frozen endpoint fails the call
/// instead of hanging the invocation.
pub async fn sdk_config() -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(30))
            .operation_timeout(Duration::from_secs(120))
            .build(),
    );
    let env_sets_retries = std::env::var_os("AWS_RETRY_MODE").is_some()
        || std::env::var_os("AWS_MAX_ATTEMPTS").is_some();
    if !env_sets_retries {
        loader = loader.retry_config(default_retry_config());
    }
    loader.load().await
}

/// Standard retries (exponential backoff with jitter), 6 attempts: see [`sdk_config`].
pub fn default_retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(6)
}

/// Region and account hints from the SDK configuration.
pub fn region_of(config: &SdkConfig) -> Option<String> {
    config.region().map(|r| r.as_ref().to_owned())
}

/// An SDK error as one line: the service's error code, message and request id, or what kept the
/// request from being answered. Never the request or the raw response body (which can carry
/// task definition environment values).
pub fn sdk_error_summary<E: ProvideErrorMetadata>(e: &SdkError<E, Response>) -> String {
    let detail = match e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let code = err.code().unwrap_or("UnknownError");
            match err.message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => code.to_owned(),
            }
        }
        SdkError::TimeoutError(_) => "the request timed out".to_owned(),
        SdkError::DispatchFailure(d) => {
            let why = if d.is_timeout() {
                "timed out"
            } else if d.is_io() {
                "connection error"
            } else {
                "could not be sent"
            };
            format!("the request {why}")
        }
        SdkError::ResponseError(_) => "the response could not be read".to_owned(),
        SdkError::ConstructionFailure(_) => "the request could not be built".to_owned(),
        _ => "the request failed".to_owned(),
    };
    match e.request_id() {
        Some(id) => format!("{detail} (request id {id})"),
        None => detail,
    }
}

/// The error code of a service error (`ThrottlingException`), if the service answered.
pub fn sdk_error_code<E: ProvideErrorMetadata>(e: &SdkError<E, Response>) -> Option<&str> {
    match e {
        SdkError::ServiceError(s) => s.err().code(),
        _ => None,
    }
}

/// The AWS CLI's `--cli-error-format json` document of a service error; `None` for failures
/// that are not an answer (timeouts, connection errors).
pub(crate) fn error_document<E: ProvideErrorMetadata, R>(
    e: &SdkError<E, R>,
) -> Option<serde_json::Value> {
    let s = e.as_service_error()?;
    Some(
        serde_json::json!({"Code": s.code().unwrap_or("UnknownError"), "Message": s.message().unwrap_or("")}),
    )
}

#[cfg(test)]
mod tests {
    use aws_config::retry::RetryMode;

    #[test]
    fn retries_are_standard_not_adaptive() {
        let r = super::default_retry_config();
        assert_eq!(r.mode(), RetryMode::Standard);
        assert_eq!(r.max_attempts(), 6);
    }
}

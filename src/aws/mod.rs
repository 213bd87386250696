//! AWS adapters: thin, batched and retried. Conversions to and from SDK types live in pure
//! sibling modules ([`ecs_json`], [`asff_sdk`]).

pub mod asff_sdk;
pub mod dynamodb;
pub mod ecs;
pub mod ecs_json;
pub mod securityhub;
pub mod sns;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// Load the SDK configuration once, with every standard setting (region, profile, credentials,
/// `AWS_ENDPOINT_URL` and the per-service endpoint variables). Unless the environment or profile
/// chooses a retry mode, use adaptive retries (client-side rate limiting plus exponential
/// backoff on throttling) with 6 attempts. Every call has timeouts, so a frozen endpoint fails
/// the call instead of hanging the invocation.
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
        loader = loader.retry_config(RetryConfig::adaptive().with_max_attempts(6));
    }
    loader.load().await
}

/// Region and account hints from the SDK configuration.
pub fn region_of(config: &SdkConfig) -> Option<String> {
    config.region().map(|r| r.as_ref().to_owned())
}

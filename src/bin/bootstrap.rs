//! The Lambda function: wiring only. Logs as JSON, configuration from the environment (a bad
//! value fails the init), SDK clients built once, then the runtime loop: the single-account
//! [`App`], or the organization hub [`OrgApp`] when a member role is configured.
#![forbid(unsafe_code)]

/// mimalloc rather than the system allocator: an evaluation creates and drops hundreds of
/// thousands of small values, which glibc's allocator spends a third of the time on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{SystemTime, UNIX_EPOCH};

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use serde_json::Value;

use ecs_posture::aws::accounts::{MemberAccounts, MemberRole, OrganizationAccounts, RoleReach};
use ecs_posture::aws::budget::Rate;
use ecs_posture::aws::sqs::FifoQueue;
use ecs_posture::aws::{
    self, dynamodb::DynamoLedger, ecs::EcsInventory, securityhub::SecurityHubSink, sns::SnsNotifier,
};
use ecs_posture::function::config::{AccountList, LambdaConfig};
use ecs_posture::function::org::{CachedAccounts, OrgApp};
use ecs_posture::function::{App, DEBOUNCE_MS};
use ecs_posture::handler::Handler;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The runtime loop over an app's `handle` (the single-account `App` or the hub's `OrgApp`).
macro_rules! serve {
    ($app:expr) => {{
        let app = &$app;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
            let (result, metrics) = app
                .handle(&event.payload, &event.context.request_id, now_ms())
                .await;
            for m in metrics {
                // CloudWatch Embedded Metric Format: one JSON line on stdout.
                println!("{m}");
            }
            // A failed scan fails the invocation (so it is retried) with its stable error name.
            result.map(|r| r.to_json()).map_err(Diagnostic::from)
        }))
        .await
    }};
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let started = std::time::Instant::now();
    ecs_posture::logging::init_json();
    let config = match LambdaConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = "InvalidConfiguration", variable = e.var(), message = %e, "start-up failed");
            return Err(e.into());
        }
    };
    let sdk = aws::sdk_config().await;
    let mut settings = config.settings;
    settings.region = settings.region.clone().or_else(|| aws::region_of(&sdk));
    let ledger = DynamoLedger::new(aws_sdk_dynamodb::Client::new(&sdk), &config.ledger_table);
    let notifier = config
        .topic_arn
        .as_ref()
        .map(|topic| SnsNotifier::new(aws_sdk_sns::Client::new(&sdk), topic));
    if let Some(org) = config.organization {
        let accounts = match org.accounts {
            AccountList::Ids(ids) => MemberAccounts::Ids(ids),
            AccountList::Organization => MemberAccounts::Organization(OrganizationAccounts {
                client: aws_sdk_organizations::Client::new(&sdk),
            }),
        };
        let app = OrgApp {
            reach: RoleReach {
                base: sdk.clone(),
                role: MemberRole {
                    name: org.role_name,
                    external_id: org.external_id,
                    session_name: "ecs-posture".to_owned(),
                },
                ecs_rate: Rate::per_second(org.ecs_rate),
            },
            ledger,
            notifier,
            queue: FifoQueue::new(aws_sdk_sqs::Client::new(&sdk), org.scan_queue_url),
            accounts: CachedAccounts::new(accounts, std::time::Duration::from_secs(600)),
            regions: org.regions,
            settings,
            debounce_ms: DEBOUNCE_MS,
            split: Some(org.split),
        };
        tracing::info!(
            init_ms = started.elapsed().as_millis() as u64,
            organization = true,
            regions = app.regions.len(),
            "ready"
        );
        return serve!(app);
    }
    let alerts = notifier.is_some();
    let app = App {
        handler: Handler {
            inventory: EcsInventory::from_config(&sdk),
            sink: SecurityHubSink::new(aws_sdk_securityhub::Client::new(&sdk)),
            ledger,
            notifier,
            settings,
        },
        debounce_ms: DEBOUNCE_MS,
    };
    tracing::info!(
        init_ms = started.elapsed().as_millis() as u64,
        alerts,
        "ready"
    );
    serve!(app)
}

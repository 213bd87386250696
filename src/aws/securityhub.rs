//! Security Hub sink: BatchImportFindings in batches of at most 100 findings and 6 MB.
//! FailedFindings that can succeed on a retry are retried; the rest are reported by Id and code
//! so the ledger never records them and the next invocation imports them again.

use std::time::Duration;

use aws_sdk_securityhub::Client;

use ecs_posture_core::render::asff::{self, Finding};

use super::asff_sdk;
use crate::ports::{FailedFinding, FindingSink, ImportReport};

pub struct SecurityHubSink {
    client: Client,
    retries: usize,
    backoff: Duration,
}

impl SecurityHubSink {
    pub fn new(client: Client) -> SecurityHubSink {
        SecurityHubSink {
            client,
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }

    pub fn with_retries(mut self, retries: usize, backoff: Duration) -> SecurityHubSink {
        self.retries = retries;
        self.backoff = backoff;
        self
    }
}

/// Codes that will not succeed on a retry of the same finding.
fn permanent(code: &str) -> bool {
    matches!(
        code,
        "InvalidInput"
            | "InvalidAccess"
            | "AccessDeniedException"
            | "InvalidInputException"
            | "InvalidAccessException"
    )
}

impl FindingSink for SecurityHubSink {
    async fn import(&self, findings: Vec<Finding>) -> ImportReport {
        let mut report = ImportReport::default();
        for batch in asff::batches(findings) {
            let mut pending = batch;
            let mut attempt = 0;
            loop {
                report.batches += 1;
                let sdk: Vec<_> = pending.iter().map(asff_sdk::finding).collect();
                let result = self
                    .client
                    .batch_import_findings()
                    .set_findings(Some(sdk))
                    .send()
                    .await;
                let mut retry = Vec::new();
                let mut last_failed = Vec::new();
                match result {
                    Ok(r) => {
                        let failed: Vec<FailedFinding> = r
                            .failed_findings()
                            .iter()
                            .map(|f| FailedFinding {
                                id: f.id().unwrap_or_default().to_owned(),
                                code: f.error_code().unwrap_or("Unknown").to_owned(),
                                message: f.error_message().unwrap_or("").to_owned(),
                            })
                            .collect();
                        for f in &pending {
                            let id = f.id.clone();
                            match failed.iter().find(|x| x.id == id) {
                                None => report.accepted.push(id),
                                Some(x) if !permanent(&x.code) && attempt < self.retries => {
                                    retry.push(f.clone())
                                }
                                Some(x) => last_failed.push(x.clone()),
                            }
                        }
                    }
                    Err(e) => {
                        // The SDK already retried throttling and 5xx; try the batch again later.
                        let code = super::sdk_error_code(&e)
                            .unwrap_or("RequestFailed")
                            .to_owned();
                        let message =
                            format!("BatchImportFindings: {}", super::sdk_error_summary(&e));
                        tracing::warn!(error = %message, attempt, findings = pending.len(), "BatchImportFindings failed");
                        if attempt < self.retries && !permanent(&code) {
                            retry = pending.clone();
                        } else {
                            last_failed.extend(pending.iter().map(|f| FailedFinding {
                                id: f.id.clone(),
                                code: code.clone(),
                                message: message.clone(),
                            }));
                        }
                    }
                }
                report.failed.extend(last_failed);
                if retry.is_empty() {
                    break;
                }
                attempt += 1;
                tokio::time::sleep(self.backoff * (1 << attempt.min(5)) as u32).await;
                pending = retry;
            }
        }
        report
    }
}

//! The hub's scan queue: SQS FIFO, one message group per account-region, deduplicated.

use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::http::HttpResponse;
use aws_sdk_sqs::error::SdkError;
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchError;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use ecs_posture_core::fleet::ScanMessage;

use crate::ports::{QueueError, ScanQueue};

/// A SendMessageBatch call, or entries of it, that failed.
#[derive(Debug, thiserror::Error)]
pub enum SqsError {
    #[error("SendMessageBatch {queue}: {}", super::sdk_error_summary(.source))]
    Send {
        queue: String,
        #[source]
        source: Box<SdkError<SendMessageBatchError, HttpResponse>>,
    },
    #[error("SendMessageBatch {queue}: {count} message(s) not queued: {details}")]
    Entries {
        queue: String,
        count: usize,
        details: String,
    },
    #[error("SendMessageBatch {queue}: an entry cannot be built: {message}")]
    Build { queue: String, message: String },
}

pub struct FifoQueue {
    client: Client,
    url: String,
}

impl FifoQueue {
    pub fn new(client: Client, url: impl Into<String>) -> FifoQueue {
        FifoQueue {
            client,
            url: url.into(),
        }
    }
}

impl ScanQueue for FifoQueue {
    /// Ten messages per SendMessageBatch call. A retried send of the same messages is dropped
    /// by SQS (same deduplication ids within 5 minutes).
    async fn send(&self, messages: &[ScanMessage]) -> Result<usize, QueueError> {
        let mut queued = 0;
        for chunk in messages.chunks(10) {
            let mut entries = Vec::with_capacity(chunk.len());
            for (i, m) in chunk.iter().enumerate() {
                let entry = SendMessageBatchRequestEntry::builder()
                    .id(format!("m{i}"))
                    .message_body(m.body.body().to_string())
                    .message_group_id(&m.group_id)
                    .message_deduplication_id(&m.deduplication_id)
                    .build()
                    .map_err(|e| {
                        QueueError::new(SqsError::Build {
                            queue: self.url.clone(),
                            message: e.to_string(),
                        })
                    })?;
                entries.push(entry);
            }
            let r = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|source| {
                    QueueError::new(SqsError::Send {
                        queue: self.url.clone(),
                        source: Box::new(source),
                    })
                })?;
            if !r.failed().is_empty() {
                let details: Vec<String> = r
                    .failed()
                    .iter()
                    .map(|f| {
                        let group = f
                            .id()
                            .trim_start_matches('m')
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| chunk.get(i))
                            .map_or("?", |m| m.group_id.as_str());
                        format!("{group}: {} {}", f.code(), f.message().unwrap_or(""))
                    })
                    .collect();
                return Err(QueueError::new(SqsError::Entries {
                    queue: self.url.clone(),
                    count: details.len(),
                    details: details.join("; "),
                }));
            }
            queued += r.successful().len();
        }
        Ok(queued)
    }
}

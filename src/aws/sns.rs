//! SNS notifier: one Publish per alert, with message attributes for subscription filter policies.

use aws_sdk_sns::Client;
use aws_sdk_sns::config::http::HttpResponse;
use aws_sdk_sns::error::{BuildError, SdkError};
use aws_sdk_sns::operation::publish::PublishError;
use aws_sdk_sns::types::MessageAttributeValue;

use ecs_posture_core::render::alert::Alert;

use crate::ports::{Notifier, NotifyError};

/// An SNS call that failed; the SDK error is the `source`.
#[derive(Debug, thiserror::Error)]
pub enum SnsError {
    #[error("Publish to {topic}: {}", super::sdk_error_summary(.source.as_ref()))]
    Publish {
        topic: String,
        #[source]
        source: Box<SdkError<PublishError, HttpResponse>>,
    },
    #[error("message attribute {name}: {source}")]
    Attribute {
        name: &'static str,
        #[source]
        source: BuildError,
    },
}

pub struct SnsNotifier {
    client: Client,
    topic_arn: String,
}

impl SnsNotifier {
    /// A notifier that publishes each alert at most once per call: the client's retries are
    /// switched off, because a Publish whose answer was lost has already been delivered and the
    /// SDK would publish it again. A failed Publish releases the alert's claims and the next
    /// invocation tries again (SNS itself delivers at least once).
    pub fn new(client: Client, topic_arn: impl Into<String>) -> SnsNotifier {
        let config = client
            .config()
            .to_builder()
            .retry_config(aws_sdk_sns::config::retry::RetryConfig::disabled())
            .build();
        SnsNotifier {
            client: Client::from_conf(config),
            topic_arn: topic_arn.into(),
        }
    }
}

impl Notifier for SnsNotifier {
    async fn publish(&self, alert: &Alert) -> Result<String, NotifyError> {
        let mut req = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .subject(&alert.subject)
            .message(&alert.body);
        for a in &alert.attributes {
            let value = MessageAttributeValue::builder()
                .data_type(a.data_type)
                .string_value(&a.value)
                .build()
                .map_err(|source| {
                    NotifyError::new(SnsError::Attribute {
                        name: a.name,
                        source,
                    })
                })?;
            req = req.message_attributes(a.name, value);
        }
        match req.send().await {
            Ok(r) => Ok(r.message_id().unwrap_or_default().to_owned()),
            Err(source) => Err(NotifyError::new(SnsError::Publish {
                topic: self.topic_arn.clone(),
                source: Box::new(source),
            })),
        }
    }
}

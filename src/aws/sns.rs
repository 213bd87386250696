//! SNS notifier: one Publish per alert, with message attributes for subscription filter policies.

use aws_sdk_sns::Client;
use aws_sdk_sns::error::DisplayErrorContext;
use aws_sdk_sns::types::MessageAttributeValue;

use ecs_posture_core::render::alert::Alert;

use crate::ports::{Notifier, NotifyError};

pub struct SnsNotifier {
    client: Client,
    topic_arn: String,
}

impl SnsNotifier {
    pub fn new(client: Client, topic_arn: impl Into<String>) -> SnsNotifier {
        SnsNotifier {
            client,
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
                .map_err(|e| NotifyError(format!("message attribute {}: {e}", a.name)))?;
            req = req.message_attributes(a.name, value);
        }
        match req.send().await {
            Ok(r) => Ok(r.message_id().unwrap_or_default().to_owned()),
            Err(e) => Err(NotifyError(format!(
                "Publish to {}: {}",
                self.topic_arn,
                DisplayErrorContext(&e)
            ))),
        }
    }
}

//! [`FileNotifier`]: each alert as a file, shaped as SNS Publish input.

use std::path::PathBuf;

use serde_json::{Value, json};

use ecs_posture_core::render::alert::Alert;

use super::files::write_next;
use crate::ports::{Notifier, NotifyError};

/// Writes each alert as `<dir>/alert-NNNN.json` (Subject, Message, MessageAttributes).
pub struct FileNotifier {
    pub dir: PathBuf,
}

/// An alert as SNS Publish takes it.
pub fn alert_json(alert: &Alert) -> Value {
    let attrs: serde_json::Map<String, Value> = alert
        .attributes
        .iter()
        .map(|a| {
            (
                a.name.to_owned(),
                json!({"DataType": a.data_type, "StringValue": a.value}),
            )
        })
        .collect();
    json!({"Subject": alert.subject, "Message": alert.body, "MessageAttributes": attrs})
}

impl Notifier for FileNotifier {
    async fn publish(&self, alert: &Alert) -> Result<String, NotifyError> {
        let path = write_next(&self.dir, "alert-", &alert_json(alert)).map_err(NotifyError::new)?;
        Ok(path.display().to_string())
    }
}

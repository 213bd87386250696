//! [`FileQueue`]: queued scans as JSON lines, deduplicated as SQS FIFO deduplicates.

use std::io::Write;
use std::path::PathBuf;

use ecs_posture_core::fleet::ScanMessage;
use serde_json::{Value, json};

use crate::ports::{QueueError, ScanQueue};

/// Appends each message to `path` as `{"group_id", "deduplication_id", "body"}`; a message
/// whose deduplication id is already in the file is dropped (SQS FIFO drops it within 5 min).
pub struct FileQueue {
    pub path: PathBuf,
}

impl FileQueue {
    /// The queued messages, in order.
    pub fn messages(&self) -> Result<Vec<Value>, QueueError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(QueueError::new(format!("{}: {e}", self.path.display()))),
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l)
                    .map_err(|e| QueueError::new(format!("{}: {e}", self.path.display())))
            })
            .collect()
    }
}

impl ScanQueue for FileQueue {
    async fn send(&self, messages: &[ScanMessage]) -> Result<usize, QueueError> {
        let known: Vec<String> = self
            .messages()?
            .iter()
            .filter_map(|m| m["deduplication_id"].as_str().map(str::to_owned))
            .collect();
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| QueueError::new(format!("{}: {e}", dir.display())))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| QueueError::new(format!("{}: {e}", self.path.display())))?;
        let mut queued = 0;
        for m in messages {
            if known.contains(&m.deduplication_id) {
                continue;
            }
            let line = json!({
                "group_id": m.group_id,
                "deduplication_id": m.deduplication_id,
                "body": m.body.body(),
            });
            writeln!(file, "{line}")
                .map_err(|e| QueueError::new(format!("{}: {e}", self.path.display())))?;
            queued += 1;
        }
        Ok(queued)
    }
}

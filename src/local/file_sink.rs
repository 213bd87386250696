//! [`FileSink`]: each BatchImportFindings batch as a file.

use std::path::PathBuf;

use ecs_posture_core::render::asff::{self, Finding};

use super::files::write_next;
use crate::ports::{FailedFinding, FindingSink, ImportReport};

/// Writes each BatchImportFindings batch as `<dir>/batch-NNNN.json`; everything written is
/// accepted.
pub struct FileSink {
    pub dir: PathBuf,
}

impl FindingSink for FileSink {
    async fn import(&self, findings: Vec<Finding>) -> ImportReport {
        let mut report = ImportReport::default();
        for batch in asff::batches(findings) {
            let ids: Vec<String> = batch.iter().map(|f| f.id.clone()).collect();
            match write_next(&self.dir, "batch-", &asff::batch_json(&batch)) {
                Ok(_) => report.accepted.extend(ids),
                Err(e) => {
                    let message = e.to_string();
                    report
                        .failed
                        .extend(ids.into_iter().map(|id| FailedFinding {
                            id,
                            code: "LocalWriteError".into(),
                            message: message.clone(),
                        }))
                }
            }
            report.batches += 1;
        }
        report
    }
}

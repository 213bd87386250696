//! Atomic JSON files: written to a temporary name and renamed into place.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A local file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

impl FileError {
    pub fn io(path: &Path, source: std::io::Error) -> FileError {
        FileError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn json(path: &Path, source: serde_json::Error) -> FileError {
        FileError::Json {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Write pretty JSON atomically, creating the folder.
pub fn write_json(path: &Path, value: &Value) -> Result<(), FileError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| FileError::io(dir, e))?;
    }
    let text = serde_json::to_string_pretty(value).map_err(|e| FileError::json(path, e))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| FileError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| FileError::io(path, e))
}

/// The next free `<prefix>NNNN.json` in `dir`.
pub fn next_file(dir: &Path, prefix: &str) -> PathBuf {
    let n = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .count()
        })
        .unwrap_or(0);
    dir.join(format!("{prefix}{:04}.json", n + 1))
}

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

/// Write `value` as the next free `<prefix>NNNN.json` in `dir` and return its path. The name is
/// claimed with an exclusive create, so two processes writing into one folder at once never pick
/// the same file (neither write is lost).
pub fn write_next(dir: &Path, prefix: &str, value: &Value) -> Result<PathBuf, FileError> {
    std::fs::create_dir_all(dir).map_err(|e| FileError::io(dir, e))?;
    let taken = std::fs::read_dir(dir)
        .map_err(|e| FileError::io(dir, e))?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".json")
        })
        .count();
    let mut n = taken + 1;
    loop {
        let path = dir.join(format!("{prefix}{n:04}.json"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => {
                write_json(&path, value)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(FileError::io(&path, e)),
        }
    }
}

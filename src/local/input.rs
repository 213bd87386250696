//! Read snapshots from files, folders (recursively, `*.json`) and standard input.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use ecs_posture_core::model::{InputError, Snapshot};

/// A snapshot and the text of every document it was read from (for locating findings).
#[derive(Debug, Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub texts: HashMap<String, String>,
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let io = |source| InputError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            json_files(&p, out)?;
        } else if p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Read every path (`-` is standard input). All errors are returned, not only the first.
pub fn load(paths: &[String]) -> Result<Loaded, Vec<InputError>> {
    let mut loaded = Loaded::default();
    let mut errors = Vec::new();
    let mut files: Vec<(String, Option<PathBuf>)> = Vec::new();
    for p in paths {
        if p == "-" {
            files.push(("-".to_owned(), None));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            match json_files(path, &mut found) {
                Ok(()) if found.is_empty() => errors.push(InputError::Shape {
                    path: p.clone(),
                    message: "the folder holds no .json files".to_owned(),
                }),
                Ok(()) => files.extend(
                    found
                        .into_iter()
                        .map(|f| (f.display().to_string(), Some(f))),
                ),
                Err(e) => errors.push(e),
            }
        } else {
            files.push((p.clone(), Some(path.to_path_buf())));
        }
    }
    for (name, path) in files {
        let text = match path {
            None => {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map(|_| s)
            }
            Some(p) => std::fs::read(&p).and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file is not UTF-8 text",
                    )
                })
            }),
        };
        let display = if name == "-" {
            "(stdin)".to_owned()
        } else {
            name
        };
        match text {
            Ok(text) => {
                if let Err(e) = loaded.snapshot.add_document(&display, &text) {
                    errors.push(e);
                }
                loaded.texts.insert(display, text);
            }
            Err(source) => errors.push(InputError::Io {
                path: display,
                source,
            }),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

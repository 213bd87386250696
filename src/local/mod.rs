//! Local adapters: a folder of ECS JSON in, files out. The embedded default of `ecs-posture
//! invoke` and the fast doubles of the handler's tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};

use ecs_posture_core::lifecycle::{Alerted, LedgerEntry};
use ecs_posture_core::render::alert::Alert;
use ecs_posture_core::scope::{self, Scope};

use crate::input;
use crate::ports::{
    Collected, FindingSink, ImportReport, Inventory, InventoryError, Ledger, LedgerError, Notifier,
    NotifyError,
};

/// Reads the estate from files and folders of ECS JSON, standing for a whole region that was
/// read completely; scopes select from it as the ECS inventory would.
pub struct FolderInventory {
    pub paths: Vec<String>,
}

impl Inventory for FolderInventory {
    async fn collect(&self, scope: &Scope) -> Result<Collected, InventoryError> {
        let loaded = input::load(&self.paths).map_err(|errors| {
            InventoryError(
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let (snapshot, coverage) = scope::select(&loaded.snapshot, scope);
        Ok(Collected {
            snapshot,
            coverage,
            ..Collected::default()
        })
    }
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

fn write_json(path: &Path, value: &Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    let text = serde_json::to_string_pretty(value).map_err(|e| io_err(path, e))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

fn next_file(dir: &Path, prefix: &str) -> PathBuf {
    let n = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .count()
        })
        .unwrap_or(0);
    dir.join(format!("{prefix}{:04}.json", n + 1))
}

/// Writes each BatchImportFindings batch as `<dir>/batch-NNNN.json`; everything is accepted.
pub struct FileSink {
    pub dir: PathBuf,
}

impl FindingSink for FileSink {
    async fn import(&self, findings: Vec<Value>) -> ImportReport {
        let mut report = ImportReport::default();
        for batch in ecs_posture_core::render::asff::batches(findings) {
            let ids: Vec<String> = batch
                .iter()
                .filter_map(|f| f["Id"].as_str().map(str::to_owned))
                .collect();
            let path = next_file(&self.dir, "batch-");
            match write_json(&path, &json!({"Findings": batch})) {
                Ok(()) => report.accepted.extend(ids),
                Err(message) => {
                    report
                        .failed
                        .extend(ids.into_iter().map(|id| crate::ports::FailedFinding {
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

/// Alert claims by finding Id: (owner, valid until ms).
type Claims = HashMap<String, (String, i64)>;

/// The ledger as one JSON file (`{"entries": {id: entry}, "claims": {id: {owner, until_ms}}}`).
pub struct FileLedger {
    pub path: PathBuf,
    lock: Mutex<()>,
}

impl FileLedger {
    pub fn new(path: impl Into<PathBuf>) -> FileLedger {
        FileLedger {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    fn read(&self) -> Result<(HashMap<String, LedgerEntry>, Claims), LedgerError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
            Err(e) => return Err(LedgerError(io_err(&self.path, e))),
        };
        #[derive(serde::Deserialize)]
        struct File {
            #[serde(default)]
            entries: HashMap<String, LedgerEntry>,
            #[serde(default)]
            claims: HashMap<String, (String, i64)>,
        }
        let f: File =
            serde_json::from_str(&text).map_err(|e| LedgerError(io_err(&self.path, e)))?;
        Ok((f.entries, f.claims))
    }

    fn write(
        &self,
        entries: &HashMap<String, LedgerEntry>,
        claims: &Claims,
    ) -> Result<(), LedgerError> {
        let mut sorted: Vec<(&String, &LedgerEntry)> = entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let entries: serde_json::Map<String, Value> = sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or(Value::Null)))
            .collect();
        write_json(&self.path, &json!({"entries": entries, "claims": claims})).map_err(LedgerError)
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, LedgerEntry>, &mut Claims) -> T,
    ) -> Result<T, LedgerError> {
        let _guard = self
            .lock
            .lock()
            .map_err(|_| LedgerError("ledger lock poisoned".into()))?;
        let (mut entries, mut claims) = self.read()?;
        let out = f(&mut entries, &mut claims);
        self.write(&entries, &claims)?;
        Ok(out)
    }
}

impl Ledger for FileLedger {
    async fn load(
        &self,
        account: &str,
        region: &str,
    ) -> Result<HashMap<String, LedgerEntry>, LedgerError> {
        let (entries, _) = self.read()?;
        Ok(entries
            .into_iter()
            .filter(|(_, e)| e.account == account && e.region == region)
            .collect())
    }

    async fn record(&self, new: &[LedgerEntry]) -> Result<(), LedgerError> {
        if new.is_empty() {
            return Ok(());
        }
        self.with(|entries, _| {
            for e in new {
                let newer = entries
                    .get(&e.id)
                    .is_none_or(|old| old.last_imported_ms < e.last_imported_ms);
                if newer {
                    let alerted = if e.alerted.is_none() {
                        entries
                            .get(&e.id)
                            .and_then(|o| o.alerted)
                            .filter(|a| a.failing_since_ms == e.first_observed_ms)
                    } else {
                        e.alerted
                    };
                    entries.insert(
                        e.id.clone(),
                        LedgerEntry {
                            alerted,
                            ..e.clone()
                        },
                    );
                }
            }
        })
    }

    async fn claim_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<Vec<String>, LedgerError> {
        self.with(|entries, claims| {
            let mut won = Vec::new();
            for (id, a) in items {
                let done = entries.get(id).and_then(|e| e.alerted).is_some_and(|x| {
                    x.failing_since_ms == a.failing_since_ms && x.severity >= a.severity
                });
                let held = claims
                    .get(id)
                    .is_some_and(|(o, until)| o != owner && *until > now_ms);
                if !done && !held {
                    claims.insert(id.clone(), (owner.to_owned(), now_ms + ttl_ms));
                    won.push(id.clone());
                }
            }
            won
        })
    }

    async fn record_alerts(
        &self,
        items: &[(String, Alerted)],
        owner: &str,
    ) -> Result<(), LedgerError> {
        self.with(|entries, claims| {
            for (id, a) in items {
                if let Some(e) = entries.get_mut(id) {
                    e.alerted = Some(*a);
                }
                if claims.get(id).is_some_and(|(o, _)| o == owner) {
                    claims.remove(id);
                }
            }
        })
    }

    async fn debounce(&self, key: &str, now_ms: i64, window_ms: i64) -> Result<bool, LedgerError> {
        self.with(|_, claims| {
            let k = format!("debounce#{key}");
            if claims.get(&k).is_some_and(|(_, until)| *until > now_ms) {
                false
            } else {
                claims.insert(k, ("debounce".to_owned(), now_ms + window_ms));
                true
            }
        })
    }

    async fn release_alerts(&self, ids: &[String], owner: &str) -> Result<(), LedgerError> {
        self.with(|_, claims| {
            for id in ids {
                if claims.get(id).is_some_and(|(o, _)| o == owner) {
                    claims.remove(id);
                }
            }
        })
    }
}

/// Writes each alert as `<dir>/alert-NNNN.json` (Subject, Message, MessageAttributes).
pub struct FileNotifier {
    pub dir: PathBuf,
}

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
        let path = next_file(&self.dir, "alert-");
        write_json(&path, &alert_json(alert)).map_err(NotifyError)?;
        Ok(path.display().to_string())
    }
}

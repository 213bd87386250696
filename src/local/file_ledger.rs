//! [`FileLedger`]: the ledger as one JSON file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::{Value, json};

use ecs_posture_core::lifecycle::{Alerted, LedgerEntry};

use super::files::{FileError, write_json};
use crate::ports::{Intent, Ledger, LedgerError};

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
            Err(e) => return Err(LedgerError::new(FileError::io(&self.path, e))),
        };
        #[derive(serde::Deserialize)]
        struct File {
            #[serde(default)]
            entries: HashMap<String, LedgerEntry>,
            #[serde(default)]
            claims: HashMap<String, (String, i64)>,
        }
        let f: File = serde_json::from_str(&text)
            .map_err(|e| LedgerError::new(FileError::json(&self.path, e)))?;
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
            .map(|(k, v)| {
                serde_json::to_value(v)
                    .map(|v| (k.clone(), v))
                    .map_err(|e| LedgerError::new(FileError::json(&self.path, e)))
            })
            .collect::<Result<_, _>>()?;
        write_json(&self.path, &json!({"entries": entries, "claims": claims}))
            .map_err(LedgerError::new)
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, LedgerEntry>, &mut Claims) -> T,
    ) -> Result<T, LedgerError> {
        let _guard = self
            .lock
            .lock()
            .map_err(|_| LedgerError::new("the ledger's lock is poisoned (a writer panicked)"))?;
        // Other processes (two `invoke` runs on one folder) wait for this one: the lock is
        // released when the file is closed at the end of this function.
        let lock_path = self.path.with_extension("lock");
        if let Some(dir) = lock_path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| LedgerError::new(FileError::io(dir, e)))?;
        }
        let lock_file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| LedgerError::new(FileError::io(&lock_path, e)))?;
        lock_file
            .lock()
            .map_err(|e| LedgerError::new(FileError::io(&lock_path, e)))?;
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

    async fn reserve(&self, intents: &[Intent]) -> Result<Vec<String>, LedgerError> {
        if intents.is_empty() {
            return Ok(Vec::new());
        }
        self.with(|entries, _| {
            let mut won = Vec::new();
            for i in intents {
                let stored = entries.get(&i.entry.id);
                if stored.map(|e| e.last_imported_ms) == i.seen_ms {
                    // An alert already sent for this episode stays recorded (another invocation
                    // may have alerted since this plan was made), as in the DynamoDB ledger,
                    // whose alert marks live apart from the entry.
                    let alerted = i.entry.alerted.or_else(|| {
                        stored
                            .and_then(|o| o.alerted)
                            .filter(|a| a.failing_since_ms == i.entry.first_observed_ms)
                    });
                    entries.insert(
                        i.entry.id.clone(),
                        LedgerEntry {
                            pending: true,
                            alerted,
                            ..i.entry.clone()
                        },
                    );
                    won.push(i.entry.id.clone());
                }
            }
            won
        })
    }

    async fn record(&self, new: &[LedgerEntry]) -> Result<(), LedgerError> {
        if new.is_empty() {
            return Ok(());
        }
        self.with(|entries, _| {
            for e in new {
                let newer = entries
                    .get(&e.id)
                    .is_none_or(|old| old.last_imported_ms <= e.last_imported_ms);
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

#[cfg(test)]
mod tests {
    use super::*;
    use ecs_posture_core::Severity;
    use ecs_posture_core::lifecycle::{Alerted, FindingState};

    fn entry(last_imported_ms: i64) -> LedgerEntry {
        LedgerEntry {
            id: "f".into(),
            check_id: "TD01".into(),
            resource_arn: "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1".into(),
            resource_type: "AwsEcsTaskDefinition".into(),
            resource_name: "web:1".into(),
            cluster: None,
            account: "111122223333".into(),
            region: "us-east-1".into(),
            state: FindingState::Failed,
            severity: Severity::High,
            evidence_hash: "h".into(),
            evidence: Vec::new(),
            created_at_ms: 100,
            first_observed_ms: 100,
            last_imported_ms,
            alerted: None,
            pending: false,
        }
    }

    /// Invocation A reserves, imports, settles and alerts; invocation B, which planned from A's
    /// pending entry before A alerted, reserves the same episode afterwards: A's alert stays
    /// recorded, so B does not alert it again.
    #[tokio::test]
    async fn a_later_reservation_keeps_the_alert_of_the_episode() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = FileLedger::new(dir.path().join("ledger.json"));
        let a = entry(100);
        assert_eq!(
            ledger
                .reserve(&[Intent {
                    entry: a.clone(),
                    seen_ms: None
                }])
                .await
                .unwrap(),
            vec!["f"]
        );
        ledger.record(std::slice::from_ref(&a)).await.unwrap();
        let mark = Alerted {
            failing_since_ms: 100,
            severity: Severity::High,
            at_ms: 150,
        };
        let claimed = ledger
            .claim_alerts(&[("f".into(), mark)], "A", 150, 60_000)
            .await
            .unwrap();
        assert_eq!(claimed, vec!["f"]);
        ledger
            .record_alerts(&[("f".into(), mark)], "A")
            .await
            .unwrap();
        // B's plan saw A's entry (last imported at 100) without an alert.
        let b = entry(200);
        let won = ledger
            .reserve(&[Intent {
                entry: b.clone(),
                seen_ms: Some(100),
            }])
            .await
            .unwrap();
        assert_eq!(won, vec!["f"]);
        let loaded = ledger.load("111122223333", "us-east-1").await.unwrap();
        assert_eq!(
            loaded["f"].alerted,
            Some(mark),
            "the alert of the episode is kept"
        );
        let again = ledger
            .claim_alerts(&[("f".into(), mark)], "B", 250, 60_000)
            .await
            .unwrap();
        assert!(again.is_empty(), "never alerted twice");
        // A new episode (a later first observation) does not inherit the old alert.
        let mut c = entry(300);
        c.first_observed_ms = 300;
        ledger
            .reserve(&[Intent {
                entry: c,
                seen_ms: Some(200),
            }])
            .await
            .unwrap();
        let loaded = ledger.load("111122223333", "us-east-1").await.unwrap();
        assert_eq!(loaded["f"].alerted, None);
    }
}

//! Local adapters: a folder of ECS JSON in, files out. The embedded default of `ecs-posture
//! invoke` and the fast doubles of the handler's tests. One file per adapter:
//!
//! - [`input`]: reading ECS JSON from files, folders (recursively) and standard input;
//! - [`folder`]: [`FolderInventory`], the estate from files, scoped as the ECS inventory would;
//! - [`file_sink`]: [`FileSink`], each BatchImportFindings batch as a file;
//! - [`file_ledger`]: [`FileLedger`], the ledger as one JSON file;
//! - [`file_notifier`]: [`FileNotifier`], each alert as a file;
//! - [`folder_reach`]: [`FolderReach`], an organization's estates as `ACCOUNT/REGION/` folders;
//! - [`file_queue`]: [`FileQueue`], queued scans as JSON lines;
//! - [`files`]: the atomic JSON writes they share.

pub mod file_ledger;
pub mod file_notifier;
pub mod file_queue;
pub mod file_sink;
pub mod files;
pub mod folder;
pub mod folder_reach;
pub mod input;

pub use file_ledger::FileLedger;
pub use file_notifier::{FileNotifier, alert_json};
pub use file_queue::FileQueue;
pub use file_sink::FileSink;
pub use folder::FolderInventory;
pub use folder_reach::FolderReach;

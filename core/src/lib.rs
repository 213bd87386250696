//! # ecs-posture-core
//!
//! The pure core of ecs-posture: everything that decides, nothing that does I/O.
//!
//! Read in this order (each module imports only those above it):
//! - [`hash`]: the hasher of the lookup tables the model and the engine keep (names, ARNs,
//!   addresses), cheaper than the standard library's default for keys of this kind.
//! - [`model`]: ECS resources exactly as the ECS API and AWS CLI return them, parsed leniently
//!   from every shape users keep on disk, with AWS defaults resolved once.
//! - [`finding`]: the vocabulary: severity, status, resource kinds, frameworks, and what a check
//!   concludes ([`finding::Outcome`] with typed [`finding::Evidence`]).
//! - [`config`]: the options checks read.
//! - [`checks`]: the catalog, one file per check; [`checks::catalog::CATALOG`] is the registry,
//!   `checks::support` the helpers they share.
//! - [`evaluation`]: one check's verdict on one resource, and the finding Id.
//! - [`engine`]: select checks and evaluate a [`model::Snapshot`] into evaluations.
//! - [`summary`]: counts and the 0-100 score.
//! - [`scope`] and [`lifecycle`]: what a scan covered, and the plan that keeps Security Hub
//!   true (imports, archives, alerts) from evaluations, the ledger and the clock.
//! - [`render`]: ASFF (serde structs), SARIF, JSON, table, CSV, Markdown and the alert text.
//! - [`report`]: reports, recommendations, compliance and metrics.
//! - [`docs`]: docs/checks.md, generated from the catalog.
//! - [`fleet`]: the account-regions a deployment covers and the scans the nightly planner queues.
//!
//! The package depends on no AWS SDK, async runtime or Lambda runtime; the shell (the
//! `ecs-posture` package) does the I/O around it.
#![forbid(unsafe_code)]

pub mod checks;
pub mod config;
pub mod docs;
pub mod engine;
pub mod evaluation;
pub mod finding;
pub mod fleet;
pub mod hash;
pub mod lifecycle;
pub mod model;
pub mod render;
pub mod report;
pub mod scope;
pub mod summary;

pub use checks::catalog::CATALOG;
pub use config::Options;
pub use engine::{Context, evaluate, select};
pub use evaluation::Evaluation;
pub use finding::{Severity, Status};
pub use model::Snapshot;

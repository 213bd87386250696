//! # ecs-posture-core
//!
//! The pure core of ecs-posture: everything that decides, nothing that does I/O.
//!
//! Read in this order:
//! - [`model`]: ECS resources exactly as the ECS API and AWS CLI return them, parsed leniently
//!   from every shape users keep on disk, with AWS defaults resolved once.
//! - [`checks`]: the catalog, one file per check; [`checks::catalog::CATALOG`] is the registry.
//! - [`engine`]: select checks and evaluate a [`model::Snapshot`] into [`finding::Evaluation`]s.
//! - [`summary`]: counts and the 0-100 score.
//! - [`scope`] and [`lifecycle`]: what a scan covered, and the plan that keeps Security Hub
//!   true (imports, archives, alerts) from evaluations, the ledger and the clock.
//! - [`render`]: JSON, table, ASFF, SARIF, CSV and Markdown output.
//! - [`docs`]: docs/checks.md, generated from the catalog.
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

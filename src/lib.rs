//! # ecs-posture
//!
//! The shell around [`ecs_posture_core`]. The decisions (model, checks, evaluation, lifecycle
//! planning, rendering) live in the pure core package; this crate does the I/O around them:
//!
//! - [`handler`]: one invocation (scope -> collect -> evaluate -> plan -> execute), generic over
//!   the [`ports`] (inventory, finding sink, ledger, notifier);
//! - [`aws`]: the production adapters (ECS, Security Hub, DynamoDB, SNS through the AWS SDK);
//! - [`local`]: folder and file adapters, the embedded default and the test doubles;
//! - [`input`]: reading ECS JSON from files, folders and stdin; [`cli`]: the command line.
#![forbid(unsafe_code)]

pub mod aws;
pub mod cli;
pub mod handler;
pub mod input;
pub mod invoke;
pub mod lambda;
pub mod live;
pub mod local;
pub mod logging;
pub mod ports;
pub mod reports;
pub mod settings_env;
pub mod trigger;

pub use ecs_posture_core as core;

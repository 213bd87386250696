//! # ecs-posture
//!
//! The shell around [`ecs_posture_core`]. The decisions (model, checks, evaluation, lifecycle
//! planning, rendering) live in the pure core package; this crate does the I/O around them.
//! Read in this order:
//!
//! - [`ports`]: the small traits the handler runs over (inventory, finding sink, ledger,
//!   notifier) and their errors;
//! - [`handler`]: one invocation (collect and plan, import, alert), generic over the ports;
//! - [`function`]: the Lambda's runtime-free job (event routing, debounce, metrics, the typed
//!   response) and its configuration from the environment;
//! - [`aws`]: the production adapters (ECS, Security Hub, DynamoDB, SNS through the AWS SDK);
//! - [`local`]: folder and file adapters, the embedded default and the test doubles;
//! - [`cli`]: the command line, one file per subcommand;
//! - [`logging`]: log setup that keeps the SDK's request and response bodies out of the logs.
//!
//! The binaries (`src/bin/`) only wire these together.
#![forbid(unsafe_code)]

pub mod ports;

pub mod handler;

pub mod function;

pub mod aws;

pub mod local;

pub mod cli;

pub mod logging;

pub use ecs_posture_core as core;

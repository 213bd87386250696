//! # ecs-posture
//!
//! The shell around [`ecs_posture_core`]: reading ECS JSON from files, folders and stdin
//! ([`input`]) and the command-line interface ([`cli`]). The decisions (model, checks,
//! evaluation, rendering) live in the pure core package; this crate only does the I/O around it.
#![forbid(unsafe_code)]

pub mod cli;
pub mod input;

pub use ecs_posture_core as core;

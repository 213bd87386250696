//! Daemon checks: ECS Managed Daemons, judged with the revisions they run now. What their
//! daemon task definitions declare is judged by the task-definition checks (resource
//! `AwsEcsDaemonTaskDefinition`), which apply to daemons with the semantics they have on task
//! definitions, except those [`crate::checks::task_definition::NOT_FOR_DAEMONS`] names.
pub mod daemon_ecs_exec_enabled;

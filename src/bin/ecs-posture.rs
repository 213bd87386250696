//! The `ecs-posture` CLI: wiring only; see `ecs_posture::cli`.
#![forbid(unsafe_code)]

/// mimalloc rather than the system allocator: an evaluation creates and drops hundreds of
/// thousands of small values, which glibc's allocator spends a third of the time on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(ecs_posture::cli::main());
}

//! The `ecs-posture` CLI: wiring only; see `ecs_posture::cli`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(ecs_posture::cli::main());
}

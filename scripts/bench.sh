#!/usr/bin/env bash
# Run the evaluation benchmark (release build) on one core and print its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c 0); else pin=(); fi
cargo bench -p ecs-posture-core --bench evaluate --no-run
exec "${pin[@]}" cargo bench -p ecs-posture-core --bench evaluate -- "$@"

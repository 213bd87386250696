#!/usr/bin/env bash
# API calls, wall time and peak memory of a region scan with what surrounds the workloads,
# against the ECS-only scan, on the moto emulator (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh
exec cargo bench --bench surroundings_scan

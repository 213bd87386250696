#!/usr/bin/env bash
# API calls and wall time of live scans against the moto emulator (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh
exec cargo bench --bench live_scan

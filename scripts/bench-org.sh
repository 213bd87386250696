#!/usr/bin/env bash
# An organization scan (20 accounts x 2 regions) against the moto emulator (release build):
# wall time at concurrency 1, 4 and 16, ECS calls against the minimum, the highest request rate
# of any account-region against its budget, ledger items one rescan reads, peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh
exec cargo bench --bench org_scan

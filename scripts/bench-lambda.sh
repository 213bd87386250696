#!/usr/bin/env bash
# Cold start and RegisterTaskDefinition end-to-end latency of the release bootstrap binary, on
# this host, under the Lambda Runtime API emulator against moto.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh dev
exec cargo bench --bench lambda_cold_start

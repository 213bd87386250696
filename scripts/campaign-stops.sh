#!/usr/bin/env bash
# Stop a live publish at every one of its requests (the AWS endpoints die there) and check that
# the next run converges: Security Hub and the ledger agree, nothing stays pending, nothing is
# imported twice. Runs the emulator test with a stop at every request (a few minutes); the test
# command runs it at every 11th request.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh >/dev/null
ECS_POSTURE_STOP_STRIDE="${1:-1}" cargo test --locked --test emulator \
  a_stop_at_any_request_of_a_publish_converges -- --nocapture 2>&1 | grep -E "stop points|test result|panicked|stop at request"

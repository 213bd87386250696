#!/usr/bin/env bash
# Scan every file of a corpus of real task definitions one by one and report any input error.
# Usage: scripts/check-corpus.sh [DIR]   (default: ../shared/corpus/real-task-definitions)
set -euo pipefail
dir=${1:-../shared/corpus/real-task-definitions}
cargo build --quiet
bin=target/debug/ecs-posture
ok=0; bad=0; findings=0
for f in "$dir"/*.json; do
  if out=$("$bin" scan "$f" --format json --fail-on none 2>&1 >/tmp/ecs-posture-corpus.json); then
    ok=$((ok + 1))
    n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["by_status"]["FAILED"])' /tmp/ecs-posture-corpus.json)
    findings=$((findings + n))
  else
    bad=$((bad + 1)); echo "INPUT ERROR: $out"
  fi
done
echo "$ok files scanned, $bad input errors, $findings failed evaluations"
[ "$bad" -eq 0 ]

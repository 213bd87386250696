#!/usr/bin/env bash
# Install the project's Python tools, each set fully pinned, into its own virtualenv:
#   .venv          requirements/dev.txt      moto (AWS emulator), cargo-lambda (+ zig), OCSF schemas
#   .venv-sam      requirements/sam.txt      aws-sam-cli, cfn-lint
#   .venv-checkov  requirements/checkov.txt  checkov
# Idempotent: a virtualenv whose requirements did not change is left as it is.
# Usage: scripts/setup-venv.sh [dev|sam|checkov ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(dev sam checkov)
for set in "${sets[@]}"; do
  case "$set" in
    dev) venv=.venv ;;
    sam) venv=.venv-sam ;;
    checkov) venv=.venv-checkov ;;
    *) echo "unknown set $set (dev, sam, checkov)" >&2; exit 2 ;;
  esac
  req=requirements/$set.txt
  want=$(sha256sum "$req" | cut -d' ' -f1)
  stamp=$venv/.requirements.sha256
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    continue
  fi
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$req"
  echo "$want" > "$stamp"
  echo "installed $req into $venv"
done

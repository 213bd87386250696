#!/usr/bin/env bash
# Install the project's Python tools (the moto AWS emulator) into .venv, pinned by
# requirements-dev.txt. Idempotent: does nothing when the pinned set is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
stamp=.venv/.requirements-dev.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -x .venv/bin/moto_server ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
"$py" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements-dev.txt
echo "$want" > "$stamp"
echo "installed $(.venv/bin/python -m pip --version | cut -d' ' -f1-2) and moto $(.venv/bin/python -c 'import moto; print(moto.__version__)') into .venv"

#!/usr/bin/env bash
# Build the Lambda's bootstrap for arm64 (provided.al2023) with cargo-lambda (zig from PyPI),
# as `sam build` does through BuildMethod rust-cargolambda. Writes target/lambda/bootstrap/.
# Needs the Rust target aarch64-unknown-linux-gnu (`rustup target add aarch64-unknown-linux-gnu`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-venv.sh dev
export PATH="$PWD/.venv/bin:$PATH"
rustup target list --installed 2>/dev/null | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
cargo lambda build --release --arm64 --bin bootstrap --output-format zip
ls -l target/lambda/bootstrap/

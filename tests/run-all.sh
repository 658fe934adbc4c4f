#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, and the Rust tests
# (unit, doc, CLI, conformance with the public corpora). C and Python tests
# join here as the bindings arrive.
set -euo pipefail
cd "$(dirname "$0")/.."

pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}
pip_install -r tests/requirements.txt

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

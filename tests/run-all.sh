#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, the Rust tests (unit,
# doc, CLI, conformance with the public corpora, the C programs against
# libvalidate under valgrind in ffi/tests/c.rs), schemathesis against
# `validate serve` (tests/server-api.sh), then builds and installs the
# Python module (pip install ./python) and runs its pytest suite.
# Idempotent: re-running rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}
pip_install -r tests/requirements.txt
pip_install -r server/tests/requirements.txt

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The core's default build (pure Rust, no AWS-LC, no HTTP), which the
# workspace build never sees: every other crate turns the features on.
cargo check -p validate --lib --locked
# libvalidate.so / .a for the C tests (cargo test builds no cdylib for them).
cargo build -p validate-ffi --locked
cargo test --workspace --locked
# The HTTP API against its OpenAPI document (schemathesis), SIGTERM exit 0.
tests/server-api.sh

# The Python module, built by maturin into the same target dir.
pip_install --force-reinstall --no-deps ./python
pip_install -r python/requirements-test.txt
# The wheel passes maturin's default policy check: tagged manylinux, so it
# installs on other Linux machines (the build above is reused, no rebuild).
rm -rf "$CARGO_TARGET_DIR/wheel-check"
python3 -m maturin build --release --quiet -m python/Cargo.toml -o "$CARGO_TARGET_DIR/wheel-check"
ls "$CARGO_TARGET_DIR"/wheel-check/libvalidate-*-manylinux_*.whl
# The package and its stubs type-check strictly.
(cd python && python3 -m mypy --strict libvalidate)
status=0
python3 -m pytest -q -s python/tests || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# The same validation (an X509 request: the example chain, leaf to root, at
# 2030-01-01) called from Rust, C and Python, release builds; prints the
# microseconds per call of each and the bindings' overhead relative to Rust.
# Usage: benches/bindings/run.sh [CALLS]   (from anywhere; needs gcc, python3
# with libvalidate installed: pip install ./python)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000}
target=${CARGO_TARGET_DIR:-$PWD/target}
work=$target/bindings-bench
mkdir -p "$work"
export BENCH_REQUEST=$work/request.json
printf '{"signatureType": "X509", "certificate": "%s"}' "$(base64 -w0 examples/chain/chain.pem)" >"$BENCH_REQUEST"

cargo build -q --release --locked -p validate-ffi
cargo build -q --release --locked -p validate-benches --example rust_overhead
gcc -O2 -std=c11 -Iinclude benches/bindings/c_overhead.c -o "$work/c_overhead" \
  -L"$target/release" -Wl,-rpath,"$target/release" -lvalidate

{
  "$target/release/examples/rust_overhead" "$n"
  "$work/c_overhead" "$n"
  python3 benches/bindings/python_overhead.py "$n"
} | tee "$work/results.txt"
awk '/^rust /{r=$2} /^rust-health /{h=$2} /health/{printf "%-22s %8.3f us/call  overhead vs Rust %+7.3f us\n", $1, $2, $2-h; next} {printf "%-22s %8.1f us/call  overhead vs Rust %+7.1f us (%+.1f%%)\n", $1, $2, $2-r, ($2-r)/r*100}' "$work/results.txt"

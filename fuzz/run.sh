#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and SanitizerCoverage on the
# stable toolchain and runs them. See docs/fuzzing.md.
#
#   fuzz/run.sh build                 build every target
#   fuzz/run.sh run TARGET [SECONDS]  fuzz TARGET (default 210 s); new inputs go to
#                                     /tmp/validate-fuzz/TARGET, crashes to fuzz/artifacts/TARGET/
#   fuzz/run.sh merge TARGET          minimise /tmp/validate-fuzz/TARGET into corpus/TARGET/ (min-*)
#
# No nightly and no cargo-fuzz: `-C passes=sancov-module` and the
# `-C llvm-args` below are stable rustc options; libfuzzer-sys compiles
# libFuzzer with the system C++ compiler. No AddressSanitizer (nightly
# only): safe Rust needs none; panics, hangs (-timeout) and memory
# (-rss_limit_mb) are what the targets catch.
set -euo pipefail
cd "$(dirname "$0")"
triple=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${FUZZ_TARGET_DIR:-$PWD/target}
bin() { echo "$target_dir/$triple/release/$1"; }

build() {
  RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing" \
  CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true \
  CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --release --manifest-path Cargo.toml --features libfuzzer --bins \
    --target "$triple" --target-dir "$target_dir" "$@"
}

case "${1:-}" in
  build) shift; build "$@" ;;
  run)
    t=$2; secs=${3:-210}
    mkdir -p "/tmp/validate-fuzz/$t" "artifacts/$t"
    "$(bin "$t")" "/tmp/validate-fuzz/$t" "corpus/$t" -max_total_time="$secs" \
      -rss_limit_mb=256 -timeout=1 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" ;;
  merge)
    # Adds to corpus/TARGET only the inputs that bring new coverage.
    t=$2
    "$(bin "$t")" -merge=1 "corpus/$t" "/tmp/validate-fuzz/$t" -rss_limit_mb=256 -timeout=1
    for f in corpus/"$t"/*; do
      case $(basename "$f") in seed-*|min-*|crash-*|timeout-*|oom-*) ;; *) mv "$f" "corpus/$t/min-$(basename "$f")" ;; esac
    done ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac

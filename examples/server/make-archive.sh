#!/usr/bin/env bash
# Makes examples/server/archive.sqlite, the archive the example server
# serves, from archive.jsonl (six signing operations: four of project
# \VED\Code Signing\Projects\Example, two of \VED\Code Signing\Projects\Other).
# Re-running replaces it.
set -euo pipefail
cd "$(dirname "$0")"
rm -f archive.sqlite archive.sqlite-wal archive.sqlite-shm
cargo run -q -p validate-cli -- archive --db archive.sqlite import archive.jsonl

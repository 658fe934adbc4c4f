#!/usr/bin/env bash
# API conformance of `validate serve` (docs/server.md): starts the example
# server on a free loopback port with a fresh copy of the example archive,
# runs schemathesis against its GET /openapi.json (every check, with the two
# per-operation exceptions explained in server/tests/schemathesis.toml), once
# as example-admin and once as example-recorder for RecordArchiveEntries,
# then stops the server with SIGTERM and requires exit 0.
# Needs schemathesis (server/tests/requirements.txt, installed by run-all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q -p validate-cli --locked
bin="$CARGO_TARGET_DIR/debug/validate"
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" archive --db "$tmp/archive.sqlite" import examples/server/archive.jsonl >/dev/null
"$bin" serve --config examples/server/config.toml --listen 127.0.0.1:0 \
  --archive "$tmp/archive.sqlite" >"$tmp/stdout" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 300); do
  grep -q '^listening on ' "$tmp/stdout" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.1
done
addr=$(sed -n 's/^listening on //p' "$tmp/stdout")
[ -n "$addr" ] || { echo "validate serve did not start" >&2; exit 1; }

# A fixed seed keeps CI runs reproducible; change it locally to explore.
# Run from the temporary folder: schemathesis keeps a cache (.schemathesis/)
# in its working directory.
config="$PWD/server/tests/schemathesis.toml"
st() {
  (cd "$tmp" && python3 -c "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = \"schemathesis\"; schemathesis()" --config-file "$config" run \
    "http://$addr/openapi.json" --seed 20261204 --max-examples 100 --workers 1 \
    --warnings off --no-color "$@")
}
st -H "Authorization: Bearer example-admin"
st -H "Authorization: Bearer example-recorder" --include-path /vedsdk/Codesign/RecordArchiveEntries

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 0 ]; then
  echo "validate serve exited $status on SIGTERM" >&2
  exit 1
fi
echo "validate serve: schemathesis found no issue; SIGTERM exit 0"

"""The Python side of the bindings overhead benchmark (benches/bindings/run.sh)."""

import os
import sys
import time

import libvalidate

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
request = open(os.environ["BENCH_REQUEST"]).read()
validator = libvalidate.Validator({"name": "bench", "trustAnchors": ["examples/chain/root.pem"]})
native = validator._native


def measure(label, call, calls=n, digits=1):
    for _ in range(calls // 10):
        call()
    start = time.perf_counter()
    for _ in range(calls):
        call()
    print(f"{label} {(time.perf_counter() - start) * 1e6 / calls:.{digits}f} us/call ({calls} calls)")


# The JSON text in and out, as C does.
measure("python-native", lambda: native.validate_json(request, "2030-01-01T00:00:00Z"))
# The Pythonic API: a dict in, a Report object out (json.dumps + json.loads added).
measure("python-api", lambda: validator.validate(request, at="2030-01-01T00:00:00Z"))
# The floor: the cheapest call (health), 100x as many times.
measure("python-native-health", libvalidate._libvalidate.health, n * 100, 3)
measure("python-api-health", libvalidate.health, n * 100, 3)

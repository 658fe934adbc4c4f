"""1,000 signature verifications from 4 threads: the GIL is released during
validation, so threads run in parallel. Prints the speed-up over one thread
(no timed assertion: the machine may be busy)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from conftest import NOW, Pki
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from libvalidate import Validator

COUNT = 1000


def test_thousand_signatures_from_four_threads(validator: Validator, pki: Pki) -> None:
    data = b"payload"
    p7s = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(pki.leaf_ec.cert, pki.leaf_ec.key, hashes.SHA256())
        .add_certificate(pki.intermediate.cert)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )

    def verify(_: int) -> bool:
        return bool(validator.verify_cms(p7s, data, at=NOW).is_acceptable)

    def run(threads: int) -> float:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(verify, range(COUNT)))
        elapsed = time.perf_counter() - start
        assert all(results) and len(results) == COUNT
        return elapsed

    run(1)  # warm up
    one = run(1)
    four = run(4)
    print(
        f"\n{COUNT} CMS verifications: 1 thread {one:.2f}s ({COUNT / one:.0f}/s), "
        f"4 threads {four:.2f}s ({COUNT / four:.0f}/s), speed-up {one / four:.2f}x"
    )

"""Every input read from a path stops at its documented limit: /dev/zero
(a file that never ends) given as an ``os.PathLike`` to any argument that
reads a file, and to ``Policy.from_file``, is refused with an error naming
the input and the limit, within a second, and without memory past the
limit (the process's peak RSS grows by less than the limit plus a margin).
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any, Callable

import pytest

import libvalidate
from libvalidate import Certificate, InvalidInputError, Policy, ValidateError, Validator

ZERO = Path("/dev/zero")
pytestmark = pytest.mark.skipif(not ZERO.exists(), reason="needs /dev/zero")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _refused(call: Callable[[], Any], what: str) -> None:
    started = time.process_time()
    with pytest.raises(ValidateError) as info:
        call()
    took = time.process_time() - started
    message = str(info.value)
    assert "limit" in message, message
    assert what in message, message
    assert took < 1.0, f"{what}: {took:.2f} s of CPU"


@pytest.fixture
def validator(examples: Path) -> Validator:
    return Validator(Policy.trusting(examples / "chain/root.pem"))


def test_the_limit_is_documented() -> None:
    assert libvalidate.MAX_FILE_SIZE == 64 * 1024 * 1024


def test_dev_zero_through_every_path_argument(validator: Validator, examples: Path) -> None:
    leaf = examples / "chain/leaf.pem"
    root = examples / "chain/root.pem"
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("certificate", lambda: Certificate(ZERO)),
        ("/dev/zero", lambda: Certificate.from_file(ZERO)),
        ("certificate", lambda: Certificate.load_all(ZERO)),
        ("anchors", lambda: Policy.trusting(ZERO)),
        ("certificates", lambda: validator.validate_certificates(ZERO)),
        ("signature", lambda: validator.verify_cms(ZERO)),
        ("content", lambda: validator.verify_cms(examples / "signatures/detached.p7s", content=ZERO)),
        ("token", lambda: validator.verify_timestamp(ZERO, b"x")),
        ("xml", lambda: validator.verify_xml(ZERO)),
        ("file", lambda: validator.verify_code_signing(ZERO)),
        ("certificate", lambda: validator.verify_pkcs1(b"data", b"\0" * 256, ZERO, "SHA256withRSA")),
        ("leaf", lambda: libvalidate.validate_chain(ZERO, anchors=root)),
        ("anchors", lambda: libvalidate.validate_chain(leaf, anchors=ZERO)),
        ("intermediates", lambda: libvalidate.validate_chain(leaf, anchors=root, intermediates=ZERO)),
    ]
    before = _peak_rss_bytes()
    for what, call in cases:
        _refused(call, what)
    grown = _peak_rss_bytes() - before
    # One read of at most the limit plus one byte is alive at a time.
    assert grown < libvalidate.MAX_FILE_SIZE + 64 * 1024 * 1024, f"peak RSS grew {grown} bytes"


def test_policy_from_file_on_dev_zero() -> None:
    before = _peak_rss_bytes()
    _refused(lambda: Policy.from_file(ZERO), "policy file")
    _refused(lambda: Policy.from_file(str(ZERO)), "policy file")
    grown = _peak_rss_bytes() - before
    assert grown < libvalidate.MAX_FILE_SIZE + 64 * 1024 * 1024, f"peak RSS grew {grown} bytes"


def test_an_input_at_the_limit_is_read(tmp_path: Path) -> None:
    # The limit is a maximum, not a refusal of everything large: a file of
    # exactly MAX_FILE_SIZE bytes is read (and then refused as no certificate).
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(libvalidate.MAX_FILE_SIZE)
    with pytest.raises(InvalidInputError) as info:
        Certificate.load_all(big)
    assert "over the limit" not in str(info.value)

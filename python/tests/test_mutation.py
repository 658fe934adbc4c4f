"""No mutant of a signed structure is accepted through the Python or the C door:
the example signatures, each byte flipped, dropped or preceded by an
inserted zero, and with the content replaced. A mutant may be accepted
only when the Rust door accepts the very same mutant (tests/tests/mutation.rs
proves each such mutant leaves the signed bytes and content unchanged, with
OpenSSL and a structure walk as oracles), and OpenSSL agrees wherever it can
read the mutant. The C door (tests/c/doors.c) verifies the same mutants
through libvalidate and must give the same report as Python for each; the
CLI door (`validate verify --batch`, one CAdES-Explicit request per mutant)
must accept exactly the same mutants."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest

from libvalidate import Report, Validator

AT = "2030-01-01T00:00:00Z"
REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"


def mutants(data: bytes) -> Iterator[Tuple[str, bytes]]:
    for i in range(len(data)):
        yield f"flip {i}", data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]
        yield f"drop {i}", data[:i] + data[i + 1 :]
        yield f"insert {i}", data[:i] + b"\0" + data[i:]


def openssl_view(tmp: Path, data: bytes, content: Optional[bytes]) -> Optional[Tuple[bytes, bytes]]:
    (tmp / "m.bin").write_bytes(data)
    args = ["openssl", "cms", "-verify", "-noverify", "-binary", "-inform", "DER"]
    args += ["-in", str(tmp / "m.bin"), "-out", str(tmp / "out.bin"), "-signer", str(tmp / "signer.pem")]
    if content is not None:
        (tmp / "content.bin").write_bytes(content)
        args += ["-content", str(tmp / "content.bin")]
    if subprocess.run(args, capture_output=True).returncode != 0:
        return None
    return (tmp / "out.bin").read_bytes(), (tmp / "signer.pem").read_bytes()


@pytest.mark.parametrize("name,detached", [("detached.p7s", True)])
def test_no_mutant_is_accepted(examples: Path, tmp_path: Path, c_doors: Path, name: str, detached: bool) -> None:
    # The policy the Rust door is given too.
    example_validator = Validator(REPO / "examples/policy.json")
    signature = (examples / "signatures" / name).read_bytes()
    content = (examples / "signatures/content.txt").read_bytes() if detached else None
    assert example_validator.verify_cms(signature, content, at=AT).is_acceptable
    original = openssl_view(tmp_path, signature, content)
    assert original is not None
    if content is not None:
        assert not example_validator.verify_cms(signature, b"Pay Mallory 1,000,000 EUR\n", at=AT).is_acceptable
    counts = {"refused": 0, "invalid": 0, "accepted": 0}
    ours = []
    reports = {}
    for what, mutant in mutants(signature):
        report = example_validator.verify_cms(mutant, content, at=AT)
        reports[what] = report.to_dict()
        if report.op_result.result_status == 2:
            counts["refused"] += 1
        elif not report.is_acceptable:
            counts["invalid"] += 1
        else:
            counts["accepted"] += 1
            ours.append(what)
            view = openssl_view(tmp_path, mutant, content)
            assert view is None or view == original, f"{what}: OpenSSL reads other signed data"
    print(name, counts)
    inputs = [str(examples / "signatures" / name)]
    if content is not None:
        inputs.append(str(examples / "signatures/content.txt"))
    args = [str(TARGET / "doors"), "mutants", str(REPO / "examples/policy.json"), AT, *inputs]
    rust = json.loads(subprocess.run(args, capture_output=True, check=True, text=True).stdout)
    assert ours == rust, "the Python door accepts other mutants than the Rust door"
    # The C door: every mutant's report equals Python's.
    args = [str(c_doors), str(REPO / "examples/policy.json"), "mutants", AT, *inputs]
    lines = subprocess.run(args, capture_output=True, check=True, text=True).stdout.splitlines()
    assert len(lines) == len(reports), "the C door verified another number of mutants"
    for line in lines:
        what, _, text = line.partition("\t")
        assert not text.startswith("error"), f"{what}: the C door failed ({text}) where Python gave a report"
        assert json.loads(text) == reports[what], f"{what}: the C door's report differs from Python's"
    # The CLI door: every mutant as a request line of one --batch run.
    names = list(reports)
    with open(tmp_path / "mutants.jsonl", "w") as f:
        for what, mutant in mutants(signature):
            request = {"signatureType": "CAdES-Explicit" if content is not None else "CAdES",
                       "signature": base64.b64encode(mutant).decode()}
            if content is not None:
                request["signedText"] = base64.b64encode(content).decode()
                request["signedTextPack"] = "BASE64"
            f.write(json.dumps(request) + "\n")
    args = [str(TARGET / "validate"), "verify", "--batch", str(tmp_path / "mutants.jsonl"),
            "--policy-file", str(REPO / "examples/policy.json"), "--at", AT]
    out = subprocess.run(args, capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(names), "the CLI door printed another number of reports"
    cli_accepted = [what for what, line in zip(names, lines) if Report(json.loads(line)).is_acceptable]
    assert cli_accepted == rust, "the CLI door accepts other mutants than the Rust door"

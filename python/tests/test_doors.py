"""One engine behind every door: the same inputs through the Rust
`Validator`, the CLI, the C library and the Python module give the same
report, byte for byte (Rust, C and Python print `serde_json` text of the same
report; the CLI prints it indented, so its JSON is compared parsed).

The inputs and the Rust door are the `doors` binary of the tests crate
(tests/src/bin/doors.rs); the C door is tests/c/doors.c, compiled here
against target/debug/libvalidate.so. `tests/run-all.sh` builds both before
running pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from libvalidate import _libvalidate as native

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"


def _run(args: List[str]) -> str:
    out = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    assert out.returncode in (0, 1), f"{args}: exit {out.returncode}: {out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory, c_doors: Path) -> Dict[str, Any]:
    for tool in ("doors", "validate"):
        assert (TARGET / tool).exists(), f"{TARGET / tool} is missing: run tests/run-all.sh"
    work = tmp_path_factory.mktemp("doors")
    subprocess.run([str(TARGET / "doors"), "fixtures", str(work)], check=True)
    listed = json.loads((work / "cases.json").read_text())
    return {"dir": work, "c": c_doors, "cases": {c["name"]: c for c in listed}}


def rust(env: Dict[str, Any], case: Dict[str, Any]) -> str:
    return _run([str(TARGET / "doors"), "run", str(env["dir"]), case["name"]]).strip()


def c_door(env: Dict[str, Any], case: Dict[str, Any]) -> str:
    kind = case["kind"]
    if kind == "cms":
        files = [case["signature"]] + ([case["content"]] if "content" in case else [])
    elif kind == "pkcs1":
        files = [case["data"], case["signature"], case["certificate"], case["algorithm"]]
    elif kind == "certificates":
        files = [case["certificates"]]
    else:
        options = json.dumps({"time": case["at"], "purposes": case["purposes"]})
        files = [case["leaf"], case["intermediates"], case["anchors"], options]
    return _run([str(env["c"]), case.get("policy", "-"), kind, case["at"], *files]).strip()


def python_door(case: Dict[str, Any]) -> str:
    read = lambda key: Path(case[key]).read_bytes()  # noqa: E731
    kind = case["kind"]
    if kind == "chain":
        options = json.dumps({"time": case["at"], "purposes": case["purposes"]})
        return str(native.validate_chain(read("leaf"), read("intermediates"), read("anchors"), options))
    validator = native.NativeValidator(native.NativePolicy.from_file(case["policy"]))
    if kind == "cms":
        content = read("content") if "content" in case else None
        return str(validator.verify_cms(read("signature"), content, case["at"]))
    if kind == "pkcs1":
        return str(
            validator.verify_pkcs1(
                read("data"), read("signature"), read("certificate"), case["algorithm"], case["at"]
            )
        )
    return str(validator.validate_certificates(read("certificates"), case["at"]))


def cli(case: Dict[str, Any]) -> str:
    validate = str(TARGET / "validate")
    kind = case["kind"]
    common = ["--at", case["at"], "--format", "json"]
    if kind == "chain":
        args = [validate, "chain", "--leaf", case["leaf"], "--intermediates", case["intermediates"]]
        args += ["--anchors", case["anchors"], "--revocation", "none", "--offline"]
        args += [a for p in case["purposes"] for a in ("--purpose", p)]
        return _run(args + common)
    args = [validate, "verify", "--policy-file", case["policy"], "--offline"] + common
    if kind == "cms":
        args += ["--signature", case["signature"]]
        if "content" in case:
            args += ["--content", case["content"]]
    elif kind == "pkcs1":
        args += ["--type", "PKCS1", "--signature", case["signature"], "--content", case["data"]]
        args += ["--certificate", case["certificate"], "--algorithm", case["algorithm"]]
    else:
        args += ["--type", case["type"], "--signature", case["certificates"]]
    return _run(args)


EXPECTED = {
    "cades-detached-crls-level3": True,
    "pkits-revoked-ee-level3": False,
    "expired-signer-rescued-by-timestamp": True,
    "attached-cades": True,
    "pkcs1": True,
    "p7b": True,
    "chain-with-revoked-intermediate": False,
    "chain-document": True,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_door_gives_the_same_report(cases: Dict[str, Any], name: str) -> None:
    case = cases["cases"][name]
    ours = rust(cases, case)
    assert c_door(cases, case) == ours, "C differs from Rust"
    assert python_door(case) == ours, "Python differs from Rust"
    assert json.loads(cli(case)) == json.loads(ours), "the CLI differs from Rust"
    report = json.loads(ours)
    if case["kind"] == "chain":
        acceptable = report["valid"]
    else:
        acceptable = report["opResult"]["resultStatus"] < 2 and report["policy"]["resultStatus"] < 2
    assert acceptable is EXPECTED[name], json.dumps(report, indent=1)
    text = json.dumps(report)
    if name.endswith("level3") and EXPECTED[name]:
        assert '"validationMode": 1' in text, "revocation was checked with the CRLs"
    if "revoked" in name:
        assert '"code": 30124' in text, "the revocation is reported"

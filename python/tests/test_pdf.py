"""Validator.verify_pdf: a signed PDF as bytes, as a path (str or Path, read
in blocks), altered, and pypdf's encrypted files with and without their
password (tests/pades/pypdf; passwords from pypdf's tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from libvalidate import FileError, InvalidArgumentError, Validator

AT = "2030-01-01T00:00:00Z"
REPO = Path(__file__).resolve().parents[2]
SIGNED = REPO / "tests/pades/example-signed.pdf"  # tests/pades/make-example.py
ENCRYPTED = REPO / "tests/pades/pypdf/r6-both-passwords.pdf"  # user foo, owner bar


def op_codes(report: object) -> list[int]:
    return [r["code"] for r in report.to_dict()["opResult"].get("resultList", [])]  # type: ignore[attr-defined]


def test_signed_pdf_from_bytes_and_paths(example_validator: Validator) -> None:
    report = example_validator.verify_pdf(SIGNED.read_bytes(), at=AT)
    assert report.is_acceptable, report.to_json()
    d = report.to_dict()
    assert d["policy"]["signature"]["type"] == "PAdES"
    entry = d["pdfSignatures"][0]
    assert entry["fieldName"] == "Sig1" and entry["coverage"] == "ENTIRE_FILE" and entry["valid"]
    again = example_validator.verify_pdf(SIGNED, at=AT)
    assert again.to_dict()["pdfSignatures"] == d["pdfSignatures"]
    assert again.is_acceptable
    # A str is PEM text or nothing: never a file name (as every other input).
    with pytest.raises(InvalidArgumentError):
        example_validator.verify_pdf(str(SIGNED), at=AT)


def test_altered_pdf_is_an_invalid_signature(example_validator: Validator) -> None:
    altered = SIGNED.read_bytes().replace(b"300 300 l", b"900 300 l", 1)
    report = example_validator.verify_pdf(altered, at=AT)
    assert not report.is_acceptable
    entry = report.to_dict()["pdfSignatures"][0]
    assert not entry["valid"]
    assert any(r["code"] == 30313 for r in entry["resultList"])


def test_passwords(example_validator: Validator) -> None:
    missing = example_validator.verify_pdf(ENCRYPTED, at=AT)
    assert op_codes(missing) == [30319] and not missing.is_acceptable
    wrong = example_validator.verify_pdf(ENCRYPTED.read_bytes(), password="baz", at=AT)
    assert op_codes(wrong) == [30325]
    for password in ("foo", "bar"):
        opened = example_validator.verify_pdf(ENCRYPTED, password=password, at=AT)
        # Opened: no password error; the file holds no signature.
        assert 30319 not in op_codes(opened) and 30325 not in op_codes(opened)
        assert opened.to_dict()["pdfSignatures"] == []


def test_bad_inputs(example_validator: Validator) -> None:
    with pytest.raises(FileError):
        example_validator.verify_pdf(Path("/nonexistent/doc.pdf"), at=AT)
    with pytest.raises(TypeError):
        example_validator.verify_pdf(12, at=AT)
    broken = example_validator.verify_pdf(b"%PDF-1.7\n", at=AT)
    assert op_codes(broken) == [30301]

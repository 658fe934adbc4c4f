"""The Python API: certificates, policies, validators, reports, chains, archive, errors."""

from __future__ import annotations

import base64
import datetime
import json
from pathlib import Path

import pytest

import libvalidate
from libvalidate import (
    BadRequestError,
    Certificate,
    FileError,
    InvalidArgumentError,
    InvalidInputError,
    MissingScopeError,
    Policy,
    Validator,
)

AT = "2030-01-01T00:00:00Z"


# ---- certificates


def test_certificate_from_every_input_form(examples: Path) -> None:
    path = examples / "chain/leaf.pem"
    pem_text = path.read_text()
    a = Certificate(path)
    b = Certificate.from_file(str(path))
    c = Certificate.from_pem(pem_text)
    d = Certificate(pem_text)
    e = Certificate.from_bytes(a.der)
    f = Certificate.from_file(path)
    assert a == b == c == d == e == f
    assert len({a, b, c}) == 1
    assert a.pem.startswith("-----BEGIN CERTIFICATE-----")
    assert Certificate(a.pem) == a
    assert a.subject == "CN=Example Code Signing,O=Example Software Ltd,C=GB"
    assert a.issuer.startswith("CN=Example Code Signing CA")


def test_load_all_reads_a_bundle(examples: Path) -> None:
    certs = Certificate.load_all(examples / "chain/chain.pem")
    assert [c.subject.split(",")[0] for c in certs] == [
        "CN=Example Code Signing",
        "CN=Example Code Signing CA",
        "CN=Example Root CA",
    ]


def test_record_is_typed_with_attribute_access(examples: Path) -> None:
    record = Certificate(examples / "chain/leaf.pem").record()
    assert isinstance(record, libvalidate.CertificateRecord)
    assert record.subject == record["Subject"]
    assert record.fingerprint_sha256_hex == record["FingerprintSHA256Hex"]
    assert record.version == 3
    eku = [e for e in record.extensions if e.oid == "2.5.29.37"][0]
    assert eku.enhanced_key_usage_oids == ["1.3.6.1.5.5.7.3.3"]
    as_dict = record.to_dict()
    assert as_dict["Subject"] == record.subject and isinstance(as_dict["Extensions"][0], dict)
    assert json.loads(record.to_json()) == as_dict
    with pytest.raises(AttributeError):
        record.no_such_field  # noqa: B018


def test_bad_certificates_raise_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as e:
        Certificate(b"\x30\x03\x02\x01\x01")
    assert e.value.status == 4 and "DER" in str(e.value)
    with pytest.raises(InvalidInputError):
        Certificate(b"")
    with pytest.raises(FileError):
        Certificate(tmp_path / "missing.pem")
    with pytest.raises(TypeError):
        Certificate(42)  # type: ignore[arg-type]
    assert issubclass(InvalidInputError, ValueError) and issubclass(FileError, OSError)


# ---- policies


def test_policy_from_json_dict_and_file(examples: Path, tmp_path: Path) -> None:
    doc = {"name": "acme", "version": "3.0.0", "trustAnchors": ["chain/root.pem"], "level": 1}
    p1 = Policy.from_json(json.dumps(doc), base_dir=examples)
    p2 = Policy.from_json(doc, base_dir=examples)
    file = tmp_path / "policy.json"
    doc["trustAnchors"] = [str(examples / "chain/root.pem")]
    file.write_text(json.dumps(doc))
    p3 = Policy.from_file(file)
    for p in (p1, p2, p3):
        assert (p.name, p.version, p.level, p.anchor_count) == ("acme", "3.0.0", 1, 1)
    assert "acme" in repr(p1)
    assert Validator(str(file)).policy.name == "acme"
    assert Validator(file).policy.name == "acme"


def test_bad_policies_raise() -> None:
    with pytest.raises(InvalidInputError, match="trustAnchors"):
        Policy.from_json('{"name": "x", "trustAnchors": []}')
    with pytest.raises(InvalidInputError, match="colour"):
        Policy.from_json('{"name": "x", "trustAnchors": [], "colour": 1}')
    with pytest.raises(InvalidInputError, match="missing.pem"):
        Policy.from_json('{"name": "x", "trustAnchors": ["missing.pem"]}')
    with pytest.raises(FileError):
        Policy.from_file("/nonexistent/policy.json")


# ---- validator and reports


def chain_request(examples: Path) -> dict:
    data = (examples / "chain/chain.pem").read_bytes()
    return {"signatureType": "X509", "certificate": base64.b64encode(data).decode()}


def test_validate_request_dict_and_text(example_validator: Validator, examples: Path) -> None:
    request = chain_request(examples)
    report = example_validator.validate(request, at=AT)
    assert isinstance(report, libvalidate.Report)
    assert report.is_acceptable and report.status == 0
    assert report.op_result.result_status == 0
    assert report.policy.name == "acme" and report.policy.version == "2.0.0"
    again = example_validator.validate(
        json.dumps(request), at=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    )
    assert again.to_dict()["policy"] == report.to_dict()["policy"]
    assert json.loads(report.to_json(indent=2)) == report.to_dict()
    assert report.results == [] or all("code" in r for r in report.results)


def test_report_parts_are_typed(example_validator: Validator, examples: Path) -> None:
    late = example_validator.validate(chain_request(examples), at="2099-01-01T00:00:00Z")
    assert isinstance(late.op_result, libvalidate.ResultPart) and late.op_result.result_status == 0
    policy = late.policy
    assert isinstance(policy, libvalidate.PolicyResult) and policy.result_status == 2
    part = policy.certificate
    assert part is not None and part.result_status == 2
    items = part.result_list
    assert items and all(isinstance(i, libvalidate.ResultItem) for i in items)
    assert all(isinstance(i.code, int) and isinstance(i.detail, str) for i in items)
    assert [i.code for i in late.results] == [r["code"] for r in late.to_dict()["policy"]["certificate"]["resultList"]]
    assert late.version == libvalidate.__version__
    assert all(isinstance(c, libvalidate.JsonObject) for c in late.certificates) and late.certificates
    refused = example_validator.validate("{not json", at=AT)
    assert refused.policy is None and refused.op_result.result_list[0].code == 30001


def test_validate_rejects_at_a_time_outside_validity(example_validator: Validator, examples: Path) -> None:
    report = example_validator.validate(chain_request(examples), at="2099-01-01T00:00:00Z")
    assert not report.is_acceptable and report.status == 2
    assert report.results, report.to_json()


def test_malformed_request_is_a_report(example_validator: Validator) -> None:
    report = example_validator.validate("{not json", at=AT)
    assert report.status == 2 and report.policy is None if "policy" in report else True
    assert "request" in report.op_result.result_list[0].detail
    report = example_validator.validate({"signatureType": "NOPE"}, at=AT)
    assert report.status == 2


def test_bad_time_raises(example_validator: Validator, examples: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="yesterday"):
        example_validator.validate(chain_request(examples), at="yesterday")
    with pytest.raises(TypeError):
        example_validator.validate(chain_request(examples), at=12)


def test_health_policy_health_statistics(example_validator: Validator, examples: Path) -> None:
    assert libvalidate.health().status == "UP"
    assert libvalidate.health().version == libvalidate.__version__
    example_validator.validate(chain_request(examples), at=AT)
    example_validator.validate("{}", at=AT)
    stats = example_validator.statistics()
    assert (stats.success, stats.failure) == (1, 1)
    health = example_validator.policy_health(at=AT)
    assert "acme" in health.to_json()


# ---- signatures


def test_cms_from_the_examples(example_validator: Validator, examples: Path) -> None:
    sig = examples / "signatures/detached.p7s"
    content = examples / "signatures/content.txt"
    report = example_validator.verify_cms(sig, content, at=AT)
    assert isinstance(report, libvalidate.Report)
    assert report.is_acceptable and report.policy.signature.type == "CAdES-Explicit", report.to_json()
    assert report.signers[0].status == 0 and report.signers[0].trust_level == 1
    assert report.signers[0].subject.dn.startswith("CN=Example Code Signing")
    bad = example_validator.verify_cms(sig.read_bytes(), b"tampered", at=AT)
    assert not bad.is_acceptable and 30205 in [r["code"] for r in bad.results]
    attached = example_validator.verify_cms(examples / "signatures/attached.p7m", at=AT)
    assert attached.is_acceptable and attached.policy.signature.type == "CAdES"
    garbage = example_validator.verify_cms(b"garbage", at=AT)
    assert garbage.status == 2 and garbage.op_result.result_list[0].code == 30002


def test_verify_many_equals_one_by_one_in_order(example_validator: Validator, examples: Path) -> None:
    """One call for many signatures (on every core, without the GIL): the
    reports equal verify_cms's, in input order."""
    sig = (examples / "signatures/detached.p7s").read_bytes()
    content = (examples / "signatures/content.txt").read_bytes()
    attached = examples / "signatures/attached.p7m"
    inputs = [(sig, content), (sig, b"tampered"), attached, b"garbage"] * 8
    reports = example_validator.verify_many(inputs, at=AT)
    assert len(reports) == len(inputs)
    expected = [
        example_validator.verify_cms(*(i if isinstance(i, tuple) else (i,)), at=AT) for i in inputs
    ]
    assert [r.to_dict() for r in reports] == [e.to_dict() for e in expected]
    assert [r.is_acceptable for r in reports[:4]] == [True, False, True, False]
    requests = [chain_request(examples), "{not json"] * 4
    many = example_validator.validate_many(requests, at=AT)
    assert [r.to_dict() for r in many] == [example_validator.validate(r, at=AT).to_dict() for r in requests]
    assert example_validator.verify_many([], at=AT) == []
    with pytest.raises(TypeError):
        example_validator.verify_many([(sig, content, b"extra")], at=AT)


def test_every_door_gives_the_request_report(example_validator: Validator, examples: Path) -> None:
    """verify_cms, validate_certificates and validate give the same report
    for the same input (one engine behind every door)."""
    sig = (examples / "signatures/detached.p7s").read_bytes()
    content = (examples / "signatures/content.txt").read_bytes()
    direct = example_validator.verify_cms(sig, content, at=AT)
    request = {
        "signatureType": "CAdES-Explicit",
        "signature": base64.b64encode(sig).decode(),
        "signedText": base64.b64encode(content).decode(),
        "signedTextPack": "BASE64",
    }
    assert example_validator.validate(request, at=AT).to_dict() == direct.to_dict()
    chain = (examples / "chain/chain.pem").read_bytes()
    assert (
        example_validator.validate_certificates(chain, at=AT).to_dict()
        == example_validator.validate(chain_request(examples), at=AT).to_dict()
    )


def test_inputs_are_never_guessed(examples: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="pathlib.Path"):
        Certificate("examples/chain/leaf.pem")
    assert Certificate(examples / "chain/leaf.pem") == Certificate.from_file("examples/chain/leaf.pem")
    pem = (examples / "chain/leaf.pem").read_text()
    assert Certificate.from_pem(pem) == Certificate.from_pem(pem.encode())
    with pytest.raises(InvalidInputError):
        Certificate.from_pem(b"not pem")
    with pytest.raises(TypeError):
        Certificate.from_pem(12)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="naive"):
        libvalidate.validate_chain(
            examples / "chain/leaf.pem", None, examples / "chain/root.pem", at=datetime.datetime(2030, 1, 1)
        )


def test_certificate_accessors(examples: Path) -> None:
    leaf = Certificate(examples / "chain/leaf.pem")
    assert leaf.not_valid_before < leaf.not_valid_after
    assert leaf.not_valid_before.tzinfo is datetime.timezone.utc
    assert leaf.public_key_oid == "1.2.840.113549.1.1.1"
    assert leaf.signature_algorithm_oid == "1.2.840.113549.1.1.11"
    bc = leaf.extension("2.5.29.19")
    assert bc is not None and bc["CertificateAuthority"] is False
    assert leaf.extension("1.2.3") is None


# ---- chains


def test_validate_chain(examples: Path) -> None:
    chain = examples / "chain"
    result = libvalidate.validate_chain(
        chain / "leaf.pem", chain / "intermediate.pem", chain / "root.pem", at=AT, purposes="code-signing"
    )
    assert result.valid and result.status_flags == []
    assert [r.subject.split(",")[0] for r in result.chain] == [
        "CN=Example Code Signing",
        "CN=Example Code Signing CA",
        "CN=Example Root CA",
    ]
    assert isinstance(result.chain[0], libvalidate.CertificateRecord)
    partial = libvalidate.validate_chain(chain / "leaf.pem", None, chain / "root.pem", at=AT)
    assert not partial.valid and "PartialChain" in partial.status_flags
    server = libvalidate.validate_chain(
        chain / "leaf.pem", [chain / "intermediate.pem"], [chain / "root.pem"], at=AT, purposes=["server-auth"]
    )
    assert not server.valid and "NotValidForUsage" in server.status_flags
    with pytest.raises(InvalidInputError):
        libvalidate.validate_chain(chain / "leaf.pem", None, chain / "root.pem", purposes=["nope"])
    with pytest.raises(InvalidArgumentError):
        libvalidate.validate_chain(chain / "leaf.pem", None, chain / "root.pem", profile="strict")


# ---- archive

ENTRIES = [
    {"Timestamp": "2022-11-28T22:44:18Z", "Project": "\\VED\\Projects\\A", "Machine": "build-1"},
    {"Timestamp": "2022-11-29T10:00:00Z", "Project": "\\VED\\Projects\\B", "Machine": "build-2"},
    {"Timestamp": "2022-11-30T10:00:00Z", "Project": "\\VED\\Projects\\A", "Machine": "laptop"},
]


def test_archive_record_and_query(tmp_path: Path) -> None:
    archive = libvalidate.Archive(tmp_path / "archive.db")
    assert archive.record(*ENTRIES[:2]) == [1, 2]
    assert archive.record_jsonl(json.dumps(ENTRIES[2]) + "\n\n") == [3]
    everything = archive.query()
    assert everything.total_count == 3 and everything.success
    page = archive.query({"ArchiveFilter": {"Machine": "build%"}, "PageSize": 1, "Page": 2})
    assert page.total_count == 2 and page.page_number == 2
    assert [e.machine for e in page.archive_results] == ["build-2"]
    auditor = archive.query("{}", role="code-signing-auditor", projects=["\\VED\\Projects\\B"])
    assert auditor.total_count == 1
    reopened = libvalidate.Archive(tmp_path / "archive.db")
    assert reopened.query().total_count == 3


def test_archive_errors(tmp_path: Path) -> None:
    archive = libvalidate.Archive(tmp_path / "archive.db")
    with pytest.raises(BadRequestError) as e:
        archive.query({"PageSize": 0})
    assert e.value.body["error"] and e.value.error_description
    assert set(e.value.body) == {"error", "error_description"}
    with pytest.raises(BadRequestError):
        archive.query("[1, 2]")
    with pytest.raises(MissingScopeError):
        archive.query(scope="Other:Scope")
    with pytest.raises(InvalidArgumentError, match="king"):
        archive.query(role="king")
    with pytest.raises(InvalidArgumentError):
        archive.record({"Timestamp": "2022-11-28T22:44:18Z", "IpAddress": "typo"})
    archive.record({"Timestamp": "2022-11-28T22:44:18Z", "ArchiveEntryId": 7})
    with pytest.raises(libvalidate.ArchiveError):
        archive.record({"Timestamp": "2022-11-28T22:44:18Z", "ArchiveEntryId": 7})
    with pytest.raises(libvalidate.ArchiveError):
        libvalidate.Archive(tmp_path / "missing-dir" / "a.db")


def test_doctests_of_the_module() -> None:
    import doctest

    result = doctest.testmod(libvalidate)
    assert result.attempted > 0 and result.failed == 0


def test_verify_xml_enveloped_signature(example_validator: Validator, examples: Path) -> None:
    # tests/xades/example-signed.xml: made by xmlsec1 with the example leaf
    # (tests/xades/make-example.sh).
    path = examples.parent / "tests/xades/example-signed.xml"
    report = example_validator.verify_xml(path, at=AT)
    assert report.is_acceptable, report.to_json()
    assert report.policy.signature.type == "XAdES"
    scope = report.to_dict()["signedScope"][0]
    assert scope["scope"] == "FULL" and scope["signedNodes"][0]["node"] == "/"
    altered = path.read_bytes().replace(b"1250.00", b"9250.00")
    bad = example_validator.verify_xml(altered, at=AT)
    assert not bad.is_acceptable
    assert any(r["code"] == 30405 for r in bad.to_dict()["policy"]["signature"]["resultList"])
    dtd = example_validator.verify_xml(b"<!DOCTYPE a><a/>", at=AT)
    assert not dtd.is_acceptable and "DOCTYPE" in dtd.to_json()


def test_code_signing_package_and_certificate_records(example_validator: Validator, examples: Path) -> None:
    # A real nuget.org package (tests/codesign/nuget/, NuGet.Client test
    # assets): author-signed by Microsoft with a nuget.org repository
    # countersignature. The example policy trusts none of its roots.
    package = examples.parent / "tests/codesign/nuget/nuget.versioning.5.0.0.nupkg"
    report = example_validator.verify_code_signing(package, at=AT)
    assert not report.is_acceptable
    assert report.policy.signature.type == "NuGet"
    details = [r.get("detail", "") for r in report.to_dict()["policy"]["signature"]["resultList"]]
    assert any("NU3028" in d for d in details), details
    records = example_validator.signature_records(package, at=AT)
    subjects = [r.to_dict()["Subject"] for r in records]
    assert any("CN=Microsoft Corporation" in s for s in subjects)
    assert len(subjects) == len(set(r.to_dict()["Fingerprint"] for r in records))
    signing = [r.to_dict() for r in records if r.to_dict()["CodeSigningStatus"] is not None]
    stamping = [r.to_dict() for r in records if r.to_dict()["TimestampingStatus"] is not None]
    assert signing and stamping
    assert all(r["CodeSigningStatus"] == "Invalid" and "UntrustedRoot" in r["CodeSigningStatusFlags"] for r in signing)
    with pytest.raises(libvalidate.InvalidInputError):
        example_validator.verify_code_signing(b"neither a package nor a PE file", at=AT)

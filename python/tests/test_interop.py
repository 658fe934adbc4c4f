"""Interoperability with pyca/cryptography: certificates and signatures made
by cryptography inside the tests are validated by libvalidate, and both
libraries agree on fingerprints and serials."""

from __future__ import annotations

import datetime

import pytest
from conftest import NOW, Issued, Pki, iso, make_cert
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID

import libvalidate
from libvalidate import Certificate, InvalidInputError, Validator


def test_fingerprints_serials_and_names_agree(pki: Pki) -> None:
    for issued in (pki.root, pki.intermediate, pki.leaf, pki.leaf_ec):
        ours = Certificate(issued.der)
        theirs = issued.cert
        assert ours.fingerprint_sha256 == theirs.fingerprint(hashes.SHA256())
        assert ours.fingerprint_sha1 == theirs.fingerprint(hashes.SHA1())
        assert ours.serial_number == theirs.serial_number
        assert ours.subject == theirs.subject.rfc4514_string()
        assert ours.issuer == theirs.issuer.rfc4514_string()
        record = ours.record()
        assert record.not_after == iso(theirs.not_valid_after_utc)
        assert record.not_before == iso(theirs.not_valid_before_utc)
        assert record.signature_algorithm_oid == theirs.signature_algorithm_oid.dotted_string
        assert Certificate(issued.pem) == ours


def test_cryptography_chain_validates(pki: Pki) -> None:
    result = libvalidate.validate_chain(pki.leaf.der, [pki.intermediate.pem], pki.root.pem, purposes=["code-signing"], at=NOW)
    assert result.valid, result.to_json()
    assert [r.fingerprint_sha256_hex for r in result.chain] == [
        i.cert.fingerprint(hashes.SHA256()).hex().upper() for i in (pki.leaf, pki.intermediate, pki.root)
    ]
    later = libvalidate.validate_chain(pki.leaf.der, [pki.intermediate.pem], pki.root.pem, at=NOW.replace(year=NOW.year + 5))
    assert not later.valid and "NotTimeValid" in later.status_flags


def test_chain_to_another_root_is_untrusted(pki: Pki) -> None:
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = make_cert("Other Root", other_key, None, ca=True)
    result = libvalidate.validate_chain(pki.leaf.der, pki.intermediate.der, other.public_bytes(serialization.Encoding.PEM), at=NOW)
    assert not result.valid


def test_cryptography_certificate_request_validates(validator: Validator, pki: Pki) -> None:
    report = validator.validate_certificates([pki.leaf.der], at=NOW)
    assert report.is_acceptable, report.to_json()
    assert report.policy.name == "interop"


def test_expired_cryptography_certificate_is_rejected(validator: Validator, pki: Pki) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    old = make_cert(
        "Expired Signer",
        key,
        pki.intermediate,
        ca=False,
        eku=[ExtendedKeyUsageOID.CODE_SIGNING],
        not_before=NOW - datetime.timedelta(days=30),
        not_after=NOW - datetime.timedelta(days=1),
    )
    report = validator.validate_certificates([Issued(key, old).der], at=NOW)
    assert not report.is_acceptable


def test_raw_signatures_made_by_cryptography(validator: Validator, pki: Pki) -> None:
    data = b"release-1.2.3.tar.gz contents"
    rsa_sig = pki.leaf.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    ok = validator.verify_pkcs1(data, rsa_sig, pki.leaf.der, "SHA256withRSA", at=NOW)
    assert ok.is_acceptable, ok.to_json()
    pss = pki.leaf.key.sign(
        data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
    )
    assert validator.verify_pkcs1(data, pss, pki.leaf.pem, "SHA256withRSA/PSS", at=NOW).is_acceptable
    ecdsa_sig = pki.leaf_ec.key.sign(data, ec.ECDSA(hashes.SHA256()))
    assert validator.verify_pkcs1(data, ecdsa_sig, pki.leaf_ec.der, "SHA256withECDSA", at=NOW).is_acceptable
    tampered = validator.verify_pkcs1(data + b"!", rsa_sig, pki.leaf.der, "SHA256withRSA", at=NOW)
    assert not tampered.is_acceptable and 30018 in [r["code"] for r in tampered.results]
    md5 = validator.verify_pkcs1(data, rsa_sig, pki.leaf.der, "MD5withRSA", at=NOW)
    assert md5.status == 2 and "MD5withRSA" in md5.op_result.result_list[0].detail


@pytest.mark.parametrize("which", ["leaf", "leaf_ec"])
@pytest.mark.parametrize("detached", [True, False])
def test_cms_made_by_cryptography(validator: Validator, pki: Pki, which: str, detached: bool) -> None:
    signer: Issued = getattr(pki, which)
    data = b"signed by cryptography\n"
    # Binary: sign the bytes as they are (without it cryptography signs the
    # S/MIME canonical form, with CRLF line ends).
    options = [pkcs7.PKCS7Options.Binary]
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    p7s = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(signer.cert, signer.key, hashes.SHA256())
        .add_certificate(pki.intermediate.cert)
        .sign(serialization.Encoding.DER, options)
    )
    result = validator.verify_cms(p7s, data if detached else None, at=NOW)
    assert result.is_acceptable, result.to_json()
    assert result.policy.signature.type == ("CAdES-Explicit" if detached else "CAdES")
    assert result.signers[0].thumb_print == signer.cert.fingerprint(hashes.SHA1()).hex()
    if detached:
        assert not validator.verify_cms(p7s, b"other content", at=NOW).is_acceptable

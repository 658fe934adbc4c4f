"""Fixtures: the repository's examples, and a PKI made with pyca/cryptography."""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"
# The time every certificate made here is dated from and validated at: fixed,
# so that no verdict depends on the clock.
NOW = datetime.datetime(2027, 6, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the examples are relative to the repository's top folder."""
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="session")
def examples() -> Path:
    return REPO / "examples"


@pytest.fixture(scope="session")
def c_doors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The C door of the cross-door tests (tests/c/doors.c), compiled against
    target/debug/libvalidate.so (`tests/run-all.sh` builds it first)."""
    assert (TARGET / "libvalidate.so").exists(), f"{TARGET / 'libvalidate.so'} is missing: run tests/run-all.sh"
    exe = tmp_path_factory.mktemp("c-doors") / "c-doors"
    subprocess.run(
        [
            "gcc",
            "-Wall",
            "-Werror",
            str(REPO / "tests/c/doors.c"),
            f"-I{REPO / 'include'}",
            f"-L{TARGET}",
            "-lvalidate",
            f"-Wl,-rpath,{TARGET}",
            "-o",
            str(exe),
        ],
        check=True,
    )
    return exe


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(
    subject: str,
    key: Any,
    issuer: "Issued | None",
    *,
    ca: bool,
    eku: "list[x509.ObjectIdentifier] | None" = None,
    not_before: datetime.datetime = NOW - datetime.timedelta(days=1),
    not_after: datetime.datetime = NOW + datetime.timedelta(days=365),
) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.cert.subject if issuer else _name(subject))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign((issuer.key if issuer else key), hashes.SHA256())


@dataclass
class Issued:
    key: Any
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


@dataclass
class Pki:
    root: Issued
    intermediate: Issued
    leaf: Issued  # RSA 2048, code signing
    leaf_ec: Issued  # P-256, code signing


@pytest.fixture(scope="session")
def pki() -> Pki:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = Issued(root_key, make_cert("Interop Root", root_key, None, ca=True))
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = Issued(inter_key, make_cert("Interop CA", inter_key, root, ca=True))
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = Issued(
        leaf_key, make_cert("Interop Signer", leaf_key, inter, ca=False, eku=[ExtendedKeyUsageOID.CODE_SIGNING])
    )
    ec_key = ec.generate_private_key(ec.SECP256R1())
    leaf_ec = Issued(
        ec_key, make_cert("Interop EC Signer", ec_key, inter, ca=False, eku=[ExtendedKeyUsageOID.CODE_SIGNING])
    )
    return Pki(root, inter, leaf, leaf_ec)


@pytest.fixture()
def validator(pki: Pki) -> Any:
    import libvalidate

    policy = libvalidate.Policy.trusting(pki.root.pem, name="interop", intermediates=[pki.intermediate.pem.decode()])
    return libvalidate.Validator(policy)


@pytest.fixture()
def example_validator() -> Any:
    import libvalidate

    return libvalidate.Validator(
        {"name": "acme", "version": "2.0.0", "trustAnchors": [str(REPO / "examples/chain/root.pem")]}
    )


def iso(t: datetime.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")



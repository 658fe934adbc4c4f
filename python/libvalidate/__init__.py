"""libvalidate: validation of X.509 certificates and digital signatures.

Python bindings of the ``validate`` library. Every check is done by the
Rust core; this package translates Python values (bytes, PEM text, paths,
dicts) and exceptions. Validation releases the GIL, so threads validate in
parallel.

>>> import pathlib, libvalidate
>>> policy = libvalidate.Policy.from_json(
...     '{"name": "acme", "trustAnchors": ["examples/chain/root.pem"]}')
>>> validator = libvalidate.Validator(policy)
>>> chain = libvalidate.Certificate.load_all(pathlib.Path("examples/chain/chain.pem"))
>>> report = validator.validate_certificates(chain, at="2030-01-01T00:00:00Z")
>>> report.is_acceptable
True
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import pathlib
import re
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _libvalidate as _native

__all__ = [
    "Archive",
    "ArchiveError",
    "BadRequestError",
    "Certificate",
    "CertificateRecord",
    "ChainResult",
    "FileError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidInputError",
    "JsonObject",
    "MAX_FILE_SIZE",
    "MissingScopeError",
    "Policy",
    "PolicyResult",
    "Report",
    "ResultItem",
    "ResultPart",
    "SignatureResult",
    "ValidateError",
    "Validator",
    "health",
    "validate_chain",
]

__version__: str = _native.__version__

PathLike = Union[str, "os.PathLike[str]"]

#: Largest file read from a path (64 MiB, the CLI's and the C ABI's limit
#: for every input file): reading stops one byte past it with an
#: ``InvalidInputError`` naming the input and the limit, so ``/dev/zero`` or
#: a FIFO that never ends costs the limit, not memory without bound.
MAX_FILE_SIZE: int = 64 * 1024 * 1024
CertificateInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", "Certificate"]


# --------------------------------------------------------------------------
# Exceptions


class ValidateError(Exception):
    """Base class of the errors of libvalidate: input that could not be processed.

    A signature that does not verify or a chain that does not validate is
    *not* an error: it is a result whose ``valid`` / status says so.
    ``status`` is the C ABI's status code.
    """

    status: int

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class InvalidArgumentError(ValidateError, ValueError):
    """An argument is not acceptable (a bad option, time, role or entry)."""


class InvalidInputError(ValidateError, ValueError):
    """Input the core cannot process: malformed DER/PEM, no certificate, a bad
    policy, an unsupported algorithm name."""


class FileError(ValidateError, OSError):
    """A file could not be read."""


class ArchiveError(ValidateError):
    """The archive failed (storage, schema, duplicate id, invalid entry)."""


class BadRequestError(ArchiveError, ValueError):
    """An archive query is a bad request (HTTP 400 in the seed).

    ``body`` is the seed's ``{"error", "error_description"}`` body.
    """

    body: Dict[str, str]

    def __init__(self, message: str, status: int = 7, body: Optional[Dict[str, str]] = None) -> None:
        super().__init__(message, status)
        self.body = body or {}

    @property
    def error(self) -> str:
        """The reason."""
        return self.body.get("error", "")

    @property
    def error_description(self) -> str:
        """How to retry the request."""
        return self.body.get("error_description", "")


class MissingScopeError(ArchiveError, PermissionError):
    """The caller's token lacks the ``Codesign:Manage`` scope."""


class InternalError(ValidateError):
    """An internal error (a bug in the library) was caught."""


_BY_STATUS = {
    1: InvalidArgumentError,
    2: InvalidArgumentError,
    3: InvalidArgumentError,
    4: InvalidInputError,
    5: FileError,
    6: ArchiveError,
    7: BadRequestError,
    8: MissingScopeError,
    9: InternalError,
}


def _call(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except _native.NativeError as e:
        status, message, body = e.args
        cls = _BY_STATUS.get(status, ValidateError)
        if cls is BadRequestError:
            raise BadRequestError(message, status, json.loads(body) if body else None) from None
        raise cls(message, status) from None


# --------------------------------------------------------------------------
# JSON results with attribute access

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def _snake(name: str) -> str:
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return JsonObject(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class JsonObject(Mapping[str, Any]):
    """A JSON object of a result, read-only, with attribute access.

    Keys keep the names of the seed documents (``opResult``,
    ``FingerprintSHA256Hex``); attributes are their snake_case forms
    (``op_result``, ``fingerprint_sha256_hex``). Item access takes the
    original names.
    """

    __slots__ = ("_data", "_names")

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data
        self._names = {_snake(k): k for k in data}

    def __getattr__(self, name: str) -> Any:
        try:
            key = self._names[name]
        except KeyError:
            if name in self._data:
                key = name
            else:
                raise AttributeError(
                    f"{type(self).__name__} has no attribute {name!r}; keys: {sorted(self._data)}"
                ) from None
        return _wrap(self._data[key])

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(self._names) | set(super().__dir__()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object as plain Python values (a deep copy)."""
        result: Dict[str, Any] = json.loads(json.dumps(self._data))
        return result

    def to_json(self, indent: Optional[int] = None) -> str:
        """The JSON text."""
        return json.dumps(self._data, indent=indent)


class ResultItem(JsonObject):
    """One ``{"code", "detail"}`` item of a result list (docs/result-codes.md)."""

    @property
    def code(self) -> int:
        """The result code."""
        return int(self._data["code"])

    @property
    def detail(self) -> str:
        """What was found, and where."""
        return str(self._data.get("detail", ""))


class ResultPart(JsonObject):
    """A part of the report with a status and its items: ``opResult``,
    ``policy.certificate``, ``policy.signature``."""

    @property
    def result_status(self) -> int:
        """0 SUCCESS, 1 WARNING, 2 ERROR."""
        return int(self._data["resultStatus"])

    @property
    def result_list(self) -> List[ResultItem]:
        """The items, in the order found."""
        return [ResultItem(r) for r in self._data.get("resultList", [])]


class SignatureResult(ResultPart):
    """``policy.signature``: the signature checks of the policy."""

    @property
    def type(self) -> str:
        """The signature type (``CAdES``, ``XAdES``, ``PAdES``, ``RFC3161``, ...)."""
        return str(self._data.get("type", ""))


class PolicyResult(ResultPart):
    """``policy``: the policy applied and the worst of its parts."""

    @property
    def name(self) -> str:
        """The policy name."""
        return str(self._data.get("name", ""))

    @property
    def version(self) -> str:
        """The policy version."""
        return str(self._data.get("version", ""))

    @property
    def certificate(self) -> Optional[ResultPart]:
        """The certificate checks, when the report has them."""
        part = self._data.get("certificate")
        return ResultPart(part) if part is not None else None

    @property
    def signature(self) -> Optional[SignatureResult]:
        """The signature checks, when the report has them."""
        part = self._data.get("signature")
        return SignatureResult(part) if part is not None else None


class Report(JsonObject):
    """The validation report of the service seed (``version``, ``opResult``,
    ``policy``, ``signers``, ``certificates``; docs/report.md), with typed
    accessors for its parts; other keys (``signed_scope``,
    ``pdf_signatures``) read as attributes."""

    @property
    def version(self) -> str:
        """The library version that wrote the report."""
        return str(self._data["version"])

    @property
    def op_result(self) -> ResultPart:
        """Whether the request could be processed."""
        return ResultPart(self._data["opResult"])

    @property
    def policy(self) -> Optional[PolicyResult]:
        """The policy's verdict; None when ``op_result`` is ERROR."""
        part = self._data.get("policy")
        return PolicyResult(part) if part else None

    @property
    def signers(self) -> List[JsonObject]:
        """One entry per signer (signatures), in signature order."""
        return [JsonObject(s) for s in self._data.get("signers") or []]

    @property
    def certificates(self) -> List[JsonObject]:
        """The certificates of a P7B / X509 request, as the seed's webCertificate."""
        return [JsonObject(c) for c in self._data.get("certificates") or []]

    @property
    def status(self) -> int:
        """The worst of ``opResult`` and ``policy`` result statuses: 0 SUCCESS,
        1 WARNING, 2 ERROR."""
        statuses = [int(self._data["opResult"]["resultStatus"])]
        if self._data.get("policy"):
            statuses.append(int(self._data["policy"]["resultStatus"]))
        return max(statuses)

    @property
    def is_acceptable(self) -> bool:
        """True when both ``opResult`` and ``policy`` are below ERROR (the seed's rule)."""
        return self.status < 2

    @property
    def results(self) -> List[ResultItem]:
        """Every ``(code, detail)`` item of ``opResult`` and the policy parts."""
        items = list(self._data["opResult"].get("resultList", []))
        policy = self._data.get("policy") or {}
        items += policy.get("resultList", [])
        for part in ("certificate", "signature"):
            items += (policy.get(part) or {}).get("resultList", [])
        return [ResultItem(r) for r in items]


class CertificateRecord(JsonObject):
    """The certificate record of the certificates table (``Fingerprint``,
    ``FingerprintSHA256Hex``, ``Subject``, ``SerialNumber``, ``Extensions``, ...)."""


class ChainResult(JsonObject):
    """A chain validation: ``valid``, ``chain`` (records, leaf first),
    ``status_flags``, ``results``, ``rejected_paths``."""

    @property
    def chain(self) -> List[CertificateRecord]:
        """The path's certificate records, end entity first."""
        return [CertificateRecord(r) for r in self._data["chain"]]


# --------------------------------------------------------------------------
# Inputs


def _bytes(value: Any, what: str) -> bytes:
    """bytes-like as is; str holding PEM as its text; a path (``os.PathLike``,
    e.g. ``pathlib.Path``) as the file's bytes. A str that is not PEM is
    refused: it is never taken for a file name."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, Certificate):
        return value.der
    if isinstance(value, str):
        if "-----BEGIN" in value:
            return value.encode("ascii", errors="strict")
        raise InvalidArgumentError(
            f"{what}: a str must be PEM text; pass a pathlib.Path to read a file", 3
        )
    if isinstance(value, os.PathLike):
        try:
            with open(value, "rb") as f:
                data = f.read(MAX_FILE_SIZE + 1)
        except OSError as e:
            raise FileError(f"{what}: {e}", 5) from e
        if len(data) > MAX_FILE_SIZE:
            # The exception's traceback keeps this frame: drop the buffer
            # first, so that a caller holding the error does not hold it.
            del data
            raise InvalidInputError(
                f"{what}: {os.fspath(value)!r} is over the limit of {MAX_FILE_SIZE} bytes for an input file",
                4,
            )
        return data
    raise TypeError(f"{what}: expected bytes, PEM text or a pathlib.Path, not {type(value).__name__}")


def _many(values: Any, what: str) -> bytes:
    """Certificates as one buffer: a single input, or a sequence of inputs."""
    if values is None:
        return b""
    if isinstance(values, (bytes, bytearray, memoryview, str, os.PathLike, Certificate)):
        return _bytes(values, what)
    pems = [c.pem for v in values for c in Certificate.load_all(v)]
    return "".join(pems).encode("ascii")


def _at(at: Any) -> Optional[str]:
    """The validation time: None (now), RFC 3339 text, or an aware datetime
    (a naive one is refused: its zone would be a guess)."""
    if at is None or isinstance(at, str):
        return at
    if isinstance(at, datetime.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidArgumentError("at: the datetime is naive; give it a tzinfo (e.g. timezone.utc)", 3)
        return at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    raise TypeError(f"at: expected an RFC 3339 string or an aware datetime, not {type(at).__name__}")


def _parse_time(text: str) -> datetime.datetime:
    """An RFC 3339 UTC time of a record (``2030-01-01T00:00:00Z``)."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def _purposes(purposes: Union[str, Sequence[str]]) -> List[str]:
    """One purpose or a sequence of them."""
    if isinstance(purposes, str):
        return [purposes]
    if isinstance(purposes, (bytes, bytearray)):
        raise TypeError("purposes: expected a str or a sequence of str")
    return [str(p) for p in purposes]


# --------------------------------------------------------------------------
# Certificates


class Certificate:
    """An X.509 certificate.

    Make one from DER bytes, PEM text or bytes, or a file path; a bundle
    holding several certificates gives the first (use :meth:`load_all` for
    every one).
    """

    __slots__ = ("_der", "_record")

    def __init__(self, data: CertificateInput) -> None:
        certs = Certificate.load_all(data)
        self._der: bytes = certs[0]._der
        self._record: Optional[CertificateRecord] = certs[0]._record

    @classmethod
    def _from_record(cls, record: Dict[str, Any]) -> "Certificate":
        cert = object.__new__(cls)
        cert._der = base64.b64decode(record["RawData"])
        cert._record = CertificateRecord(record)
        return cert

    @staticmethod
    def load_all(data: CertificateInput) -> List["Certificate"]:
        """Every certificate of ``data`` (DER, PEM, concatenated DER, PKCS#7 bundle)."""
        if isinstance(data, Certificate):
            return [data]
        records = json.loads(_call(_native.certificate_records, _bytes(data, "certificate")))
        return [Certificate._from_record(r) for r in records]

    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview]) -> "Certificate":
        """From DER or PEM bytes."""
        return cls(bytes(data))

    @classmethod
    def from_pem(cls, pem: Union[str, bytes]) -> "Certificate":
        """From PEM (text or bytes); anything else is an InvalidInputError."""
        if isinstance(pem, str):
            data = pem.encode("ascii", errors="strict")
        elif isinstance(pem, (bytes, bytearray, memoryview)):
            data = bytes(pem)
        else:
            raise TypeError(f"from_pem: expected str or bytes, not {type(pem).__name__}")
        if b"-----BEGIN" not in data:
            raise InvalidInputError("from_pem: no PEM block ('-----BEGIN ...')", 4)
        return cls(data)

    @classmethod
    def from_der(cls, der: Union[bytes, bytearray, memoryview]) -> "Certificate":
        """From DER bytes."""
        if not isinstance(der, (bytes, bytearray, memoryview)):
            raise TypeError(f"from_der: expected bytes, not {type(der).__name__}")
        return cls(bytes(der))

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Certificate":
        """From a file (DER or PEM)."""
        return cls(_bytes(pathlib.Path(path), str(path)))

    @property
    def der(self) -> bytes:
        """The DER encoding."""
        return self._der

    @property
    def pem(self) -> str:
        """The PEM encoding."""
        b64 = base64.b64encode(self._der).decode()
        lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"

    def record(self) -> CertificateRecord:
        """The certificate record of the certificates table."""
        if self._record is None:
            self._record = Certificate.load_all(self._der)[0]._record
        assert self._record is not None
        return self._record

    @property
    def subject(self) -> str:
        """The subject, RFC 4514."""
        return str(self.record()["Subject"])

    @property
    def issuer(self) -> str:
        """The issuer, RFC 4514."""
        return str(self.record()["Issuer"])

    @property
    def serial_number(self) -> int:
        """The serial number as an integer (as ``cryptography`` gives it)."""
        return int(self.record()["SerialNumber"], 16)

    @property
    def fingerprint_sha256(self) -> bytes:
        """The SHA-256 fingerprint."""
        return bytes.fromhex(self.record()["FingerprintSHA256Hex"])

    @property
    def fingerprint_sha1(self) -> bytes:
        """The SHA-1 fingerprint."""
        return bytes.fromhex(self.record()["FingerprintSHA1Hex"])

    @property
    def not_valid_before(self) -> datetime.datetime:
        """notBefore, an aware UTC datetime."""
        return _parse_time(self.record()["NotBefore"])

    @property
    def not_valid_after(self) -> datetime.datetime:
        """notAfter, an aware UTC datetime."""
        return _parse_time(self.record()["NotAfter"])

    @property
    def public_key_oid(self) -> str:
        """The public key algorithm OID (dotted)."""
        return str(self.record()["PublicKeyOid"])

    @property
    def signature_algorithm_oid(self) -> str:
        """The signature algorithm OID (dotted)."""
        return str(self.record()["SignatureAlgorithmOid"])

    @property
    def extensions(self) -> List[JsonObject]:
        """The extensions as the certificates table gives them (``oid``,
        ``critical``, ``recognized``, and the projections of basic
        constraints, key usage, extended key usage and key identifiers)."""
        return [JsonObject(e) for e in self.record()["Extensions"]]

    def extension(self, oid: str) -> Optional[JsonObject]:
        """The extension with this dotted OID, if present."""
        return next((e for e in self.extensions if e["Oid"] == oid), None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other._der == self._der

    def __hash__(self) -> int:
        return hash(self._der)

    def __repr__(self) -> str:
        return f"Certificate(subject={self.subject!r}, serial={self.record()['SerialNumber']})"


# --------------------------------------------------------------------------
# Policies and validators


class Policy:
    """A validation policy (docs/policy.md): name, version, trust anchors,
    level, purpose, profile, algorithms, time source."""

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def from_json(cls, text: Union[str, Mapping[str, Any]], base_dir: Optional[PathLike] = None) -> "Policy":
        """From a policy file's JSON (text or dict); file names in it are
        relative to ``base_dir`` (default: the current directory)."""
        if not isinstance(text, str):
            text = json.dumps(dict(text))
        return cls(_call(_native.NativePolicy.from_json, text, os.fspath(base_dir) if base_dir else None))

    @classmethod
    def from_file(cls, path: PathLike) -> "Policy":
        """From a policy file; names in it are relative to its folder."""
        return cls(_call(_native.NativePolicy.from_file, os.fspath(path)))

    @classmethod
    def trusting(cls, anchors: Any, name: str = "default", **settings: Any) -> "Policy":
        """A policy trusting ``anchors`` (certificates, PEM, bytes or paths);
        ``settings`` are the file's other keys (``purpose="any"``, ``level=0``, ...)."""
        pems = [c.pem for c in Certificate.load_all(_many(anchors, "anchors"))]
        doc = {"name": name, "trustAnchors": pems}
        doc.update(settings)
        return cls.from_json(json.dumps(doc))

    @property
    def name(self) -> str:
        """The policy name."""
        return str(self._native.name)

    @property
    def version(self) -> str:
        """The policy version."""
        return str(self._native.version)

    @property
    def level(self) -> int:
        """The validation level, 0 to 3."""
        return int(self._native.level)

    @property
    def anchor_count(self) -> int:
        """How many trust anchors the policy holds."""
        return int(self._native.anchor_count)

    def __repr__(self) -> str:
        return f"Policy(name={self.name!r}, version={self.version!r}, anchors={self.anchor_count})"


class Validator:
    """Validates requests and signatures against one policy.

    Thread-safe: share one per policy; each call releases the GIL.
    ``policy`` is a :class:`Policy`, the JSON text or dict of a policy file,
    or a path to one.
    """

    __slots__ = ("_native", "policy")

    def __init__(self, policy: Union[Policy, str, Mapping[str, Any], "os.PathLike[str]"]) -> None:
        if isinstance(policy, Policy):
            self.policy = policy
        elif isinstance(policy, Mapping) or (isinstance(policy, str) and policy.lstrip().startswith("{")):
            self.policy = Policy.from_json(policy)
        else:
            self.policy = Policy.from_file(policy)
        self._native = _native.NativeValidator(self.policy._native)

    def validate(self, request: Union[str, Mapping[str, Any]], at: Any = None) -> Report:
        """Validates a request in the service's shape (dict or JSON text) at
        ``at`` (RFC 3339 text or datetime; default now) and returns the report.
        A malformed request gives a report whose ``op_result`` says why."""
        text = request if isinstance(request, str) else json.dumps(dict(request))
        return Report(json.loads(_call(self._native.validate_json, text, _at(at))))

    def validate_certificates(self, certificates: Any, at: Any = None) -> Report:
        """Validates certificates (a certificate, bytes, PEM, a path, or a
        sequence of them; leaf first) as a P7B / X509 request does."""
        data = _many(certificates, "certificates")
        return Report(json.loads(_call(self._native.validate_certificates, data, _at(at))))

    def verify_cms(self, signature: Any, content: Any = None, at: Any = None) -> Report:
        """Verifies a CMS SignedData (DER, BER or PEM; bytes or a path) as a
        CAdES request does; ``content`` is the detached content (bytes or a
        path). The seed's report."""
        sig = _bytes(signature, "signature")
        data = None if content is None else _bytes(content, "content")
        return Report(json.loads(_call(self._native.verify_cms, sig, data, _at(at))))

    def verify_many(self, inputs: Iterable[Any], at: Any = None) -> List[Report]:
        """Verifies many CMS SignedData in one call, on every core and
        without the GIL: ``inputs`` holds signatures, or (signature,
        content) pairs with content None when attached (each as for
        :meth:`verify_cms`). The reports, in input order, each equal to
        what :meth:`verify_cms` gives."""
        pairs: List[Tuple[bytes, Optional[bytes]]] = []
        for item in inputs:
            if isinstance(item, tuple):
                if len(item) != 2:
                    raise TypeError("verify_many: a tuple must be (signature, content)")
                sig, content = item
            else:
                sig, content = item, None
            pairs.append((_bytes(sig, "signature"), None if content is None else _bytes(content, "content")))
        text = _call(self._native.verify_cms_many, pairs, _at(at))
        return [Report(r) for r in json.loads(text)]

    def validate_many(self, requests: Iterable[Union[str, Mapping[str, Any]]], at: Any = None) -> List[Report]:
        """:meth:`validate` for many requests in one call, on every core and
        without the GIL; the reports in input order."""
        texts = [r if isinstance(r, str) else json.dumps(dict(r)) for r in requests]
        text = _call(self._native.validate_json_many, texts, _at(at))
        return [Report(r) for r in json.loads(text)]

    def verify_timestamp(self, token: Any, stamped: Union[bytes, bytearray], at: Any = None) -> Report:
        """Verifies an RFC 3161 timestamp token over ``stamped`` (the data
        whose hash it holds); the seed's report, the TSA in ``signers``."""
        raw = _bytes(token, "token")
        return Report(json.loads(_call(self._native.verify_timestamp, raw, bytes(stamped), _at(at))))

    def verify_xml(self, xml: Any, content: Any = None, at: Any = None) -> Report:
        """Verifies the XML signatures (XAdES, XML-DSig) of ``xml`` (bytes or
        a path); ``content`` is the detached content (XAdES-Detached), else
        the signature must sign the document element (XAdES-Enveloped).
        The seed's report, with ``signed_scope`` naming the signed nodes."""
        doc = _bytes(xml, "xml")
        data = None if content is None else _bytes(content, "content")
        return Report(json.loads(_call(self._native.verify_xml, doc, data, _at(at))))

    def verify_pdf(self, pdf: Any, password: Optional[str] = None, at: Any = None) -> Report:
        """Verifies the signatures of the PDF ``pdf`` (bytes, or a
        ``pathlib.Path`` read in blocks, never loaded whole): ByteRange, coverage, changes after
        signing, DocMDP, DSS, document timestamps. ``password`` opens an
        encrypted file; a missing or wrong one is an ``op_result`` error.
        The seed's report, with ``pdfSignatures`` per signature."""
        if isinstance(pdf, (bytes, bytearray, memoryview)):
            text = _call(self._native.verify_pdf, bytes(pdf), password, _at(at))
        elif isinstance(pdf, os.PathLike):
            text = _call(self._native.verify_pdf_file, os.fspath(pdf), password, _at(at))
        elif isinstance(pdf, str):
            raise InvalidArgumentError("pdf: a str is never taken for a file name; pass a pathlib.Path", 3)
        else:
            raise TypeError(f"pdf: expected bytes or a path, not {type(pdf).__name__}")
        return Report(json.loads(text))

    def verify_code_signing(self, file: Any, at: Any = None) -> Report:
        """Verifies a signed NuGet package or an Authenticode-signed PE file
        (bytes or a path; told apart by their structure): the seed's report,
        package rules with their NuGet codes (``NU3xxx``) in the details."""
        data = _bytes(file, "file")
        return Report(json.loads(_call(self._native.verify_code_signing, data, _at(at))))

    def signature_records(self, file: Any, at: Any = None) -> List[CertificateRecord]:
        """The certificates table of a signed file (NuGet package, PE file or
        CMS signature): one record per certificate its signatures reference,
        with the code-signing and timestamping status columns."""
        data = _bytes(file, "file")
        return [CertificateRecord(r) for r in json.loads(_call(self._native.signature_records, data, _at(at)))]

    def verify_pkcs1(
        self, data: bytes, signature: bytes, certificate: CertificateInput, algorithm: str, at: Any = None
    ) -> Report:
        """Verifies a raw signature (``SHA256withRSA``, ``SHA256withECDSA``,
        ``Ed25519``, ...) over ``data`` with ``certificate``'s key and the
        policy for its path, as a PKCS1 request does; the seed's report."""
        cert = _bytes(certificate, "certificate")
        return Report(
            json.loads(_call(self._native.verify_pkcs1, bytes(data), bytes(signature), cert, algorithm, _at(at)))
        )

    def policy_health(self, at: Any = None) -> JsonObject:
        """The seed's per-policy health document."""
        return JsonObject(json.loads(_call(self._native.policy_health, _at(at))))

    def statistics(self) -> JsonObject:
        """Success and failure counts and the last validation time."""
        return JsonObject(json.loads(_call(self._native.statistics)))

    def __repr__(self) -> str:
        return f"Validator({self.policy!r})"


def validate_chain(
    leaf: CertificateInput,
    intermediates: Any = None,
    anchors: Any = None,
    *,
    at: Any = None,
    purposes: Union[str, Sequence[str]] = (),
    profile: Optional[str] = None,
    peer_name: Optional[str] = None,
    allow_weak_algorithms: Optional[bool] = None,
) -> ChainResult:
    """Validates the certification path of ``leaf`` through ``intermediates``
    to ``anchors`` (each certificates, bytes, PEM or paths, or lists of them)."""
    options: Dict[str, Any] = {"purposes": _purposes(purposes)}
    if at is not None:
        options["time"] = _at(at)
    if profile is not None:
        options["profile"] = profile
    if peer_name is not None:
        options["peerName"] = peer_name
    if allow_weak_algorithms is not None:
        options["allowWeakAlgorithms"] = allow_weak_algorithms
    text = _call(
        _native.validate_chain,
        _many(leaf, "leaf"),
        _many(intermediates, "intermediates"),
        _many(anchors, "anchors"),
        json.dumps(options),
    )
    return ChainResult(json.loads(text))


def health() -> JsonObject:
    """The service health, ``{"version", "status": "UP"}``."""
    return JsonObject(json.loads(_native.health()))


# --------------------------------------------------------------------------
# Archive


class Archive:
    """The code-signing archive (an SQLite file; docs/archive.md).

    Thread-safe: calls take turns on one connection.
    """

    __slots__ = ("_native", "path")

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        self._native = _call(_native.NativeArchive, self.path)

    def record(self, *entries: Mapping[str, Any]) -> List[int]:
        """Records entries (dicts with the seed's keys) in one transaction;
        their ``ArchiveEntryId``s."""
        lines = "\n".join(json.dumps(dict(e)) for e in entries)
        ids: List[int] = json.loads(_call(self._native.record, lines))
        return ids

    def record_jsonl(self, text: str) -> List[int]:
        """Records the entries of JSON-lines text."""
        ids: List[int] = json.loads(_call(self._native.record, text))
        return ids

    def query(
        self,
        request: Union[str, Mapping[str, Any], None] = None,
        *,
        role: Optional[str] = None,
        projects: Sequence[str] = (),
        scope: Optional[str] = None,
    ) -> JsonObject:
        """Answers a ``RetrieveArchiveEntries`` request (dict or JSON body) as a
        caller in ``role`` (default ``code-signing-administrator``) auditing
        ``projects``. Raises :class:`BadRequestError` with the 400 body."""
        if request is None:
            text = "{}"
        elif isinstance(request, str):
            text = request
        else:
            text = json.dumps(dict(request))
        caller: Dict[str, Any] = {"projects": list(projects)}
        if role is not None:
            caller["role"] = role
        if scope is not None:
            caller["scope"] = scope
        return JsonObject(json.loads(_call(self._native.query, text, json.dumps(caller))))

    def __repr__(self) -> str:
        return f"Archive({self.path!r})"

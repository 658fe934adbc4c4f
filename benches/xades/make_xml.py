#!/usr/bin/env python3
"""Makes the signed XML files of the XAdES benchmark (benches/xades/run.py)
in OUT_DIR (default target/xades-bench), each signed by `xmlsec1 --sign`
(RSA-SHA256, SHA-256 digests) with signer.key / signer.pem, an RSA-2048
certificate made here by the example intermediate (examples/chain) with
the codeSigning EKU of the example policy and the clientAuth EKU signxml
requires, valid for ten years from now; the signer alone is in X509Data
(the intermediate is the policy's, xmlsec1's --untrusted-pem and part of
signxml's CA file ca.pem, written here too):

- saml.xml (about 3 KB): a SAML 2.0 Response signed at the Response level
  (Reference "#_resp", enveloped-signature and exclusive C14N);
- trusted-list.xml (about 1 MB): an ETSI TS 119 612 trusted list shape
  (TrustServiceStatusList, 400 services with base64 certificates) signed
  whole (Reference "", enveloped-signature and exclusive C14N);
- detached.xml over detached.bin (50 MiB, incompressible bytes): a
  detached signature (Reference URI "detached.bin", no transforms).

Python's standard library and the openssl and xmlsec1 CLIs only."""

from __future__ import annotations

import base64
import pathlib
import random
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
CHAIN = REPO / "examples/chain"
DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"'
ENVELOPED = '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
EXC = '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
SAML_IDS = ["urn:oasis:names:tc:SAML:2.0:protocol:Response"]


def signature(uri: str, transforms: str) -> str:
    transforms = f"<ds:Transforms>{transforms}</ds:Transforms>" if transforms else ""
    return (
        f"<ds:Signature {DS}><ds:SignedInfo>"
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f'<ds:Reference URI="{uri}">{transforms}'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>'
        "</ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
        "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
    )


def saml() -> str:
    return (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp" Version="2.0" '
        'IssueInstant="2026-12-01T00:00:00Z"><saml:Issuer>https://idp.example</saml:Issuer>'
        + signature("#_resp", ENVELOPED + EXC)
        + '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        '</samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-12-01T00:00:00Z">'
        "<saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice@example.org"
        "</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name=\"role\">"
        "<saml:AttributeValue>user</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
        "</saml:Assertion></samlp:Response>"
    )


def trusted_list(rng: random.Random) -> str:
    services = []
    for i in range(400):
        cert = base64.b64encode(rng.randbytes(1400)).decode()
        services.append(
            f"<tsl:TSPService><tsl:ServiceInformation><tsl:ServiceTypeIdentifier>"
            f"http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>"
            f'<tsl:ServiceName><tsl:Name xml:lang="en">Example Qualified CA {i}</tsl:Name></tsl:ServiceName>'
            f"<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>{cert}"
            f"</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>"
            f"<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</tsl:ServiceStatus>"
            f"<tsl:StatusStartingTime>2026-01-01T00:00:00Z</tsl:StatusStartingTime>"
            f"</tsl:ServiceInformation></tsl:TSPService>\n"
        )
    return (
        '<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" Id="tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">'
        "<tsl:SchemeInformation><tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>"
        "<tsl:TSLSequenceNumber>42</tsl:TSLSequenceNumber></tsl:SchemeInformation>"
        "<tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPServices>\n"
        + "".join(services)
        + "</tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>"
        + signature("", ENVELOPED + EXC)
        + "</tsl:TrustServiceStatusList>"
    )


def make_signer(out: pathlib.Path) -> None:
    ext = out / "signer.cnf"
    ext.write_text(
        "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=codeSigning,clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    run = lambda *args: subprocess.run(["openssl", *args], cwd=out, check=True, capture_output=True)
    run("genrsa", "-out", "signer.key", "2048")
    run("req", "-new", "-key", "signer.key", "-subj", "/C=GB/O=Example Software Ltd/CN=XML Bench Signer",
        "-out", "signer.csr")
    run("x509", "-req", "-in", "signer.csr", "-CA", str(CHAIN / "intermediate.pem"), "-CAkey",
        str(CHAIN / "intermediate.key"), "-set_serial", "119612", "-days", "3650", "-sha256",
        "-extfile", "signer.cnf", "-out", "signer.pem")
    (out / "ca.pem").write_bytes((CHAIN / "root.pem").read_bytes() + (CHAIN / "intermediate.pem").read_bytes())


def xmlsec_sign(out: pathlib.Path, name: str, template: str, ids: list[str]) -> None:
    (out / f"{name}.tmpl.xml").write_text(template)
    keys = "signer.key,signer.pem"
    cmd = ["xmlsec1", "--sign", "--privkey-pem", keys, "--enabled-reference-uris", "empty,same-doc,local,remote"]
    for node in ids:
        cmd += ["--id-attr:ID", node]
    cmd += ["--output", f"{name}.xml", f"{name}.tmpl.xml"]
    subprocess.run(cmd, cwd=out, check=True)
    (out / f"{name}.tmpl.xml").unlink()


def main() -> None:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "target/xades-bench")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(119612)
    make_signer(out)
    xmlsec_sign(out, "saml", saml(), SAML_IDS)
    xmlsec_sign(out, "trusted-list", trusted_list(rng), [])
    with open(out / "detached.bin", "wb") as f:
        for _ in range(50):
            f.write(rng.randbytes(1 << 20))
    xmlsec_sign(out, "detached", signature("detached.bin", ""), [])
    for name in ("saml.xml", "trusted-list.xml", "detached.xml", "detached.bin"):
        print(f"{name}: {(out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()

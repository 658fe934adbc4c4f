#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*)
from the examples, the fuzz fixtures and a few PKITS files. Inputs the
fuzzers found and kept (crash-*, min-*) are not touched."""
import base64, json, os, pathlib, subprocess, sys

here = pathlib.Path(__file__).resolve().parent
root = here.parent
ex = root / "examples"
fx = here / "fixtures"
pkits = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path("/work/shared/conformance/pkits/data")


def pem_to_der(pem: bytes):
    out, cur = [], None
    for line in pem.decode().splitlines():
        if line.startswith("-----BEGIN"):
            cur = []
        elif line.startswith("-----END"):
            out.append(base64.b64decode("".join(cur)))
            cur = None
        elif cur is not None:
            cur.append(line.strip())
    return out


def tlv(buf, at):
    tag, first = buf[at], buf[at + 1]
    if first < 0x80:
        return tag, at + 2, at + 2 + first
    n = first & 0x7F
    ln = int.from_bytes(buf[at + 2 : at + 2 + n], "big")
    return tag, at + 2 + n, at + 2 + n + ln


def children(buf, content, end):
    out, at = [], content
    while at < end:
        t = tlv(buf, at)
        out.append((at,) + t)
        at = t[2]
    return out


def tbs_fields(cert):
    _, c, e = tlv(cert, 0)
    _, tc, te = tlv(cert, c)
    return [cert[s:end] for (s, _, _, end) in children(cert, tc, te)]


def enc(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + content


corpus = here / "corpus"
def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_bytes(data)


pems = {p.stem: p.read_bytes() for p in (ex / "chain").glob("*.pem")}
ders = {k: pem_to_der(v)[0] for k, v in pems.items() if k != "chain"}
pkits_certs = ["TrustAnchorRootCertificate.crt", "ValidDNnameConstraintsTest1EE.crt", "nameConstraintsDN1CACert.crt",
               "ValidRFC822nameConstraintsTest21EE.crt", "ValidDNSnameConstraintsTest30EE.crt", "UTF8StringEncodedNamesCACert.crt",
               "ValidNegativeSerialNumberTest14EE.crt", "ValidLongSerialNumberTest16EE.crt", "PoliciesP1234CACert.crt"]
pk = {n: (pkits / "certs" / n).read_bytes() for n in pkits_certs if (pkits / "certs" / n).exists()}

for k, d in ders.items():
    put("certificate_der", k, d)
    put("certificate_pem", k, pems[k])
    f = tbs_fields(d)
    # version, serial, sigalg, issuer, validity, subject, spki, exts
    put("name", k + "-subject", f[5])
    put("ocsp_request", k, bytes([len(f[1]) - 2]) + f[1][2:] + b"nonce")
for n, d in pk.items():
    put("certificate_der", "pkits-" + n, d)
    f = tbs_fields(d)
    put("name", "pkits-" + n, f[5])
    for ext_list in f[7:]:
        _, c, e = tlv(ext_list, 0)
        _, sc, se = tlv(ext_list, c)
        nc, san = b"", b""
        for (s, _, ec, ee) in children(ext_list, sc, se):
            fields = children(ext_list, ec, ee)
            oid = ext_list[fields[0][2] : fields[0][3]]
            val = ext_list[fields[-1][2] : fields[-1][3]]
            if oid == b"\x55\x1d\x1e":
                nc = val
            if oid == b"\x55\x1d\x11":
                san = val
        if nc or san:
            put("general_name", "pkits-" + n, len(nc).to_bytes(2, "big") + nc + san)
put("certificate_pem", "chain", pems["chain"])
put("bundle", "chain", pems["chain"])
put("bundle", "der", ders["leaf"])
p7 = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(ex / "chain/chain.pem"), "-outform", "DER"],
                    capture_output=True, check=True).stdout
put("bundle", "p7b", p7)
put("cms_der", "p7b", p7)

dns = lambda s: enc(0x82, s.encode())
nc = enc(0x30, enc(0xA0, enc(0x30, dns("example.com"))) + enc(0xA1, enc(0x30, dns("bad.example.com"))))
san = enc(0x30, dns("www.example.com") + dns("a.bad.example.com") + enc(0x87, bytes([10, 0, 0, 1])) + enc(0x81, b"a@example.com"))
put("general_name", "dns", len(nc).to_bytes(2, "big") + nc + san)

put("crl", "intermediate", (fx / "crl.der").read_bytes())
for n in ["TrustAnchorRootCRL.crl", "GoodCACRL.crl", "RevokedsubCACRL.crl", "indirectCRLCA1CRL.crl", "deltaCRLCA1deltaCRL.crl"]:
    p = pkits / "crls" / n
    if p.exists():
        put("crl", "pkits-" + n, p.read_bytes())
put("ocsp_response", "good", (fx / "ocsp-resp.der").read_bytes())
put("timestamp", "token", (fx / "tsa-token.der").read_bytes())
put("pkcs1", "sha256", b"\x00" + (fx / "pkcs1.sig").read_bytes())
for f in ["attached.p7m", "detached.p7s", "attached-ec.pem"]:
    put("cms_der", f, (ex / "signatures" / f).read_bytes())
put("cms_ber", "smime-stream", (ex / "signatures/smime-stream.p7s").read_bytes())
put("cms_ber", "attached", (ex / "signatures/attached.p7m").read_bytes())
for i in range(8):
    put("cms_mutant", f"fixture{i}", bytes([i, 0, 0, 0, i * 7, 0x01]))

b64 = lambda b: base64.b64encode(b).decode()
content = (ex / "signatures/content.txt").read_bytes()
reqs = {
    "cades": {"signatureType": "CAdES", "signature": b64((ex / "signatures/attached.p7m").read_bytes())},
    "cades-detached": {"signatureType": "CAdES", "signature": b64((ex / "signatures/detached.p7s").read_bytes()), "signedText": b64(content)},
    "pkcs1": {"signatureType": "PKCS1", "signature": b64((fx / "pkcs1.sig").read_bytes()), "signedText": b64(content),
              "certificate": b64(ders["leaf"]), "algorithm": "SHA256withRSA"},
    "x509": {"signatureType": "X509", "certificate": b64(pems["chain"])},
    "p7b": {"signatureType": "P7B", "signature": b64(p7)},
}
for k, v in reqs.items():
    put("request_json", k, json.dumps(v).encode())
pol = json.loads((ex / "policy.json").read_text())
put("policy_json", "example", json.dumps(pol).encode())
pol["trustAnchors"] = [pems["root"].decode()]
pol["intermediates"] = [pems["intermediate"].decode()]
put("policy_json", "inline", json.dumps(pol).encode())
for i, line in enumerate((ex / "server/archive.jsonl").read_text().splitlines()[:3]):
    put("archive_entry", str(i), line.encode())
queries = [
    {},
    {"ArchiveFilter": {"ClientLibraryName": "pkcs11"}, "PageSize": 5, "Page": 1},
    {"ArchiveFilter": {"ProjectDN": "%Example%", "EventId": 1610743809, "TimestampAfter": "2020-01-01T00:00:00Z"}, "Page": 2},
    {"ArchiveFilter": {"ProjectDNs": ["\\VED\\Code Signing\\Projects\\Example"], "Executable": "pk%"}, "PageSize": 1},
]
for i, q in enumerate(queries):
    put("archive_query", str(i), json.dumps(q).encode())
import random
rng = random.Random(13)
for i in range(8):
    put("cert_path", str(i), bytes(rng.randrange(256) for _ in range(300)))

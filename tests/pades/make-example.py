#!/usr/bin/env python3
"""Makes tests/pades/example-signed.pdf, the signed PDF the C and Python
binding tests verify: one page, field Sig1 signed (ETSI.CAdES.detached,
SHA-256) over its ByteRange by `openssl cms -sign` with the example leaf
(examples/chain), the intermediate in the CMS. Run from anywhere."""

import pathlib
import subprocess
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
CHAIN = REPO / "examples/chain"
RESERVED = 8192  # bytes for the DER signature; hex doubles it
CONTENT = b"0 0 m 300 300 l S"


def main() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Annots [4 0 R] >>",
        b"<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>",
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20260101000000Z) "
        b"/ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + b"0" * (2 * RESERVED) + b"> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    gap_start = out.index(b"/Contents <") + len(b"/Contents ")
    gap_end = out.index(b">", gap_start) + 1
    byte_range = b"%010d %010d %010d" % (gap_start, gap_end, len(out) - gap_end)
    at = out.index(b"/ByteRange [0 ") + len(b"/ByteRange [0 ")
    out[at : at + len(byte_range)] = byte_range
    with tempfile.TemporaryDirectory() as tmp:
        tbs = pathlib.Path(tmp, "tbs.bin")
        tbs.write_bytes(bytes(out[:gap_start] + out[gap_end:]))
        sig = pathlib.Path(tmp, "sig.der")
        subprocess.run(
            ["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-in", str(tbs),
             "-signer", str(CHAIN / "leaf.pem"), "-inkey", str(CHAIN / "leaf.key"),
             "-certfile", str(CHAIN / "intermediate.pem"), "-out", str(sig)],
            check=True,
        )
        der = sig.read_bytes().hex().upper().encode()
    assert len(der) <= 2 * RESERVED
    out[gap_start + 1 : gap_start + 1 + len(der)] = der
    (REPO / "tests/pades/example-signed.pdf").write_bytes(bytes(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Makes the signed PDFs of the PAdES benchmark (benches/pades/run.py) in
OUT_DIR (default target/pades-bench): every signature is ETSI.CAdES.detached,
SHA-256, made by `openssl cms -sign` with the example leaf (examples/chain),
the intermediate in the CMS.

- one-page.pdf: one page, one signature;
- hundred-pages.pdf: 100 pages, each with its own content stream and font
  resources, one signature;
- hundred-mb.pdf: one page and a 100 MiB image stream (incompressible
  bytes), one signature over all of it;
- ten-signatures.pdf: one page, then 10 incremental updates, each adding a
  signature field and signing everything before it.

Python's standard library and the openssl CLI only."""

from __future__ import annotations

import hashlib
import pathlib
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
CHAIN = REPO / "examples/chain"
RESERVED = 8192  # bytes for the DER signature; hex doubles it
NUM = 10  # digits of each ByteRange number


class Pdf:
    def __init__(self) -> None:
        self.data = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.pending: list[tuple[int, int]] = []
        self.last_xref: int | None = None
        self.size = 1

    def obj(self, num: int, body: bytes) -> None:
        self.pending.append((num, len(self.data)))
        self.data += b"%d 0 obj\n" % num + body + b"\nendobj\n"
        self.size = max(self.size, num + 1)

    def stream(self, num: int, extra: bytes, payload: bytes) -> None:
        self.obj(num, b"<< /Length %d %s >>\nstream\n" % (len(payload), extra) + payload + b"\nendstream")

    def end_revision(self) -> None:
        at = len(self.data)
        out = bytearray(b"xref\n")
        if self.last_xref is None:
            out += b"0 1\n0000000000 65535 f \n"
        for num, off in sorted(self.pending):
            out += b"%d 1\n%010d 00000 n \n" % (num, off)
        prev = b" /Prev %d" % self.last_xref if self.last_xref is not None else b""
        out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (self.size, prev, at)
        self.data += out
        self.pending = []
        self.last_xref = at

    def signature_placeholder(self, num: int) -> None:
        zeros = b"0" * NUM
        self.obj(
            num,
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20260101000000Z) "
            b"/ByteRange [0 %s %s %s] /Contents <%s> >>" % (zeros, zeros, zeros, b"0" * (2 * RESERVED)),
        )

    def sign_last(self, tmp: pathlib.Path) -> None:
        """Fills the last ByteRange and signs (the placeholder's revision must end the file)."""
        gap_start = self.data.rindex(b"/Contents <") + len(b"/Contents ")
        gap_end = self.data.index(b">", gap_start) + 1
        end = len(self.data)
        at = self.data.rindex(b"/ByteRange [0 ") + len(b"/ByteRange [0 ")
        numbers = b"%0*d %0*d %0*d" % (NUM, gap_start, NUM, gap_end, NUM, end - gap_end)
        self.data[at : at + len(numbers)] = numbers
        tbs = tmp / "tbs.bin"
        with open(tbs, "wb") as f:
            f.write(memoryview(self.data)[:gap_start])
            f.write(memoryview(self.data)[gap_end:])
        sig = tmp / "sig.der"
        subprocess.run(
            ["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-in", str(tbs),
             "-signer", str(CHAIN / "leaf.pem"), "-inkey", str(CHAIN / "leaf.key"),
             "-certfile", str(CHAIN / "intermediate.pem"), "-out", str(sig)],
            check=True,
        )
        der = sig.read_bytes().hex().upper().encode()
        assert len(der) <= 2 * RESERVED
        self.data[gap_start + 1 : gap_start + 1 + len(der)] = der


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def document(pages: int, image: int = 0) -> Pdf:
    """Catalog 1, pages 2, font 3, field 4, signature 5, then pages and
    their contents from 10; an image of `image` bytes on the first page."""
    pdf = Pdf()
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(pages))
    pdf.obj(1, b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>")
    pdf.obj(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    pdf.obj(3, FONT)
    pdf.obj(4, b"<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 10 0 R >>")
    for i in range(pages):
        page, content = 10 + 2 * i, 11 + 2 * i
        annots = b" /Annots [4 0 R]" if i == 0 else b""
        xobject = b" /XObject << /Im1 9 0 R >>" if image and i == 0 else b""
        pdf.obj(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >>%s >>%s >>" % (content, xobject, annots),
        )
        text = b"BT /F1 18 Tf 72 770 Td (Page %d of %d) Tj ET\n" % (i + 1, pages)
        text += b"".join(b"BT /F1 10 Tf 72 %d Td (Line %d: benchmark text) Tj ET\n" % (740 - 12 * k, k) for k in range(50))
        if image and i == 0:
            text += b"q 400 0 0 400 100 100 cm /Im1 Do Q\n"
        pdf.stream(content, b"", text)
    if image:
        # Incompressible bytes: SHA-256 in counter mode, quick to make.
        side = 1
        while side * side * 3 < image:
            side += 1
        size = side * side * 3
        chunks = bytearray()
        counter = 0
        while len(chunks) < size:
            chunks += hashlib.sha256(counter.to_bytes(8, "big")).digest() * 64
            counter += 1
        pdf.stream(
            9,
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8" % (side, side),
            bytes(chunks[:size]),
        )
    pdf.signature_placeholder(5)
    return pdf


def ten_signatures(tmp: pathlib.Path) -> Pdf:
    pdf = document(1)
    pdf.end_revision()
    pdf.sign_last(tmp)
    fields = [4]
    for k in range(2, 11):
        field, sig = pdf.size, pdf.size + 1
        fields.append(field)
        refs = b" ".join(b"%d 0 R" % f for f in fields)
        pdf.obj(1, b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] /SigFlags 3 >> >>" % refs)
        pdf.obj(
            field,
            b"<< /FT /Sig /T (Sig%d) /V %d 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 10 0 R >>"
            % (k, sig),
        )
        pdf.signature_placeholder(sig)
        pdf.end_revision()
        pdf.sign_last(tmp)
    return pdf


def main() -> None:
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "target/pades-bench"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        for name, make in (
            ("one-page.pdf", lambda: document(1)),
            ("hundred-pages.pdf", lambda: document(100)),
            ("hundred-mb.pdf", lambda: document(1, image=100 << 20)),
        ):
            pdf = make()
            pdf.end_revision()
            pdf.sign_last(tmp)
            (out / name).write_bytes(pdf.data)
        (out / "ten-signatures.pdf").write_bytes(ten_signatures(tmp).data)
    for f in sorted(out.glob("*.pdf")):
        print(f"{f}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""pyHanko's side of the PAdES benchmark: validates every signature of the
PDF argv[1] (integrity, the signer's path to the example root at
2030-01-01, no fetching, modification analysis) and prints the validation
time in seconds (imports and interpreter start excluded, which favours
pyHanko) and the bottom lines."""

import datetime
import pathlib
import sys
import time

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

REPO = pathlib.Path(__file__).resolve().parents[2]


def main() -> None:
    _, _, der = pem.unarmor((REPO / "examples/chain/root.pem").read_bytes())
    root = x509.Certificate.load(der)
    start = time.perf_counter()
    context = ValidationContext(
        trust_roots=[root],
        moment=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    lines = []
    with open(sys.argv[1], "rb") as f:
        reader = PdfFileReader(f)
        for sig in reader.embedded_signatures:
            status = validate_pdf_signature(sig, context)
            lines.append(f"{sig.field_name}: intact={status.intact} valid={status.valid} {status.modification_level}")
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.6f}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

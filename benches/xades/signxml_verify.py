#!/usr/bin/env python3
"""signxml's side of the XAdES benchmark (benches/xades/run.py):

    signxml_verify.py FILE CA_FILE [DETACHED]

verifies the XML signature of FILE with CA_FILE (the example root and
intermediate, PEM; signxml checks the X509Data chain at the current
time), the detached content DETACHED given through uri_resolver when
present; prints the seconds of the verification alone (after the imports
and reading the files) and "valid"."""

from __future__ import annotations

import pathlib
import sys
import time

from cryptography.x509 import ExtendedKeyUsage
from cryptography.x509.verification import Criticality, ExtensionPolicy
from signxml import XMLVerifier  # type: ignore[import-not-found]


def main() -> None:
    data = pathlib.Path(sys.argv[1]).read_bytes()
    ca_file = sys.argv[2]
    detached = pathlib.Path(sys.argv[3]).read_bytes() if len(sys.argv) > 3 else None
    start = time.perf_counter()
    resolver = (lambda uri: detached) if detached is not None else None
    # The example intermediate is a code-signing CA (EKU codeSigning,
    # timeStamping) and signxml verifies for clientAuth: its CA policy is
    # the Web PKI default with any EKU accepted; the end entity keeps
    # signxml's defaults.
    ca_policy = ExtensionPolicy.webpki_defaults_ca().may_be_present(ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    XMLVerifier().verify(data, ca_pem_file=ca_file, uri_resolver=resolver, ca_policy=ca_policy)
    print(f"{time.perf_counter() - start:.6f}")
    print("valid")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Makes tests/xades/example-signed.xml, the enveloped XML signature the C
# and Python binding tests verify: a small invoice signed whole (URI="",
# enveloped-signature, exclusive C14N, RSA-SHA256) by xmlsec1 with the
# example leaf (examples/chain), the intermediate in X509Data.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.xml" <<'XML'
<Invoice xmlns="urn:example:invoice"><ID>2029-001</ID><Amount currency="EUR">1250.00</Amount><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></Invoice>
XML
xmlsec1 --sign --privkey-pem examples/chain/leaf.key,examples/chain/leaf.pem,examples/chain/intermediate.pem \
  --output tests/xades/example-signed.xml "$tmp/t.xml"

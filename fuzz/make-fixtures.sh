#!/usr/bin/env bash
# Makes the OpenSSL-signed fixtures of the fuzz targets in fuzz/fixtures/
# from the example chain (examples/chain/). The outputs are committed; run
# again only to renew them (the replay test reads the committed files).
#
#   crl.der          CRL of the intermediate CA revoking the RSA leaf (2026-12-01)
#   ocsp-resp.der    OCSP response from the intermediate CA: the leaf is good
#   ocsp-req.der     the OCSP request OpenSSL made for it
#   tsa-token.der    RFC 3161 TimeStampToken over content.txt (openssl ts -reply)
#   pkcs1.sig        raw PKCS#1 v1.5 SHA-256 signature of content.txt by the RSA leaf
set -euo pipefail
cd "$(dirname "$0")"
chain=../examples/chain
out=fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

serial=$(openssl x509 -in $chain/leaf.pem -noout -serial | cut -d= -f2)
subject=$(openssl x509 -in $chain/leaf.pem -noout -subject -nameopt compat | cut -d= -f2-)
printf 'R\t460101000000Z\t261201000000Z,keyCompromise\t%s\tunknown\t%s\n' "$serial" "$subject" > "$work/index.txt"
echo 01 > "$work/crlnumber"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
crlnumber = $work/crlnumber
default_md = sha256
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF
openssl ca -gencrl -config "$work/ca.cnf" -cert $chain/intermediate.pem -keyfile $chain/intermediate.key \
  -crl_lastupdate 20261201000000Z -crl_nextupdate 20460101000000Z -out "$work/crl.pem" 2>/dev/null
openssl crl -in "$work/crl.pem" -outform DER -out $out/crl.der

printf 'V\t360101000000Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" > "$work/good.txt"
openssl ocsp -sha256 -issuer $chain/intermediate.pem -cert $chain/leaf.pem -reqout $out/ocsp-req.der -no_nonce
openssl ocsp -index "$work/good.txt" -rsigner $chain/intermediate.pem -rkey $chain/intermediate.key \
  -CA $chain/intermediate.pem -reqin $out/ocsp-req.der -respout $out/ocsp-resp.der -ndays 3650

cat > "$work/ts.cnf" <<CNF
[tsa]
default_tsa = tsa1
[tsa1]
serial = $work/tsaserial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
ess_cert_id_alg = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
CNF
echo 01 > "$work/tsaserial"
openssl ts -query -data ../examples/signatures/content.txt -sha256 -cert -out "$work/q.tsq"
openssl ts -reply -config "$work/ts.cnf" -queryfile "$work/q.tsq" -signer $chain/tsa.pem -inkey $chain/tsa.key \
  -chain $chain/intermediate.pem -token_out -out $out/tsa-token.der 2>/dev/null

openssl dgst -sha256 -sign $chain/leaf.key -out $out/pkcs1.sig ../examples/signatures/content.txt
ls -l $out

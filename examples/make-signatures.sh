#!/usr/bin/env bash
# Makes the signing material and example signatures beside examples/chain/
# (run examples/make-chain.sh first; this script never touches its files):
#
#   chain/tsa.pem, tsa.key         RFC 3161 time-stamping authority (RSA 2048)
#                                  issued by the intermediate CA; extendedKeyUsage
#                                  is critical and only id-kp-timeStamping (RFC 3161 2.3)
#   chain/leaf-ec.pem, leaf-ec.key a P-256 code-signing end entity from the same CA
#   signatures/content.txt         the signed text
#   signatures/detached.p7s        CAdES-BES detached (-cades: ESS signing-certificate-v2),
#                                  RSA leaf, SHA-256 (DER)
#   signatures/attached.p7m        CAdES-BES attached (-nodetach -cades), RSA leaf, SHA-256 (DER)
#   signatures/attached-ec.pem     CMS attached, P-256 leaf, SHA-384 (PEM "CMS")
#   signatures/smime-stream.p7s    `openssl smime -nodetach -stream`: attached, BER with
#                                  indefinite lengths and a constructed OCTET STRING
#
# The keys are test keys, never to be trusted. The library's tests make many
# more signatures with the openssl CLI at run time (tests/tests/cms_openssl.rs).
set -euo pipefail
cd "$(dirname "$0")"
days=3650

if [ ! -f chain/tsa.pem ] || [ ! -f chain/leaf-ec.pem ] || [ "${1:-}" = "--force" ]; then
  cat > chain/ext2.cnf <<'CNF'
[tsa]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leafec]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out chain/tsa.key
  openssl req -new -key chain/tsa.key -subj "/C=GB/O=Example Trust/CN=Example Time Stamping Authority" -out chain/tsa.csr
  openssl x509 -req -in chain/tsa.csr -CA chain/intermediate.pem -CAkey chain/intermediate.key \
    -set_serial 0x7157 -sha256 -days "$days" -extfile chain/ext2.cnf -extensions tsa -out chain/tsa.pem
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out chain/leaf-ec.key
  openssl req -new -key chain/leaf-ec.key -subj "/C=GB/O=Example Software Ltd/CN=Example EC Code Signing" -out chain/leaf-ec.csr
  openssl x509 -req -in chain/leaf-ec.csr -CA chain/intermediate.pem -CAkey chain/intermediate.key \
    -set_serial 0x0ec0ffee -sha256 -days "$days" -extfile chain/ext2.cnf -extensions leafec -out chain/leaf-ec.pem
  rm -f chain/*.csr chain/ext2.cnf
fi

cd signatures
printf 'Example content signed with the example chain.\n' > content.txt
openssl cms -sign -binary -in content.txt -signer ../chain/leaf.pem -inkey ../chain/leaf.key \
  -certfile ../chain/intermediate.pem -md sha256 -cades -outform DER -out detached.p7s
openssl cms -sign -binary -nodetach -in content.txt -signer ../chain/leaf.pem -inkey ../chain/leaf.key \
  -certfile ../chain/intermediate.pem -md sha256 -cades -outform DER -out attached.p7m
openssl cms -sign -binary -nodetach -in content.txt -signer ../chain/leaf-ec.pem -inkey ../chain/leaf-ec.key \
  -certfile ../chain/intermediate.pem -md sha384 -outform PEM -out attached-ec.pem
openssl smime -sign -binary -nodetach -stream -in content.txt -signer ../chain/leaf.pem -inkey ../chain/leaf.key \
  -certfile ../chain/intermediate.pem -md sha256 -outform DER -out smime-stream.p7s

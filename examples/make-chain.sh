#!/usr/bin/env bash
# Regenerates examples/chain/: a three-certificate code-signing chain made
# with the openssl CLI (root CA P-256, intermediate CA RSA 2048, leaf RSA
# 2048 with codeSigning EKU and a CPS policy). The keys are kept beside the
# certificates so later examples (signatures) can be made from them; they
# are test keys, never to be trusted.
set -euo pipefail
cd "$(dirname "$0")/chain"
days=3650

cat > ext.cnf <<'CNF'
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
extendedKeyUsage = codeSigning, timeStamping
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = @cps
subjectAltName = email:releases@example.com
[cps]
policyIdentifier = 2.23.140.1.4.1
CPS.1 = "https://example.com/cps"
CNF

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key
openssl req -x509 -new -key root.key -sha256 -days "$days" \
  -subj "/C=GB/O=Example Trust/OU=Roots/OU=Testing/CN=Example Root CA" \
  -extensions root -config ext.cnf -out root.pem

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out intermediate.key
openssl req -new -key intermediate.key -subj "/C=GB/O=Example Trust/CN=Example Code Signing CA" -out intermediate.csr
openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -set_serial 0x1001 \
  -sha256 -days "$days" -extfile ext.cnf -extensions intermediate -out intermediate.pem

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key
openssl req -new -key leaf.key -subj "/C=GB/O=Example Software Ltd/CN=Example Code Signing" -out leaf.csr
openssl x509 -req -in leaf.csr -CA intermediate.pem -CAkey intermediate.key \
  -set_serial 0x00c0ffee0123456789 -sha256 -days "$days" -extfile ext.cnf -extensions leaf -out leaf.pem

cat leaf.pem intermediate.pem root.pem > chain.pem
rm -f ./*.csr ext.cnf

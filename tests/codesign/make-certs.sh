#!/usr/bin/env bash
# Regenerates tests/codesign/certs/: signers that break one package-signing
# rule each, issued by the example intermediate (examples/chain/), plus a
# self-signed TSA and a self-signed repository signer that no test trusts.
# Made once with the openssl CLI and committed, so the tests see fixed
# dates (2026-11-24 to 2036-11-21 like the example chain); test keys only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chain="$here/../../examples/chain"
cd "$here/certs"
days=3650

cat > ext.cnf <<'CNF'
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[lifetime]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning, 1.3.6.1.4.1.311.10.3.13
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ss_tsa]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
CNF

issue() { # name subject extensions key-args digest
  openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$4" -out "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$chain/intermediate.pem" -CAkey "$chain/intermediate.key" \
    -set_serial "0x$(openssl rand -hex 8)" "-$5" -days "$days" -extfile ext.cnf -extensions "$3" -out "$1.pem"
}
issue rsa1024 "/C=GB/O=Example Software Ltd/CN=Short Key Signer" leaf 1024 sha256
issue sha1 "/C=GB/O=Example Software Ltd/CN=SHA-1 Signed Signer" leaf 2048 sha1
issue lifetime "/C=GB/O=Example Software Ltd/CN=Lifetime Signer" lifetime 2048 sha256

selfsigned() { # name subject extensions
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days "$days" -subj "$2" \
    -addext "basicConstraints=critical,CA:false" -extensions "$3" -config <(printf "[req]\ndistinguished_name=dn\n[dn]\n"; cat ext.cnf) -out "$1.pem"
}
selfsigned untrusted-tsa "/CN=Untrusted Time Stamping Authority" ss_tsa
selfsigned untrusted-repository "/CN=Untrusted Repository Signer" leaf
rm -f ./*.csr ext.cnf

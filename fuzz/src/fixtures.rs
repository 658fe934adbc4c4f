//! The committed material every check shares: the example chain and the
//! OpenSSL-signed fixtures (built into the binary, so a fuzz target needs
//! no files at run time), the validation time, and a signature backend that
//! counts its work.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use der::asn1::BitStringRef;
use spki::AlgorithmIdentifierRef;
use validate::crypto::RustCryptoVerifier;
use validate::crypto::{SignatureError, SignatureVerifier, SignerKey};
use validate::path::{CertificatePool, Purpose, TrustStore, ValidationOptions};
use validate::{Certificate, Timestamp};

/// The example root CA (PEM).
pub const ROOT_PEM: &[u8] = include_bytes!("../../examples/chain/root.pem");
/// The example code-signing CA (PEM).
pub const INTERMEDIATE_PEM: &[u8] = include_bytes!("../../examples/chain/intermediate.pem");
/// The example RSA code-signing leaf (PEM).
pub const LEAF_PEM: &[u8] = include_bytes!("../../examples/chain/leaf.pem");
/// The example TSA (PEM).
pub const TSA_PEM: &[u8] = include_bytes!("../../examples/chain/tsa.pem");
/// The signed text of every example signature.
pub const CONTENT: &[u8] = include_bytes!("../../examples/signatures/content.txt");
/// CAdES-BES attached, DER (OpenSSL `cms -sign -nodetach -cades`).
pub const ATTACHED_P7M: &[u8] = include_bytes!("../../examples/signatures/attached.p7m");
/// CAdES-BES detached over [`CONTENT`], DER.
pub const DETACHED_P7S: &[u8] = include_bytes!("../../examples/signatures/detached.p7s");
/// CRL of the intermediate CA revoking the RSA leaf (fuzz/make-fixtures.sh).
pub const CRL_DER: &[u8] = include_bytes!("../fixtures/crl.der");
/// OCSP response of the intermediate CA: the RSA leaf is good.
pub const OCSP_RESP_DER: &[u8] = include_bytes!("../fixtures/ocsp-resp.der");
/// RFC 3161 token over [`CONTENT`] from the example TSA.
pub const TSA_TOKEN_DER: &[u8] = include_bytes!("../fixtures/tsa-token.der");
/// Raw PKCS#1 v1.5 SHA-256 signature of [`CONTENT`] by the RSA leaf.
pub const PKCS1_SIG: &[u8] = include_bytes!("../fixtures/pkcs1.sig");

/// The validation time of every check: inside the example chain's
/// validity (2026-11-24 to 2036-11-21), after the fixtures were made.
pub fn at() -> Timestamp {
    Timestamp::from_unix_seconds(1_811_808_000) // 2027-06-01T00:00:00Z
}

fn one(pem: &[u8]) -> Certificate {
    match Certificate::from_pem(pem) {
        Ok(c) => c,
        Err(e) => panic!("committed example certificate: {e}"),
    }
}

/// The parsed example certificates.
pub struct Chain {
    /// Root CA.
    pub root: Arc<Certificate>,
    /// Code-signing CA.
    pub intermediate: Arc<Certificate>,
    /// RSA leaf.
    pub leaf: Arc<Certificate>,
    /// Anchors: the root.
    pub anchors: TrustStore,
    /// Intermediates: the code-signing CA and the TSA.
    pub pool: CertificatePool,
}

/// The example chain, parsed once.
pub fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let root = Arc::new(one(ROOT_PEM));
        let intermediate = Arc::new(one(INTERMEDIATE_PEM));
        let leaf = Arc::new(one(LEAF_PEM));
        let mut anchors = TrustStore::new();
        anchors.add(root.clone());
        let mut pool = CertificatePool::new();
        pool.add(intermediate.clone());
        pool.add(Arc::new(one(TSA_PEM)));
        Chain {
            root,
            intermediate,
            leaf,
            anchors,
            pool,
        }
    })
}

/// Path options at [`at`] for a code-signing end entity.
pub fn options() -> ValidationOptions {
    let mut options = ValidationOptions::at(at());
    options.purposes.push(Purpose::CodeSigning);
    options
}

/// The default backend, counting every signature it verifies: the checks
/// compare the count with the budget.
#[derive(Default)]
pub struct CountingVerifier {
    count: AtomicU32,
}

impl CountingVerifier {
    /// Signatures verified so far.
    pub fn count(&self) -> u32 {
        self.count.load(Ordering::Relaxed)
    }
}

impl SignatureVerifier for CountingVerifier {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        self.count.fetch_add(1, Ordering::Relaxed);
        RustCryptoVerifier::default().verify_signature(algorithm, signer, message, signature)
    }

    fn verify_signature_bits(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: BitStringRef<'_>,
    ) -> Result<(), SignatureError> {
        self.count.fetch_add(1, Ordering::Relaxed);
        RustCryptoVerifier::default().verify_signature_bits(algorithm, signer, message, signature)
    }
}

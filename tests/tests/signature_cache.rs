//! A shared SignatureCache: a second validation of the same chain verifies
//! no signature again, and gives the same verdict.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use spki::AlgorithmIdentifierRef;
use validate::crypto::{DefaultVerifier, SignatureError, SignatureVerifier, SignerKey};
use validate::path::{
    CertificatePool, SignatureCache, TrustStore, ValidationOptions, validate_path,
};
use validate::read_certificates_strict;
use validate_tests::repo_root;

/// The default backend, counting its calls.
#[derive(Default)]
struct Counting(AtomicUsize);

impl SignatureVerifier for Counting {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        DefaultVerifier::default().verify_signature(algorithm, signer, message, signature)
    }
}

#[test]
fn second_validation_verifies_nothing_again() {
    let read = |f: &str| {
        read_certificates_strict(
            &std::fs::read(repo_root().join("examples/chain").join(f)).unwrap(),
        )
        .unwrap()
    };
    let leaf = read("leaf.pem").remove(0);
    let pool = CertificatePool::from_certificates(read("intermediate.pem"));
    let anchors = TrustStore::from_certificates(read("root.pem"));
    let cache = Arc::new(SignatureCache::new(16));
    let mut options = ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap());
    options.signature_cache = Some(Arc::clone(&cache));
    let verifier = Counting::default();

    let first = validate_path(&leaf, &pool, &anchors, &options, &verifier);
    assert!(first.valid);
    assert_eq!(
        verifier.0.load(Ordering::SeqCst),
        2,
        "leaf and intermediate signatures"
    );
    assert_eq!(cache.len(), 2);

    let second = validate_path(&leaf, &pool, &anchors, &options, &verifier);
    assert!(second.valid);
    assert_eq!(
        verifier.0.load(Ordering::SeqCst),
        2,
        "nothing verified again"
    );

    // Without the shared cache each validation verifies again.
    options.signature_cache = None;
    assert!(validate_path(&leaf, &pool, &anchors, &options, &verifier).valid);
    assert_eq!(verifier.0.load(Ordering::SeqCst), 4);
}

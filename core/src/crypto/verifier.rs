//! The verification trait that path building, CRL, OCSP and CMS checks call.

use der::asn1::BitStringRef;
use spki::AlgorithmIdentifierRef;

use super::error::SignatureError;
use super::key::SignerKey;

/// Verifies one signature: the seam between validation logic and a crypto backend.
///
/// Implementations must be cheap to share across threads and must never
/// panic, whatever the input. They decide nothing about policy (weak
/// digests, small keys): they only answer "does this signature verify".
///
/// The default implementation is [`RustCryptoVerifier`](super::RustCryptoVerifier);
/// [`DefaultVerifier`](super::DefaultVerifier) names whichever backend the enabled
/// cargo features select, so callers that use it (or hold a
/// `&dyn SignatureVerifier`) need no change when another backend is added.
///
/// # Example
///
/// ```
/// use validate::crypto::{DefaultVerifier, SignatureError, SignatureVerifier, SignerKey};
/// use spki::AlgorithmIdentifierRef;
///
/// // RFC 8032 section 7.1, test 1: Ed25519 signature over the empty message.
/// let spki_der = [
///     &[0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00][..],
///     &hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
/// ]
/// .concat();
/// let signature = hex(concat!(
///     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155",
///     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
/// ));
/// let algorithm = AlgorithmIdentifierRef { oid: "1.3.101.112".parse().unwrap(), parameters: None };
///
/// let verifier = DefaultVerifier::default();
/// let key = SignerKey::from_der(&spki_der)?;
/// verifier.verify_signature(&algorithm, &key, b"", &signature)?;
/// assert_eq!(
///     verifier.verify_signature(&algorithm, &key, b"tampered", &signature),
///     Err(SignatureError::InvalidSignature)
/// );
/// # fn hex(s: &str) -> Vec<u8> {
/// #     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
/// # }
/// # Ok::<(), SignatureError>(())
/// ```
pub trait SignatureVerifier: Send + Sync {
    /// Verify `signature` over `message` (for a certificate: the DER
    /// `TBSCertificate`) made with `algorithm` (the signature
    /// `AlgorithmIdentifier`) by the holder of `signer`.
    ///
    /// # Errors
    /// [`SignatureError::InvalidSignature`] when the signature does not verify;
    /// the other variants when the algorithm, key or parameters cannot be used
    /// (unsupported, malformed, or not matching each other).
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError>;

    /// [`verify_signature`](Self::verify_signature) with the signature as
    /// found in certificates, CRLs and OCSP responses: a `BIT STRING`. One
    /// with unused bits cannot be a valid signature (RFC 5280 section 4.1.1.3
    /// and the algorithm RFCs encode signatures as whole octets) and gives
    /// [`SignatureError::InvalidSignature`]; PKITS 4.1.2 is such a case.
    ///
    /// # Errors
    /// As for [`verify_signature`](Self::verify_signature).
    fn verify_signature_bits(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: BitStringRef<'_>,
    ) -> Result<(), SignatureError> {
        let signature = signature
            .as_bytes()
            .ok_or(SignatureError::InvalidSignature)?;
        self.verify_signature(algorithm, signer, message, signature)
    }
}

impl<T: SignatureVerifier + ?Sized> SignatureVerifier for &T {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        (**self).verify_signature(algorithm, signer, message, signature)
    }
}

impl<T: SignatureVerifier + ?Sized> SignatureVerifier for std::sync::Arc<T> {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        (**self).verify_signature(algorithm, signer, message, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::RustCryptoVerifier;

    #[test]
    fn usable_as_shared_trait_object() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RustCryptoVerifier>();
        assert_send_sync::<std::sync::Arc<dyn SignatureVerifier>>();
        let shared: std::sync::Arc<dyn SignatureVerifier> =
            std::sync::Arc::new(RustCryptoVerifier::new());
        let by_ref: &dyn SignatureVerifier = &shared;
        let alg = AlgorithmIdentifierRef {
            oid: const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4"),
            parameters: None,
        };
        let key = SignerKey::from_der(&[
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 1, 2, 3, 4, 5,
            6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32,
        ])
        .unwrap();
        assert!(matches!(
            by_ref.verify_signature(&alg, &key, b"", &[]),
            Err(SignatureError::UnsupportedAlgorithm { .. })
        ));
        let bits = BitStringRef::new(1, &[0x80]).unwrap();
        assert_eq!(
            shared.verify_signature_bits(&alg, &key, b"", bits),
            Err(SignatureError::InvalidSignature)
        );
    }
}

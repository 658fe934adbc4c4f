//! The optional AWS-LC backend (cargo feature `aws-lc-rs`): RSA PKCS #1 v1.5
//! and PSS, ECDSA on P-256/384/521 through `aws-lc-rs`, everything else
//! through the RustCrypto backend. Choices are in `docs/crypto.md`.

use std::sync::OnceLock;

use aws_lc_rs::signature::{self as lc, ParsedPublicKey, VerificationAlgorithm};
use spki::AlgorithmIdentifierRef;

use super::algorithm::{PssParameters, SignatureAlgorithm};
use super::digest::DigestAlgorithm;
use super::error::SignatureError;
use super::key::{NamedCurve, ParsedKey, RsaKeyUse, SignerKey, count_key_decode};
use super::rustcrypto::{RustKey, check_pss_restriction, verify_with};
use super::verifier::SignatureVerifier;

/// Signature verification with AWS-LC where it has the algorithm, and with
/// the RustCrypto crates otherwise (DSA, Ed25519, SHA-224 with RSA or with
/// ECDSA on P-256/P-384, PSS with a salt other than the digest length or
/// with SHA-1/SHA-224, RSA keys outside 1024 to 8192 bits, PSS keys under
/// 2048 bits, and any key AWS-LC refuses to parse). Both backends give the
/// same answers on Wycheproof and the conformance suites
/// (`tests/tests/backends.rs`).
///
/// Stateless, `Copy`, `Send + Sync`: share one or create them freely.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct AwsLcVerifier;

impl AwsLcVerifier {
    /// A new verifier.
    pub fn new() -> Self {
        Self
    }
}

/// Slots of AWS-LC parsed keys, one per verification algorithm a key of
/// one type can be used with (an AWS-LC key is bound to its algorithm).
const SLOTS: usize = 8;

/// One key as this backend keeps it: the backend-independent facts, and
/// the AWS-LC key parsed for each algorithm it has been used with (`None`
/// when AWS-LC refused the key: the RustCrypto backend answers then).
pub(crate) struct AwsKey {
    facts: Facts,
    parsed: [OnceLock<Option<ParsedPublicKey>>; SLOTS],
}

enum Facts {
    Rsa {
        bits: u32,
        usage: RsaKeyUse,
    },
    Ec(NamedCurve),
    /// Keys this backend leaves to RustCrypto, and keys that do not decode.
    Other,
}

impl AwsKey {
    fn decode(signer: &SignerKey<'_>) -> Self {
        let facts = match signer.parse() {
            Ok(ParsedKey::Rsa { bits, usage, .. }) => Facts::Rsa { bits, usage },
            Ok(ParsedKey::Ec { curve, .. }) => Facts::Ec(curve),
            _ => Facts::Other,
        };
        Self {
            facts,
            parsed: Default::default(),
        }
    }

    /// The AWS-LC algorithm for `algorithm` with this key and its slot, or
    /// `None` to leave the verification to RustCrypto.
    fn choose(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> Option<(usize, &'static dyn VerificationAlgorithm)> {
        use DigestAlgorithm::{Sha1, Sha224, Sha256, Sha384, Sha512};
        match (&self.facts, algorithm) {
            (Facts::Rsa { bits, usage }, SignatureAlgorithm::RsaPkcs1v15(hash)) => {
                // A PSS-only key: RustCrypto reports the misuse.
                if *usage != RsaKeyUse::Any || !(1024..=8192).contains(bits) {
                    return None;
                }
                match hash {
                    Sha1 => Some((0, &lc::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)),
                    Sha256 => Some((1, &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY)),
                    Sha384 if *bits >= 2048 => Some((2, &lc::RSA_PKCS1_2048_8192_SHA384)),
                    Sha512 => Some((3, &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY)),
                    _ => None,
                }
            }
            (Facts::Rsa { bits, usage }, SignatureAlgorithm::RsaPss(params)) => {
                // A restriction the signature breaks: RustCrypto reports it.
                if check_pss_restriction(*usage, params).is_err()
                    || !(2048..=8192).contains(bits)
                    || !salt_is_digest_length(params)
                {
                    return None;
                }
                match params.hash {
                    Sha256 => Some((4, &lc::RSA_PSS_2048_8192_SHA256)),
                    Sha384 => Some((5, &lc::RSA_PSS_2048_8192_SHA384)),
                    Sha512 => Some((6, &lc::RSA_PSS_2048_8192_SHA512)),
                    _ => None,
                }
            }
            (Facts::Ec(curve), SignatureAlgorithm::Ecdsa(hash)) => match (curve, hash) {
                (NamedCurve::P256, Sha1) => Some((0, &lc::ECDSA_P256_SHA1_ASN1)),
                (NamedCurve::P256, Sha256) => Some((2, &lc::ECDSA_P256_SHA256_ASN1)),
                (NamedCurve::P256, Sha384) => Some((3, &lc::ECDSA_P256_SHA384_ASN1)),
                (NamedCurve::P256, Sha512) => Some((4, &lc::ECDSA_P256_SHA512_ASN1)),
                (NamedCurve::P384, Sha256) => Some((2, &lc::ECDSA_P384_SHA256_ASN1)),
                (NamedCurve::P384, Sha384) => Some((3, &lc::ECDSA_P384_SHA384_ASN1)),
                (NamedCurve::P384, Sha512) => Some((4, &lc::ECDSA_P384_SHA512_ASN1)),
                (NamedCurve::P521, Sha1) => Some((0, &lc::ECDSA_P521_SHA1_ASN1)),
                (NamedCurve::P521, Sha224) => Some((1, &lc::ECDSA_P521_SHA224_ASN1)),
                (NamedCurve::P521, Sha256) => Some((2, &lc::ECDSA_P521_SHA256_ASN1)),
                (NamedCurve::P521, Sha384) => Some((3, &lc::ECDSA_P521_SHA384_ASN1)),
                (NamedCurve::P521, Sha512) => Some((4, &lc::ECDSA_P521_SHA512_ASN1)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// AWS-LC's PSS verification takes a salt length fixed when the algorithm
/// is defined; the standard one (RFC 8017 section 9.1, RFC 4055 section
/// 3.1's recommendation) is the digest length.
fn salt_is_digest_length(params: PssParameters) -> bool {
    usize::try_from(params.salt_len).is_ok_and(|len| len == params.hash.output_len())
}

impl SignatureVerifier for AwsLcVerifier {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let algorithm = SignatureAlgorithm::from_identifier(algorithm)?;
        let Some(prepared) = signer.prepared() else {
            let key = AwsKey::decode(signer);
            return match verify_lc(&key, algorithm, signer, message, signature) {
                Some(result) => result,
                None => verify_with(algorithm, &RustKey::decode(signer), message, signature),
            };
        };
        let key = prepared.aws_lc.get_or_init(|| AwsKey::decode(signer));
        match verify_lc(key, algorithm, signer, message, signature) {
            Some(result) => result,
            None => {
                let key = prepared.rustcrypto.get_or_init(|| RustKey::decode(signer));
                verify_with(algorithm, key, message, signature)
            }
        }
    }
}

/// The AWS-LC answer, or `None` when the RustCrypto backend must answer.
fn verify_lc(
    key: &AwsKey,
    algorithm: SignatureAlgorithm,
    signer: &SignerKey<'_>,
    message: &[u8],
    signature: &[u8],
) -> Option<Result<(), SignatureError>> {
    let (slot, lc_algorithm) = key.choose(algorithm)?;
    let parsed = key.parsed.get(slot)?.get_or_init(|| {
        count_key_decode();
        // RSA: the RSAPublicKey DER; EC: the SEC1 point (RFC 5480 section 2.2).
        let bytes = signer.spki().subject_public_key.as_bytes()?;
        ParsedPublicKey::new(lc_algorithm, bytes).ok()
    });
    let parsed = parsed.as_ref()?;
    Some(
        parsed
            .verify_sig(message, signature)
            .map_err(|_| SignatureError::InvalidSignature),
    )
}

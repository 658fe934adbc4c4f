//! The one error type of signature verification.

use const_oid::ObjectIdentifier;

/// Which part of an algorithm description named something we do not support.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmRole {
    /// The signature algorithm (e.g. `sha256WithRSAEncryption`).
    Signature,
    /// A digest algorithm (inside RSASSA-PSS parameters, or asked for by OID).
    Digest,
    /// The public key algorithm of a `SubjectPublicKeyInfo`.
    PublicKey,
    /// The named curve of an elliptic-curve public key.
    Curve,
    /// The mask generation function inside RSASSA-PSS parameters.
    MaskGeneration,
}

impl core::fmt::Display for AlgorithmRole {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Signature => "signature algorithm",
            Self::Digest => "digest algorithm",
            Self::PublicKey => "public key algorithm",
            Self::Curve => "elliptic curve",
            Self::MaskGeneration => "mask generation function",
        })
    }
}

/// Why a signature could not be verified.
///
/// [`SignatureError::InvalidSignature`] is the only variant that says "the
/// signature is wrong"; every other variant says the inputs could not be
/// processed (unsupported, malformed or inconsistent). Path building treats
/// all of them as "this issuer candidate does not verify the subject", but
/// reports keep them apart.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// An algorithm identifier names an algorithm this backend does not implement.
    #[error("unsupported {role} {oid}")]
    UnsupportedAlgorithm {
        /// Where the OID appeared.
        role: AlgorithmRole,
        /// The OID, as found in the input.
        oid: ObjectIdentifier,
    },
    /// The signer's `SubjectPublicKeyInfo` could not be decoded or fails a sanity check.
    #[error("malformed public key: {0}")]
    MalformedKey(&'static str),
    /// The key size is outside the range this library accepts (a DoS guard, not a policy).
    #[error("public key of {bits} bits is outside the accepted range {min}..={max} bits")]
    KeySizeOutOfRange {
        /// Size of the key (modulus or prime `p`) in bits.
        bits: u32,
        /// Smallest accepted size in bits.
        min: u32,
        /// Largest accepted size in bits.
        max: u32,
    },
    /// Algorithm parameters are malformed, invalid, or inconsistent with the key.
    #[error("invalid algorithm parameters: {0}")]
    InvalidParameters(&'static str),
    /// The inputs are well formed but the signature does not verify
    /// (including a signature value whose encoding is malformed).
    #[error("signature does not verify")]
    InvalidSignature,
}

impl SignatureError {
    /// `true` only for [`SignatureError::InvalidSignature`]: the inputs were
    /// understood and the signature is wrong.
    pub fn is_invalid_signature(&self) -> bool {
        matches!(self, Self::InvalidSignature)
    }
}

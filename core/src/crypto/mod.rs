//! Signature verification and digests.
//!
//! * [`SignatureVerifier`]: the trait every signature check goes through;
//!   [`RustCryptoVerifier`] is the default backend, [`DefaultVerifier`] names
//!   the backend selected by cargo features.
//! * [`SignatureAlgorithm`], [`PssParameters`]: decoded signature algorithm identifiers.
//! * [`SignerKey`], [`PublicKeyInfo`]: the signer's key, DSA parameter
//!   inheritance, and key algorithm / size for weak-key policy.
//! * [`DigestAlgorithm`], [`digest_by_oid`], [`Hasher`]: SHA-1 and SHA-2 by OID.
//!
//! Supported: RSA PKCS #1 v1.5 and RSASSA-PSS with SHA-1/224/256/384/512,
//! ECDSA on P-256, P-384 and P-521 with the same digests, Ed25519, and DSA
//! with SHA-1/224/256. Decisions are written down in `docs/crypto.md`.

mod algorithm;
mod digest;
mod error;
mod key;
mod oids;
mod rustcrypto;
mod verifier;

pub use algorithm::{PssParameters, SignatureAlgorithm};
pub use digest::{DigestAlgorithm, Hasher, digest_by_oid};
pub use error::{AlgorithmRole, SignatureError};
pub use key::{
    NamedCurve, PublicKeyAlgorithm, PublicKeyInfo, RSA_MAX_BITS, RSA_MAX_EXPONENT, RSA_MIN_BITS,
    SignerKey,
};
pub use rustcrypto::RustCryptoVerifier;
pub use verifier::SignatureVerifier;

/// The backend used when a caller does not choose one: [`RustCryptoVerifier`]
/// today. A faster backend added behind a cargo feature will be selected here,
/// so code written against `DefaultVerifier` keeps working unchanged.
pub type DefaultVerifier = RustCryptoVerifier;

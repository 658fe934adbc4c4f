//! Signature verification and digests.
//!
//! * [`SignatureVerifier`]: the trait every signature check goes through;
//!   [`RustCryptoVerifier`] is the default backend, [`DefaultVerifier`] names
//!   the backend selected by cargo features.
//! * [`SignatureAlgorithm`], [`PssParameters`]: decoded signature algorithm identifiers.
//! * [`SignerKey`], [`KeyStrength`]: the signer's key, DSA parameter
//!   inheritance, and key algorithm / size for weak-key policy.
//! * [`DigestAlgorithm`], [`Hasher`]: SHA-1 and SHA-2 by OID.
//!
//! Supported: RSA PKCS #1 v1.5 and RSASSA-PSS with SHA-1/224/256/384/512,
//! ECDSA on P-256, P-384 and P-521 with the same digests, Ed25519, and DSA
//! with SHA-1/224/256. Decisions are written down in `docs/crypto.md`.

mod algorithm;
#[cfg(feature = "aws-lc-rs")]
mod aws_lc;
mod cache;
mod digest;
mod error;
mod key;
mod oids;
mod rustcrypto;
mod verifier;

pub use algorithm::{PssParameters, SignatureAlgorithm};
#[cfg(feature = "aws-lc-rs")]
pub use aws_lc::AwsLcVerifier;
pub use cache::KeyCachingVerifier;
pub(crate) use digest::hash_reader;
pub use digest::{DigestAlgorithm, Hasher, digest_by_oid};
pub use error::{AlgorithmRole, SignatureError};
pub(crate) use key::KeySlot;
pub use key::{KeyStrength, NamedCurve, PublicKeyAlgorithm, SignerKey, key_decodes};
pub use rustcrypto::RustCryptoVerifier;
pub use verifier::SignatureVerifier;

/// The backend used when a caller does not choose one: [`RustCryptoVerifier`]
/// in the default (pure Rust) build, [`AwsLcVerifier`] with the `aws-lc-rs`
/// cargo feature. Code written against `DefaultVerifier` works with either.
#[cfg(not(feature = "aws-lc-rs"))]
pub type DefaultVerifier = RustCryptoVerifier;
/// The backend used when a caller does not choose one: [`RustCryptoVerifier`]
/// in the default (pure Rust) build, [`AwsLcVerifier`] with the `aws-lc-rs`
/// cargo feature. Code written against `DefaultVerifier` works with either.
#[cfg(feature = "aws-lc-rs")]
pub type DefaultVerifier = AwsLcVerifier;

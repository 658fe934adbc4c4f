//! placeholder

pub mod crypto;
pub use crypto::{DefaultVerifier, SignatureError, SignatureVerifier, SignerKey};

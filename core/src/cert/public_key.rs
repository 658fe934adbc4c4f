//! The subject public key (RFC 5280 4.1.2.7): algorithm, curve and size.

use std::sync::OnceLock;

use der::referenced::OwnedToRef;
use der::{Encode, asn1::ObjectIdentifier};
use spki::SubjectPublicKeyInfoOwned;

use crate::crypto::{KeySlot, SignerKey};
use crate::error::{Error, Result};

/// Public key algorithm OIDs (RFC 3279, RFC 4055, RFC 5480, RFC 8410).
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// rsaEncryption.
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// id-RSASSA-PSS (a key restricted to PSS).
    pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// id-ecPublicKey.
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// id-Ed448.
    pub const ED448: Oid = Oid::new_unwrap("1.3.101.113");
    /// id-dsa.
    pub const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
    /// secp256r1 (P-256).
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1 (P-384).
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// secp521r1 (P-521).
    pub const P521: Oid = Oid::new_unwrap("1.3.132.0.35");
    /// secp256k1.
    pub const SECP256K1: Oid = Oid::new_unwrap("1.3.132.0.10");
}

/// The certificate's SubjectPublicKeyInfo with what policy checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    spki: SubjectPublicKeyInfoOwned,
    der: Vec<u8>,
    /// Computed on first use: sizing a key means parsing it, which path
    /// validation needs only for weak-key checks and record parsing never.
    bits: OnceLock<Option<u32>>,
    /// The key as the signature backends decode it, made on first use.
    slot: KeySlot,
}

impl PublicKeyInfo {
    pub(crate) fn new(spki: SubjectPublicKeyInfoOwned) -> Result<Self> {
        let der = spki
            .to_der()
            .map_err(|e| Error::der("SubjectPublicKeyInfo", e))?;
        Ok(PublicKeyInfo {
            spki,
            der,
            bits: OnceLock::new(),
            slot: KeySlot::new(),
        })
    }

    /// The algorithm OID (e.g. rsaEncryption).
    pub fn algorithm(&self) -> ObjectIdentifier {
        self.spki.algorithm.oid
    }

    /// The named curve of an EC key.
    pub fn curve(&self) -> Option<ObjectIdentifier> {
        if self.algorithm() != oid::EC_PUBLIC_KEY {
            return None;
        }
        self.spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
    }

    /// Key size in bits: the RSA modulus or DSA prime length, the curve
    /// size, 256 for Ed25519 and 456 for Ed448; `None` when the key does
    /// not decode, its type is unknown or its size is outside what the
    /// signature backend accepts (RSA 512 to 16384 bits).
    pub fn bits(&self) -> Option<u32> {
        *self.bits.get_or_init(|| key_bits(&self.spki))
    }

    /// The decoded SubjectPublicKeyInfo.
    pub fn spki(&self) -> &SubjectPublicKeyInfoOwned {
        &self.spki
    }

    /// The key for signature verification, with this certificate's slot
    /// for its decoded form: however many signatures it verifies, the
    /// backend decodes it once.
    pub fn signer_key(&self) -> SignerKey<'_> {
        SignerKey::with_slot(self.spki.owned_to_ref(), &self.slot)
    }

    /// The DER of the SubjectPublicKeyInfo.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subjectPublicKey BIT STRING contents.
    pub fn key_bytes(&self) -> &[u8] {
        self.spki.subject_public_key.raw_bytes()
    }
}

fn key_bits(spki: &SubjectPublicKeyInfoOwned) -> Option<u32> {
    // Every key the signature backend supports is sized by the backend's own parse.
    if let Ok(info) = SignerKey::from(spki).info() {
        return Some(info.bits);
    }
    // Others, from their encoding alone.
    let alg = spki.algorithm.oid;
    if alg == oid::EC_PUBLIC_KEY {
        let key = spki.subject_public_key.as_bytes()?;
        let curve = spki
            .algorithm
            .parameters
            .as_ref()?
            .decode_as::<ObjectIdentifier>();
        return match curve.ok()? {
            oid::SECP256K1 => Some(256),
            // An uncompressed point is 04 || X || Y.
            _ => u32::try_from(key.len().saturating_sub(1) / 2 * 8).ok(),
        };
    }
    (alg == oid::ED448).then_some(456)
}

//! Which key signed a certificate, read from its ECDSA signature (SEC 1
//! v2.0 4.1.6, public key recovery), so that among many candidate issuers
//! with the same name and no key identifier to tell them apart the builder
//! tries the one whose key signed first. A recovery costs about one
//! signature verification and is counted as one in the budget; the chosen
//! candidate is then verified as any other. RSA, DSA and EdDSA signatures
//! give no such shortcut: their candidates are tried in order.

use der::asn1::ObjectIdentifier;
use sha2::Digest;

use crate::cert::Certificate;

const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
/// secp256r1 (RFC 5480 2.1.1.1).
pub(crate) const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 (RFC 5480 2.1.1.1).
pub(crate) const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// The digest of `child`'s TBSCertificate under its ECDSA signature
/// algorithm (RFC 5758 3.2), `None` for another algorithm.
fn prehash(child: &Certificate) -> Option<Vec<u8>> {
    let tbs = child.tbs_der();
    let oid = child.signature_algorithm().oid;
    Some(if oid == ECDSA_WITH_SHA256 {
        sha2::Sha256::digest(tbs).to_vec()
    } else if oid == ECDSA_WITH_SHA384 {
        sha2::Sha384::digest(tbs).to_vec()
    } else if oid == ECDSA_WITH_SHA512 {
        sha2::Sha512::digest(tbs).to_vec()
    } else {
        return None;
    })
}

/// True when `child` carries an ECDSA signature whose signer key could be
/// recovered on `curve`.
pub(crate) fn recoverable(child: &Certificate, curve: ObjectIdentifier) -> bool {
    (curve == P256 || curve == P384) && prehash(child).is_some()
}

/// The SEC 1 encodings (uncompressed and compressed) of every key on
/// `curve` that the signature of `child` verifies under: two candidates,
/// one per parity of R's y coordinate (the x-reduced cases, with
/// probability about 2^-128, are left out).
pub(crate) fn signer_keys(child: &Certificate, curve: ObjectIdentifier) -> Vec<Vec<u8>> {
    let Some(hash) = prehash(child) else {
        return Vec::new();
    };
    let signature = child.signature();
    let mut keys = Vec::new();
    macro_rules! recover {
        ($curve:ident) => {{
            use ecdsa::RecoveryId;
            use $curve::ecdsa::{Signature, VerifyingKey};
            if let Ok(sig) = Signature::from_der(signature) {
                for y_odd in [false, true] {
                    let id = RecoveryId::new(y_odd, false);
                    if let Ok(key) = VerifyingKey::recover_from_prehash(&hash, &sig, id) {
                        keys.push(key.to_sec1_point(false).as_bytes().to_vec());
                        keys.push(key.to_sec1_point(true).as_bytes().to_vec());
                    }
                }
            }
        }};
    }
    if curve == P256 {
        recover!(p256);
    } else if curve == P384 {
        recover!(p384);
    }
    keys
}

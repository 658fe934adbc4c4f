//! The default backend: the pure-Rust RustCrypto crates (`rsa`, `ecdsa` with
//! `p256`/`p384`/`p521`, `ed25519-dalek`, `dsa`).

use signature::hazmat::PrehashVerifier;
use spki::AlgorithmIdentifierRef;

use super::algorithm::{PssParameters, SignatureAlgorithm};
use super::digest::DigestAlgorithm;
use super::error::SignatureError;
use super::key::{
    NamedCurve, ParsedKey, RSA_MAX_BITS, RSA_MIN_BITS, RsaKeyUse, SignerKey, count_key_decode,
};
use super::verifier::SignatureVerifier;

/// Signature verification with the RustCrypto crates: the default backend.
///
/// Stateless, `Copy`, `Send + Sync`: share one or create them freely.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct RustCryptoVerifier;

impl RustCryptoVerifier {
    /// A new verifier.
    pub fn new() -> Self {
        Self
    }
}

const KEY_MISMATCH: SignatureError =
    SignatureError::InvalidParameters("signature algorithm does not match the signer's key type");

impl SignatureVerifier for RustCryptoVerifier {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let algorithm = SignatureAlgorithm::from_identifier(algorithm)?;
        match signer.prepared() {
            Some(prepared) => {
                let key = prepared.rustcrypto.get_or_init(|| RustKey::decode(signer));
                verify_with(algorithm, key, message, signature)
            }
            None => verify_with(algorithm, &RustKey::decode(signer), message, signature),
        }
    }
}

/// A key decoded for the RustCrypto crates, kept in a
/// [`PreparedKey`](super::PreparedKey). Errors are kept in the order
/// verification reports them: the key's own decoding first, then (after
/// the algorithm is matched against the key type) the arithmetic set-up.
pub(crate) enum RustKey {
    Rsa {
        key: Result<rsa::PublicKey, SignatureError>,
        usage: RsaKeyUse,
    },
    P256(Result<ecdsa::VerifyingKey<p256::NistP256>, SignatureError>),
    P384(Result<ecdsa::VerifyingKey<p384::NistP384>, SignatureError>),
    P521(Result<ecdsa::VerifyingKey<p521::NistP521>, SignatureError>),
    Ed25519(Result<ed25519_dalek::VerifyingKey, SignatureError>),
    Dsa(Result<dsa::VerifyingKey, SignatureError>),
    /// The key did not decode (backend independent checks).
    Invalid(SignatureError),
}

impl RustKey {
    pub(crate) fn decode(signer: &SignerKey<'_>) -> Self {
        count_key_decode();
        match signer.parse() {
            Err(e) => Self::Invalid(e),
            Ok(ParsedKey::Rsa { n, e, usage, .. }) => Self::Rsa {
                key: rsa_key(n, e),
                usage,
            },
            Ok(ParsedKey::Ec { curve, point }) => match curve {
                NamedCurve::P256 => Self::P256(ec_key(point)),
                NamedCurve::P384 => Self::P384(ec_key(point)),
                NamedCurve::P521 => Self::P521(ec_key(point)),
            },
            Ok(ParsedKey::Ed25519(key)) => Self::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(key)
                    .map_err(|_| SignatureError::MalformedKey("Ed25519 key is not a valid point")),
            ),
            Ok(ParsedKey::Dsa { p, q, g, y, .. }) => Self::Dsa(dsa_key(p, q, g, y)),
        }
    }
}

/// Verification with a decoded key, for this backend and for the fallbacks of others.
pub(crate) fn verify_with(
    algorithm: SignatureAlgorithm,
    key: &RustKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    if let RustKey::Invalid(e) = key {
        return Err(e.clone());
    }
    match (algorithm, key) {
        (SignatureAlgorithm::RsaPkcs1v15(hash), RustKey::Rsa { key, usage }) => {
            // RFC 4055 section 1.2: an id-RSASSA-PSS key is for PSS only.
            if *usage != RsaKeyUse::Any {
                return Err(SignatureError::InvalidParameters(
                    "RSA key is restricted to RSASSA-PSS but the signature is PKCS #1 v1.5",
                ));
            }
            let key = key.as_ref().map_err(Clone::clone)?;
            rsa_pkcs1v15(key, hash, &hash.digest(message), signature)
        }
        (SignatureAlgorithm::RsaPss(params), RustKey::Rsa { key, usage }) => {
            check_pss_restriction(*usage, params)?;
            let key = key.as_ref().map_err(Clone::clone)?;
            rsa_pss(key, params, &params.hash.digest(message), signature)
        }
        (SignatureAlgorithm::Ecdsa(hash), RustKey::P256(key)) => {
            ecdsa_verify(key, &hash.digest(message), signature)
        }
        (SignatureAlgorithm::Ecdsa(hash), RustKey::P384(key)) => {
            ecdsa_verify(key, &hash.digest(message), signature)
        }
        (SignatureAlgorithm::Ecdsa(hash), RustKey::P521(key)) => {
            ecdsa_verify(key, &hash.digest(message), signature)
        }
        (SignatureAlgorithm::Ed25519, RustKey::Ed25519(key)) => {
            ed25519_verify(key, message, signature)
        }
        (SignatureAlgorithm::Dsa(hash), RustKey::Dsa(key)) => {
            dsa_verify(key, &hash.digest(message), signature)
        }
        _ => Err(KEY_MISMATCH),
    }
}

/// RFC 4055 section 3.3: a key restricted to PSS parameters verifies only
/// signatures with the same digests and at least its salt length.
pub(crate) fn check_pss_restriction(
    usage: RsaKeyUse,
    params: PssParameters,
) -> Result<(), SignatureError> {
    if let RsaKeyUse::PssRestricted(allowed) = usage {
        if allowed.hash != params.hash {
            return Err(SignatureError::InvalidParameters(
                "RSASSA-PSS digest differs from the one the key is restricted to",
            ));
        }
        if params.salt_len < allowed.salt_len {
            return Err(SignatureError::InvalidParameters(
                "RSASSA-PSS salt is shorter than the key's minimum",
            ));
        }
    }
    Ok(())
}

fn rsa_key(n: &[u8], e: u64) -> Result<rsa::PublicKey, SignatureError> {
    let n = rsa::BoxedUint::from_be_slice_vartime(n);
    let e = rsa::BoxedUint::from(e);
    // The modulus size and exponent were checked while parsing; the `rsa`
    // crate checks them again (and that e < n).
    rsa::PublicKey::new_with_size_limits(n, e, RSA_MIN_BITS as usize..=RSA_MAX_BITS as usize)
        .map_err(|_| SignatureError::MalformedKey("RSA key rejected (modulus or exponent)"))
}

fn rsa_pkcs1v15(
    key: &rsa::PublicKey,
    hash: DigestAlgorithm,
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let result = match hash {
        DigestAlgorithm::Sha1 => key.pkcs1v15_verify_prehash::<sha1::Sha1>(prehash, signature),
        DigestAlgorithm::Sha224 => key.pkcs1v15_verify_prehash::<sha2::Sha224>(prehash, signature),
        DigestAlgorithm::Sha256 => key.pkcs1v15_verify_prehash::<sha2::Sha256>(prehash, signature),
        DigestAlgorithm::Sha384 => key.pkcs1v15_verify_prehash::<sha2::Sha384>(prehash, signature),
        DigestAlgorithm::Sha512 => key.pkcs1v15_verify_prehash::<sha2::Sha512>(prehash, signature),
    };
    result.map_err(|_| SignatureError::InvalidSignature)
}

fn rsa_pss(
    key: &rsa::PublicKey,
    params: PssParameters,
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    fn verify<D>(
        key: &rsa::PublicKey,
        salt_len: usize,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError>
    where
        D: sha2::Digest + sha2::digest::FixedOutputReset,
    {
        // RFC 8017 section 8.1.2 with the key borrowed (no copy of the
        // modulus and its precomputations per verification).
        key.verify(
            rsa::pss::Pss::<D>::new_with_salt(salt_len),
            prehash,
            signature,
        )
        .map_err(|_| SignatureError::InvalidSignature)
    }
    // A salt longer than the encoded message can never verify; the rsa crate
    // rejects it, this only keeps the conversion total.
    let salt_len =
        usize::try_from(params.salt_len).map_err(|_| SignatureError::InvalidSignature)?;
    match params.hash {
        DigestAlgorithm::Sha1 => verify::<sha1::Sha1>(key, salt_len, prehash, signature),
        DigestAlgorithm::Sha224 => verify::<sha2::Sha224>(key, salt_len, prehash, signature),
        DigestAlgorithm::Sha256 => verify::<sha2::Sha256>(key, salt_len, prehash, signature),
        DigestAlgorithm::Sha384 => verify::<sha2::Sha384>(key, salt_len, prehash, signature),
        DigestAlgorithm::Sha512 => verify::<sha2::Sha512>(key, salt_len, prehash, signature),
    }
}

fn ec_key<C>(point: &[u8]) -> Result<ecdsa::VerifyingKey<C>, SignatureError>
where
    C: ecdsa::EcdsaCurve + elliptic_curve::CurveArithmetic,
    elliptic_curve::AffinePoint<C>:
        elliptic_curve::sec1::FromSec1Point<C> + elliptic_curve::sec1::ToSec1Point<C>,
    elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
{
    // RFC 5480 section 2.2: the key is an uncompressed or compressed SEC1 point;
    // decoding checks that it is on the curve and not the identity.
    ecdsa::VerifyingKey::<C>::from_sec1_bytes(point)
        .map_err(|_| SignatureError::MalformedKey("EC point is not on the curve"))
}

fn ecdsa_verify<C>(
    key: &Result<ecdsa::VerifyingKey<C>, SignatureError>,
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError>
where
    C: ecdsa::EcdsaCurve + elliptic_curve::CurveArithmetic,
    ecdsa::der::MaxSize<C>: elliptic_curve::array::ArraySize,
    <elliptic_curve::FieldBytesSize<C> as core::ops::Add>::Output:
        core::ops::Add<ecdsa::der::MaxOverhead> + elliptic_curve::array::ArraySize,
{
    let key = key.as_ref().map_err(Clone::clone)?;
    // RFC 5480 section 2.2 / RFC 5758 section 3.2: Ecdsa-Sig-Value in strict DER.
    let signature =
        ecdsa::Signature::<C>::from_der(signature).map_err(|_| SignatureError::InvalidSignature)?;
    key.verify_prehash(prehash, &signature)
        .map_err(|_| SignatureError::InvalidSignature)
}

fn ed25519_verify(
    key: &Result<ed25519_dalek::VerifyingKey, SignatureError>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let key = key.as_ref().map_err(Clone::clone)?;
    let signature = ed25519_dalek::Signature::from_slice(signature)
        .map_err(|_| SignatureError::InvalidSignature)?;
    // Strict verification: rejects small-order keys and R, and non-canonical S
    // (RFC 8032 section 5.1.7 plus the malleability checks of "Taming the many EdDSAs").
    key.verify_strict(message, &signature)
        .map_err(|_| SignatureError::InvalidSignature)
}

fn dsa_key(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Result<dsa::VerifyingKey, SignatureError> {
    let p = dsa::BoxedUint::from_be_slice_vartime(p);
    let q = dsa::BoxedUint::from_be_slice_vartime(q);
    // The `dsa` crate computes modulo p with g and y as given: they must have
    // p's precision (a shorter g or y, i.e. one with leading zero bytes, trips
    // crypto-bigint's precision assertion). Values wider than p are invalid.
    let precision = p.bits_precision();
    let g = dsa::BoxedUint::from_be_slice(g, precision)
        .map_err(|_| SignatureError::InvalidParameters("DSA generator g is larger than p"))?;
    let y = dsa::BoxedUint::from_be_slice(y, precision)
        .map_err(|_| SignatureError::MalformedKey("DSA public value is larger than p"))?;
    let components = dsa::Components::from_components(p, q, g).map_err(|_| {
        SignatureError::InvalidParameters("DSA domain parameters rejected (sizes or values)")
    })?;
    dsa::VerifyingKey::from_components(components, y)
        .map_err(|_| SignatureError::MalformedKey("DSA public value is not in the subgroup"))
}

fn dsa_verify(
    key: &Result<dsa::VerifyingKey, SignatureError>,
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    use der::Decode;
    let key = key.as_ref().map_err(Clone::clone)?;
    let signature =
        dsa::Signature::from_der(signature).map_err(|_| SignatureError::InvalidSignature)?;
    key.verify_prehash(prehash, &signature)
        .map_err(|_| SignatureError::InvalidSignature)
}

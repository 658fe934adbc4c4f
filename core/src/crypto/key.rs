//! The signer's public key: decoding a `SubjectPublicKeyInfo`, sanity checks,
//! DSA parameter inheritance, and the facts a weak-key policy needs.

use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, UintRef};
use der::referenced::OwnedToRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};

use std::sync::{Arc, OnceLock};

use super::algorithm::{PssParameters, absent_or_null};
use super::error::{AlgorithmRole, SignatureError};
use super::oids;

/// Smallest RSA modulus accepted at all, in bits. Smaller keys are broken
/// outright; keys between this and a policy's minimum (typically 2048) are
/// verified and left to the caller to flag as weak.
pub(crate) const RSA_MIN_BITS: u32 = 512;
/// Largest RSA modulus accepted, in bits. Verification cost grows with the
/// square of the modulus size; 16384 bits is twice the largest key seen in
/// public PKIs and bounds the work a hostile certificate can cause.
pub(crate) const RSA_MAX_BITS: u32 = 16384;
/// Largest RSA public exponent accepted: 2^33 - 1, as in *ring* and the `rsa`
/// crate (a larger exponent only makes verification slower; see "RSADoS").
pub(crate) const RSA_MAX_EXPONENT: u64 = (1 << 33) - 1;

/// An elliptic curve named in an `id-ecPublicKey` key (RFC 5480 section 2.1.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NamedCurve {
    /// NIST P-256 / secp256r1, OID 1.2.840.10045.3.1.7.
    P256,
    /// NIST P-384 / secp384r1, OID 1.3.132.0.34.
    P384,
    /// NIST P-521 / secp521r1, OID 1.3.132.0.35.
    P521,
}

impl NamedCurve {
    /// The curve's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => oids::SECP256R1,
            Self::P384 => oids::SECP384R1,
            Self::P521 => oids::SECP521R1,
        }
    }

    /// Size of the curve's field in bits (the conventional "key size").
    pub fn bits(self) -> u32 {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }

    fn from_oid(oid: ObjectIdentifier) -> Result<Self, SignatureError> {
        match oid {
            oids::SECP256R1 => Ok(Self::P256),
            oids::SECP384R1 => Ok(Self::P384),
            oids::SECP521R1 => Ok(Self::P521),
            oid => Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::Curve,
                oid,
            }),
        }
    }
}

/// The algorithm of a public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PublicKeyAlgorithm {
    /// `rsaEncryption` (1.2.840.113549.1.1.1).
    Rsa,
    /// `id-RSASSA-PSS` (1.2.840.113549.1.1.10): an RSA key restricted to PSS.
    RsaPss,
    /// `id-ecPublicKey` (1.2.840.10045.2.1) on the named curve.
    Ec(NamedCurve),
    /// `id-Ed25519` (1.3.101.112).
    Ed25519,
    /// `id-dsa` (1.2.840.10040.4.1).
    Dsa,
}

impl core::fmt::Display for NamedCurve {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        })
    }
}

impl PublicKeyAlgorithm {
    /// The `SubjectPublicKeyInfo.algorithm` OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Rsa => oids::RSA_ENCRYPTION,
            Self::RsaPss => oids::RSASSA_PSS,
            Self::Ec(_) => oids::EC_PUBLIC_KEY,
            Self::Ed25519 => oids::ED25519,
            Self::Dsa => oids::DSA,
        }
    }
}

impl core::fmt::Display for PublicKeyAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Rsa => f.write_str("RSA"),
            Self::RsaPss => f.write_str("RSA (PSS only)"),
            Self::Ec(curve) => write!(f, "EC {curve}"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Dsa => f.write_str("DSA"),
        }
    }
}

/// What a weak-key policy needs to know about a public key: its algorithm
/// and size (a certificate's whole key is [`crate::cert::PublicKeyInfo`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KeyStrength {
    /// The key's algorithm (and curve).
    pub algorithm: PublicKeyAlgorithm,
    /// Key size in bits: RSA modulus length, DSA prime `p` length, EC field
    /// size, 256 for Ed25519.
    pub bits: u32,
}

/// The signer's public key as given to a [`SignatureVerifier`](super::SignatureVerifier):
/// a borrowed `SubjectPublicKeyInfo`, plus DSA domain parameters inherited
/// from the issuer when the key has none (RFC 3279 section 2.3.2).
///
/// A key may carry the place where backends keep its decoded form (one
/// per certificate) or that decoded form itself (from a
/// [`KeyCachingVerifier`](super::KeyCachingVerifier)'s cache): verifications
/// through it then decode the key once, not every time.
#[derive(Clone, Debug)]
pub struct SignerKey<'a> {
    spki: SubjectPublicKeyInfoRef<'a>,
    inherited_dsa_params: Option<AnyRef<'a>>,
    slot: Option<&'a KeySlot>,
    prepared: Option<Arc<PreparedKey>>,
}

impl<'a> From<SubjectPublicKeyInfoRef<'a>> for SignerKey<'a> {
    fn from(spki: SubjectPublicKeyInfoRef<'a>) -> Self {
        Self::new(spki)
    }
}

impl<'a> From<&'a SubjectPublicKeyInfoOwned> for SignerKey<'a> {
    fn from(spki: &'a SubjectPublicKeyInfoOwned) -> Self {
        Self::new(spki.owned_to_ref())
    }
}

impl<'a> SignerKey<'a> {
    /// The key in `spki`, with no inherited parameters.
    pub fn new(spki: SubjectPublicKeyInfoRef<'a>) -> Self {
        Self {
            spki,
            inherited_dsa_params: None,
            slot: None,
            prepared: None,
        }
    }

    /// The key in `spki`, whose decoded form backends keep in `slot` (the
    /// slot must belong to this key: a certificate's own, say).
    pub(crate) fn with_slot(spki: SubjectPublicKeyInfoRef<'a>, slot: &'a KeySlot) -> Self {
        Self {
            slot: Some(slot),
            ..Self::new(spki)
        }
    }

    /// The same key with its decoded form taken from `prepared` (which must
    /// have been made for this key, as a [`KeyCache`](super::KeyCache) does).
    pub(crate) fn with_prepared(mut self, prepared: Arc<PreparedKey>) -> Self {
        if let Some(slot) = self.slot {
            // The certificate keeps the cache's entry from now on.
            self.prepared = Some(Arc::clone(slot.0.get_or_init(|| prepared)));
        } else {
            self.prepared = Some(prepared);
        }
        self
    }

    /// `true` if a decoded form is already attached (slot filled or prepared key given).
    pub(crate) fn is_prepared(&self) -> bool {
        self.prepared.is_some() || self.slot.is_some_and(|slot| slot.0.get().is_some())
    }

    /// Where backends keep this key's decoded forms: the attached prepared
    /// key, else the slot's (created on first use); `None` for a bare key
    /// (decoded on each verification) and for a DSA key whose parameters
    /// are inherited (its decoded form depends on the issuer).
    pub(crate) fn prepared(&self) -> Option<Arc<PreparedKey>> {
        if self.inherited_dsa_params.is_some() && self.needs_inherited_dsa_parameters() {
            return None;
        }
        if let Some(prepared) = &self.prepared {
            return Some(Arc::clone(prepared));
        }
        self.slot
            .map(|slot| Arc::clone(slot.0.get_or_init(Default::default)))
    }

    /// Decode a DER `SubjectPublicKeyInfo` (borrowing from `der`).
    ///
    /// # Errors
    /// [`SignatureError::MalformedKey`] if `der` is not a `SubjectPublicKeyInfo`.
    pub fn from_der(der: &'a [u8]) -> Result<Self, SignatureError> {
        SubjectPublicKeyInfoRef::from_der(der)
            .map(Self::new)
            .map_err(|_| SignatureError::MalformedKey("not a DER SubjectPublicKeyInfo"))
    }

    /// Use `params` (the `algorithm.parameters` of the issuer's DSA key, found by
    /// walking up the path) when this key is a DSA key without parameters.
    /// Ignored for every other key, and for DSA keys that carry their own.
    pub fn with_inherited_dsa_parameters(mut self, params: AnyRef<'a>) -> Self {
        self.inherited_dsa_params = Some(params);
        if self.needs_inherited_dsa_parameters() {
            // The decoded key depends on the parameters: not cached.
            self.slot = None;
            self.prepared = None;
        }
        self
    }

    /// The borrowed `SubjectPublicKeyInfo`.
    pub fn spki(&self) -> &SubjectPublicKeyInfoRef<'a> {
        &self.spki
    }

    /// `true` if this is a DSA key whose `SubjectPublicKeyInfo` has no
    /// domain parameters, so they must come from the issuer.
    pub fn needs_inherited_dsa_parameters(&self) -> bool {
        self.spki.algorithm.oid == oids::DSA && absent_or_null(self.spki.algorithm.parameters)
    }

    /// Algorithm and size of the key, for weak-key policy.
    ///
    /// # Errors
    /// The same as verification would return for this key: unsupported
    /// algorithm or curve, malformed key, size out of range, or a DSA key
    /// without (inherited) parameters.
    pub fn info(&self) -> Result<KeyStrength, SignatureError> {
        let parsed = self.parse()?;
        Ok(KeyStrength {
            algorithm: parsed.algorithm(),
            bits: parsed.bits(),
        })
    }

    /// Decode and sanity-check the key (backend independent).
    pub(crate) fn parse(&self) -> Result<ParsedKey<'a>, SignatureError> {
        let alg = &self.spki.algorithm;
        let key = self
            .spki
            .subject_public_key
            .as_bytes()
            .ok_or(SignatureError::MalformedKey(
                "public key BIT STRING has unused bits",
            ))?;
        match alg.oid {
            oids::RSA_ENCRYPTION => {
                // RFC 3279 section 2.3.1: parameters NULL (absent seen in practice).
                if !absent_or_null(alg.parameters) {
                    return Err(SignatureError::InvalidParameters(
                        "rsaEncryption key parameters are not NULL",
                    ));
                }
                parse_rsa(key, RsaKeyUse::Any)
            }
            oids::RSASSA_PSS => {
                // RFC 4055 section 3.1: absent parameters leave the key unrestricted.
                let restriction = match alg.parameters {
                    None => RsaKeyUse::PssAny,
                    Some(p) => RsaKeyUse::PssRestricted(PssParameters::from_params(p)?),
                };
                parse_rsa(key, restriction)
            }
            oids::EC_PUBLIC_KEY => {
                // RFC 5480 section 2.1.1: namedCurve is the only form allowed in PKIX.
                let params = alg.parameters.ok_or(SignatureError::InvalidParameters(
                    "EC key without a named curve",
                ))?;
                let curve_oid: ObjectIdentifier = params.decode_as().map_err(|_| {
                    SignatureError::InvalidParameters("EC key parameters are not a named curve")
                })?;
                let curve = NamedCurve::from_oid(curve_oid)?;
                if key.is_empty() {
                    return Err(SignatureError::MalformedKey("empty EC point"));
                }
                Ok(ParsedKey::Ec { curve, point: key })
            }
            oids::ED25519 => {
                // RFC 8410 section 3: parameters MUST be absent.
                if alg.parameters.is_some() {
                    return Err(SignatureError::InvalidParameters(
                        "Ed25519 key parameters must be absent",
                    ));
                }
                let key: &'a [u8; 32] = key
                    .try_into()
                    .map_err(|_| SignatureError::MalformedKey("Ed25519 key is not 32 bytes"))?;
                Ok(ParsedKey::Ed25519(key))
            }
            oids::DSA => {
                let params = match alg.parameters.filter(|p| !p.is_null()) {
                    Some(p) => p,
                    None => self.inherited_dsa_params.filter(|p| !p.is_null()).ok_or(
                        SignatureError::InvalidParameters(
                            "DSA key without parameters and none inherited from the issuer",
                        ),
                    )?,
                };
                parse_dsa(params, key)
            }
            oid => Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::PublicKey,
                oid,
            }),
        }
    }
}

/// The place where one key's decoded form is kept, filled on first use: a
/// certificate holds one, so its key is decoded once however often it
/// verifies signatures. Cloning gives an empty slot; slots never take part
/// in comparisons.
#[derive(Default)]
pub(crate) struct KeySlot(OnceLock<Arc<PreparedKey>>);

impl KeySlot {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Clone for KeySlot {
    fn clone(&self) -> Self {
        // Sharing the decoded key is sound (it is immutable) and saves a decode.
        let slot = OnceLock::new();
        if let Some(prepared) = self.0.get() {
            let _ = slot.set(Arc::clone(prepared));
        }
        Self(slot)
    }
}

impl PartialEq for KeySlot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeySlot {}

impl core::fmt::Debug for KeySlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "KeySlot(prepared)"
        } else {
            "KeySlot(empty)"
        })
    }
}

/// One public key decoded for verification: each backend keeps its own
/// form here (RustCrypto's big integers and curve points with their
/// precomputations, AWS-LC's parsed keys), made on the first verification
/// and reused by every later one. Immutable once made; `Send + Sync`.
#[derive(Default)]
pub(crate) struct PreparedKey {
    pub(crate) rustcrypto: OnceLock<super::rustcrypto::RustKey>,
    #[cfg(feature = "aws-lc-rs")]
    pub(crate) aws_lc: OnceLock<super::aws_lc::AwsKey>,
}

impl core::fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PreparedKey").finish_non_exhaustive()
    }
}

thread_local! {
    static KEY_DECODES: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Counts one backend key decode on this thread (for [`key_decodes`]).
pub(crate) fn count_key_decode() {
    KEY_DECODES.with(|n| n.set(n.get() + 1));
}

/// How many public keys the built-in backends have decoded into their own
/// form (RSA modulus set-up, curve point decompression and checks, AWS-LC
/// key parsing) on the calling thread since it started. With keys cached
/// (a certificate's own slot, a validator's key cache) it grows by one per
/// distinct key, not per verification; tests and benchmarks read it.
pub fn key_decodes() -> u64 {
    KEY_DECODES.with(core::cell::Cell::get)
}

/// How an RSA key may be used (RFC 4055 section 1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RsaKeyUse {
    /// `rsaEncryption`: PKCS #1 v1.5 and PSS.
    Any,
    /// `id-RSASSA-PSS` without parameters: PSS with any parameters.
    PssAny,
    /// `id-RSASSA-PSS` with parameters: PSS with the same digests and at least that salt.
    PssRestricted(PssParameters),
}

/// A decoded, sanity-checked public key; big integers are borrowed,
/// big-endian, without leading zeros.
#[derive(Clone, Debug)]
pub(crate) enum ParsedKey<'a> {
    Rsa {
        n: &'a [u8],
        e: u64,
        bits: u32,
        usage: RsaKeyUse,
    },
    Ec {
        curve: NamedCurve,
        point: &'a [u8],
    },
    Ed25519(&'a [u8; 32]),
    Dsa {
        p: &'a [u8],
        q: &'a [u8],
        g: &'a [u8],
        y: &'a [u8],
        bits: u32,
    },
}

impl ParsedKey<'_> {
    fn algorithm(&self) -> PublicKeyAlgorithm {
        match self {
            Self::Rsa {
                usage: RsaKeyUse::Any,
                ..
            } => PublicKeyAlgorithm::Rsa,
            Self::Rsa { .. } => PublicKeyAlgorithm::RsaPss,
            Self::Ec { curve, .. } => PublicKeyAlgorithm::Ec(*curve),
            Self::Ed25519(_) => PublicKeyAlgorithm::Ed25519,
            Self::Dsa { .. } => PublicKeyAlgorithm::Dsa,
        }
    }

    fn bits(&self) -> u32 {
        match self {
            Self::Rsa { bits, .. } | Self::Dsa { bits, .. } => *bits,
            Self::Ec { curve, .. } => curve.bits(),
            Self::Ed25519(_) => 256,
        }
    }
}

/// Bit length of a big-endian unsigned integer without leading zero bytes.
pub(crate) fn bit_len(bytes: &[u8]) -> u32 {
    match bytes.first() {
        None => 0,
        Some(first) => {
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX / 8);
            len.saturating_mul(8).saturating_sub(first.leading_zeros())
        }
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
fn parse_rsa(key: &[u8], usage: RsaKeyUse) -> Result<ParsedKey<'_>, SignatureError> {
    const MALFORMED: SignatureError = SignatureError::MalformedKey("not a DER RSAPublicKey");
    let mut r = SliceReader::new(key).map_err(|_| MALFORMED)?;
    let (n, e) = r
        .sequence(|r| Ok::<_, der::Error>((UintRef::decode(r)?, UintRef::decode(r)?)))
        .map_err(|_| MALFORMED)?;
    r.finish().map_err(|_| MALFORMED)?;
    let (n, e) = (n.as_bytes(), e.as_bytes());

    let bits = bit_len(n);
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(SignatureError::KeySizeOutOfRange {
            bits,
            min: RSA_MIN_BITS,
            max: RSA_MAX_BITS,
        });
    }
    if n.last().is_none_or(|b| b & 1 == 0) {
        return Err(SignatureError::MalformedKey("RSA modulus is even"));
    }
    if e.len() > 8 {
        return Err(SignatureError::MalformedKey(
            "RSA public exponent is too large",
        ));
    }
    let e = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    // RSA public exponent sanity (RFC 8017 section 3.1: 3 <= e <= n - 1, odd);
    // the upper bound is the RSADoS guard of *ring* and the `rsa` crate.
    if e < 3 || e & 1 == 0 {
        return Err(SignatureError::MalformedKey(
            "RSA public exponent is even or smaller than 3",
        ));
    }
    if e > RSA_MAX_EXPONENT {
        return Err(SignatureError::MalformedKey(
            "RSA public exponent is larger than 2^33 - 1",
        ));
    }
    Ok(ParsedKey::Rsa { n, e, bits, usage })
}

/// Largest DSA prime accepted, in bits (FIPS 186-4 stops at 3072).
const DSA_MAX_BITS: u32 = 3072;
/// Smallest DSA prime accepted, in bits (PKITS uses 1024).
const DSA_MIN_BITS: u32 = 1024;

/// `Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }` and
/// `DSAPublicKey ::= INTEGER` (RFC 3279 section 2.3.2).
fn parse_dsa<'a>(params: AnyRef<'a>, key: &'a [u8]) -> Result<ParsedKey<'a>, SignatureError> {
    const MALFORMED_PARAMS: SignatureError =
        SignatureError::InvalidParameters("malformed Dss-Parms");
    if params.tag() != Tag::Sequence {
        return Err(MALFORMED_PARAMS);
    }
    let mut r = SliceReader::new(params.value()).map_err(|_| MALFORMED_PARAMS)?;
    let p = UintRef::decode(&mut r).map_err(|_| MALFORMED_PARAMS)?;
    let q = UintRef::decode(&mut r).map_err(|_| MALFORMED_PARAMS)?;
    let g = UintRef::decode(&mut r).map_err(|_| MALFORMED_PARAMS)?;
    r.finish().map_err(|_| MALFORMED_PARAMS)?;
    let y = UintRef::from_der(key)
        .map_err(|_| SignatureError::MalformedKey("DSA public key is not a DER INTEGER"))?;
    let (p, q, g, y) = (p.as_bytes(), q.as_bytes(), g.as_bytes(), y.as_bytes());
    let bits = bit_len(p);
    if !(DSA_MIN_BITS..=DSA_MAX_BITS).contains(&bits) {
        return Err(SignatureError::KeySizeOutOfRange {
            bits,
            min: DSA_MIN_BITS,
            max: DSA_MAX_BITS,
        });
    }
    Ok(ParsedKey::Dsa { p, q, g, y, bits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let len = content.len();
        let mut out = vec![tag];
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
        out.extend_from_slice(content);
        out
    }

    /// SPKI DER of an rsaEncryption key with modulus of `bits` bits (all ones, odd) and exponent `e`.
    fn rsa_spki(bits: usize, e: &[u8]) -> Vec<u8> {
        let mut n = vec![0xffu8; bits.div_ceil(8)];
        if !bits.is_multiple_of(8) {
            n[0] = 0xff >> (8 - bits % 8);
        }
        if n[0] & 0x80 != 0 {
            n.insert(0, 0);
        }
        let rsa = tlv(0x30, &[tlv(0x02, &n), tlv(0x02, e)].concat());
        let alg = tlv(
            0x30,
            &[tlv(0x06, oids::RSA_ENCRYPTION.as_bytes()), vec![0x05, 0x00]].concat(),
        );
        tlv(
            0x30,
            &[alg, tlv(0x03, &[&[0u8][..], &rsa].concat())].concat(),
        )
    }

    fn info(der: &[u8]) -> Result<KeyStrength, SignatureError> {
        SignerKey::from_der(der)?.info()
    }

    #[test]
    fn rsa_key_bounds() {
        assert_eq!(
            info(&rsa_spki(2048, &[1, 0, 1])).unwrap(),
            KeyStrength {
                algorithm: PublicKeyAlgorithm::Rsa,
                bits: 2048
            }
        );
        assert_eq!(info(&rsa_spki(16384, &[3])).unwrap().bits, 16384);
        assert_eq!(
            info(&rsa_spki(16385, &[3])),
            Err(SignatureError::KeySizeOutOfRange {
                bits: 16385,
                min: RSA_MIN_BITS,
                max: RSA_MAX_BITS
            })
        );
        assert!(matches!(
            info(&rsa_spki(511, &[3])),
            Err(SignatureError::KeySizeOutOfRange { .. })
        ));
        // Exponents: 1, even, > 2^33 - 1, nine bytes.
        for e in [
            &[1u8][..],
            &[1, 0, 0],
            &[4, 0, 0, 0, 1],
            &[1, 0, 0, 0, 0, 0, 0, 0, 1],
        ] {
            assert!(
                matches!(
                    info(&rsa_spki(2048, e)),
                    Err(SignatureError::MalformedKey(_))
                ),
                "{e:?}"
            );
        }
        // Negative exponent (not an unsigned INTEGER).
        assert!(matches!(
            info(&rsa_spki(2048, &[0x81])),
            Err(SignatureError::MalformedKey(_))
        ));
    }

    #[test]
    fn key_kinds() {
        // Ed25519 with a 31-byte key.
        let alg = tlv(0x30, &tlv(0x06, oids::ED25519.as_bytes()));
        let short = tlv(0x30, &[alg.clone(), tlv(0x03, &[0u8; 32])].concat());
        assert!(matches!(info(&short), Err(SignatureError::MalformedKey(_))));
        let ok = tlv(0x30, &[alg, tlv(0x03, &[0u8; 33])].concat());
        assert_eq!(info(&ok).unwrap().algorithm, PublicKeyAlgorithm::Ed25519);
        // EC key on secp256k1: unsupported curve, named.
        let k1 = const_oid::ObjectIdentifier::new_unwrap("1.3.132.0.10");
        let alg = tlv(
            0x30,
            &[
                tlv(0x06, oids::EC_PUBLIC_KEY.as_bytes()),
                tlv(0x06, k1.as_bytes()),
            ]
            .concat(),
        );
        let spki = tlv(0x30, &[alg, tlv(0x03, &[0, 4, 1, 2])].concat());
        assert_eq!(
            info(&spki),
            Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::Curve,
                oid: k1
            })
        );
        // Unknown key algorithm.
        let x25519 = const_oid::ObjectIdentifier::new_unwrap("1.3.101.110");
        let alg = tlv(0x30, &tlv(0x06, x25519.as_bytes()));
        let spki = tlv(0x30, &[alg, tlv(0x03, &[0u8; 33])].concat());
        assert!(matches!(
            info(&spki),
            Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::PublicKey,
                ..
            })
        ));
        assert!(matches!(
            SignerKey::from_der(&[0x30, 0x00]),
            Err(SignatureError::MalformedKey(_))
        ));
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[0x01, 0, 0]), 17);
    }
}

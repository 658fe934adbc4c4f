//! Signature algorithm identifiers: which algorithm, which digest, which parameters.

use der::asn1::{AnyRef, ContextSpecific};
use der::{Reader, SliceReader, Tag, TagNumber, Tagged};
use spki::AlgorithmIdentifierRef;

use super::digest::DigestAlgorithm;
use super::error::{AlgorithmRole, SignatureError};
use super::oids;

/// A signature algorithm, decoded from its `AlgorithmIdentifier`.
///
/// Weak choices (SHA-1, small keys) are representable on purpose: callers
/// decide per policy whether to flag them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2) with the given digest.
    RsaPkcs1v15(DigestAlgorithm),
    /// RSASSA-PSS (RFC 8017 section 8.1, RFC 4055 section 3.1).
    RsaPss(PssParameters),
    /// ECDSA (RFC 5758 section 3.2) with the given digest; signature DER `Ecdsa-Sig-Value`.
    Ecdsa(DigestAlgorithm),
    /// Pure Ed25519 (RFC 8410).
    Ed25519,
    /// DSA (RFC 3279 section 2.2.2, RFC 5758 section 3.1) with the given digest.
    Dsa(DigestAlgorithm),
}

/// Decoded `RSASSA-PSS-params` (RFC 4055 section 3.1).
///
/// ```text
/// RSASSA-PSS-params ::= SEQUENCE {
///     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
///     saltLength         [2] INTEGER DEFAULT 20,
///     trailerField       [3] INTEGER DEFAULT 1 }
/// ```
///
/// Only MGF1 with the same digest as `hashAlgorithm` and `trailerField` 1 are
/// accepted; anything else is rejected while decoding, so these two fields
/// are implied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PssParameters {
    /// The message digest, also used by MGF1.
    pub hash: DigestAlgorithm,
    /// The salt length in bytes.
    pub salt_len: u32,
}

impl PssParameters {
    /// Parameters with the given digest and salt length (MGF1 with the same digest, trailer 1).
    pub fn new(hash: DigestAlgorithm, salt_len: u32) -> Self {
        Self { hash, salt_len }
    }

    /// Decode `RSASSA-PSS-params` from the `parameters` of an `AlgorithmIdentifier`.
    ///
    /// Every form seen in practice is accepted: explicit or omitted fields,
    /// digest identifiers with `NULL` or absent parameters, and explicitly
    /// encoded default values.
    ///
    /// # Errors
    /// [`SignatureError::InvalidParameters`] for a malformed structure, an MGF1
    /// digest different from the message digest, or a trailer field other than 1;
    /// [`SignatureError::UnsupportedAlgorithm`] for an unknown digest or mask
    /// generation function.
    pub fn from_params(params: AnyRef<'_>) -> Result<Self, SignatureError> {
        const MALFORMED: SignatureError =
            SignatureError::InvalidParameters("malformed RSASSA-PSS-params");
        if params.tag() != Tag::Sequence {
            return Err(MALFORMED);
        }
        let mut r = SliceReader::new(params.value()).map_err(|_| MALFORMED)?;

        // hashAlgorithm [0] DEFAULT sha1
        let hash = match ContextSpecific::<AlgorithmIdentifierRef<'_>>::decode_explicit(
            &mut r,
            TagNumber(0),
        )
        .map_err(|_| MALFORMED)?
        {
            Some(field) => hash_identifier(&field.value)?,
            None => DigestAlgorithm::Sha1,
        };

        // maskGenAlgorithm [1] DEFAULT mgf1SHA1
        let mgf_hash = match ContextSpecific::<AlgorithmIdentifierRef<'_>>::decode_explicit(
            &mut r,
            TagNumber(1),
        )
        .map_err(|_| MALFORMED)?
        {
            Some(field) => {
                if field.value.oid != oids::MGF1 {
                    return Err(SignatureError::UnsupportedAlgorithm {
                        role: AlgorithmRole::MaskGeneration,
                        oid: field.value.oid,
                    });
                }
                let inner = field
                    .value
                    .parameters
                    .ok_or(SignatureError::InvalidParameters(
                        "MGF1 without a digest algorithm",
                    ))?;
                let inner: AlgorithmIdentifierRef<'_> = inner.decode_as().map_err(|_| MALFORMED)?;
                hash_identifier(&inner)?
            }
            None => DigestAlgorithm::Sha1,
        };

        // saltLength [2] DEFAULT 20; a negative value fails to decode as u32.
        let salt_len = match ContextSpecific::<u32>::decode_explicit(&mut r, TagNumber(2))
            .map_err(|_| MALFORMED)?
        {
            Some(field) => field.value,
            None => 20,
        };

        // trailerField [3] DEFAULT trailerFieldBC (1); RFC 4055 section 3.1: MUST be 1.
        let trailer =
            ContextSpecific::<u32>::decode_explicit(&mut r, TagNumber(3)).map_err(|_| MALFORMED)?;
        if trailer.is_some_and(|field| field.value != 1) {
            return Err(SignatureError::InvalidParameters(
                "RSASSA-PSS trailerField is not 1",
            ));
        }
        r.finish().map_err(|_| MALFORMED)?;

        // RFC 8017 section 9.1 recommends, and RFC 5756 / the CA/Browser Forum
        // profile require, MGF1 with the same digest as the message.
        if mgf_hash != hash {
            return Err(SignatureError::InvalidParameters(
                "RSASSA-PSS MGF1 digest differs from the message digest",
            ));
        }
        Ok(Self { hash, salt_len })
    }
}

/// A digest `AlgorithmIdentifier` whose parameters are `NULL` or absent
/// (RFC 4055 section 2.1 allows both).
fn hash_identifier(ai: &AlgorithmIdentifierRef<'_>) -> Result<DigestAlgorithm, SignatureError> {
    let hash = DigestAlgorithm::from_oid(&ai.oid)?;
    if !absent_or_null(ai.parameters) {
        return Err(SignatureError::InvalidParameters(
            "digest algorithm parameters are neither NULL nor absent",
        ));
    }
    Ok(hash)
}

pub(crate) fn absent_or_null(params: Option<AnyRef<'_>>) -> bool {
    params.is_none_or(|p| p.is_null())
}

impl SignatureAlgorithm {
    /// Decode a signature `AlgorithmIdentifier` (e.g. `Certificate.signatureAlgorithm`).
    ///
    /// # Errors
    /// [`SignatureError::UnsupportedAlgorithm`] for an unknown OID;
    /// [`SignatureError::InvalidParameters`] when the parameters do not fit the
    /// algorithm (RSA PKCS #1 v1.5: `NULL` or absent; ECDSA and DSA: absent or
    /// `NULL`; Ed25519: absent; RSASSA-PSS: see [`PssParameters::from_params`]).
    pub fn from_identifier(ai: &AlgorithmIdentifierRef<'_>) -> Result<Self, SignatureError> {
        use DigestAlgorithm::*;
        let alg = match ai.oid {
            oids::SHA1_WITH_RSA | oids::SHA1_WITH_RSA_OIW => Self::RsaPkcs1v15(Sha1),
            oids::SHA224_WITH_RSA => Self::RsaPkcs1v15(Sha224),
            oids::SHA256_WITH_RSA => Self::RsaPkcs1v15(Sha256),
            oids::SHA384_WITH_RSA => Self::RsaPkcs1v15(Sha384),
            oids::SHA512_WITH_RSA => Self::RsaPkcs1v15(Sha512),
            oids::RSASSA_PSS => {
                // RFC 4055 section 3.1: parameters MUST be present in a signature's identifier.
                let params = ai.parameters.ok_or(SignatureError::InvalidParameters(
                    "RSASSA-PSS signature without parameters",
                ))?;
                return Ok(Self::RsaPss(PssParameters::from_params(params)?));
            }
            oids::ECDSA_WITH_SHA1 => Self::Ecdsa(Sha1),
            oids::ECDSA_WITH_SHA224 => Self::Ecdsa(Sha224),
            oids::ECDSA_WITH_SHA256 => Self::Ecdsa(Sha256),
            oids::ECDSA_WITH_SHA384 => Self::Ecdsa(Sha384),
            oids::ECDSA_WITH_SHA512 => Self::Ecdsa(Sha512),
            oids::ED25519 => {
                // RFC 8410 section 3: parameters MUST be absent.
                if ai.parameters.is_some() {
                    return Err(SignatureError::InvalidParameters(
                        "Ed25519 parameters must be absent",
                    ));
                }
                return Ok(Self::Ed25519);
            }
            oids::DSA_WITH_SHA1 => Self::Dsa(Sha1),
            oids::DSA_WITH_SHA224 => Self::Dsa(Sha224),
            oids::DSA_WITH_SHA256 => Self::Dsa(Sha256),
            oid => {
                return Err(SignatureError::UnsupportedAlgorithm {
                    role: AlgorithmRole::Signature,
                    oid,
                });
            }
        };
        // RFC 4055 section 5 (PKCS #1 v1.5: NULL, absent seen in practice);
        // RFC 5758 sections 3.1/3.2 (DSA, ECDSA: absent, NULL seen in practice).
        if !absent_or_null(ai.parameters) {
            return Err(SignatureError::InvalidParameters(
                "signature algorithm parameters are neither NULL nor absent",
            ));
        }
        Ok(alg)
    }

    /// The digest the signature is computed over, if the algorithm has a separate one
    /// (`None` for Ed25519, which hashes internally with SHA-512).
    pub fn digest(&self) -> Option<DigestAlgorithm> {
        match self {
            Self::RsaPkcs1v15(d) | Self::Ecdsa(d) | Self::Dsa(d) => Some(*d),
            Self::RsaPss(p) => Some(p.hash),
            Self::Ed25519 => None,
        }
    }
}

impl core::fmt::Display for SignatureAlgorithm {
    /// E.g. `RSA PKCS#1 v1.5 with SHA-256`, `RSASSA-PSS with SHA-384, MGF1, salt 48`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::RsaPkcs1v15(d) => write!(f, "RSA PKCS#1 v1.5 with {d}"),
            Self::RsaPss(p) => write!(f, "RSASSA-PSS with {}, MGF1, salt {}", p.hash, p.salt_len),
            Self::Ecdsa(d) => write!(f, "ECDSA with {d}"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Dsa(d) => write!(f, "DSA with {d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 0x80);
        [&[tag, content.len() as u8][..], content].concat()
    }
    fn oid_tlv(oid: &const_oid::ObjectIdentifier) -> Vec<u8> {
        tlv(0x06, oid.as_bytes())
    }
    fn hash_ai(oid: &const_oid::ObjectIdentifier, null: bool) -> Vec<u8> {
        let mut c = oid_tlv(oid);
        if null {
            c.extend([0x05, 0x00]);
        }
        tlv(0x30, &c)
    }
    fn mgf(hash: &const_oid::ObjectIdentifier, null: bool) -> Vec<u8> {
        tlv(0x30, &[oid_tlv(&oids::MGF1), hash_ai(hash, null)].concat())
    }
    fn parse(content: &[u8]) -> Result<PssParameters, SignatureError> {
        PssParameters::from_params(AnyRef::new(Tag::Sequence, content).unwrap())
    }

    #[test]
    fn pss_forms_seen_in_practice() {
        use DigestAlgorithm::*;
        // Empty sequence: all defaults (SHA-1, MGF1-SHA-1, salt 20).
        assert_eq!(parse(&[]), Ok(PssParameters::new(Sha1, 20)));
        // SHA-256, NULL parameters everywhere, salt 32 (the common form).
        let common = [
            tlv(0xa0, &hash_ai(&oids::SHA256, true)),
            tlv(0xa1, &mgf(&oids::SHA256, true)),
            tlv(0xa2, &[0x02, 0x01, 0x20]),
        ]
        .concat();
        assert_eq!(parse(&common), Ok(PssParameters::new(Sha256, 32)));
        // Absent digest parameters, explicit trailerField 1.
        let absent = [
            tlv(0xa0, &hash_ai(&oids::SHA384, false)),
            tlv(0xa1, &mgf(&oids::SHA384, false)),
            tlv(0xa2, &[0x02, 0x01, 0x30]),
            tlv(0xa3, &[0x02, 0x01, 0x01]),
        ]
        .concat();
        assert_eq!(parse(&absent), Ok(PssParameters::new(Sha384, 48)));
        // Only the salt given (defaults for the rest), salt 0.
        assert_eq!(
            parse(&tlv(0xa2, &[0x02, 0x01, 0x00])),
            Ok(PssParameters::new(Sha1, 0))
        );
        // Explicitly encoded defaults (not DER, but seen): accepted.
        let explicit_defaults = [
            tlv(0xa0, &hash_ai(&oids::SHA1, true)),
            tlv(0xa1, &mgf(&oids::SHA1, true)),
            tlv(0xa2, &[0x02, 0x01, 0x14]),
            tlv(0xa3, &[0x02, 0x01, 0x01]),
        ]
        .concat();
        assert_eq!(parse(&explicit_defaults), Ok(PssParameters::new(Sha1, 20)));
        // SHA-512 hash only: MGF1 defaults to SHA-1, which differs: rejected.
        assert!(matches!(
            parse(&tlv(0xa0, &hash_ai(&oids::SHA512, true))),
            Err(SignatureError::InvalidParameters(_))
        ));
    }

    #[test]
    fn pss_rejections() {
        let bad = |content: &[u8]| parse(content).unwrap_err();
        // trailerField 2.
        assert!(matches!(
            bad(&tlv(0xa3, &[0x02, 0x01, 0x02])),
            SignatureError::InvalidParameters(_)
        ));
        // MGF1 digest differs.
        let mixed = [
            tlv(0xa0, &hash_ai(&oids::SHA256, true)),
            tlv(0xa1, &mgf(&oids::SHA1, true)),
        ]
        .concat();
        assert!(matches!(bad(&mixed), SignatureError::InvalidParameters(_)));
        // Unsupported digest (MD5).
        let md5 = const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
        assert!(matches!(
            bad(&tlv(0xa0, &hash_ai(&md5, true))),
            SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::Digest,
                ..
            }
        ));
        // Unsupported mask generation function.
        let mgf2 = tlv(
            0x30,
            &[oid_tlv(&oids::SHA256), hash_ai(&oids::SHA256, true)].concat(),
        );
        assert!(matches!(
            bad(&tlv(0xa1, &mgf2)),
            SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::MaskGeneration,
                ..
            }
        ));
        // MGF1 without its digest.
        assert!(matches!(
            bad(&tlv(0xa1, &tlv(0x30, &oid_tlv(&oids::MGF1)))),
            SignatureError::InvalidParameters(_)
        ));
        // Digest parameters that are neither NULL nor absent.
        let weird = tlv(
            0x30,
            &[oid_tlv(&oids::SHA256), vec![0x02, 0x01, 0x00]].concat(),
        );
        assert!(matches!(
            bad(&tlv(0xa0, &weird)),
            SignatureError::InvalidParameters(_)
        ));
        // Negative salt, trailing garbage, fields out of order.
        assert!(matches!(
            bad(&tlv(0xa2, &[0x02, 0x01, 0xff])),
            SignatureError::InvalidParameters(_)
        ));
        assert!(matches!(
            bad(&[0x05, 0x00]),
            SignatureError::InvalidParameters(_)
        ));
        let reordered = [
            tlv(0xa2, &[0x02, 0x01, 0x20]),
            tlv(0xa0, &hash_ai(&oids::SHA256, true)),
        ]
        .concat();
        assert!(matches!(
            bad(&reordered),
            SignatureError::InvalidParameters(_)
        ));
        // Not a SEQUENCE at all.
        assert!(PssParameters::from_params(AnyRef::new(Tag::Null, &[]).unwrap()).is_err());
    }

    #[test]
    fn signature_identifiers() {
        let ai = |oid, parameters| AlgorithmIdentifierRef { oid, parameters };
        let null = AnyRef::new(Tag::Null, &[]).unwrap();
        assert_eq!(
            SignatureAlgorithm::from_identifier(&ai(oids::SHA256_WITH_RSA, Some(null))),
            Ok(SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256))
        );
        assert_eq!(
            SignatureAlgorithm::from_identifier(&ai(oids::SHA256_WITH_RSA, None)),
            Ok(SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256))
        );
        let int = AnyRef::new(Tag::Integer, &[1]).unwrap();
        assert!(matches!(
            SignatureAlgorithm::from_identifier(&ai(oids::SHA256_WITH_RSA, Some(int))),
            Err(SignatureError::InvalidParameters(_))
        ));
        assert!(matches!(
            SignatureAlgorithm::from_identifier(&ai(oids::RSASSA_PSS, None)),
            Err(SignatureError::InvalidParameters(_))
        ));
        assert!(matches!(
            SignatureAlgorithm::from_identifier(&ai(oids::ED25519, Some(null))),
            Err(SignatureError::InvalidParameters(_))
        ));
        assert_eq!(
            SignatureAlgorithm::from_identifier(&ai(oids::ECDSA_WITH_SHA1, None))
                .map(|a| a.digest()),
            Ok(Some(DigestAlgorithm::Sha1))
        );
        assert_eq!(
            SignatureAlgorithm::RsaPss(PssParameters::new(DigestAlgorithm::Sha384, 48)).to_string(),
            "RSASSA-PSS with SHA-384, MGF1, salt 48"
        );
        let md5_rsa = const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
        assert_eq!(
            SignatureAlgorithm::from_identifier(&ai(md5_rsa, Some(null))),
            Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::Signature,
                oid: md5_rsa
            })
        );
    }
}

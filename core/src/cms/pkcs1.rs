//! Raw signatures: a signature value over data, with the certificate and
//! the algorithm given by name (the request's `signatureType` PKCS#1 with
//! its `algorithm` field), not wrapped in CMS.
//!
//! Accepted names (case-insensitive; `-` and `_` ignored between words):
//!
//! | name | algorithm |
//! | --- | --- |
//! | `SHA1withRSA`, `SHA224withRSA`, `SHA256withRSA`, `SHA384withRSA`, `SHA512withRSA` | RSASSA-PKCS1-v1_5 |
//! | `SHA256withRSA/PSS`, `SHA384withRSA/PSS`, `SHA512withRSA/PSS` (also `SHA256withRSAandMGF1`) | RSASSA-PSS, MGF1 with the same digest, salt = digest length |
//! | `RSASSA-PSS` | RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 |
//! | `SHA1withECDSA` ... `SHA512withECDSA` | ECDSA, DER `Ecdsa-Sig-Value` |
//! | `SHA1withDSA`, `SHA224withDSA`, `SHA256withDSA` | DSA |
//! | `Ed25519` | pure Ed25519 |
//! | a dotted OID of a parameterless signature algorithm | as named |

use der::Tag;
use der::asn1::{AnyRef, ObjectIdentifier};
use spki::AlgorithmIdentifierRef;

use super::context::VerifyContext;
use super::findings::{CmsCode, CmsFinding};
use super::result::SignatureStatus;
use super::tlv::{encode, tag};
use crate::cert::Certificate;
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm, SignatureError};
use crate::error::{Error, Result};
use crate::path::PathValidation;

/// The verdict on a raw signature.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawSignatureResult {
    /// The algorithm the name stands for.
    pub algorithm: SignatureAlgorithm,
    /// Whether the signature verifies.
    pub signature: SignatureStatus,
    /// The certificate's path, with the context's trust store, intermediates and options.
    pub path: PathValidation,
    /// Problems found (the path's are in `path`).
    pub findings: Vec<CmsFinding>,
    /// True when the signature verifies and the path is valid.
    pub valid: bool,
}

/// An algorithm identifier built from a name: the OID and the DER contents
/// of its parameters SEQUENCE, if any.
struct NamedAlgorithm {
    oid: ObjectIdentifier,
    pss_params: Option<Vec<u8>>,
}

impl NamedAlgorithm {
    fn identifier(&self) -> Result<AlgorithmIdentifierRef<'_>> {
        let parameters = match &self.pss_params {
            Some(content) => Some(
                AnyRef::new(Tag::Sequence, content)
                    .map_err(|e| Error::der("RSASSA-PSS parameters", e))?,
            ),
            None => None,
        };
        Ok(AlgorithmIdentifierRef {
            oid: self.oid,
            parameters,
        })
    }
}

/// RSASSA-PSS-params contents with MGF1 over the same digest (RFC 4055 3.1).
pub(crate) fn pss_params(hash: DigestAlgorithm, salt: u8) -> Vec<u8> {
    let hash_ai = encode(
        tag::SEQUENCE,
        &[encode(tag::OID, hash.oid().as_bytes()), vec![tag::NULL, 0]].concat(),
    );
    let mgf1 = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
    let mgf_ai = encode(
        tag::SEQUENCE,
        &[encode(tag::OID, mgf1.as_bytes()), hash_ai.clone()].concat(),
    );
    let salt_int = if salt >= 0x80 {
        encode(tag::INTEGER, &[0, salt])
    } else {
        encode(tag::INTEGER, &[salt])
    };
    [
        encode(0xa0, &hash_ai),
        encode(0xa1, &mgf_ai),
        encode(0xa2, &salt_int),
    ]
    .concat()
}

/// The signature algorithm a name (see the module documentation) stands for.
fn algorithm_by_name(name: &str) -> Option<NamedAlgorithm> {
    let norm: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    let plain = |oid: &str| {
        Some(NamedAlgorithm {
            oid: ObjectIdentifier::new_unwrap(oid),
            pss_params: None,
        })
    };
    let pss = |hash: DigestAlgorithm| {
        Some(NamedAlgorithm {
            oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10"),
            pss_params: Some(pss_params(hash, hash.output_len() as u8)),
        })
    };
    match norm.as_str() {
        "sha1withrsa" | "sha1withrsaencryption" => plain("1.2.840.113549.1.1.5"),
        "sha224withrsa" => plain("1.2.840.113549.1.1.14"),
        "sha256withrsa" | "sha256withrsaencryption" => plain("1.2.840.113549.1.1.11"),
        "sha384withrsa" | "sha384withrsaencryption" => plain("1.2.840.113549.1.1.12"),
        "sha512withrsa" | "sha512withrsaencryption" => plain("1.2.840.113549.1.1.13"),
        "sha256withrsa/pss" | "sha256withrsaandmgf1" | "rsassapss" | "rsapss" => {
            pss(DigestAlgorithm::Sha256)
        }
        "sha384withrsa/pss" | "sha384withrsaandmgf1" => pss(DigestAlgorithm::Sha384),
        "sha512withrsa/pss" | "sha512withrsaandmgf1" => pss(DigestAlgorithm::Sha512),
        "sha1withecdsa" => plain("1.2.840.10045.4.1"),
        "sha224withecdsa" => plain("1.2.840.10045.4.3.1"),
        "sha256withecdsa" => plain("1.2.840.10045.4.3.2"),
        "sha384withecdsa" => plain("1.2.840.10045.4.3.3"),
        "sha512withecdsa" => plain("1.2.840.10045.4.3.4"),
        "sha1withdsa" => plain("1.2.840.10040.4.3"),
        "sha224withdsa" => plain("2.16.840.1.101.3.4.3.1"),
        "sha256withdsa" => plain("2.16.840.1.101.3.4.3.2"),
        "ed25519" => plain("1.3.101.112"),
        _ => ObjectIdentifier::new(name.trim())
            .ok()
            .map(|oid| NamedAlgorithm {
                oid,
                pss_params: None,
            }),
    }
}

/// Verifies a raw `signature` over `data` with `certificate`'s key and the
/// algorithm named `algorithm` (see the module documentation), then
/// validates the certificate's path with the context.
///
/// `Err` when the name is unknown or does not name a signature algorithm;
/// a signature that does not verify is [`SignatureStatus::Invalid`] with a
/// [`SignatureInvalid`](CmsCode::SignatureInvalid) finding.
///
/// ```
/// use validate::cms::{verify_pkcs1, VerifyContext};
/// use validate::path::{TrustStore, ValidationOptions};
/// let leaf = validate::Certificate::from_pem(&std::fs::read("../examples/chain/leaf.pem").unwrap()).unwrap();
/// let anchors = TrustStore::new();
/// let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2027-01-01T00:00:00Z".parse().unwrap()));
/// let result = verify_pkcs1(b"data", &[0u8; 256], &leaf, "SHA256withRSA", &ctx).unwrap();
/// assert!(!result.valid);
/// assert!(verify_pkcs1(b"data", &[0u8; 256], &leaf, "MD5withRSA", &ctx).is_err());
/// ```
pub fn verify_pkcs1(
    data: &[u8],
    signature: &[u8],
    certificate: &Certificate,
    algorithm: &str,
    ctx: &VerifyContext<'_>,
) -> Result<RawSignatureResult> {
    let named = algorithm_by_name(algorithm).ok_or_else(|| {
        Error::invalid(
            "signature algorithm name",
            format!("'{algorithm}' is not a supported name (e.g. SHA256withRSA, SHA256withECDSA, RSASSA-PSS)"),
        )
    })?;
    let ai = named.identifier()?;
    let alg = SignatureAlgorithm::from_identifier(&ai).map_err(|e| {
        Error::invalid(
            "signature algorithm name",
            format!("'{algorithm}' ({}): {e}", named.oid),
        )
    })?;
    let mut findings = Vec::new();
    let key = certificate.public_key().signer_key();
    let status = match ctx.verifier.verify_signature(&ai, &key, data, signature) {
        Ok(()) => SignatureStatus::Valid,
        Err(SignatureError::InvalidSignature) => {
            findings.push(CmsFinding::new(
                CmsCode::SignatureInvalid,
                format!(
                    "the {alg} signature does not verify with the key of {}",
                    certificate.subject()
                ),
            ));
            SignatureStatus::Invalid
        }
        Err(e) => {
            findings.push(CmsFinding::new(
                CmsCode::AlgorithmUnsupported,
                e.to_string(),
            ));
            SignatureStatus::NotChecked(e.to_string())
        }
    };
    if alg.digest() == Some(DigestAlgorithm::Sha1) {
        findings.push(CmsFinding::new(
            CmsCode::WeakDigestAlgorithm,
            "the signature algorithm uses SHA-1",
        ));
    }
    let path = ctx.validate_path(certificate, ctx.intermediates, &ctx.options, ctx.revocation);
    if !path.valid {
        findings.push(CmsFinding::new(
            CmsCode::SignerPathInvalid,
            path.errors()
                .map(|f| format!("{} {}", f.code.code(), f.detail))
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    let valid = status.is_valid() && path.valid && !findings.iter().any(CmsFinding::is_error);
    Ok(RawSignatureResult {
        algorithm: alg,
        signature: status,
        path,
        findings,
        valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (name, expected) in [
            ("SHA256withRSA", "RSA PKCS#1 v1.5 with SHA-256"),
            ("sha1WithRSAEncryption", "RSA PKCS#1 v1.5 with SHA-1"),
            ("SHA384withECDSA", "ECDSA with SHA-384"),
            ("RSASSA-PSS", "RSASSA-PSS with SHA-256, MGF1, salt 32"),
            (
                "SHA512withRSA/PSS",
                "RSASSA-PSS with SHA-512, MGF1, salt 64",
            ),
            ("SHA256withDSA", "DSA with SHA-256"),
            ("Ed25519", "Ed25519"),
            ("1.2.840.113549.1.1.11", "RSA PKCS#1 v1.5 with SHA-256"),
        ] {
            let n = algorithm_by_name(name).unwrap();
            let alg = SignatureAlgorithm::from_identifier(&n.identifier().unwrap()).unwrap();
            assert_eq!(alg.to_string(), expected, "{name}");
        }
        assert!(algorithm_by_name("MD5withRSA").is_none());
    }
}

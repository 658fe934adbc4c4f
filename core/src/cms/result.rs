//! What CMS verification returns: per message, per signer, per timestamp.

use std::sync::Arc;

use der::asn1::ObjectIdentifier;

use super::attributes::{EssBinding, SignedAttributesInfo};
use super::findings::CmsFinding;
use crate::cert::{Certificate, SerialNumber};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
use crate::path::PathValidation;
use crate::time::Timestamp;

/// The verdict on one SignedData.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignedDataResult {
    /// eContentType (id-data 1.2.840.113549.1.7.1 for plain data).
    pub content_type: ObjectIdentifier,
    /// True when the content was not inside the message.
    pub detached: bool,
    /// Length of the content that was digested, in bytes (0 when none was given).
    pub content_length: u64,
    /// The X.509 certificates the message carries, in message order.
    pub certificates: Vec<Arc<Certificate>>,
    /// The DER CertificateLists (CRLs) the message carries
    /// (RevocationInfoChoices of the CertificateList form), for revocation
    /// checking by the caller; other revocation formats are skipped.
    pub crls: Vec<Vec<u8>>,
    /// One entry per SignerInfo, in message order.
    pub signers: Vec<SignerResult>,
    /// Problems of the message as a whole (no signers, limits, unreadable
    /// certificate entries).
    pub findings: Vec<CmsFinding>,
    /// True when there is at least one signer, every signer is valid and
    /// no message finding is an error.
    pub valid: bool,
}

/// How a SignerInfo identifies its certificate (RFC 5652 5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerIdentifier {
    /// issuerAndSerialNumber.
    IssuerAndSerialNumber {
        /// The issuer name (RFC 4514 text; the DER when it does not decode).
        issuer: String,
        /// The serial number.
        serial: SerialNumber,
    },
    /// subjectKeyIdentifier.
    SubjectKeyIdentifier(Vec<u8>),
    /// The SignerInfo could not be read (a malformed countersignature).
    Unknown,
}

/// `issuer <RFC 4514 name>, serial <hex>` or `subjectKeyIdentifier <hex>`.
impl std::fmt::Display for SignerIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignerIdentifier::IssuerAndSerialNumber { issuer, serial } => {
                write!(f, "issuer {issuer}, serial {}", serial.to_hex())
            }
            SignerIdentifier::SubjectKeyIdentifier(id) => {
                f.write_str("subjectKeyIdentifier ")?;
                id.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
            SignerIdentifier::Unknown => f.write_str("unknown (unreadable SignerInfo)"),
        }
    }
}

/// Whether the signature value verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureStatus {
    /// It verifies with the signer certificate's key.
    Valid,
    /// It does not verify.
    Invalid,
    /// It could not be checked (no certificate, unsupported algorithm or
    /// key, missing content); the reason says which.
    NotChecked(String),
}

impl SignatureStatus {
    /// True for [`SignatureStatus::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, SignatureStatus::Valid)
    }
}

/// The verdict on one SignerInfo (a signer, a countersigner, or a TSA).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignerResult {
    /// Position among its siblings (SignerInfos or countersignatures).
    pub index: usize,
    /// How the SignerInfo names its certificate.
    pub identifier: SignerIdentifier,
    /// The signer certificate, when found.
    pub certificate: Option<Arc<Certificate>>,
    /// digestAlgorithm OID, and the algorithm when supported.
    pub digest_algorithm_oid: ObjectIdentifier,
    /// The digest algorithm, when supported.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// signatureAlgorithm OID as encoded (rsaEncryption is common in CMS).
    pub signature_algorithm_oid: ObjectIdentifier,
    /// The signature algorithm as verified (rsaEncryption mapped with the
    /// digest algorithm), when supported.
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The signature value (what timestamps and countersignatures cover).
    pub signature_value: Vec<u8>,
    /// Whether the signature value verifies.
    pub signature: SignatureStatus,
    /// True when the content digest was compared and matches (or, without
    /// signed attributes, the signature covers the content itself).
    pub content_digest_matches: bool,
    /// The signed attributes, when present.
    pub signed_attributes: Option<SignedAttributesInfo>,
    /// ESS signing-certificate(-v2) binding.
    pub ess: EssBinding,
    /// Timestamps over the signature value (unsigned attribute
    /// id-aa-signatureTimeStampToken, or Microsoft's 1.3.6.1.4.1.311.3.3.1).
    pub timestamps: Vec<TimestampResult>,
    /// Countersignatures (unsigned attribute 1.2.840.113549.1.9.6).
    pub countersignatures: Vec<SignerResult>,
    /// The time the signer path was validated at: a valid timestamp's
    /// genTime, or the caller's validation time.
    pub path_time: Timestamp,
    /// The signer certificate's path, when the certificate was found.
    pub path: Option<PathValidation>,
    /// Every problem of this signer (its path's findings are in `path`).
    pub findings: Vec<CmsFinding>,
    /// True when the signature, the digests and attributes, the ESS
    /// binding, every countersignature and the path are all valid.
    pub valid: bool,
}

impl SignerResult {
    /// True when the signature is intact: the signature value verifies,
    /// the content digest and signed attributes are right and the ESS
    /// binding holds. Says nothing of trust (OpenSSL `cms -verify -noverify`).
    pub fn signature_intact(&self) -> bool {
        use super::findings::CmsCode::*;
        self.signature.is_valid()
            && self.content_digest_matches
            && !self.findings.iter().any(|f| {
                f.is_error()
                    && matches!(
                        f.code,
                        MessageDigestMismatch
                            | MessageDigestMissing
                            | ContentTypeMismatch
                            | ContentTypeMissing
                            | ContentTypeInCountersignature
                            | AttributeMalformed
                            | EssCertificateMismatch
                            | EssAttributeMalformed
                            | SignatureAlgorithmDigestMismatch
                    )
            })
    }

    /// The earliest genTime of a valid timestamp.
    pub fn timestamp_time(&self) -> Option<Timestamp> {
        self.timestamps
            .iter()
            .filter(|t| t.valid)
            .filter_map(|t| t.gen_time)
            .min()
    }
}

/// Decoded TSTInfo (RFC 3161 2.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TstInfo {
    /// The TSA policy, dotted (arcs of any size: test TSAs use 2.25.<UUID>).
    pub policy: String,
    /// messageImprint.hashAlgorithm.
    pub hash_algorithm: ObjectIdentifier,
    /// messageImprint.hashedMessage.
    pub hashed_message: Vec<u8>,
    /// The token's serial number.
    pub serial: SerialNumber,
    /// genTime.
    pub gen_time: Timestamp,
    /// The nonce, big-endian, when present.
    pub nonce: Option<Vec<u8>>,
}

/// The verdict on one RFC 3161 timestamp token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TimestampResult {
    /// The decoded TSTInfo, when it decodes.
    pub tst_info: Option<TstInfo>,
    /// genTime, when the TSTInfo decodes.
    pub gen_time: Option<Timestamp>,
    /// True when messageImprint is the hash of the signature value.
    pub imprint_matches: bool,
    /// The token's signer (the TSA): its signature, certificate and path
    /// (validated at genTime with purpose timeStamping).
    pub signer: Option<Box<SignerResult>>,
    /// Problems of the token.
    pub findings: Vec<CmsFinding>,
    /// True when the token proves its genTime for the signature value.
    pub valid: bool,
}

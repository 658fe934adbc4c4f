//! What XML signature verification returns: per document, per signature,
//! per reference.

use std::sync::Arc;

use serde::Serialize;

use super::findings::XmlFinding;
use crate::cert::Certificate;
use crate::cms::{SignatureStatus, TimestampResult};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
use crate::path::PathValidation;
use crate::time::Timestamp;

/// The verdict on every signature of one XML document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct XmlSignaturesResult {
    /// One entry per top-level ds:Signature, in document order.
    pub signatures: Vec<XmlSignatureResult>,
    /// Problems of the document as a whole (no signature, limits).
    pub findings: Vec<XmlFinding>,
    /// True when there is at least one signature, every one is valid and
    /// no document finding is an error.
    pub valid: bool,
}

/// Whether signed content is the whole document (or detached content) or a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SignedScope {
    /// The whole document (minus signatures) or the whole detached content.
    Full,
    /// Only the named nodes.
    Partial,
}

/// The XAdES baseline level reached (ETSI EN 319 132-1 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum XadesLevel {
    /// B-B: signed properties with the signing certificate, valid.
    #[serde(rename = "B-B")]
    BB,
    /// B-T: B-B and a valid SignatureTimeStamp.
    #[serde(rename = "B-T")]
    BT,
    /// B-LT: B-T and the validation data (CertificateValues and
    /// RevocationValues) in the signature.
    #[serde(rename = "B-LT")]
    BLT,
}

/// What one Reference signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignedNode {
    /// The Reference URI as signed (absent when the Reference has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The Reference's Type (e.g. XAdES SignedProperties), when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
    /// The node the data starts at: `/` for the whole document, an
    /// element path such as `/Response/Assertion`, or detached content.
    pub node: String,
    /// Subtrees removed by transforms (signatures).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
    /// The transform algorithm URIs, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<String>,
    /// FULL or PARTIAL.
    pub scope: SignedScope,
    /// True when the DigestValue matches.
    pub digest_matches: bool,
}

/// The verdict on one Reference.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReferenceResult {
    /// What it signs (when it could be dereferenced, `digest_matches`
    /// says whether the digest agrees).
    pub signed: SignedNode,
    /// The Reference's Id, when present.
    pub id: Option<String>,
    /// The digest algorithm, when supported.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// True when the reference could be resolved (its node is real).
    pub resolved: bool,
    /// True for a same-document reference (false for detached content).
    pub in_document: bool,
}

/// XAdES qualifying properties as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct XadesProperties {
    /// SigningTime (the signer's claim).
    pub signing_time: Option<Timestamp>,
    /// 1 for SigningCertificate, 2 for SigningCertificateV2, when present.
    pub signing_certificate_version: Option<u8>,
    /// True when SigningCertificate(V2) identifies the signer certificate.
    pub signing_certificate_matches: bool,
    /// SignaturePolicyIdentifier's SigPolicyId/Identifier, when present.
    pub policy_identifier: Option<String>,
    /// DataObjectFormat MimeTypes by ObjectReference.
    pub data_object_formats: Vec<(String, Option<String>)>,
    /// Certificates from CertificateValues (B-LT).
    pub certificate_values: usize,
    /// CRLs and OCSP responses from RevocationValues (B-LT).
    pub revocation_values: usize,
}

/// The verdict on one ds:Signature.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct XmlSignatureResult {
    /// Position among the document's top-level signatures.
    pub index: usize,
    /// The Signature's Id attribute, when present.
    pub id: Option<String>,
    /// The element path of the ds:Signature.
    pub node: String,
    /// SignatureMethod's Algorithm URI.
    pub signature_method: String,
    /// The signature algorithm, when supported.
    pub algorithm: Option<SignatureAlgorithm>,
    /// The canonical SignedInfo: the bytes the signature value covers,
    /// and where the References were read from.
    pub canonical_signed_info: Vec<u8>,
    /// Whether the SignatureValue verifies.
    pub signature: SignatureStatus,
    /// Every Reference, in SignedInfo order.
    pub references: Vec<ReferenceResult>,
    /// The signer certificate, when found.
    pub certificate: Option<Arc<Certificate>>,
    /// The time the signer path was validated at.
    pub path_time: Timestamp,
    /// The signer certificate's path.
    pub path: Option<PathValidation>,
    /// XAdES properties, when the signature carries QualifyingProperties.
    pub xades: Option<XadesProperties>,
    /// SignatureTimeStamps (RFC 3161 over the canonical ds:SignatureValue).
    pub timestamps: Vec<TimestampResult>,
    /// The XAdES level reached, `None` for a plain XML-DSig signature or
    /// when B-B is not met.
    pub level: Option<XadesLevel>,
    /// FULL when a Reference (other than SignedProperties) covers the
    /// whole document or detached content.
    pub scope: SignedScope,
    /// Every problem of this signature (its path's are in `path`).
    pub findings: Vec<XmlFinding>,
    /// True when the signature value, every reference, the XAdES
    /// properties, the timestamps and the path are all valid.
    pub valid: bool,
}

impl XmlSignatureResult {
    /// True when the signature is intact: the value verifies and every
    /// reference resolves and digests right. Says nothing of trust.
    pub fn signature_intact(&self) -> bool {
        self.signature.is_valid()
            && !self.references.is_empty()
            && self
                .references
                .iter()
                .all(|r| r.resolved && r.signed.digest_matches)
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

/// The report's `signedScope` entry of one signature: which nodes it
/// signs, the resulting scope and the XAdES level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignatureScope {
    /// The signature's Id, or its element path when it has none.
    pub signature: String,
    /// B-B, B-T or B-LT; absent for a plain XML-DSig signature or when B-B is not met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<XadesLevel>,
    /// FULL when a content Reference covers the whole document or detached content.
    pub scope: SignedScope,
    /// Every Reference's signed node, in SignedInfo order.
    pub signed_nodes: Vec<SignedNode>,
}

impl XmlSignatureResult {
    /// This signature's `signedScope` entry.
    pub fn scope_entry(&self) -> SignatureScope {
        SignatureScope {
            signature: self.id.clone().unwrap_or_else(|| self.node.clone()),
            level: self.level,
            scope: self.scope,
            signed_nodes: self.references.iter().map(|r| r.signed.clone()).collect(),
        }
    }
}

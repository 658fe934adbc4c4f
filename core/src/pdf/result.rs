//! What PDF validation returns: per file, per signature.

use serde::Serialize;

use super::findings::PdfFinding;
use crate::cms::{SignedDataResult, TimestampResult};
use crate::time::Timestamp;

/// How much of the file a signature's ByteRange signs (pyHanko's
/// `SignatureCoverageLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Coverage {
    /// The ByteRange is malformed or does not start at 0.
    Unclear,
    /// From byte 0 to somewhere that is not the end of a revision.
    ContiguousBlockFromStart,
    /// Up to the `%%EOF` of a revision that later revisions follow.
    EntireRevision,
    /// The whole file.
    EntireFile,
}

/// What the revisions after a signature change, from least to most
/// (pyHanko's `ModificationLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ModificationLevel {
    /// Nothing: the signature covers the whole file (or later revisions
    /// only rewrite objects identically).
    None,
    /// Long-term validation data: DSS, VRI, document timestamps, metadata.
    LtaUpdates,
    /// Form field values and their appearances, new signatures.
    FormFilling,
    /// Annotations added, changed or deleted.
    Annotations,
    /// Anything else: pages, content, resources, structure.
    Other,
}

/// The PAdES baseline level a signature reaches (ETSI EN 319 142-1 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PadesLevel {
    /// B-B: a CMS signature with signed attributes.
    #[serde(rename = "B-B")]
    BB,
    /// B-T: and a signature or document timestamp proving its time.
    #[serde(rename = "B-T")]
    BT,
    /// B-LT: and a DSS holding validation data.
    #[serde(rename = "B-LT")]
    BLt,
    /// B-LTA: and a document timestamp after the DSS.
    #[serde(rename = "B-LTA")]
    BLta,
}

/// The certification signature's DocMDP check (ISO 32000-1 12.8.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DocMdpResult {
    /// /P: 1 no changes, 2 form filling and signing, 3 also annotations.
    pub permission: u8,
    /// True when the later revisions stay within it.
    pub respected: bool,
}

/// Whether a signature dictionary is a signature or a document timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignatureKind {
    /// `/Type /Sig` (or no /Type).
    Signature,
    /// `/Type /DocTimeStamp` (ETSI.RFC3161).
    DocumentTimestamp,
}

/// The verdict on one signature of a PDF.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PdfSignature {
    /// The fully qualified field name (ISO 32000-1 12.7.3.2).
    pub field_name: String,
    /// Signature or document timestamp.
    pub kind: SignatureKind,
    /// The revision the signature signs (0 is the original document).
    pub revision: Option<usize>,
    /// `/SubFilter`.
    pub sub_filter: String,
    /// `/ByteRange` as given.
    pub byte_range: Vec<i64>,
    /// How much of the file is signed.
    pub coverage: Coverage,
    /// What later revisions change.
    pub modification_level: ModificationLevel,
    /// The DocMDP check, for a certification signature.
    pub doc_mdp: Option<DocMdpResult>,
    /// The time a valid timestamp proves (the signature's own timestamp,
    /// or the earliest later document timestamp; for a document
    /// timestamp, its genTime).
    pub timestamp: Option<Timestamp>,
    /// The PAdES baseline level, for CMS signatures that verify.
    pub pades_level: Option<PadesLevel>,
    /// The `/M` signing time the dictionary claims, as written.
    pub claimed_time: Option<String>,
    /// The CMS verification (adbe.pkcs7.*, ETSI.CAdES.detached).
    pub cms: Option<SignedDataResult>,
    /// The token verification (ETSI.RFC3161 document timestamps).
    pub document_timestamp: Option<TimestampResult>,
    /// The raw signature verification (adbe.x509.rsa_sha1).
    pub raw: Option<crate::cms::RawSignatureResult>,
    /// The PDF-level findings.
    pub findings: Vec<PdfFinding>,
    /// True when the signature verifies, covers a whole revision, its
    /// signer path is valid and no finding is an error.
    pub valid: bool,
}

/// The verdict on a PDF.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PdfValidation {
    /// How many revisions the file has.
    pub revisions: usize,
    /// True when the file is encrypted.
    pub encrypted: bool,
    /// One entry per signature field with a value, in field order.
    pub signatures: Vec<PdfSignature>,
    /// Findings about the file as a whole (no signature, unsigned fields, DSS).
    pub findings: Vec<PdfFinding>,
}

//! The report's PDF extension: one `pdfSignatures` entry per signature of
//! a PAdES request (docs/report.md, docs/pdf.md).

use serde::Serialize;

use super::ResultItem;
use crate::pdf::{Coverage, DocMdpResult, ModificationLevel, PadesLevel, SignatureKind};

/// What the report says of one PDF signature or document timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PdfSignatureReport {
    /// The fully qualified signature field name.
    pub field_name: String,
    /// `Signature` or `DocumentTimestamp`.
    pub kind: SignatureKind,
    /// The revision signed (0 is the original document); absent when the
    /// ByteRange ends at no revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<usize>,
    /// `/SubFilter`.
    pub sub_filter: String,
    /// `/ByteRange` as written.
    pub byte_range: Vec<i64>,
    /// ENTIRE_FILE, ENTIRE_REVISION, CONTIGUOUS_BLOCK_FROM_START or UNCLEAR.
    pub coverage: Coverage,
    /// NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS or OTHER.
    pub modification_level: ModificationLevel,
    /// The DocMDP permission and whether it holds (certification signatures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_mdp: Option<DocMdpResult>,
    /// The time a valid timestamp proves (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// B-B, B-T, B-LT or B-LTA (signatures that verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pades_level: Option<PadesLevel>,
    /// True when this signature is valid.
    pub valid: bool,
    /// The PDF findings (30300-30399), informational ones included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result_list: Vec<ResultItem>,
}

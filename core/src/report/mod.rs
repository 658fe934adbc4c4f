//! The validation report of `signature-validation-service.txt`, field names
//! exactly as the seed writes them (camelCase, `thumbPrint`, `notBeforeS`, ...).

mod chain;
mod codes;
mod pdf;
mod status;
mod web_certificate;

pub use chain::{ChainReport, ChainResult};
pub use codes::SeedCode;
pub use pdf::PdfSignatureReport;
pub use status::ResultStatus;
pub use web_certificate::{CertificateStatus, TrustLevel, ValidationMode, WebCertificate};

use serde::Serialize;

/// One `(code, detail)` pair of a `resultList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultItem {
    /// The result code (docs/result-codes.md).
    pub code: u32,
    /// What happened, naming the certificate or input when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A status with its list of results, as `opResult` and the policy parts carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StatusBlock {
    /// SUCCESS 0, WARNING 1, ERROR 2.
    pub result_status: ResultStatus,
    /// The reasons, when the status is not SUCCESS.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result_list: Vec<ResultItem>,
}

impl StatusBlock {
    /// Adds a result and raises the status to at least `status` (the worst wins).
    pub fn push(&mut self, status: ResultStatus, code: u32, detail: Option<String>) {
        self.result_status = self.result_status.max(status);
        self.result_list.push(ResultItem { code, detail });
    }
}

/// `policy.certificate`: the certificate validation against the required level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificatePart {
    /// The validation level the policy requires (docs/policy.md).
    pub level: u8,
    /// Status and results.
    #[serde(flatten)]
    pub status: StatusBlock,
}

/// `policy.signature`: the signature validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignaturePart {
    /// The signature structure, e.g. `CAdES`.
    #[serde(rename = "type")]
    pub signature_type: String,
    /// Status and results.
    #[serde(flatten)]
    pub status: StatusBlock,
}

/// `policy`: the summary against the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyPart {
    /// The worst of `certificate` and `signature`.
    pub result_status: ResultStatus,
    /// Policy name.
    pub name: String,
    /// Policy version.
    pub version: String,
    /// Policy date (RFC 3339).
    pub date: String,
    /// Present when certificates were validated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificatePart>,
    /// Present when a signature was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignaturePart>,
}

/// The whole report.
///
/// `signers` holds the signer certificates of a signature; `certificates`
/// the certificates of a certificate-only request (P7B / X509): the seed
/// names the array by what was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    /// The library version that validated.
    pub version: String,
    /// Whether the request could be processed.
    pub op_result: StatusBlock,
    /// The result against the policy; absent when the request could not be processed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyPart>,
    /// Signer certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signers: Option<Vec<WebCertificate>>,
    /// Validated certificates (certificate-only requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificates: Option<Vec<WebCertificate>>,
    /// XML signatures (XAdES-Enveloped, XAdES-Detached): per signature,
    /// exactly which nodes it signs, FULL or PARTIAL, and the XAdES level
    /// (docs/report.md, docs/xades.md). Absent for other types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_scope: Option<Vec<crate::xades::SignatureScope>>,
    /// Extension: one entry per signature of a PDF (PAdES requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_signatures: Option<Vec<PdfSignatureReport>>,
}

impl ValidationReport {
    /// True when both `opResult` and `policy` are below ERROR, the seed's
    /// rule for accepting a result ("Result value and programing").
    pub fn is_acceptable(&self) -> bool {
        self.op_result.result_status < ResultStatus::Error
            && self
                .policy
                .as_ref()
                .is_none_or(|p| p.result_status < ResultStatus::Error)
    }
}

/// The library version written in reports and health documents.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

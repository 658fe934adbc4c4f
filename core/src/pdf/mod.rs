//! PAdES: signed PDF files (ISO 32000-1 12.8, ETSI EN 319 142-1).
//!
//! * A strict revision reader: classic and stream cross-reference
//!   sections, `/Prev` chains, hybrid files, object streams, FlateDecode
//!   with predictors; a view of each revision with its byte span and the
//!   objects it writes. Nothing is repaired: a file that would need repair
//!   is an error ([`PdfCode::Malformed`]).
//! * [`verify_pdf`]: every signature field's ByteRange, coverage and CMS /
//!   timestamp / PKCS#1 signature, what later revisions change
//!   (modification analysis), DocMDP and FieldMDP, the DSS as a source of
//!   certificates and revocation data, document timestamps, the PAdES
//!   baseline level. Result: [`PdfValidation`] with one [`PdfSignature`]
//!   per signature.
//! * Findings carry [`PdfCode`]s (30300-30399), listed in
//!   docs/result-codes.md and docs/pdf.md.

mod byterange;
mod crypt;
mod diff;
mod document;
mod dss;
mod fields;
mod filter;
mod findings;
mod lexer;
mod limits;
mod ltv;
mod mdp;
mod object;
mod result;
mod source;
mod verify;
mod xref;

pub use findings::{PdfCode, PdfError, PdfFinding, PdfSeverity};
pub use limits::PdfLimits;
pub use result::{
    Coverage, DocMdpResult, ModificationLevel, PadesLevel, PdfSignature, PdfValidation,
    SignatureKind,
};
pub use source::ReadSeek;
pub use verify::{PdfOptions, verify_pdf};

/// True when `head` (the first bytes of a file) starts like a PDF
/// (ISO 32000-1 7.5.2: `%PDF-`).
pub fn looks_like_pdf(head: &[u8]) -> bool {
    head.starts_with(b"%PDF-")
}

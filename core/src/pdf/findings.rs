//! Result codes of PDF signature validation (30300-30399, listed in
//! docs/result-codes.md and docs/pdf.md), findings and the reader's error.

use serde::Serialize;

/// How much a PDF finding weighs. `Info` findings are listed in the
/// signature's `pdfSignatures` entry only: they record a tolerated
/// deviation (a zero-padded `/Contents`) without lowering the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PdfSeverity {
    /// Recorded, tolerated.
    Info,
    /// Reported as a WARNING.
    Warning,
    /// The signature (or the file) is not valid.
    Error,
}

macro_rules! pdf_codes {
    ($($name:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Result codes of PDF (PAdES) validation (30300-30399).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum PdfCode {
            $(#[doc = $doc] $name,)*
        }

        impl PdfCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(PdfCode::$name => $code,)* }
            }

            /// The severity a finding with this code has by default.
            pub fn default_severity(self) -> PdfSeverity {
                match self { $(PdfCode::$name => PdfSeverity::$severity,)* }
            }

            /// One-line description (the doc comment).
            pub fn description(self) -> &'static str {
                match self { $(PdfCode::$name => $doc,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [PdfCode] = &[$(PdfCode::$name,)*];
        }
    };
}

pdf_codes! {
    Malformed = 30301, Error,
        "The file breaks the PDF syntax or structure (ISO 32000-1 7.3, 7.5): no header, a startxref, xref section or object that is not where it is said to be, a /Prev chain that loops. The file needs repair and is not validated.";
    LimitExceeded = 30302, Error,
        "A reading budget was reached (file size, objects, revisions, nesting depth, inflated size or ratio, fields); the file is not validated.";
    NoSignature = 30303, Error,
        "No signed /Sig or /DocTimeStamp field is reachable from /AcroForm /Fields: nothing to validate.";
    ByteRangeInvalid = 30304, Error,
        "/ByteRange is not exactly four integers [0 b c d] with c >= b and c + d inside the file (ISO 32000-1 12.8.1).";
    ContentsGapMismatch = 30305, Error,
        "The gap the ByteRange leaves is not exactly the hexadecimal string of this signature's /Contents (ISO 32000-1 12.8.1): signed bytes and signature can be moved apart (universal signature forgery).";
    ContentsMalformed = 30306, Error,
        "/Contents is not a hexadecimal string holding one BER/DER value followed only by zero bytes.";
    ContentsPadded = 30307, Info,
        "/Contents holds zero bytes after the signature value (the space reserved before signing, ISO 32000-1 12.8.1); tolerated.";
    CoverageIncomplete = 30308, Error,
        "The signed bytes do not end at the end of a revision (%%EOF after its cross-reference section): coverage CONTIGUOUS_BLOCK_FROM_START or UNCLEAR, so what was signed is not a document.";
    ByteRangeCollision = 30309, Error,
        "Two signatures' ByteRange gaps overlap, or a signature's gap lies inside the bytes an earlier signature signed.";
    SignatureDictionaryChanged = 30310, Error,
        "The signature dictionary was rewritten after the revision it signs, or is not in that revision (signature wrapping).";
    SubFilterUnsupported = 30311, Error,
        "The /SubFilter is none of adbe.pkcs7.detached, adbe.pkcs7.sha1, ETSI.CAdES.detached, ETSI.RFC3161, adbe.x509.rsa_sha1.";
    WeakSubFilter = 30312, Warning,
        "The /SubFilter adbe.pkcs7.sha1 or adbe.x509.rsa_sha1 signs a SHA-1 digest of the document (deprecated in ISO 32000-2 12.8.3.3).";
    SignatureInvalid = 30313, Error,
        "The signature value does not verify over the ByteRange bytes; the CMS findings (30200-30299) say why.";
    ModifiedAfterSigning = 30314, Warning,
        "A later revision changes the document beyond form filling, annotations and long-term validation data (modification level OTHER).";
    DocMdpViolation = 30315, Error,
        "A later revision makes changes the certification signature's DocMDP permission level /P does not allow (ISO 32000-1 12.8.2.2).";
    FieldMdpViolation = 30316, Error,
        "A later revision changes a form field that a signature's FieldMDP /Lock or /Reference locks (ISO 32000-1 12.8.2.4, 12.7.4.5).";
    SignatureFieldAddedAfterCertification = 30317, Error,
        "A visible signature field was added after a certification signature (ISO 32000-2 12.8.2.2.2: only invisible ones may be, besides filling existing fields).";
    DocTimestampInvalid = 30318, Error,
        "A document timestamp (ETSI.RFC3161) does not verify: token signature, TSA path or messageImprint over the ByteRange bytes (ETSI EN 319 142-1 5.4).";
    EncryptionUnsupported = 30320, Error,
        "The file uses a security handler, revision or cipher other than the standard handler R2-R6 with RC4, AES-128 or AES-256 (ISO 32000-1 7.6, ISO 32000-2 7.6.4).";
    PasswordMissing = 30319, Error,
        "The file is encrypted and the empty user password does not open it: a password is needed (pdfPassword, --pdf-password). An input error, not an invalid signature.";
    PasswordWrong = 30325, Error,
        "The password given is neither the user nor the owner password of the encrypted file (ISO 32000-1 7.6.3.4, ISO 32000-2 7.6.4.4). An input error, not an invalid signature.";
    DigestMismatch = 30321, Error,
        "The digest the signature signs (adbe.pkcs7.sha1 content, adbe.x509.rsa_sha1 value) is not the digest of the ByteRange bytes.";
    CertificationNotFirst = 30322, Error,
        "A certification (DocMDP) signature is not the first signature of the document (ISO 32000-1 12.8.2.2.1).";
    FieldUnsigned = 30323, Info,
        "A signature field has no value: it is empty and signs nothing.";
    DssMalformed = 30324, Warning,
        "The /DSS dictionary or one of its certificates, CRLs or OCSP responses cannot be read (ETSI EN 319 142-1 5.4.2); the rest is used.";
    AnnotationsAfterSigning = 30327, Warning,
        "A later revision adds or changes annotations (modification level ANNOTATIONS): an annotation can cover signed content (shadow attack, hide variant).";
    FormFilledAfterSigning = 30328, Info,
        "A later revision fills form fields or adds signatures (modification level FORM_FILLING), which approval signatures allow.";
    RevokedBeforeProof = 30329, Error,
        "A certificate of a signer or TSA path is revoked (by the DSS or the caller's revocation data) on or before the time the signature is proven to have existed (ETSI EN 319 102-1 5.6.2.4).";
    RevokedAfterProof = 30330, Info,
        "A certificate of a signer or TSA path was revoked after the time the signature is proven to have existed: the signature stands (ETSI EN 319 102-1 5.6.2.4).";
    RevocationUnknown = 30331, Warning,
        "No revocation status for a certificate of a signer or TSA path in the DSS or the caller's revocation data at the time the data is proven to exist or the validation time; an error in hard mode.";
    FieldTypeMismatch = 30326, Error,
        "A signature field's value is not a signature dictionary, or its /Type is not /Sig or /DocTimeStamp (ISO 32000-1 12.8.1, 12.7.4.5).";
}

/// One problem found in a PDF or one of its signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdfFinding {
    /// What kind of problem.
    pub code: PdfCode,
    /// How much it weighs.
    pub severity: PdfSeverity,
    /// The rule and the values involved.
    pub detail: String,
}

impl PdfFinding {
    /// A finding with the code's default severity.
    pub(crate) fn new(code: PdfCode, detail: impl Into<String>) -> Self {
        PdfFinding {
            code,
            severity: code.default_severity(),
            detail: detail.into(),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == PdfSeverity::Error
    }
}

/// Why a PDF could not be processed: its structure is broken (it needs a
/// repair the validator does not make), a budget was reached, or it cannot
/// be decrypted. Never a verdict on a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PDF: {detail}")]
pub struct PdfError {
    /// [`PdfCode::Malformed`], [`PdfCode::LimitExceeded`],
    /// [`PdfCode::EncryptionUnsupported`].
    pub code: PdfCode,
    /// Where and why (byte offsets, object numbers, the rule).
    pub detail: String,
}

impl PdfError {
    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        PdfError {
            code: PdfCode::Malformed,
            detail: detail.into(),
        }
    }

    pub(crate) fn limit(detail: impl Into<String>) -> Self {
        PdfError {
            code: PdfCode::LimitExceeded,
            detail: detail.into(),
        }
    }
}

pub(crate) type PdfResult<T> = Result<T, PdfError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_range() {
        let mut seen = std::collections::HashSet::new();
        for c in PdfCode::ALL {
            assert!((30300..30400).contains(&c.code()), "{c:?}");
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
        }
    }
}

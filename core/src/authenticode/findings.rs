//! Findings of Authenticode verification: one per problem, each with a
//! result code in 30600-30699 (docs/result-codes.md, docs/authenticode.md),
//! a severity and a detail naming the rule and the values involved.

use serde::Serialize;

pub use crate::path::Severity;

macro_rules! authenticode_codes {
    ($($name:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Result codes of Authenticode verification (30600-30699).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum AuthenticodeCode {
            $(#[doc = $doc] $name,)*
        }

        impl AuthenticodeCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(AuthenticodeCode::$name => $code,)* }
            }

            /// The severity a finding with this code has by default.
            pub fn default_severity(self) -> Severity {
                match self { $(AuthenticodeCode::$name => Severity::$severity,)* }
            }

            /// One-line description (the doc comment).
            pub fn description(self) -> &'static str {
                match self { $(AuthenticodeCode::$name => $doc,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [AuthenticodeCode] = &[$(AuthenticodeCode::$name,)*];
        }
    };
}

authenticode_codes! {
    NotSigned = 30601, Error,
        "The PE file has no certificate table (data directory entry 4 is empty): it is not signed.";
    CertificateTableMalformed = 30602, Error,
        "The certificate table is not a WIN_CERTIFICATE of revision 0x0200 and type WIN_CERT_TYPE_PKCS_SIGNED_DATA whose length fits the table (Authenticode PE format, \"Attribute Certificate Table\").";
    HiddenCertificateTableData = 30603, Error,
        "Bytes are hidden in the certificate table after the signature (more than the zero padding to 8 bytes, or further entries): the CVE-2013-3900 padding rule; an error in strict mode (the default), else a warning.";
    CertificateTableNotAtEnd = 30604, Error,
        "Data follows the certificate table: it is covered by neither the image hash nor the signature.";
    SignatureMalformed = 30605, Error,
        "A signature (primary or nested) is not a readable PKCS #7 SignedData.";
    NotIndirectData = 30606, Error,
        "The signed content is not an SpcIndirectDataContent (eContentType 1.3.6.1.4.1.311.2.1.4 holding SEQUENCE { SpcAttributeTypeAndOptionalValue, DigestInfo }).";
    NotPeImageData = 30607, Error,
        "The SpcIndirectDataContent does not describe a PE image (SpcAttributeTypeAndOptionalValue type 1.3.6.1.4.1.311.2.1.15, SpcPeImageData).";
    NotOneSigner = 30608, Error,
        "An Authenticode signature must have exactly one SignerInfo.";
    ImageDigestMismatch = 30609, Error,
        "The image digest in the SpcIndirectDataContent is not the digest of the file: the file was changed after signing.";
    DigestAlgorithmUnsupported = 30610, Error,
        "The DigestInfo's digest algorithm is not supported.";
    PageHashMismatch = 30611, Error,
        "The page hash table (SpcPeImagePageHashes) does not match the file's pages.";
    PageHashMalformed = 30612, Error,
        "The page hash attribute is malformed (SpcSerializedObject with the page hash class id holding one v1 or v2 table of whole entries).";
    ExplicitCurveKey = 30613, Error,
        "A certificate in the signature has an elliptic-curve key with explicit parameters instead of a named curve (RFC 5480 2.1.1): the CVE-2020-0601 spoofing of a trusted root.";
    LifetimeSigningExpired = 30614, Error,
        "The signing certificate has the lifetime-signing EKU (1.3.6.1.4.1.311.10.3.13) and has expired: its signatures end with it, whatever the timestamp says.";
    SignatureInvalid = 30615, Error,
        "A signature (primary or nested) does not verify or its signer is not trusted; the CMS and path findings say why.";
    TooManyNestedSignatures = 30616, Error,
        "More nested signatures (1.3.6.1.4.1.311.2.4.1) than the limit; the rest are not checked.";
    WeakImageDigest = 30617, Warning,
        "The image digest is SHA-1 (broken for collisions); legacy files are signed so.";
    TimestampInvalid = 30618, Error,
        "A timestamp (legacy countersignature or RFC 3161 token) is present but does not verify: a damaged or untrusted timestamp fails the signature, as Windows refuses it, rather than being ignored.";
}

/// One problem found while verifying Authenticode signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthenticodeFinding {
    /// What kind of problem.
    pub code: AuthenticodeCode,
    /// Whether it makes the file's signature invalid.
    pub severity: Severity,
    /// The rule and the values involved.
    pub detail: String,
}

impl AuthenticodeFinding {
    /// A finding with the code's default severity.
    pub(crate) fn new(code: AuthenticodeCode, detail: impl Into<String>) -> Self {
        AuthenticodeFinding {
            code,
            severity: code.default_severity(),
            detail: detail.into(),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_range() {
        let mut seen = std::collections::HashSet::new();
        for c in AuthenticodeCode::ALL {
            assert!((30600..30700).contains(&c.code()), "{c:?}");
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
        }
    }
}

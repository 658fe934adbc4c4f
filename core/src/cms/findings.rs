//! Findings of CMS verification: one per problem, each with a result code
//! in 30200-30299 (documented in docs/cms.md), a severity and a detail
//! naming the rule and the values involved.

use serde::Serialize;

pub use crate::path::Severity;

macro_rules! cms_codes {
    ($($name:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Result codes of CMS signature verification (30200-30299).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum CmsCode {
            $(#[doc = $doc] $name,)*
        }

        impl CmsCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(CmsCode::$name => $code,)* }
            }

            /// The severity a finding with this code has by default.
            pub fn default_severity(self) -> Severity {
                match self { $(CmsCode::$name => Severity::$severity,)* }
            }

            /// One-line description (the doc comment).
            pub fn description(self) -> &'static str {
                match self { $(CmsCode::$name => $doc,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [CmsCode] = &[$(CmsCode::$name,)*];
        }
    };
}

cms_codes! {
    NoSigners = 30201, Error,
        "The SignedData has no SignerInfo: nothing is signed (RFC 5652 5.1 allows this only for certificate bundles).";
    SignerCertificateNotFound = 30202, Error,
        "No certificate in the message or given by the caller matches the signer identifier (issuerAndSerialNumber or subjectKeyIdentifier, RFC 5652 5.3).";
    SignatureInvalid = 30203, Error,
        "The signature value does not verify with the signer certificate's key (RFC 5652 5.6).";
    AlgorithmUnsupported = 30204, Error,
        "A digest or signature algorithm, or the signer's key, is unsupported or does not fit the algorithm; the signature could not be checked.";
    MessageDigestMismatch = 30205, Error,
        "The message-digest signed attribute differs from the digest of the content (RFC 5652 11.2).";
    MessageDigestMissing = 30206, Error,
        "Signed attributes are present without exactly one message-digest attribute (RFC 5652 5.3, 11.2).";
    ContentTypeMismatch = 30207, Error,
        "The content-type signed attribute differs from eContentType (RFC 5652 11.1).";
    ContentTypeMissing = 30208, Error,
        "Signed attributes of a signer are present without a content-type attribute (RFC 5652 5.3, 11.1).";
    ContentTypeInCountersignature = 30209, Warning,
        "A countersignature carries a content-type signed attribute, which RFC 5652 11.1 forbids; NuGet repository countersignatures do, so it is a warning.";
    AttributeMalformed = 30210, Error,
        "A signed attribute is malformed, has other than one value, or appears twice (RFC 5652 5.3, 11).";
    ContentMissing = 30211, Error,
        "The signature is detached and no content was given: the message digest cannot be checked.";
    ContentTooLarge = 30212, Error,
        "A signer without signed attributes signs detached content larger than the buffering limit: the signature over the whole content cannot be checked.";
    EssCertificateMismatch = 30213, Error,
        "The ESS signing-certificate or signing-certificate-v2 attribute does not identify the signer certificate (RFC 2634 5.4, RFC 5035 5.4): hash or issuer/serial differ.";
    EssAttributeMalformed = 30214, Error,
        "An ESS signing-certificate(-v2) attribute is malformed or uses an unsupported hash.";
    SignerPathInvalid = 30215, Error,
        "The signer certificate's path does not validate; the path result lists why (codes 30101-30199).";
    CountersignatureInvalid = 30216, Error,
        "A countersignature (RFC 5652 11.4) does not verify; its own entry lists why.";
    WeakDigestAlgorithm = 30217, Warning,
        "The message digest or signature uses SHA-1, which is broken for collision resistance.";
    DigestAlgorithmNotListed = 30218, Warning,
        "The signer's digest algorithm is not among SignedData.digestAlgorithms (RFC 5652 5.1 says it should be).";
    UnsupportedCertificateEntry = 30219, Warning,
        "An entry of the certificate set is not an X.509 certificate (attribute or other certificate) or does not parse; it is ignored.";
    TimestampMalformed = 30220, Error,
        "A signature-time-stamp attribute does not hold a TimeStampToken with a TSTInfo (RFC 3161 2.4.2).";
    TimestampSignatureInvalid = 30221, Error,
        "The timestamp token's own CMS signature does not verify (RFC 3161 2.4.2).";
    TimestampImprintMismatch = 30222, Error,
        "The timestamp's messageImprint is not the hash of the signer's signature value (RFC 3161 2.4.2, RFC 5126 6.1.1).";
    TimestampEkuMissing = 30223, Error,
        "The TSA certificate lacks the id-kp-timeStamping extended key usage (RFC 3161 2.3).";
    TimestampEkuNotStrict = 30224, Warning,
        "The TSA certificate's extendedKeyUsage is not critical or holds other purposes than id-kp-timeStamping (RFC 3161 2.3 MUST); an error when the caller asks for strict TSA EKU checks.";
    TimestampPathInvalid = 30225, Error,
        "The TSA certificate's path does not validate at the timestamp's genTime with purpose timeStamping.";
    TimestampNotUsed = 30226, Warning,
        "A timestamp is present but not valid, so it does not prove the time of signing; the signer path is validated at the caller's time.";
    LimitExceeded = 30227, Error,
        "A processing limit was reached (signers, certificates, attribute size or count, countersignature/timestamp nesting); the rest is not checked.";
    SigningTimeAfterTimestamp = 30228, Warning,
        "The signing-time attribute claims a time after the timestamp's genTime, which cannot be right.";
    SignatureAlgorithmDigestMismatch = 30229, Error,
        "The signature algorithm names a different digest than SignerInfo.digestAlgorithm: the signature would not be over the digest the SignerInfo declares (RFC 5652 5.4, RFC 5754 3).";
    TrailingWhitespace = 30230, Warning,
        "White space after the message's DER (a newline a text tool appended) was ignored; any other trailing byte makes the message malformed.";
    SignerKeyUsage = 30231, Error,
        "The signer (or TSA) certificate's keyUsage asserts neither digitalSignature nor nonRepudiation, so its key does not verify signatures on data (RFC 5280 4.2.1.3).";
}

/// One problem found while verifying a CMS signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CmsFinding {
    /// What kind of problem.
    pub code: CmsCode,
    /// Whether it makes the signature invalid.
    pub severity: Severity,
    /// The rule and the values involved.
    pub detail: String,
}

impl CmsFinding {
    /// A finding with the code's default severity.
    pub(crate) fn new(code: CmsCode, detail: impl Into<String>) -> Self {
        CmsFinding {
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
        for c in CmsCode::ALL {
            assert!((30200..30300).contains(&c.code()), "{c:?}");
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
        }
    }
}

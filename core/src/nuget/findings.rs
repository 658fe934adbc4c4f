//! Findings of NuGet package signature verification: one per broken rule,
//! each with a result code in 30500-30599 (docs/result-codes.md,
//! docs/nuget.md), the NuGet client's own code (`NU3xxx`, as `dotnet nuget
//! verify` prints it), a severity and a detail naming the rule and values.

use serde::Serialize;

pub use crate::path::Severity;

macro_rules! nuget_codes {
    ($($name:ident = $code:literal, $nu:literal, $severity:ident, $doc:literal;)*) => {
        /// Result codes of NuGet package signature verification (30500-30599).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum NuGetCode {
            $(#[doc = $doc] $name,)*
        }

        impl NuGetCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(NuGetCode::$name => $code,)* }
            }

            /// The NuGet client's code for the same failure (`NU3008`).
            pub fn nuget_code(self) -> &'static str {
                match self { $(NuGetCode::$name => $nu,)* }
            }

            /// The severity a finding with this code has by default.
            pub fn default_severity(self) -> Severity {
                match self { $(NuGetCode::$name => Severity::$severity,)* }
            }

            /// One-line description (the doc comment).
            pub fn description(self) -> &'static str {
                match self { $(NuGetCode::$name => $doc,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [NuGetCode] = &[$(NuGetCode::$name,)*];
        }
    };
}

nuget_codes! {
    NotSigned = 30501, "NU3004", Error,
        "The package holds no `.signature.p7s` entry: it is not signed.";
    SignatureEntryInvalid = 30502, "NU3005", Error,
        "The `.signature.p7s` entry breaks the package signing rules: it must be named exactly so, appear once, be stored (not compressed) with equal sizes, no data descriptor, no encryption and zero external attributes, and its local and central headers must agree.";
    Zip64 = 30503, "NU3006", Error,
        "The signed package uses Zip64 structures, which signed packages may not use.";
    ContentVersionUnsupported = 30504, "NU3007", Error,
        "The signature content is not `Version:1` followed by one `<hash OID>-Hash:<base64>` line in the format of the package signing specification.";
    IntegrityCheckFailed = 30505, "NU3008", Error,
        "The package content hash in the signature differs from the hash of the package without its signature entry: the package was changed after signing.";
    NotOnePrimarySignature = 30506, "NU3009", Error,
        "The signature file does not hold exactly one SignerInfo (the primary signature).";
    NoSigningCertificate = 30507, "NU3010", Error,
        "The primary signature's signer certificate is not in the signature.";
    PrimarySignatureInvalid = 30508, "NU3011", Error,
        "The primary signature does not verify (signature value, message digest, signed attributes); the CMS findings say why.";
    SignatureRevoked = 30509, "NU3012", Error,
        "The signing certificate of the primary signature or countersignature is revoked.";
    CertificateAlgorithmUnsupported = 30510, "NU3013", Error,
        "The signing certificate is not signed with SHA-256, SHA-384 or SHA-512 with RSA, or the signature uses another algorithm than RSA PKCS #1 v1.5 with those digests.";
    KeyTooShort = 30511, "NU3014", Error,
        "The signing certificate's RSA key is shorter than 2048 bits.";
    LifetimeSigner = 30512, "NU3015", Error,
        "The signing certificate has the lifetime-signing EKU (1.3.6.1.4.1.311.10.3.13), which package signatures may not use.";
    HashAlgorithmUnsupported = 30513, "NU3016", Error,
        "The package hash or the signer's digest is not SHA-256, SHA-384 or SHA-512.";
    CertificateNotYetValid = 30514, "NU3017", Error,
        "The signing certificate is not yet valid at the time it is validated at.";
    ChainBuildingFailed = 30515, "NU3018", Error,
        "The primary signature's certificate chain does not validate for code signing (untrusted root, EKU, revocation unknown, ...); the path findings say why.";
    TimestampIntegrity = 30516, "NU3019", Error,
        "A timestamp's messageImprint is not the hash of the signature value it stamps.";
    TimestampNoCertificate = 30517, "NU3020", Error,
        "A timestamp's TSA certificate is not in the token.";
    TimestampInvalid = 30518, "NU3021", Error,
        "A timestamp token does not verify (signature, digests, TSA EKU); the CMS findings say why.";
    TimestampAlgorithmUnsupported = 30519, "NU3024", Error,
        "A timestamp's digest or messageImprint algorithm is not SHA-256, SHA-384 or SHA-512.";
    TimestampCertificateNotYetValid = 30520, "NU3025", Error,
        "The TSA certificate is not yet valid at the timestamp's genTime.";
    NoTimestamp = 30521, "NU3027", Warning,
        "The signature has no valid timestamp: it stays valid only while its signing certificate is.";
    TimestampChainBuildingFailed = 30522, "NU3028", Error,
        "A timestamp's TSA certificate chain does not validate for time stamping at its genTime.";
    RepositoryCountersignatureInvalid = 30523, "NU3031", Error,
        "The repository countersignature does not verify or breaks a repository signature rule (commitment type, v3 service index URL).";
    MultipleRepositoryCountersignatures = 30524, "NU3032", Error,
        "The primary signature has more than one repository countersignature.";
    RepositoryCountersignatureOnRepositorySignature = 30525, "NU3033", Error,
        "A repository primary signature carries a repository countersignature.";
    CountersignatureChainBuildingFailed = 30526, "NU3035", Error,
        "The repository countersignature's certificate chain does not validate for code signing.";
    TimestampOutsideValidity = 30527, "NU3036", Error,
        "A timestamp's genTime lies outside its TSA certificate's validity period.";
    SignatureExpired = 30528, "NU3037", Error,
        "The signing certificate has expired and no valid timestamp proves the signature was made before.";
    SignedAttributeInvalid = 30529, "NU3000", Error,
        "A required signed attribute is missing, repeated or malformed: signing-time, signing-certificate-v2, the commitment-type-indication (proof of origin for authors, proof of receipt for repositories, not both), or a repository signature's nuget-v3-service-index-url (an absolute https URL) and nuget-package-owners (non-empty UTF8Strings).";
    UnknownSignatureType = 30530, "NU3000", Warning,
        "The primary signature has no commitment-type-indication: it is neither an author nor a repository signature (NuGet's Unknown type), so the author and repository rules are not applied.";
    SignatureDigestMismatch = 30531, "NU3011", Error,
        "The signature content's `-Hash:` lines repeat an algorithm or give a hash of the wrong length.";
}

/// One problem found while verifying a package signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NuGetFinding {
    /// What kind of problem.
    pub code: NuGetCode,
    /// Whether it makes the package signature invalid.
    pub severity: Severity,
    /// `NU3xxx: ` then the rule and the values involved.
    pub detail: String,
}

impl NuGetFinding {
    /// A finding with the code's default severity; the detail starts with
    /// the NuGet code.
    pub(crate) fn new(code: NuGetCode, detail: impl AsRef<str>) -> Self {
        NuGetFinding {
            code,
            severity: code.default_severity(),
            detail: format!("{}: {}", code.nuget_code(), detail.as_ref()),
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
        for c in NuGetCode::ALL {
            assert!((30500..30600).contains(&c.code()), "{c:?}");
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
            assert!(c.nuget_code().starts_with("NU3"), "{c:?}");
        }
    }
}

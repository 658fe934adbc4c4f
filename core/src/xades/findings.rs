//! Findings of XML signature verification: one per problem, each with a
//! result code in 30400-30499 (listed in docs/result-codes.md), a severity
//! and a detail naming the rule and the values involved.

use serde::Serialize;

pub use crate::path::Severity;

macro_rules! xml_codes {
    ($($name:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Result codes of XML signature verification (30400-30499).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum XmlCode {
            $(#[doc = $doc] $name,)*
        }

        impl XmlCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(XmlCode::$name => $code,)* }
            }

            /// The severity a finding with this code has by default.
            pub fn default_severity(self) -> Severity {
                match self { $(XmlCode::$name => Severity::$severity,)* }
            }

            /// One-line description (the doc comment).
            pub fn description(self) -> &'static str {
                match self { $(XmlCode::$name => $doc,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [XmlCode] = &[$(XmlCode::$name,)*];
        }
    };
}

xml_codes! {
    NoSignature = 30401, Error,
        "The document holds no ds:Signature element (XML-DSig 4.1).";
    StructureInvalid = 30402, Error,
        "A ds:Signature, ds:SignedInfo, ds:Reference or ds:KeyInfo is not shaped as the XML-DSig schema requires (4.1-4.5): missing, repeated or misplaced elements, bad base64.";
    SignatureInvalid = 30403, Error,
        "The SignatureValue does not verify over the canonical SignedInfo with the signer's key (XML-DSig 3.2.2).";
    AlgorithmUnsupported = 30404, Error,
        "A canonicalization, signature or digest algorithm URI is not supported, or the signer's key does not fit the algorithm; the signature could not be checked.";
    DigestMismatch = 30405, Error,
        "A Reference's DigestValue differs from the digest of the data it references after its transforms (XML-DSig 3.2.1).";
    ReferenceNotFound = 30406, Error,
        "A same-document Reference URI names an identifier that no element has.";
    DuplicateId = 30407, Error,
        "A referenced identifier is carried by more than one element: the reference is ambiguous, the sign of a signature wrapping attack.";
    TransformUnsupported = 30408, Error,
        "A Reference URI form or Transform is not supported (only enveloped-signature, the c14n algorithms, base64, XPath not(ancestor-or-self::ds:Signature) and XPath Filter 2.0 subtract of signatures are).";
    LimitExceeded = 30409, Error,
        "A processing limit was reached (signatures per document, references per signature, transforms per reference, certificates in KeyInfo); the rest is not checked.";
    ContentMissing = 30410, Error,
        "A Reference points outside the document and no detached content was given: its digest cannot be checked.";
    SignerCertificateNotFound = 30411, Error,
        "No certificate was found for the signer: KeyInfo holds no X509Certificate and the caller gave none.";
    SignerPathInvalid = 30412, Error,
        "The signer certificate's path does not validate; the path result lists why (codes 30101-30199).";
    WeakAlgorithm = 30413, Error,
        "A digest or signature algorithm uses SHA-1; an error unless the policy allows weak algorithms, then a warning.";
    EnvelopedSignatureMisplaced = 30414, Error,
        "A Reference applies the enveloped-signature transform but its data does not contain the signature: the signed content was moved out from around it (XML-DSig 6.6.4).";
    DocumentNotSigned = 30415, Error,
        "XAdES-Enveloped: no Reference of the signature covers the document element that holds it (whole document minus signatures).";
    PartialScope = 30416, Warning,
        "The signature covers only part of the document; the report's signedScope names exactly the signed nodes, and nothing else may be trusted.";
    QualifyingPropertiesInvalid = 30417, Error,
        "XAdES QualifyingProperties do not belong to this signature: Target is not '#' and the signature's Id, or SignedProperties is not referenced once with Type http://uri.etsi.org/01903#SignedProperties (ETSI EN 319 132-1 4.3, 6.3).";
    SigningCertificateMissing = 30418, Error,
        "XAdES SignedProperties lack SigningCertificate or SigningCertificateV2, which the baseline B level requires (ETSI EN 319 132-1 5.2.2, 6.3).";
    SigningCertificateMismatch = 30419, Error,
        "XAdES SigningCertificate(V2) does not identify the signer certificate: the digest or the serial number differs (ETSI EN 319 132-1 5.2.2).";
    IssuerNameMismatch = 30420, Warning,
        "XAdES SigningCertificate's X509IssuerName does not read as the signer certificate's issuer (names in text differ in spelling between signers, so this is a warning).";
    PropertyMalformed = 30421, Error,
        "A XAdES property (SigningTime, SigningCertificate, SignaturePolicyIdentifier, DataObjectFormat, a time-stamp, CertificateValues, RevocationValues) is malformed (ETSI EN 319 132-1 5).";
    PolicyHashMismatch = 30422, Error,
        "The SignaturePolicyIdentifier's SigPolicyHash differs from the digest of the policy document given (ETSI EN 319 132-1 5.2.9).";
    PolicyNotChecked = 30423, Warning,
        "A SignaturePolicyIdentifier names a policy whose document was not given, so its hash was not checked.";
    DataObjectFormatInvalid = 30424, Error,
        "A DataObjectFormat's ObjectReference does not name a Reference of this signature (ETSI EN 319 132-1 5.2.4).";
    TimestampInvalid = 30425, Error,
        "A SignatureTimeStamp is not a valid RFC 3161 token over the canonical ds:SignatureValue (ETSI EN 319 132-1 5.3); its own findings (codes 30220-30228) say why.";
}

/// One problem found while verifying an XML signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XmlFinding {
    /// What kind of problem.
    pub code: XmlCode,
    /// Whether it makes the signature invalid.
    pub severity: Severity,
    /// The rule and the values involved.
    pub detail: String,
}

impl XmlFinding {
    /// A finding with the code's default severity.
    pub(crate) fn new(code: XmlCode, detail: impl Into<String>) -> Self {
        XmlFinding {
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
        for c in XmlCode::ALL {
            assert!((30400..30500).contains(&c.code()), "{c:?}");
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
        }
    }
}

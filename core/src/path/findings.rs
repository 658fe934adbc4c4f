//! Findings: why a path is not valid, one per problem, each with a result
//! code (documented in docs/result-codes.md), the certificate it concerns,
//! the .NET chain status flag it raises, and a detail naming the values.

use serde::Serialize;

use super::status::ChainStatusFlags;

macro_rules! result_codes {
    ($($name:ident = $code:literal, $flag:ident, $doc:literal;)*) => {
        /// Result codes of path validation (30100-30199).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum ResultCode {
            $(#[doc = $doc] $name,)*
        }

        impl ResultCode {
            /// The numeric code, as in reports.
            pub fn code(self) -> u32 {
                match self { $(ResultCode::$name => $code,)* }
            }

            /// The chain status flag this finding raises.
            pub fn flag(self) -> ChainStatusFlags {
                match self { $(ResultCode::$name => ChainStatusFlags::$flag,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [ResultCode] = &[$(ResultCode::$name,)*];
        }
    };
}

result_codes! {
    NotTimeValid = 30101, NOT_TIME_VALID,
        "The validation time is outside a certificate's validity, or its validity is malformed (RFC 5280 6.1.3 (a)(2)).";
    SignatureInvalid = 30102, NOT_SIGNATURE_VALID,
        "No candidate issuer's key verifies the certificate's signature (RFC 5280 6.1.3 (a)(1)).";
    UntrustedRoot = 30103, UNTRUSTED_ROOT,
        "The path ends in a self-signed certificate that is not a trust anchor.";
    PartialChain = 30104, PARTIAL_CHAIN,
        "No issuer was found for the last certificate of the path, and it is not a trust anchor.";
    NotCa = 30105, INVALID_BASIC_CONSTRAINTS,
        "An issuing certificate is not a CA: basicConstraints missing, cA false, or not critical (RFC 5280 4.2.1.9, 6.1.4 (k)).";
    PathLengthExceeded = 30106, INVALID_BASIC_CONSTRAINTS,
        "A pathLenConstraint or the maximum chain depth is exceeded (RFC 5280 6.1.4 (l)(m)).";
    KeyUsageNotAllowed = 30107, NOT_VALID_FOR_USAGE,
        "keyUsage does not allow the use: keyCertSign for an issuer, or the usage asked of the end entity (RFC 5280 4.2.1.3, 6.1.4 (n)).";
    ExtendedKeyUsageMismatch = 30108, NOT_VALID_FOR_USAGE,
        "extendedKeyUsage does not include the purpose asked (RFC 5280 4.2.1.12).";
    NameNotPermitted = 30109, HAS_NOT_PERMITTED_NAME_CONSTRAINT,
        "A name is outside the permitted subtrees of a CA above it (RFC 5280 6.1.3 (b)).";
    NameExcluded = 30110, HAS_EXCLUDED_NAME_CONSTRAINT,
        "A name is inside the excluded subtrees of a CA above it (RFC 5280 6.1.3 (c)).";
    NameConstraintUnsupported = 30111, HAS_NOT_SUPPORTED_NAME_CONSTRAINT,
        "A name of a form that cannot be checked meets a constraint of that form.";
    InvalidNameConstraints = 30112, INVALID_NAME_CONSTRAINTS,
        "A nameConstraints extension is malformed or breaks RFC 5280 4.2.1.10.";
    PolicyInvalid = 30113, NO_ISSUANCE_CHAIN_POLICY,
        "Certificate policy processing leaves no acceptable policy where one is required (RFC 5280 6.1.3 (f), 6.1.5 (g)).";
    InvalidPolicyConstraints = 30114, INVALID_POLICY_CONSTRAINTS,
        "A policy extension is malformed or breaks RFC 5280 4.2.1.4, 4.2.1.5, 4.2.1.11 or 4.2.1.14.";
    UnknownCriticalExtension = 30115, HAS_NOT_SUPPORTED_CRITICAL_EXTENSION,
        "A critical extension that is not processed (RFC 5280 6.1.4 (o), 6.1.5 (f)).";
    InvalidExtension = 30116, INVALID_EXTENSION,
        "An extension is malformed, duplicated, or has the wrong criticality (RFC 5280 4.2).";
    WeakAlgorithm = 30117, HAS_WEAK_SIGNATURE,
        "A weak algorithm: MD5 or SHA-1 signature, or a key below the policy's minimum size.";
    AlgorithmNotAllowed = 30118, NOT_SIGNATURE_VALID,
        "An algorithm or key the profile does not allow, or the backend does not support.";
    ProfileViolation = 30119, INVALID_EXTENSION,
        "A certificate field breaks the profile: serial number, version, empty name, mismatched signature algorithms (RFC 5280 4.1).";
    PeerNameMismatch = 30120, NOT_VALID_FOR_USAGE,
        "The end entity's subjectAltName does not match the peer name (RFC 6125).";
    InvalidSubjectAltName = 30121, INVALID_EXTENSION,
        "The subjectAltName is missing, malformed or breaks RFC 5280 4.2.1.6 / the profile.";
    Cycle = 30122, CYCLIC,
        "Every candidate issuer would repeat a certificate already in the path.";
    BudgetExhausted = 30123, PARTIAL_CHAIN,
        "Path building stopped at the work budget (signature checks, candidates, depth or name constraint checks).";
    Revoked = 30124, REVOKED,
        "A certificate of the path is revoked (by a CRL or an OCSP response).";
    RevocationUnknown = 30125, REVOCATION_STATUS_UNKNOWN,
        "A certificate's revocation status could not be determined (no usable CRL or OCSP answer).";
    RevocationOffline = 30126, OFFLINE_REVOCATION,
        "Revocation data could not be retrieved (offline, or the server did not answer).";
}

/// Whether a finding makes the path invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// The path is invalid.
    Error,
    /// Worth reporting (and flagged), but allowed by the options.
    Warning,
}

/// One problem found in a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub code: ResultCode,
    /// Whether it invalidates the path.
    pub severity: Severity,
    /// Index in the path of the certificate concerned (0 is the end
    /// entity), or `None` for the path as a whole.
    pub certificate: Option<usize>,
    /// The rule and the values involved.
    pub detail: String,
}

impl Finding {
    pub(crate) fn new(
        code: ResultCode,
        certificate: Option<usize>,
        detail: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity: Severity::Error,
            certificate,
            detail: detail.into(),
        }
    }

    /// A finding of `code` whose certificate the finder does not know: the
    /// caller that walks the path places it with [`Finding::at`].
    pub(crate) fn unplaced(code: ResultCode, detail: impl Into<String>) -> Self {
        Finding::new(code, None, detail)
    }

    /// The finding, about the certificate at `index` of the path.
    pub(crate) fn at(mut self, index: usize) -> Self {
        self.certificate = Some(index);
        self
    }

    /// The finding, its detail preceded by `context` and `": "`.
    pub(crate) fn context(mut self, context: impl std::fmt::Display) -> Self {
        self.detail = format!("{context}: {}", self.detail);
        self
    }

    pub(crate) fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

//! Chain status as .NET reports it: `X509ChainStatusFlags` and NuGet's
//! `EndCertificateStatus` (certificates table, CodeSigningStatus and
//! CodeSigningStatusFlags columns).

use std::fmt;

/// .NET `X509ChainStatusFlags`: a set of chain problems with .NET's names
/// and values.
///
/// ```
/// use validate::path::ChainStatusFlags;
/// let f = ChainStatusFlags::UNTRUSTED_ROOT | ChainStatusFlags::NOT_TIME_VALID;
/// assert_eq!(f.to_string(), "NotTimeValid, UntrustedRoot");
/// assert_eq!(f.bits(), 33);
/// assert_eq!(ChainStatusFlags::NO_ERROR.to_string(), "NoError");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChainStatusFlags(u32);

macro_rules! chain_flags {
    ($($name:ident = $value:expr, $text:literal;)*) => {
        impl ChainStatusFlags {
            $(
                #[doc = concat!("`", $text, "` (", stringify!($value), ").")]
                pub const $name: ChainStatusFlags = ChainStatusFlags($value);
            )*
            /// Every named flag with its .NET name, in ascending value order.
            pub const NAMES: &'static [(ChainStatusFlags, &'static str)] =
                &[$((ChainStatusFlags($value), $text),)*];
        }
    };
}

chain_flags! {
    NOT_TIME_VALID = 1, "NotTimeValid";
    NOT_TIME_NESTED = 2, "NotTimeNested";
    REVOKED = 4, "Revoked";
    NOT_SIGNATURE_VALID = 8, "NotSignatureValid";
    NOT_VALID_FOR_USAGE = 16, "NotValidForUsage";
    UNTRUSTED_ROOT = 32, "UntrustedRoot";
    REVOCATION_STATUS_UNKNOWN = 64, "RevocationStatusUnknown";
    CYCLIC = 128, "Cyclic";
    INVALID_EXTENSION = 256, "InvalidExtension";
    INVALID_POLICY_CONSTRAINTS = 512, "InvalidPolicyConstraints";
    INVALID_BASIC_CONSTRAINTS = 1024, "InvalidBasicConstraints";
    INVALID_NAME_CONSTRAINTS = 2048, "InvalidNameConstraints";
    HAS_NOT_SUPPORTED_NAME_CONSTRAINT = 4096, "HasNotSupportedNameConstraint";
    HAS_NOT_DEFINED_NAME_CONSTRAINT = 8192, "HasNotDefinedNameConstraint";
    HAS_NOT_PERMITTED_NAME_CONSTRAINT = 16384, "HasNotPermittedNameConstraint";
    HAS_EXCLUDED_NAME_CONSTRAINT = 32768, "HasExcludedNameConstraint";
    PARTIAL_CHAIN = 65536, "PartialChain";
    CTL_NOT_TIME_VALID = 131072, "CtlNotTimeValid";
    CTL_NOT_SIGNATURE_VALID = 262144, "CtlNotSignatureValid";
    CTL_NOT_VALID_FOR_USAGE = 524288, "CtlNotValidForUsage";
    HAS_WEAK_SIGNATURE = 1048576, "HasWeakSignature";
    OFFLINE_REVOCATION = 16777216, "OfflineRevocation";
    NO_ISSUANCE_CHAIN_POLICY = 33554432, "NoIssuanceChainPolicy";
    EXPLICIT_DISTRUST = 67108864, "ExplicitDistrust";
    HAS_NOT_SUPPORTED_CRITICAL_EXTENSION = 134217728, "HasNotSupportedCriticalExtension";
}

impl ChainStatusFlags {
    /// No problem (`NoError`, 0).
    pub const NO_ERROR: ChainStatusFlags = ChainStatusFlags(0);

    /// The .NET integer value.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Flags from a .NET integer value (unknown bits are kept).
    pub fn from_bits(bits: u32) -> Self {
        ChainStatusFlags(bits)
    }

    /// True when no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every flag of `other` is set.
    pub fn contains(self, other: ChainStatusFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Names of the set flags, ascending by value.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for ChainStatusFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        ChainStatusFlags(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for ChainStatusFlags {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

/// As .NET's `Enum.ToString` prints a flags value: names joined by `, `
/// in ascending value order, `NoError` for none, the integer for bits
/// without a name.
impl fmt::Display for ChainStatusFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("NoError");
        }
        let named = Self::NAMES.iter().fold(0, |acc, (flag, _)| acc | flag.0);
        if self.0 & !named != 0 {
            return write!(f, "{}", self.0);
        }
        f.write_str(&self.names().join(", "))
    }
}

impl serde::Serialize for ChainStatusFlags {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// NuGet's `EndCertificateStatus` (certificates table, CodeSigningStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum EndCertificateStatus {
    /// The end certificate is valid and has not been revoked.
    Good,
    /// The end certificate failed offline validation (untrusted root, weak
    /// algorithm, ...); anything it signed is invalid.
    Invalid,
    /// The end certificate has been revoked by its CA.
    Revoked,
    /// Online verification has never completed.
    Unknown,
}

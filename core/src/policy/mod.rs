//! Validation policies: what a validation service promises for a tenant —
//! name, version, date, trust anchors, the certificate validation level,
//! purpose, algorithm rules and the time source. Built in code or loaded
//! from the JSON format of docs/policy.md.

mod file;

use crate::path::{CertificatePool, Profile, Purpose, TrustStore, ValidationOptions};
use crate::time::Timestamp;

pub use file::PolicyFile;

/// The certificate validation level a policy requires (the report's
/// `policy.certificate.level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValidationLevel {
    /// 0: the signature is verified and certificates are parsed; a missing
    /// path to a trust anchor is only a warning.
    Signature,
    /// 1: a valid certification path to a trust anchor (RFC 5280 6.1) at the
    /// validation time; revocation is not checked.
    Chain,
    /// 2: level 1, and revocation is checked where a source answers; an
    /// unknown status is a warning.
    RevocationSoft,
    /// 3: level 1, and every certificate of the path must have a determined,
    /// good revocation status.
    RevocationHard,
}

/// A policy's validation level asks for: levels 0 and 1 check nothing,
/// level 2 is soft, level 3 hard. The policy owns this mapping; the
/// revocation module knows only its modes.
impl From<ValidationLevel> for crate::revocation::RevocationMode {
    fn from(level: ValidationLevel) -> Self {
        use crate::revocation::RevocationMode;
        match level {
            ValidationLevel::Signature | ValidationLevel::Chain => RevocationMode::None,
            ValidationLevel::RevocationSoft => RevocationMode::Soft,
            ValidationLevel::RevocationHard => RevocationMode::Hard,
        }
    }
}

impl ValidationLevel {
    /// 0 to 3.
    pub fn value(self) -> u8 {
        match self {
            ValidationLevel::Signature => 0,
            ValidationLevel::Chain => 1,
            ValidationLevel::RevocationSoft => 2,
            ValidationLevel::RevocationHard => 3,
        }
    }

    /// The level of a number 0 to 3.
    pub fn from_value(value: u8) -> Option<Self> {
        Some(match value {
            0 => ValidationLevel::Signature,
            1 => ValidationLevel::Chain,
            2 => ValidationLevel::RevocationSoft,
            3 => ValidationLevel::RevocationHard,
            _ => return None,
        })
    }
}

/// Which time a signature is validated at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeSource {
    /// The time of the validation; timestamps are verified and reported
    /// but do not move the validation time.
    Now,
    /// The signer's signing-time attribute when present, else now (the
    /// attribute is the signer's own claim: use only where signers are trusted).
    SigningTime,
    /// A verified RFC 3161 timestamp's time when present (proof of
    /// existence: a signer certificate that expired later is still valid),
    /// else now. The default.
    Timestamp,
}

/// A validation policy.
///
/// ```
/// use validate::policy::{ValidationPolicy, ValidationLevel};
/// use validate::{path::TrustStore, read_certificates_strict};
/// let root = read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
/// let policy = ValidationPolicy::new("acme", TrustStore::from_certificates(root));
/// assert_eq!(policy.level, ValidationLevel::Chain);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ValidationPolicy {
    /// The policy's name (the report's `policy.name`, the health tenant).
    pub name: String,
    /// Its version (the report's `policy.version`).
    pub version: String,
    /// Its date (the report's `policy.date`).
    pub date: Timestamp,
    /// Trust anchors.
    pub anchors: TrustStore,
    /// Extra intermediate certificates offered for path building.
    pub intermediates: CertificatePool,
    /// CRLs the policy supplies for revocation checking at levels 2 and 3
    /// (besides those a message carries and a fetcher retrieves).
    pub crls: Vec<std::sync::Arc<crate::revocation::Crl>>,
    /// The certificate validation level required.
    pub level: ValidationLevel,
    /// What signer certificates must be valid for (default code signing).
    pub purpose: Purpose,
    /// The certificate profile.
    pub profile: Profile,
    /// RSA/DSA keys under this size are weak (default 2048).
    pub min_rsa_bits: u32,
    /// When false (the default) weak algorithms (SHA-1, small keys) fail validation.
    pub allow_weak_algorithms: bool,
    /// The time signatures are validated at.
    pub time_source: TimeSource,
    /// RFC 3161 2.3 for TSA certificates: true (the default) refuses a
    /// token whose TSA extendedKeyUsage is not critical or holds more than
    /// id-kp-timeStamping as proof of time; false accepts it with a warning
    /// (Microsoft's Time-Stamp Service certificates, accepted by .NET and NuGet).
    pub strict_tsa_eku: bool,
}

impl ValidationPolicy {
    /// A policy with the given name and anchors and the documented defaults:
    /// version `1.0.0`, date the Unix epoch, level 1 (chain), purpose code
    /// signing, RFC 5280 profile, 2048-bit minimum, weak algorithms rejected,
    /// time source: a verified timestamp, else the validation time; strict
    /// RFC 3161 TSA extendedKeyUsage.
    pub fn new(name: &str, anchors: TrustStore) -> Self {
        ValidationPolicy {
            name: name.to_string(),
            version: "1.0.0".to_string(),
            date: Timestamp::from_unix_seconds(0),
            anchors,
            intermediates: CertificatePool::new(),
            crls: Vec::new(),
            level: ValidationLevel::Chain,
            purpose: Purpose::CodeSigning,
            profile: Profile::Rfc5280,
            min_rsa_bits: 2048,
            allow_weak_algorithms: false,
            time_source: TimeSource::Timestamp,
            strict_tsa_eku: true,
        }
    }

    /// Path validation options for this policy at `time` and `purpose`.
    pub fn path_options(&self, time: Timestamp, purpose: Purpose) -> ValidationOptions {
        let mut options = ValidationOptions::at(time);
        options.purposes = vec![purpose];
        options.profile = self.profile;
        options.min_rsa_bits = self.min_rsa_bits;
        options.reject_weak_algorithms = !self.allow_weak_algorithms;
        options
    }
}

#[cfg(test)]
mod level_tests {
    use super::ValidationLevel;
    use crate::revocation::RevocationMode;

    #[test]
    fn revocation_modes_from_policy_levels() {
        assert_eq!(
            RevocationMode::from(ValidationLevel::Signature),
            RevocationMode::None
        );
        assert_eq!(
            RevocationMode::from(ValidationLevel::Chain),
            RevocationMode::None
        );
        assert_eq!(
            RevocationMode::from(ValidationLevel::RevocationSoft),
            RevocationMode::Soft
        );
        assert_eq!(
            RevocationMode::from(ValidationLevel::RevocationHard),
            RevocationMode::Hard
        );
    }
}

//! What a caller asks of a certification path: the validation time, the
//! purpose, the RFC 5280 6.1.1 inputs, the certificate profile, algorithm
//! policy and the work budget. Every default is stated where it is set.

use std::str::FromStr;
use std::sync::Arc;

use der::asn1::ObjectIdentifier;

use super::budget::Budget;
use super::cache::SignatureCache;
use crate::error::Error;
use crate::revocation::RevocationMode;
use crate::time::Timestamp;

/// Extended key usage purposes (RFC 5280 4.2.1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Any purpose: no extended key usage requirement.
    Any,
    /// id-kp-codeSigning (1.3.6.1.5.5.7.3.3).
    CodeSigning,
    /// id-kp-timeStamping (1.3.6.1.5.5.7.3.8).
    TimeStamping,
    /// id-kp-serverAuth (1.3.6.1.5.5.7.3.1).
    ServerAuth,
    /// id-kp-clientAuth (1.3.6.1.5.5.7.3.2).
    ClientAuth,
    /// id-kp-OCSPSigning (1.3.6.1.5.5.7.3.9).
    OcspSigning,
    /// id-kp-emailProtection (1.3.6.1.5.5.7.3.4).
    EmailProtection,
    /// Any other purpose by OID.
    Oid(ObjectIdentifier),
}

/// anyExtendedKeyUsage (RFC 5280 4.2.1.12).
pub const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");

impl Purpose {
    /// The EKU OID, `None` for [`Purpose::Any`].
    pub fn oid(self) -> Option<ObjectIdentifier> {
        let dotted = match self {
            Purpose::Any => return None,
            Purpose::Oid(oid) => return Some(oid),
            Purpose::CodeSigning => "1.3.6.1.5.5.7.3.3",
            Purpose::TimeStamping => "1.3.6.1.5.5.7.3.8",
            Purpose::ServerAuth => "1.3.6.1.5.5.7.3.1",
            Purpose::ClientAuth => "1.3.6.1.5.5.7.3.2",
            Purpose::OcspSigning => "1.3.6.1.5.5.7.3.9",
            Purpose::EmailProtection => "1.3.6.1.5.5.7.3.4",
        };
        ObjectIdentifier::new(dotted).ok()
    }
}

/// Parses `any`, `code-signing`, `time-stamping`, `server-auth`,
/// `client-auth`, `ocsp-signing`, `email-protection` or a dotted OID.
impl FromStr for Purpose {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "any" => Purpose::Any,
            "code-signing" | "codesigning" => Purpose::CodeSigning,
            "time-stamping" | "timestamping" => Purpose::TimeStamping,
            "server-auth" | "serverauth" => Purpose::ServerAuth,
            "client-auth" | "clientauth" => Purpose::ClientAuth,
            "ocsp-signing" | "ocspsigning" => Purpose::OcspSigning,
            "email-protection" | "emailprotection" => Purpose::EmailProtection,
            other => Purpose::Oid(ObjectIdentifier::new(other).map_err(|_| {
                Error::invalid(
                    "purpose",
                    format!("'{s}' is neither a known purpose nor a dotted OID"),
                )
            })?),
        })
    }
}

/// Which certificate profile the path must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// RFC 5280: the path validation algorithm of section 6.1 plus the
    /// MUST-level rules of section 4 for conforming CAs (serials, critical
    /// flags, key identifiers, basic constraints). The default.
    #[default]
    Rfc5280,
    /// RFC 5280 plus the CA/Browser Forum Baseline Requirements for TLS
    /// (version 3 only, subjectAltName required and matched, serverAuth or
    /// clientAuth EKU required, restricted algorithms and key sizes, no EKU in
    /// roots). Used for `--peer-name` style server validation.
    WebPki,
}

/// The inputs of one path validation.
///
/// ```
/// use validate::path::{ValidationOptions, Purpose};
/// let mut options = ValidationOptions::at("2024-06-01T00:00:00Z".parse().unwrap());
/// options.purposes.push(Purpose::CodeSigning);
/// assert!(options.reject_weak_algorithms, "weak algorithms are rejected unless allowed");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// The validation time (RFC 5280 6.1.1 (b)).
    pub time: Timestamp,
    /// Purposes the end entity must be valid for; empty means any.
    pub purposes: Vec<Purpose>,
    /// keyUsage bits (.NET layout, see [`crate::cert::KeyUsage`]) the end entity
    /// must allow when it has a keyUsage extension; 0 asks nothing.
    pub key_usage: u16,
    /// A DNS name or IP address the end entity's subjectAltName must match.
    pub peer_name: Option<String>,
    /// Most intermediate certificates allowed between end entity and anchor;
    /// `None` leaves only the budget's depth.
    pub max_intermediates: Option<usize>,
    /// user-initial-policy-set (RFC 5280 6.1.1 (c)); empty means anyPolicy.
    pub initial_policy_set: Vec<ObjectIdentifier>,
    /// initial-explicit-policy (RFC 5280 6.1.1 (f)).
    pub require_explicit_policy: bool,
    /// initial-policy-mapping-inhibit (RFC 5280 6.1.1 (e)).
    pub inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit (RFC 5280 6.1.1 (g)).
    pub inhibit_any_policy: bool,
    /// The certificate profile.
    pub profile: Profile,
    /// RSA and DSA keys shorter than this are weak (default 2048, NIST SP 800-131A).
    pub min_rsa_bits: u32,
    /// When true (the default), a weak signature (MD5 or SHA-1 digest, or a
    /// key under `min_rsa_bits`) in any certificate but the anchor makes the
    /// path invalid; when false it is only flagged `HasWeakSignature`.
    pub reject_weak_algorithms: bool,
    /// Revocation checking (CLI.md `--revocation`): none (the default:
    /// validation does no I/O unless asked), soft or hard.
    pub revocation: RevocationMode,
    /// Use only the CRLs and OCSP responses given; never fetch (`--offline`).
    pub offline: bool,
    /// Work limits.
    pub budget: Budget,
    /// Verified signatures shared with other validations (`None`: each
    /// validation keeps its own memo).
    pub signature_cache: Option<Arc<SignatureCache>>,
}

impl ValidationOptions {
    /// Defaults for validation at `time`: any purpose, RFC 5280 profile,
    /// anyPolicy with no explicit-policy requirement, weak algorithms rejected.
    pub fn at(time: Timestamp) -> Self {
        ValidationOptions {
            time,
            purposes: Vec::new(),
            key_usage: 0,
            peer_name: None,
            max_intermediates: None,
            initial_policy_set: Vec::new(),
            require_explicit_policy: false,
            inhibit_policy_mapping: false,
            inhibit_any_policy: false,
            profile: Profile::Rfc5280,
            min_rsa_bits: 2048,
            reject_weak_algorithms: true,
            revocation: RevocationMode::None,
            offline: false,
            budget: Budget::default(),
            signature_cache: None,
        }
    }
}

//! The JSON policy file (docs/policy.md).

use serde::Deserialize;

use super::{TimeSource, ValidationLevel, ValidationPolicy};
use crate::cert::read_certificates_strict;
use crate::error::{Error, Result};
use crate::path::{CertificatePool, Profile, Purpose, TrustStore};
use crate::time::Timestamp;

/// The policy file as written (docs/policy.md). Unknown keys are refused so
/// that a misspelt setting never silently falls back to a default.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyFile {
    /// Policy name.
    pub name: String,
    /// Policy version (default `1.0.0`).
    #[serde(default)]
    pub version: Option<String>,
    /// Policy date, RFC 3339.
    #[serde(default)]
    pub date: Option<Timestamp>,
    /// Trust anchors: each a file path (resolved by the caller) or inline PEM.
    pub trust_anchors: Vec<String>,
    /// Extra intermediates, as for trust anchors.
    #[serde(default)]
    pub intermediates: Vec<String>,
    /// CRLs for revocation checking: each a file path (resolved by the
    /// caller) or inline PEM (`-----BEGIN X509 CRL-----`).
    #[serde(default)]
    pub crls: Vec<String>,
    /// 0 to 3 (default 1).
    #[serde(default)]
    pub level: Option<u8>,
    /// `code-signing` (default), `time-stamping`, `any`, ... or an OID.
    #[serde(default)]
    pub purpose: Option<String>,
    /// `rfc5280` (default) or `webpki`.
    #[serde(default)]
    pub profile: Option<String>,
    /// Minimum RSA/DSA key size (default 2048).
    #[serde(default)]
    pub min_rsa_bits: Option<u32>,
    /// Accept SHA-1 and small keys (default false).
    #[serde(default)]
    pub allow_weak_algorithms: Option<bool>,
    /// `now` (default), `signing-time` or `timestamp`.
    #[serde(default)]
    pub time_source: Option<String>,
    /// RFC 3161 2.3 TSA extendedKeyUsage rules: true (default) strict,
    /// false lenient (a warning).
    #[serde(default)]
    pub strict_tsa_eku: Option<bool>,
}

impl PolicyFile {
    /// Parses the JSON text of a policy file.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::invalid("policy file", e.to_string()))
    }

    /// Builds the policy. `read` returns the bytes of a file named in the
    /// policy (the core reads no files itself); entries starting with
    /// `-----BEGIN` are inline PEM.
    pub fn into_policy(self, read: impl Fn(&str) -> Result<Vec<u8>>) -> Result<ValidationPolicy> {
        let load = |entries: &[String], what: &'static str| -> Result<CertificatePool> {
            let mut pool = CertificatePool::new();
            for entry in entries {
                let bytes = if entry.trim_start().starts_with("-----BEGIN") {
                    entry.as_bytes().to_vec()
                } else {
                    read(entry)?
                };
                let certs = read_certificates_strict(&bytes)
                    .map_err(|e| Error::invalid(what, format!("{}: {e}", short(entry))))?;
                for cert in certs {
                    pool.add(std::sync::Arc::new(cert));
                }
            }
            Ok(pool)
        };
        let anchors: TrustStore = load(&self.trust_anchors, "policy trustAnchors")?;
        if anchors.is_empty() {
            return Err(Error::invalid(
                "policy file",
                "trustAnchors holds no certificate",
            ));
        }
        let mut policy = ValidationPolicy::new(&self.name, anchors);
        policy.intermediates = load(&self.intermediates, "policy intermediates")?;
        for entry in &self.crls {
            let bytes = if entry.trim_start().starts_with("-----BEGIN") {
                entry.as_bytes().to_vec()
            } else {
                read(entry)?
            };
            let crls = crate::revocation::read_crls(&bytes)
                .map_err(|e| Error::invalid("policy crls", format!("{}: {e}", short(entry))))?;
            policy
                .crls
                .extend(crls.into_iter().map(std::sync::Arc::new));
        }
        if let Some(version) = self.version {
            policy.version = version;
        }
        if let Some(date) = self.date {
            policy.date = date;
        }
        if let Some(level) = self.level {
            policy.level = ValidationLevel::from_value(level).ok_or_else(|| {
                Error::invalid("policy level", format!("{level} is not 0, 1, 2 or 3"))
            })?;
        }
        if let Some(purpose) = self.purpose {
            policy.purpose = purpose.parse::<Purpose>()?;
        }
        if let Some(profile) = self.profile {
            policy.profile = match profile.as_str() {
                "rfc5280" => Profile::Rfc5280,
                "webpki" => Profile::WebPki,
                other => {
                    return Err(Error::invalid(
                        "policy profile",
                        format!("'{other}' is not rfc5280 or webpki"),
                    ));
                }
            };
        }
        if let Some(bits) = self.min_rsa_bits {
            policy.min_rsa_bits = bits;
        }
        if let Some(allow) = self.allow_weak_algorithms {
            policy.allow_weak_algorithms = allow;
        }
        if let Some(strict) = self.strict_tsa_eku {
            policy.strict_tsa_eku = strict;
        }
        if let Some(source) = self.time_source {
            policy.time_source = match source.as_str() {
                "now" => TimeSource::Now,
                "signing-time" => TimeSource::SigningTime,
                "timestamp" => TimeSource::Timestamp,
                other => {
                    return Err(Error::invalid(
                        "policy timeSource",
                        format!("'{other}' is not now, signing-time or timestamp"),
                    ));
                }
            };
        }
        Ok(policy)
    }
}

/// An entry for messages: a path, or the start of inline PEM.
fn short(entry: &str) -> &str {
    if entry.len() > 40 && entry.starts_with("-----") {
        "inline PEM"
    } else {
        entry
    }
}

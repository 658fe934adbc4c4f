//! Revocation modes (CLI.md `--revocation none|soft|hard`, `--offline`) and
//! the options of a check. Every default is stated where it is set.

use std::str::FromStr;

use super::status::{RevocationStatus, UnknownReason};
use crate::error::Error;
use crate::time::Timestamp;

/// How much revocation checking a validation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RevocationMode {
    /// No checking: every certificate is reported as not checked.
    None,
    /// Check what can be checked; an unknown status is a warning. The default,
    /// as .NET's `X509RevocationMode.Online` with `IgnoreRevocationUnknown`-like
    /// reporting and OpenSSL's default of not failing without CRLs.
    #[default]
    Soft,
    /// Every certificate in the path must have a determined status; unknown
    /// makes the path invalid.
    Hard,
}

/// Parses `none`, `soft` or `hard` (any case).
impl FromStr for RevocationMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "off" | "no-check" => Ok(RevocationMode::None),
            "soft" => Ok(RevocationMode::Soft),
            "hard" => Ok(RevocationMode::Hard),
            _ => Err(Error::invalid(
                "revocation mode",
                format!("'{s}' is not none, soft or hard"),
            )),
        }
    }
}

/// What a status means for the path under a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationVerdict {
    /// Nothing to report (good, or not checked in mode none).
    Accept,
    /// Report, but the path stays valid (unknown in soft mode).
    Warning,
    /// The path is invalid (revoked in any checking mode; unknown in hard mode).
    Reject,
}

impl RevocationMode {
    /// The verdict for `status` under this mode.
    ///
    /// ```
    /// use validate::revocation::{RevocationMode, RevocationVerdict, RevocationStatus, UnknownReason};
    /// let unknown = RevocationStatus::Unknown { reason: UnknownReason::NoInformation, details: vec![] };
    /// assert_eq!(RevocationMode::Soft.verdict(&unknown), RevocationVerdict::Warning);
    /// assert_eq!(RevocationMode::Hard.verdict(&unknown), RevocationVerdict::Reject);
    /// assert_eq!(RevocationMode::None.verdict(&unknown), RevocationVerdict::Accept);
    /// ```
    pub fn verdict(self, status: &RevocationStatus) -> RevocationVerdict {
        match (self, status) {
            (RevocationMode::None, _) => RevocationVerdict::Accept,
            (_, RevocationStatus::Good { .. }) => RevocationVerdict::Accept,
            (_, RevocationStatus::Revoked { .. }) => RevocationVerdict::Reject,
            (
                _,
                RevocationStatus::Unknown {
                    reason: UnknownReason::NotChecked,
                    ..
                },
            ) => RevocationVerdict::Accept,
            (RevocationMode::Soft, RevocationStatus::Unknown { .. }) => RevocationVerdict::Warning,
            (RevocationMode::Hard, RevocationStatus::Unknown { .. }) => RevocationVerdict::Reject,
        }
    }
}

/// The options of one revocation check.
///
/// ```
/// use validate::revocation::{RevocationMode, RevocationOptions};
/// let options = RevocationOptions::at("2024-06-01T00:00:00Z".parse().unwrap());
/// assert_eq!(options.mode, RevocationMode::Soft);
/// assert!(options.prefer_ocsp && options.use_delta_crls && !options.offline);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationOptions {
    /// none / soft / hard (default soft).
    pub mode: RevocationMode,
    /// The validation time: CRLs and OCSP responses must be current then.
    pub time: Timestamp,
    /// Never fetch; use only the CRLs and OCSP responses given (default false).
    pub offline: bool,
    /// Try OCSP before CRLs when a certificate has both (default true, as
    /// Windows and browsers do: a response is smaller and fresher).
    pub prefer_ocsp: bool,
    /// Seconds a CRL or OCSP response stays acceptable after its nextUpdate
    /// (default 0: RFC 5280 6.3.3 (a) and RFC 6960 4.2.2.1 are exact).
    pub next_update_grace: u32,
    /// Seconds a thisUpdate may lie after the validation time, for clock skew
    /// between responder and validator (default 300, as OpenSSL's
    /// `-validity_period` default).
    pub clock_skew: u32,
    /// Largest age in seconds of an OCSP response without nextUpdate
    /// (default 7 days; RFC 6960 4.2.2.1 leaves it to local policy).
    pub ocsp_max_age: u32,
    /// Combine complete CRLs with delta CRLs (RFC 5280 6.3.2 use-deltas;
    /// default true).
    pub use_delta_crls: bool,
    /// Send a nonce in fetched OCSP requests and require it back (RFC 9654;
    /// default false, since most responders serve cached responses).
    pub ocsp_nonce: bool,
    /// Signature verifications one certificate's check may do (CRLs, delta
    /// CRLs, OCSP responses, delegated responder certificates) when
    /// [`super::check_revocation`] is called on its own. 32 covers a
    /// certificate with several distribution points and delta CRLs; hostile
    /// input with many candidate signers stops here. Inside path validation
    /// this is not used: revocation draws from the validation's one
    /// [`crate::path::Budget`].
    pub max_signature_checks: u32,
    /// Retrievals one certificate's check may do (default 4: one OCSP
    /// responder and up to three CRL distribution points).
    pub max_fetches: u32,
}

impl RevocationOptions {
    /// Soft mode at `time` with the defaults above.
    pub fn at(time: Timestamp) -> Self {
        RevocationOptions {
            mode: RevocationMode::Soft,
            time,
            offline: false,
            prefer_ocsp: true,
            next_update_grace: 0,
            clock_skew: 300,
            ocsp_max_age: 7 * 24 * 3600,
            use_delta_crls: true,
            ocsp_nonce: false,
            max_signature_checks: 32,
            max_fetches: 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_from_text() {
        assert_eq!(
            "HARD".parse::<RevocationMode>().unwrap(),
            RevocationMode::Hard
        );
        assert!("sometimes".parse::<RevocationMode>().is_err());
    }
}

//! The outcome of a revocation check for one certificate.

use std::fmt;

use serde::Serialize;

use super::reason::RevocationReason;
use crate::path::ChainStatusFlags;
use crate::time::Timestamp;

/// Which kind of revocation data decided a status (the report's "source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RevocationSource {
    /// A CRL (RFC 5280), possibly with a delta CRL.
    Crl,
    /// An OCSP response (RFC 6960).
    Ocsp,
}

impl fmt::Display for RevocationSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RevocationSource::Crl => "CRL",
            RevocationSource::Ocsp => "OCSP",
        })
    }
}

/// Why a status could not be determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum UnknownReason {
    /// Revocation checking is off ([`super::RevocationMode::None`]).
    NotChecked,
    /// No CRL or OCSP response covers the certificate, and none could be
    /// fetched (no fetcher, offline, or no URL in the certificate).
    NoInformation,
    /// Retrieval failed (server down, timeout, HTTP error): .NET's
    /// `OfflineRevocation`.
    Offline,
    /// Revocation data was found but cannot be used: malformed, wrongly
    /// signed, signer not authorised or not validated, stale, not yet
    /// valid, or an unrecognised critical extension. The details say which.
    Unusable,
    /// The CRLs found cover only some revocation reasons (RFC 5280 6.3.3:
    /// a certificate is good only when every reason is covered).
    ReasonsNotCovered,
    /// The OCSP responder answered `unknown` for the certificate.
    ResponderUnknown,
    /// The work budget (signature checks, fetches) ran out.
    BudgetExhausted,
}

/// What each reason means, in words (reports print this).
impl std::fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UnknownReason::NotChecked => "not checked",
            UnknownReason::NoInformation => "no revocation information",
            UnknownReason::Offline => "revocation data could not be retrieved",
            UnknownReason::Unusable => "revocation data is unusable",
            UnknownReason::ReasonsNotCovered => "the CRLs do not cover every reason",
            UnknownReason::ResponderUnknown => "the OCSP responder does not know the certificate",
            UnknownReason::BudgetExhausted => "the work budget ran out",
        })
    }
}

/// Why one piece of revocation data (a CRL, an OCSP response, a signer)
/// cannot be used: the [`UnknownReason`] it leads to, from where it was
/// found, and the rule and values involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) reason: UnknownReason,
    pub(crate) detail: String,
}

impl Problem {
    /// Data that is malformed, wrongly signed, stale or from an
    /// unauthorised signer.
    pub(crate) fn unusable(detail: impl Into<String>) -> Self {
        Problem {
            reason: UnknownReason::Unusable,
            detail: detail.into(),
        }
    }

    /// The problem, its detail preceded by `context` and `": "`.
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Self {
        self.detail = format!("{context}: {}", self.detail);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// The revocation status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RevocationStatus {
    /// Not revoked, according to `source`.
    Good {
        /// CRL or OCSP.
        source: RevocationSource,
        /// thisUpdate of the data that decided.
        this_update: Timestamp,
        /// nextUpdate of the data that decided, when it has one.
        next_update: Option<Timestamp>,
    },
    /// Revoked (a certificate on hold counts as revoked).
    Revoked {
        /// CRL or OCSP.
        source: RevocationSource,
        /// The revocation date.
        time: Timestamp,
        /// The reason code, when given.
        reason: Option<RevocationReason>,
        /// thisUpdate of the data that decided.
        this_update: Timestamp,
    },
    /// Not determined.
    Unknown {
        /// The main reason.
        reason: UnknownReason,
        /// Each problem met, naming the CRL or response and the rule.
        details: Vec<String>,
    },
}

impl RevocationStatus {
    pub(crate) fn unknown(reason: UnknownReason, details: Vec<String>) -> Self {
        RevocationStatus::Unknown { reason, details }
    }

    /// The source that decided, `None` when undetermined.
    pub fn source(&self) -> Option<RevocationSource> {
        match self {
            RevocationStatus::Good { source, .. } | RevocationStatus::Revoked { source, .. } => {
                Some(*source)
            }
            RevocationStatus::Unknown { .. } => None,
        }
    }

    /// When the deciding data was issued (its thisUpdate): the record's
    /// `CodeSigningStatusUpdateTime`.
    pub fn update_time(&self) -> Option<Timestamp> {
        match self {
            RevocationStatus::Good { this_update, .. }
            | RevocationStatus::Revoked { this_update, .. } => Some(*this_update),
            RevocationStatus::Unknown { .. } => None,
        }
    }

    /// The revocation date of a revoked certificate: the record's
    /// `CodeSigningRevocationTime`.
    pub fn revocation_time(&self) -> Option<Timestamp> {
        match self {
            RevocationStatus::Revoked { time, .. } => Some(*time),
            _ => None,
        }
    }

    /// The report's `validationMode`: which mechanism decided (none when
    /// undetermined).
    pub fn validation_mode(&self) -> crate::report::ValidationMode {
        match self.source() {
            Some(RevocationSource::Crl) => crate::report::ValidationMode::Crl,
            Some(RevocationSource::Ocsp) => crate::report::ValidationMode::Ocsp,
            None => crate::report::ValidationMode::None,
        }
    }

    /// True for [`RevocationStatus::Good`].
    pub fn is_good(&self) -> bool {
        matches!(self, RevocationStatus::Good { .. })
    }

    /// True for [`RevocationStatus::Revoked`].
    pub fn is_revoked(&self) -> bool {
        matches!(self, RevocationStatus::Revoked { .. })
    }

    /// The .NET chain status flags this status raises: `Revoked`;
    /// `RevocationStatusUnknown`, with `OfflineRevocation` when retrieval
    /// failed; nothing for a good status or when checking is off.
    pub fn chain_status_flags(&self) -> ChainStatusFlags {
        match self {
            RevocationStatus::Good { .. } => ChainStatusFlags::NO_ERROR,
            RevocationStatus::Revoked { .. } => ChainStatusFlags::REVOKED,
            RevocationStatus::Unknown {
                reason: UnknownReason::NotChecked,
                ..
            } => ChainStatusFlags::NO_ERROR,
            RevocationStatus::Unknown {
                reason: UnknownReason::Offline,
                ..
            } => ChainStatusFlags::from_bits(
                ChainStatusFlags::REVOCATION_STATUS_UNKNOWN.bits()
                    | ChainStatusFlags::OFFLINE_REVOCATION.bits(),
            ),
            RevocationStatus::Unknown { .. } => ChainStatusFlags::REVOCATION_STATUS_UNKNOWN,
        }
    }
}

impl fmt::Display for RevocationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevocationStatus::Good {
                source,
                this_update,
                next_update,
            } => {
                write!(f, "good ({source}, thisUpdate {this_update}")?;
                if let Some(n) = next_update {
                    write!(f, ", nextUpdate {n}")?;
                }
                f.write_str(")")
            }
            RevocationStatus::Revoked {
                source,
                time,
                reason,
                ..
            } => {
                write!(f, "revoked at {time}")?;
                if let Some(r) = reason {
                    write!(f, " ({r})")?;
                }
                write!(f, " according to {source}")
            }
            RevocationStatus::Unknown { reason, details } => {
                write!(f, "unknown ({reason})")?;
                if !details.is_empty() {
                    write!(f, ": {}", details.join("; "))?;
                }
                Ok(())
            }
        }
    }
}

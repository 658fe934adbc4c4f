//! Health documents: the service's `{"version","status":"UP"}` and the
//! per-policy document with notes and statistics.

use serde::Serialize;

use super::Validator;
use crate::cert::ValidityTime;
use crate::policy::ValidationLevel;
use crate::report::{ResultStatus, SeedCode, StatusBlock, VERSION};
use crate::revocation::{
    NoExtraSigners, RevocationMode, RevocationOptions, RevocationStatus, check_revocation,
};
use crate::time::Timestamp;

/// `{"version": "...", "status": "UP"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// Library version.
    pub version: String,
    /// Always `UP` while the library answers.
    pub status: String,
}

impl Health {
    /// The service health document.
    pub fn up() -> Self {
        Health {
            version: VERSION.to_string(),
            status: "UP".to_string(),
        }
    }
}

/// The per-policy health document of the seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyHealth {
    /// Policy information and notes.
    pub info: PolicyHealthInfo,
    /// Counters.
    pub statistics: PolicyHealthStatistics,
    /// `OK`, `WARN` or `ERROR`.
    pub status: String,
}

/// `info` of the per-policy health document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyHealthInfo {
    /// When the document was made.
    pub date: Timestamp,
    /// The policy's version.
    pub policy_version: String,
    /// Problems found, each naming the trust anchor index `[n]` and the check.
    pub notes: StatusBlock,
    /// The policy's name.
    pub policy_name: String,
    /// The policy's validation level.
    pub validation_level: u8,
}

/// `statistics` of the per-policy health document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyHealthStatistics {
    /// Counters of signature (and certificate) validations.
    pub signature_validation_counter: SignatureValidationCounter,
}

/// The seed's `signatureValidationCounter`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureValidationCounter {
    /// Time of the last validation, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_validation: Option<Timestamp>,
    /// Acceptable reports.
    pub success: u64,
    /// Other reports.
    pub failure: u64,
}

impl Validator {
    /// At revocation levels, asks the revocation sources of each anchor
    /// (through the validator's sources and fetcher) for the status of the
    /// policy's intermediates it issued: a source that does not answer is
    /// a WARN note `[n] <intermediate> -> <reason>` (code 30075), as in the
    /// seed's `[2] OCSPResponder -> ...` note.
    fn probe_revocation(&self, at: Timestamp, notes: &mut StatusBlock) {
        let mut options = RevocationOptions::at(at);
        options.mode = RevocationMode::Soft;
        for (index, anchor) in self.policy.anchors.certificates().iter().enumerate() {
            for cert in self.policy.intermediates.certificates() {
                if cert.issuer().der() != anchor.subject().der() || cert.sha256() == anchor.sha256()
                {
                    continue;
                }
                let status =
                    check_revocation(cert, anchor, &self.revocation, &options, &NoExtraSigners);
                if let RevocationStatus::Unknown { .. } = status {
                    notes.push(
                        ResultStatus::Warning,
                        SeedCode::RevocationSourceUnavailable.code(),
                        Some(format!("[{index}] {} -> {status}", cert.subject())),
                    );
                }
            }
        }
    }

    /// The per-policy health document at `at`: ERROR when no trust anchor
    /// is usable at that time, WARN when some are not or when a revocation
    /// source of an anchor does not answer (levels 2 and 3), OK otherwise.
    pub fn policy_health(&self, at: Timestamp) -> PolicyHealth {
        let mut notes = StatusBlock::default();
        let anchors = self.policy.anchors.certificates();
        let mut usable = 0;
        for (index, anchor) in anchors.iter().enumerate() {
            let problem = match (anchor.not_before(), anchor.not_after()) {
                (ValidityTime::Time(nb), _) if at < *nb => Some(format!("not valid before {nb}")),
                (_, ValidityTime::Time(na)) if at > *na => Some(format!("expired at {na}")),
                (ValidityTime::Malformed { .. }, _) | (_, ValidityTime::Malformed { .. }) => {
                    Some("validity is malformed".to_string())
                }
                _ => None,
            };
            match problem {
                Some(problem) => notes.push(
                    ResultStatus::Warning,
                    SeedCode::CertificateNotValid.code(),
                    Some(format!(
                        "[{index}] TrustAnchor -> {} ({problem})",
                        anchor.subject()
                    )),
                ),
                None => usable += 1,
            }
        }
        if usable == 0 {
            notes.result_status = ResultStatus::Error;
        }
        if self.policy.level >= ValidationLevel::RevocationSoft {
            self.probe_revocation(at, &mut notes);
        }
        let status = match notes.result_status {
            ResultStatus::Success => "OK",
            ResultStatus::Warning => "WARN",
            ResultStatus::Error => "ERROR",
        };
        let stats = self.statistics();
        PolicyHealth {
            info: PolicyHealthInfo {
                date: at,
                policy_version: self.policy.version.clone(),
                notes,
                policy_name: self.policy.name.clone(),
                validation_level: self.policy.level.value(),
            },
            statistics: PolicyHealthStatistics {
                signature_validation_counter: SignatureValidationCounter {
                    last_validation: stats.last_validation,
                    success: stats.success,
                    failure: stats.failure,
                },
            },
            status: status.to_string(),
        }
    }
}

//! The outcome of path validation.

use std::sync::Arc;

use der::asn1::ObjectIdentifier;

use crate::cert::Certificate;
use crate::revocation::RevocationStatus;

use super::findings::{Finding, Severity};
use super::status::ChainStatusFlags;

/// A validated (or rejected) certification path.
#[derive(Debug, Clone)]
pub struct PathValidation {
    /// True when the path is complete and no finding is an error.
    pub valid: bool,
    /// The path, end entity first; when `anchored`, the last is the trust anchor.
    /// For a rejected validation: the path that came closest.
    pub chain: Vec<Arc<Certificate>>,
    /// True when the path ends at a trust anchor.
    pub anchored: bool,
    /// Every problem found in `chain`, errors and warnings.
    pub findings: Vec<Finding>,
    /// Other complete or partial paths that were tried and rejected.
    pub rejected_paths: usize,
    /// RFC 5280 6.1.6 user-constrained policy set (anyPolicy 2.5.29.32.0
    /// when any policy is acceptable); empty when policy processing failed.
    pub user_constrained_policy_set: Vec<ObjectIdentifier>,
    /// Revocation status of each certificate of `chain` (the anchor's is
    /// `None`; all `None` when revocation was not checked).
    pub revocation: Vec<Option<RevocationStatus>>,
    /// Signature verifications the validation spent from its budget:
    /// certificates, CRLs, OCSP responses and ECDSA key recoveries, in the
    /// paths of CRL signers and OCSP responders too (memoised and cached
    /// verdicts cost none).
    pub signature_checks: u32,
}

impl PathValidation {
    pub(crate) fn new(
        chain: Vec<Arc<Certificate>>,
        anchored: bool,
        findings: Vec<Finding>,
    ) -> Self {
        let valid = anchored && !findings.iter().any(|f| f.severity == Severity::Error);
        PathValidation {
            valid,
            chain,
            anchored,
            findings,
            rejected_paths: 0,
            user_constrained_policy_set: Vec::new(),
            revocation: Vec::new(),
            signature_checks: 0,
        }
    }

    pub(crate) fn add_finding(&mut self, finding: Finding) {
        if finding.severity == Severity::Error {
            self.valid = false;
        }
        self.findings.push(finding);
    }

    /// Status flags of the certificate at `index` (0 is the end entity).
    pub fn certificate_flags(&self, index: usize) -> ChainStatusFlags {
        self.findings
            .iter()
            .filter(|f| f.certificate == Some(index))
            .fold(ChainStatusFlags::NO_ERROR, |acc, f| acc | f.code.flag())
    }

    /// Status flags of the whole chain: every finding's flag.
    pub fn chain_flags(&self) -> ChainStatusFlags {
        self.findings
            .iter()
            .fold(ChainStatusFlags::NO_ERROR, |acc, f| acc | f.code.flag())
    }

    /// The revocation status of the certificate at `index`, when checked.
    pub fn revocation_of(&self, index: usize) -> Option<&RevocationStatus> {
        self.revocation.get(index).and_then(Option::as_ref)
    }

    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// Ranks rejected paths: anchored before partial; among anchored, fewer
    /// errors; among partial, longer.
    pub(crate) fn closeness(&self) -> (bool, i64) {
        let errors = i64::try_from(self.errors().count()).unwrap_or(i64::MAX);
        if self.anchored {
            (true, -errors)
        } else {
            let len = i64::try_from(self.chain.len()).unwrap_or(0);
            (false, len * 1000 - errors)
        }
    }
}

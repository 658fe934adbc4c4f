//! Revocation checking of a complete path (RFC 5280 6.1.3 (a)(3)): every
//! certificate but the anchor against CRLs and OCSP responses, through
//! `crate::revocation`, with CRL signers other than the issuer validated by
//! a path of their own.

use std::sync::Arc;

use crate::cert::{Certificate, DistinguishedName};
use crate::crypto::SignatureVerifier;
use crate::revocation::check_revocation_metered;
use crate::revocation::{
    RevocationMode, RevocationOptions, RevocationSigners, RevocationSources, RevocationStatus,
    RevocationVerdict, UnknownReason,
};
use crate::time::Timestamp;

use super::budget::Meter;
use super::builder::validate_path_at_depth;
use super::findings::{Finding, ResultCode};
use super::options::ValidationOptions;
use super::store::{CertificatePool, TrustStore};

/// How deep CRL-signer validation may nest (a signer's own revocation check
/// may need another signer); beyond it a signer is not trusted.
const MAX_SIGNER_DEPTH: usize = 3;

/// What path validation needs to check revocation.
pub(crate) struct RevocationContext<'a> {
    pub anchors: &'a TrustStore,
    pub intermediates: &'a CertificatePool,
    pub verifier: &'a dyn SignatureVerifier,
    pub sources: &'a RevocationSources,
    pub depth: usize,
    /// The validation's one budget, shared with every signer path.
    pub meter: &'a Meter,
}

/// Checks every certificate of an anchored path; returns the findings and
/// the status of each certificate (the anchor's `None`).
pub(crate) fn check_path(
    path: &[Arc<Certificate>],
    options: &ValidationOptions,
    ctx: &RevocationContext<'_>,
) -> (Vec<Finding>, Vec<Option<RevocationStatus>>) {
    let mut findings = Vec::new();
    let mut statuses = vec![None; path.len()];
    if options.revocation == RevocationMode::None {
        return (findings, statuses);
    }
    let mut revocation_options = RevocationOptions::at(options.time);
    revocation_options.mode = options.revocation;
    revocation_options.offline = options.offline;
    let signers = PathSigners { ctx, options };
    for index in 0..path.len().saturating_sub(1) {
        let status = check_revocation_metered(
            &path[index],
            &path[index + 1],
            ctx.sources,
            &revocation_options,
            &signers,
            ctx.meter,
        );
        let verdict = options.revocation.verdict(&status);
        if verdict != RevocationVerdict::Accept {
            let code = match &status {
                RevocationStatus::Revoked { .. } => ResultCode::Revoked,
                RevocationStatus::Unknown {
                    reason: UnknownReason::Offline,
                    ..
                } => ResultCode::RevocationOffline,
                _ => ResultCode::RevocationUnknown,
            };
            let finding = Finding::new(code, Some(index), status.to_string());
            findings.push(if verdict == RevocationVerdict::Warning {
                finding.warning()
            } else {
                finding
            });
        }
        statuses[index] = Some(status);
    }
    (findings, statuses)
}

/// CRL signers from the path's pools, validated by their own path to the
/// same anchors (RFC 5280 6.3.3 (f)).
struct PathSigners<'a> {
    ctx: &'a RevocationContext<'a>,
    options: &'a ValidationOptions,
}

impl RevocationSigners for PathSigners<'_> {
    fn candidates(&self, name: &DistinguishedName) -> Vec<Arc<Certificate>> {
        let mut out: Vec<Arc<Certificate>> = self.ctx.anchors.with_subject(name).cloned().collect();
        out.extend(
            self.ctx
                .intermediates
                .with_subject(name)
                .filter(|c| !self.ctx.anchors.contains(c))
                .cloned(),
        );
        out
    }

    fn validate(&self, signer: &Certificate, time: Timestamp) -> bool {
        if self.ctx.anchors.contains(signer) {
            return true;
        }
        if self.ctx.depth >= MAX_SIGNER_DEPTH {
            return false;
        }
        let mut options = self.options.clone();
        options.time = time;
        // A CRL signer needs cRLSign (checked by the revocation module), not the end entity's purpose.
        options.purposes.clear();
        options.key_usage = 0;
        options.peer_name = None;
        validate_path_at_depth(
            signer,
            self.ctx.intermediates,
            self.ctx.anchors,
            &options,
            self.ctx.verifier,
            self.ctx.sources,
            self.ctx.depth + 1,
            self.ctx.meter,
        )
        .valid
    }

    fn inherited_dsa_parameters(&self, signer: &Certificate) -> Option<der::Any> {
        // RFC 3279 2.3.2: the nearest issuer above with DSA parameters.
        let mut current = signer.clone();
        for _ in 0..self.options.budget.depth {
            let issuer = self
                .ctx
                .anchors
                .issuers_of(&current)
                .chain(self.ctx.intermediates.issuers_of(&current))
                .next()?
                .clone();
            let spki = issuer.public_key().spki();
            if spki.algorithm.oid == crate::cert::public_key::oid::DSA
                && let Some(params) = &spki.algorithm.parameters
            {
                return Some(params.clone());
            }
            if issuer.sha256() == current.sha256() {
                return None;
            }
            current = (*issuer).clone();
        }
        None
    }
}

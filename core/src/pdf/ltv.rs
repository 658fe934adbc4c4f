//! Revocation for long-term validation (ETSI EN 319 102-1 5.6.2.4, 5.6.3;
//! ETSI EN 319 142-1 5.4): the DSS's CRLs and OCSP responses are issued
//! after the signature, often after the timestamp that proves when it
//! existed, so they are never current at that proof time. The signer and
//! TSA paths are therefore validated at their proof times without
//! revocation, and every certificate of them is then checked against the
//! revocation data at the time the data is proven to exist (the first valid
//! document timestamp after the DSS) or else at the validation time. A
//! certificate revoked at or before the proof time makes the signature
//! invalid; one revoked later does not (the signature existed before),
//! which is recorded; no status is an error in hard mode and a warning in
//! soft mode, as for any path.

use std::sync::Arc;

use super::findings::{PdfCode, PdfFinding, PdfSeverity};
use super::result::PdfSignature;
use crate::cert::Certificate;
use crate::path::PathValidation;
use crate::revocation::{
    NoExtraSigners, RevocationMode, RevocationOptions, RevocationSources, RevocationStatus,
    check_revocation,
};
use crate::time::Timestamp;

/// What the revocation pass needs: the data, the mode asked, and the
/// times the data may be judged at (first the DSS's proof of existence).
pub(crate) struct LateRevocation<'a> {
    pub sources: &'a RevocationSources,
    pub mode: RevocationMode,
    pub offline: bool,
    pub times: Vec<Timestamp>,
}

/// A path of a signature and the time it is proven at.
struct ProvenPath<'s> {
    who: String,
    chain: &'s [Arc<Certificate>],
    proof: Timestamp,
}

/// Adds `path` when valid (an invalid path already fails the signature;
/// its revocation adds nothing).
fn add<'s>(
    out: &mut Vec<ProvenPath<'s>>,
    who: String,
    path: Option<&'s PathValidation>,
    proof: Timestamp,
) {
    if let Some(p) = path.filter(|p| p.valid) {
        out.push(ProvenPath {
            who,
            chain: &p.chain,
            proof,
        });
    }
}

fn paths(sig: &PdfSignature, validation_time: Timestamp) -> Vec<ProvenPath<'_>> {
    let mut out = Vec::new();
    if let Some(cms) = &sig.cms {
        for s in &cms.signers {
            add(
                &mut out,
                format!("signer {}", s.index),
                s.path.as_ref(),
                s.path_time,
            );
            for t in &s.timestamps {
                if let (Some(tsa), Some(at)) = (&t.signer, t.gen_time) {
                    add(
                        &mut out,
                        format!("signer {}'s timestamp TSA", s.index),
                        tsa.path.as_ref(),
                        at,
                    );
                }
            }
        }
    }
    if let Some(t) = &sig.document_timestamp
        && let (Some(tsa), Some(at)) = (&t.signer, t.gen_time)
    {
        add(
            &mut out,
            "the document timestamp's TSA".into(),
            tsa.path.as_ref(),
            at,
        );
    }
    if let Some(raw) = &sig.raw {
        add(
            &mut out,
            "the signer".into(),
            Some(&raw.path),
            validation_time,
        );
    }
    out
}

impl LateRevocation<'_> {
    fn status(&self, cert: &Certificate, issuer: &Certificate) -> RevocationStatus {
        let mut last = None;
        for &time in &self.times {
            let mut options = RevocationOptions::at(time);
            options.mode = self.mode;
            options.offline = self.offline;
            let status = check_revocation(cert, issuer, self.sources, &options, &NoExtraSigners);
            if !matches!(status, RevocationStatus::Unknown { .. }) {
                return status;
            }
            last = Some(status);
        }
        last.unwrap_or_else(|| {
            RevocationStatus::unknown(crate::revocation::UnknownReason::NotChecked, Vec::new())
        })
    }

    /// Checks every certificate (but the anchor) of the paths of `sig`
    /// and records what is found; `validation_time` is the proof time of
    /// a path validated at the caller's time.
    pub fn check(&self, sig: &mut PdfSignature, validation_time: Timestamp) {
        if self.mode == RevocationMode::None {
            return;
        }
        let mut found = Vec::new();
        for p in paths(sig, validation_time) {
            for pair in p.chain.windows(2) {
                let (cert, issuer) = (&pair[0], &pair[1]);
                let subject = cert.subject().to_string();
                match self.status(cert, issuer) {
                    RevocationStatus::Good { .. } => {}
                    RevocationStatus::Revoked {
                        time,
                        reason,
                        this_update,
                        ..
                    } => {
                        let code = if time <= p.proof {
                            PdfCode::RevokedBeforeProof
                        } else {
                            PdfCode::RevokedAfterProof
                        };
                        found.push(PdfFinding::new(
                            code,
                            format!(
                                "{}: certificate '{subject}' revoked on {time} ({reason:?}, data of {this_update}); the signature is proven at {} (ETSI EN 319 102-1 5.6.2.4)",
                                p.who, p.proof
                            ),
                        ));
                    }
                    RevocationStatus::Unknown { reason, details } => {
                        let mut f = PdfFinding::new(
                            PdfCode::RevocationUnknown,
                            format!(
                                "{}: no revocation status for certificate '{subject}' ({reason:?}: {})",
                                p.who,
                                details.join("; ")
                            ),
                        );
                        f.severity = if self.mode == RevocationMode::Hard {
                            PdfSeverity::Error
                        } else {
                            PdfSeverity::Warning
                        };
                        found.push(f);
                    }
                }
            }
        }
        sig.valid = sig.valid && !found.iter().any(PdfFinding::is_error);
        sig.findings.extend(found);
    }
}

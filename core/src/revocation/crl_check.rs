//! Checking one certificate against CRLs: RFC 5280 6.3.3, with
//! distribution points, issuingDistributionPoint scope, reason coverage,
//! indirect CRLs, separate CRL-signing keys and delta CRLs.

use std::sync::Arc;

use der::referenced::OwnedToRef;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;

use super::crl::Crl;
use super::names::{GeneralNameKey, NameKey, any_common, distribution_point_names, general_names};
use super::options::RevocationOptions;
use super::reason::{ReasonSet, RevocationReason};
use super::signers::{RevocationSigners, SignatureMemo};
use super::status::{Problem, RevocationSource, RevocationStatus, UnknownReason};
use crate::cert::extensions::oid as ext_oid;
use crate::cert::{Certificate, ExtensionValue, KeyUsage};
use crate::crypto::SignatureVerifier;
use crate::path::Meter;
use crate::time::Timestamp;

/// What one check may use, and what it has found so far.
pub(crate) struct Context<'a> {
    pub verifier: &'a dyn SignatureVerifier,
    pub memo: &'a SignatureMemo,
    pub signers: &'a dyn RevocationSigners,
    pub options: &'a RevocationOptions,
    /// The validation's one budget.
    pub meter: &'a Meter,
    pub details: Vec<String>,
    pub exhausted: bool,
}

impl Context<'_> {
    /// Verifies a signature over revocation data, memoised by (object, signer).
    /// `Err` is unusable data, or the exhausted budget (which also sets
    /// `exhausted`).
    pub(crate) fn verify(
        &mut self,
        object_sha256: &[u8; 32],
        signer: &Certificate,
        algorithm: &spki::AlgorithmIdentifierOwned,
        message: &[u8],
        signature: &der::asn1::BitString,
    ) -> Result<(), Problem> {
        let mut key = signer.public_key().signer_key();
        let inherited;
        if key.needs_inherited_dsa_parameters() {
            inherited = self.signers.inherited_dsa_parameters(signer).ok_or_else(|| {
                Problem::unusable(format!(
                    "signer '{}' has a DSA key without parameters and none are inherited (RFC 3279 2.3.2)",
                    signer.subject()
                ))
            })?;
            key = key.with_inherited_dsa_parameters(inherited.owned_to_ref());
        }
        // A memoised verdict costs nothing; a new check costs one unit of
        // the validation's budget.
        if let Some(result) = self.memo.get(object_sha256, signer.sha256()) {
            return result.map_err(|e| Problem::unusable(e.to_string()));
        }
        if let Err(e) = self.meter.signature_check() {
            self.exhausted = true;
            return Err(Problem {
                reason: UnknownReason::BudgetExhausted,
                detail: e.to_string(),
            });
        }
        let verifier = self.verifier;
        let (result, _) = self.memo.get_or_verify(object_sha256, signer.sha256(), || {
            verifier.verify_signature_bits(
                &algorithm.owned_to_ref(),
                &key,
                message,
                signature.owned_to_ref(),
            )
        });
        result.map_err(|e| Problem::unusable(e.to_string()))
    }

    fn is_current(
        &mut self,
        what: &str,
        this_update: Timestamp,
        next_update: Option<Timestamp>,
    ) -> bool {
        let time = self.options.time;
        if this_update.unix_seconds() > time.unix_seconds() + i64::from(self.options.clock_skew) {
            self.details.push(format!(
                "{what}: thisUpdate {this_update} is after the validation time {time}"
            ));
            return false;
        }
        if let Some(next) = next_update
            && next.unix_seconds() + i64::from(self.options.next_update_grace) < time.unix_seconds()
        {
            self.details.push(format!(
                "{what}: nextUpdate {next} is before the validation time {time} (RFC 5280 6.3.3 (a))"
            ));
            return false;
        }
        true
    }
}

/// True when the certificate is a CA (basicConstraints cA, RFC 5280 4.2.1.9).
pub(crate) fn is_ca(cert: &Certificate) -> bool {
    matches!(
        cert.extension(&ext_oid::BASIC_CONSTRAINTS).map(|e| e.value()),
        Some(ExtensionValue::BasicConstraints(bc)) if bc.ca
    )
}

/// A distribution point of the certificate, names resolved.
struct Dp {
    names: Option<Vec<GeneralNameKey>>,
    reasons: Option<ReasonSet>,
    crl_issuer: Option<Vec<GeneralNameKey>>,
}

fn distribution_points(cert: &Certificate) -> Result<Vec<Dp>, Problem> {
    let Some(ext) = cert.extension(&ext_oid::CRL_DISTRIBUTION_POINTS) else {
        // RFC 5280 6.3.3: without the extension, the CRL is the issuer's,
        // with no distribution point name and every reason.
        return Ok(vec![Dp {
            names: None,
            reasons: None,
            crl_issuer: None,
        }]);
    };
    let points: &[DistributionPoint] = match ext.value() {
        ExtensionValue::CrlDistributionPoints(dps) => &dps.0,
        ExtensionValue::Malformed(why) => {
            return Err(Problem::unusable(format!(
                "cRLDistributionPoints is malformed: {why}"
            )));
        }
        _ => return Err(Problem::unusable("cRLDistributionPoints is not understood")),
    };
    Ok(points
        .iter()
        .map(|dp| {
            let crl_issuer = dp.crl_issuer.as_ref().map(|n| general_names(n));
            // RFC 5280 4.2.1.13: nameRelativeToCRLIssuer is relative to the
            // cRLIssuer when present, else to the certificate's issuer.
            let relative_to = dp
                .crl_issuer
                .as_ref()
                .and_then(|names| {
                    names.iter().find_map(|n| match n {
                        x509_cert::ext::pkix::name::GeneralName::DirectoryName(d) => {
                            crate::cert::DistinguishedName::from_name(d, "cRLIssuer").ok()
                        }
                        _ => None,
                    })
                })
                .unwrap_or_else(|| cert.issuer().clone());
            Dp {
                names: dp
                    .distribution_point
                    .as_ref()
                    .map(|n| distribution_point_names(n, &relative_to)),
                reasons: dp.reasons.map(|r| ReasonSet::from_bits(r.bits())),
                crl_issuer,
            }
        })
        .collect())
}

/// The state of RFC 5280 6.3.2 while CRLs are processed.
struct State {
    reasons_mask: ReasonSet,
    this_update: Option<Timestamp>,
    next_update: Option<Timestamp>,
    found_any: bool,
}

/// Checks `cert`, issued by `issuer`, against `crls` (complete and delta,
/// in any order). Returns `None` when no CRL is even in scope (so another
/// source may be tried without noise); details of rejected CRLs go to `ctx`.
pub(crate) fn check(
    cert: &Certificate,
    issuer: &Certificate,
    crls: &[Arc<Crl>],
    ctx: &mut Context<'_>,
) -> RevocationStatus {
    let dps = match distribution_points(cert) {
        Ok(dps) => dps,
        Err(why) => {
            ctx.details.push(why.detail);
            return RevocationStatus::unknown(why.reason, std::mem::take(&mut ctx.details));
        }
    };
    let cert_issuer = NameKey::of(cert.issuer());
    let mut state = State {
        reasons_mask: ReasonSet::EMPTY,
        this_update: None,
        next_update: None,
        found_any: false,
    };
    // Most likely first, as for issuer candidates (AKI/SKI first): CRLs
    // whose authorityKeyIdentifier names the issuer's key, so that CRLs
    // from other signers (each of which may need a signer path of its own)
    // cannot spend the validation's budget before the issuer's own CRL is
    // read. A stable sort: the given order breaks ties.
    let mut ordered: Vec<&Arc<Crl>> = crls.iter().filter(|c| !c.is_delta()).collect();
    if let Some(ski) = issuer.subject_key_id() {
        ordered.sort_by_key(|c| c.authority_key_id() != Some(ski));
    }
    for dp in &dps {
        for crl in ordered.iter().copied() {
            if let Some(status) =
                process_crl(cert, issuer, &cert_issuer, dp, crl, crls, &mut state, ctx)
            {
                return status;
            }
            if state.reasons_mask == ReasonSet::ALL {
                break;
            }
        }
        if state.reasons_mask == ReasonSet::ALL {
            break;
        }
    }
    if state.reasons_mask == ReasonSet::ALL {
        return RevocationStatus::Good {
            source: RevocationSource::Crl,
            this_update: state.this_update.unwrap_or(ctx.options.time),
            next_update: state.next_update,
        };
    }
    let reason = if ctx.exhausted {
        UnknownReason::BudgetExhausted
    } else if !state.reasons_mask.is_empty() {
        ctx.details.push(format!(
            "the CRLs found cover only {}; not covered: {} (RFC 5280 6.3.3)",
            state.reasons_mask,
            ReasonSet::ALL.difference(state.reasons_mask)
        ));
        UnknownReason::ReasonsNotCovered
    } else if state.found_any {
        UnknownReason::Unusable
    } else {
        UnknownReason::NoInformation
    };
    RevocationStatus::unknown(reason, std::mem::take(&mut ctx.details))
}

/// RFC 5280 6.3.3 (a)-(k) for one distribution point and one complete CRL.
/// `Some(status)` ends the check (revoked); `None` goes on.
#[allow(clippy::too_many_arguments)]
fn process_crl(
    cert: &Certificate,
    issuer: &Certificate,
    cert_issuer: &NameKey,
    dp: &Dp,
    crl: &Crl,
    all: &[Arc<Crl>],
    state: &mut State,
    ctx: &mut Context<'_>,
) -> Option<RevocationStatus> {
    // (b)(1): the CRL issuer is the certificate issuer, or the DP's
    // cRLIssuer for an indirect CRL.
    match &dp.crl_issuer {
        Some(names) => {
            if !names
                .iter()
                .any(|n| n.directory() == Some(crl.issuer_key()))
            {
                return None;
            }
            if !crl.is_indirect() {
                ctx.details.push(format!(
                    "CRL of '{}': the distribution point names it as cRLIssuer but the CRL is not indirect (RFC 5280 6.3.3 (b)(1))",
                    crl.issuer()
                ));
                return None;
            }
        }
        None => {
            if crl.issuer_key() != cert_issuer {
                return None;
            }
        }
    }
    let what = format!(
        "CRL of '{}' (thisUpdate {})",
        crl.issuer(),
        crl.this_update()
    );
    // (b)(2): issuingDistributionPoint scope.
    if let Some(scope) = crl.scope() {
        if let Some(idp_names) = &scope.distribution_point {
            let matched = match (&dp.names, &dp.crl_issuer) {
                (Some(dp_names), _) => any_common(idp_names, dp_names),
                (None, Some(issuers)) => any_common(idp_names, issuers),
                (None, None) => false,
            };
            if !matched {
                ctx.details.push(format!(
                    "{what}: its issuingDistributionPoint names no distribution point of the certificate (RFC 5280 6.3.3 (b)(2)(i))"
                ));
                state.found_any = true;
                return None;
            }
        }
        let ca = is_ca(cert);
        if scope.only_user_certs && ca {
            ctx.details.push(format!(
                "{what}: covers only end-entity certificates, the certificate is a CA (RFC 5280 6.3.3 (b)(2)(ii))"
            ));
            state.found_any = true;
            return None;
        }
        if scope.only_ca_certs && !ca {
            ctx.details.push(format!(
                "{what}: covers only CA certificates (RFC 5280 6.3.3 (b)(2)(iii))"
            ));
            state.found_any = true;
            return None;
        }
        if scope.only_attribute_certs {
            ctx.details.push(format!(
                "{what}: covers only attribute certificates (RFC 5280 6.3.3 (b)(2)(iv))"
            ));
            state.found_any = true;
            return None;
        }
    }
    // (A CRL without issuingDistributionPoint covers every certificate of
    // its issuer, whichever distribution point the certificate names.)
    state.found_any = true;
    // RFC 5280 5.2, 5.3: unknown critical extensions make it unusable.
    if !crl.is_usable() {
        ctx.details.push(format!(
            "{what}: unusable: {}",
            crl.unusable_reasons().join("; ")
        ));
        return None;
    }
    // (a): current at the validation time.
    if !ctx.is_current(&what, crl.this_update(), crl.next_update()) {
        return None;
    }
    // (d): interim reasons mask.
    let interim = crl
        .scope()
        .and_then(|s| s.only_some_reasons)
        .unwrap_or(ReasonSet::ALL)
        .intersection(dp.reasons.unwrap_or(ReasonSet::ALL));
    if state.reasons_mask.contains(interim) {
        return None;
    }
    // (f), (g): a signer authorised for CRLs whose key verifies the CRL.
    let signer = find_signer(cert, issuer, cert_issuer, crl, &what, ctx)?;
    // (c), (h): the delta CRL, if any, signed by the same key.
    let delta = if ctx.options.use_delta_crls {
        find_delta(crl, all, signer.cert(), ctx)
    } else {
        None
    };
    // (i)
    state.reasons_mask = state.reasons_mask.union(interim);
    let mut this_update = crl.this_update();
    let mut next_update = crl.next_update();
    if let Some(delta) = &delta {
        this_update = this_update.max(delta.this_update());
        next_update = match (next_update, delta.next_update()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    state.this_update = Some(
        state
            .this_update
            .map_or(this_update, |t| t.max(this_update)),
    );
    state.next_update = match (state.next_update, next_update) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // (j): the delta CRL decides when it lists the certificate.
    if let Some(delta) = &delta
        && let Some(entry) = delta.find_by_key(cert.serial(), cert_issuer)
    {
        if entry.reason() == Some(RevocationReason::RemoveFromCrl) {
            return None;
        }
        return Some(RevocationStatus::Revoked {
            source: RevocationSource::Crl,
            time: entry.revocation_date(),
            reason: entry.reason(),
            this_update: delta.this_update(),
        });
    }
    // (k): the complete CRL.
    if let Some(entry) = crl.find_by_key(cert.serial(), cert_issuer)
        && entry.reason() != Some(RevocationReason::RemoveFromCrl)
    {
        return Some(RevocationStatus::Revoked {
            source: RevocationSource::Crl,
            time: entry.revocation_date(),
            reason: entry.reason(),
            this_update: crl.this_update(),
        });
    }
    None
}

/// RFC 5280 6.3.3 (f)-(g): the certificate whose key verifies the CRL: the
/// certificate's issuer when the CRL is its own and its keyUsage allows
/// cRLSign, otherwise a candidate from the caller with the CRL issuer's name
/// and cRLSign, validated by the caller.
fn find_signer<'c>(
    cert: &Certificate,
    issuer: &'c Certificate,
    cert_issuer: &NameKey,
    crl: &Crl,
    what: &str,
    ctx: &mut Context<'_>,
) -> Option<Signer<'c>> {
    let mut problems = Vec::new();
    if crl.issuer_key() == cert_issuer && NameKey::of(issuer.subject()) == *cert_issuer {
        match crl_sign_allowed(issuer) {
            Err(why) => problems.push(format!("the certificate's issuer: {why}")),
            Ok(()) => match ctx.verify(
                crl.sha256(),
                issuer,
                crl.signature_algorithm(),
                crl.tbs_der(),
                crl.signature(),
            ) {
                Ok(()) => return Some(Signer::Issuer(issuer)),
                Err(why) => problems.push(format!("the certificate's issuer's key: {why}")),
            },
        }
    }
    let mut candidates = ctx.signers.candidates(crl.issuer());
    // Most likely first: a subjectKeyIdentifier equal to the CRL's AKI.
    if let Some(aki) = crl.authority_key_id() {
        candidates.sort_by_key(|c| c.subject_key_id() != Some(aki));
    }
    for candidate in candidates {
        if candidate.sha256() == issuer.sha256()
            || NameKey::of(candidate.subject()) != *crl.issuer_key()
        {
            continue;
        }
        let name = format!(
            "candidate CRL signer '{}' (serial {})",
            candidate.subject(),
            candidate.serial().to_hex()
        );
        if let Err(why) = crl_sign_allowed(&candidate) {
            problems.push(format!("{name}: {why}"));
            continue;
        }
        if let Err(why) = ctx.verify(
            crl.sha256(),
            &candidate,
            crl.signature_algorithm(),
            crl.tbs_der(),
            crl.signature(),
        ) {
            problems.push(format!("{name}: {why}"));
            continue;
        }
        // A CRL issuer checked against a CRL it signed itself (PKITS
        // 4.14.30): its path is the one being validated by the caller right
        // now, so asking the caller to validate it again would be circular.
        let is_checked_cert = candidate.sha256() == cert.sha256();
        if !is_checked_cert && !ctx.signers.validate(&candidate, ctx.options.time) {
            problems.push(format!(
                "{name}: its certification path does not validate (RFC 5280 6.3.3 (f))"
            ));
            continue;
        }
        return Some(Signer::Other(candidate));
    }
    if problems.is_empty() {
        problems.push("no certificate with the CRL issuer's name was offered".into());
    }
    ctx.details
        .push(format!("{what}: no valid signer: {}", problems.join("; ")));
    None
}

/// The certificate whose key signed a CRL.
enum Signer<'c> {
    /// The checked certificate's issuer.
    Issuer(&'c Certificate),
    /// Another certificate, from the caller.
    Other(Arc<Certificate>),
}

impl Signer<'_> {
    fn cert(&self) -> &Certificate {
        match self {
            Signer::Issuer(c) => c,
            Signer::Other(c) => c,
        }
    }
}

/// RFC 5280 6.3.3 (f): when keyUsage is present, cRLSign must be set.
pub(crate) fn crl_sign_allowed(cert: &Certificate) -> Result<(), Problem> {
    match cert.extension(&ext_oid::KEY_USAGE).map(|e| e.value()) {
        None => Ok(()),
        Some(ExtensionValue::KeyUsage(ku)) if ku.contains(KeyUsage::CRL_SIGN) => Ok(()),
        Some(ExtensionValue::KeyUsage(_)) => Err(Problem::unusable(
            "keyUsage does not include cRLSign (RFC 5280 4.2.1.3, 6.3.3 (f))",
        )),
        Some(_) => Err(Problem::unusable("keyUsage is malformed")),
    }
}

/// RFC 5280 5.2.4 and 6.3.3 (c), (h): the newest current delta CRL with the
/// complete CRL's scope, whose BaseCRLNumber is at most the complete CRL's
/// number, newer than it, and signed by the same key.
fn find_delta(
    complete: &Crl,
    all: &[Arc<Crl>],
    signer: &Certificate,
    ctx: &mut Context<'_>,
) -> Option<Arc<Crl>> {
    let number = complete.crl_number()?;
    let mut best: Option<Arc<Crl>> = None;
    for delta in all
        .iter()
        .filter(|d| d.is_delta() && d.same_scope(complete))
    {
        let what = format!(
            "delta CRL of '{}' (thisUpdate {})",
            delta.issuer(),
            delta.this_update()
        );
        let (Some(base), Some(delta_number)) = (delta.base_crl_number(), delta.crl_number()) else {
            ctx.details
                .push(format!("{what}: has no cRLNumber (RFC 5280 5.2.4)"));
            continue;
        };
        if base > number || delta_number <= number {
            continue;
        }
        if !delta.is_usable() {
            ctx.details.push(format!(
                "{what}: unusable: {}",
                delta.unusable_reasons().join("; ")
            ));
            continue;
        }
        if !ctx.is_current(&what, delta.this_update(), delta.next_update()) {
            continue;
        }
        if best
            .as_ref()
            .is_some_and(|b| b.crl_number() >= delta.crl_number())
        {
            continue;
        }
        if let Err(why) = ctx.verify(
            delta.sha256(),
            signer,
            delta.signature_algorithm(),
            delta.tbs_der(),
            delta.signature(),
        ) {
            ctx.details.push(format!("{what}: signature: {why}"));
            continue;
        }
        best = Some(delta.clone());
    }
    best
}

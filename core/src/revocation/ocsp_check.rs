//! Checking one certificate against an OCSP response (RFC 6960 3.2, 4.2.2):
//! the response must answer for the certificate, be signed by its issuer or
//! by a responder the issuer authorised (id-kp-OCSPSigning), be current,
//! and echo the nonce when one was sent.

use std::sync::Arc;

use der::asn1::BitString;

use super::crl::Crl;
use super::crl_check::{self, Context};
use super::names::NameKey;
use super::ocsp::{OcspCertStatus, OcspResponse, OcspResponseStatus, oid};
use super::status::{Problem, RevocationSource, RevocationStatus, UnknownReason};
use crate::cert::extensions::oid as ext_oid;
use crate::cert::{Certificate, ExtensionValue, ValidityTime};

/// The status `response` gives `cert` (issued by `issuer`). Problems are
/// returned as [`RevocationStatus::Unknown`] with details.
pub(crate) fn check(
    cert: &Certificate,
    issuer: &Certificate,
    response: &OcspResponse,
    expected_nonce: Option<&[u8]>,
    crls: &[Arc<Crl>],
    ctx: &mut Context<'_>,
) -> RevocationStatus {
    match evaluate(cert, issuer, response, expected_nonce, crls, ctx) {
        Ok(status) => status,
        Err(problem) => RevocationStatus::unknown(
            problem.reason,
            vec![format!("OCSP response: {}", problem.detail)],
        ),
    }
}

fn unusable(detail: impl Into<String>) -> Problem {
    Problem::unusable(detail)
}

fn evaluate(
    cert: &Certificate,
    issuer: &Certificate,
    response: &OcspResponse,
    expected_nonce: Option<&[u8]>,
    crls: &[Arc<Crl>],
    ctx: &mut Context<'_>,
) -> Result<RevocationStatus, Problem> {
    if response.status() != OcspResponseStatus::Successful {
        return Err(unusable(format!(
            "the responder answered {} (RFC 6960 4.2.1)",
            response.status()
        )));
    }
    let basic = response
        .basic()
        .ok_or_else(|| unusable("no response bytes"))?;
    if !basic.unusable_reasons().is_empty() {
        return Err(unusable(basic.unusable_reasons().join("; ")));
    }
    let single = response.find(cert, issuer).ok_or_else(|| Problem {
        reason: UnknownReason::NoInformation,
        detail: format!(
            "no single response for serial {} of '{}'",
            cert.serial().to_hex(),
            cert.issuer()
        ),
    })?;
    if let Some(why) = single.unusable_reason() {
        return Err(unusable(why));
    }
    verify_signer(issuer, response, crls, ctx)?;
    // RFC 6960 4.2.2.1: thisUpdate not in the future, nextUpdate not past;
    // without nextUpdate, local policy bounds the age.
    let time = ctx.options.time;
    let this_update = single.this_update();
    if this_update.unix_seconds() > time.unix_seconds() + i64::from(ctx.options.clock_skew) {
        return Err(unusable(format!(
            "thisUpdate {this_update} is after the validation time {time} (RFC 6960 4.2.2.1)"
        )));
    }
    match single.next_update() {
        Some(next)
            if next.unix_seconds() + i64::from(ctx.options.next_update_grace)
                < time.unix_seconds() =>
        {
            return Err(unusable(format!(
                "nextUpdate {next} is before the validation time {time} (RFC 6960 4.2.2.1)"
            )));
        }
        None if this_update.unix_seconds() + i64::from(ctx.options.ocsp_max_age)
            < time.unix_seconds() =>
        {
            return Err(unusable(format!(
                "no nextUpdate and thisUpdate {this_update} is older than {} seconds at {time}",
                ctx.options.ocsp_max_age
            )));
        }
        _ => {}
    }
    if let Some(expected) = expected_nonce
        && basic.nonce() != Some(expected)
    {
        return Err(unusable(
            "the nonce sent is not echoed (RFC 6960 4.4.1, RFC 9654)",
        ));
    }
    Ok(match single.status() {
        OcspCertStatus::Good => RevocationStatus::Good {
            source: RevocationSource::Ocsp,
            this_update,
            next_update: single.next_update(),
        },
        OcspCertStatus::Revoked { time, reason } => RevocationStatus::Revoked {
            source: RevocationSource::Ocsp,
            time,
            reason,
            this_update,
        },
        OcspCertStatus::Unknown => {
            return Err(Problem {
                reason: UnknownReason::ResponderUnknown,
                detail: "the responder does not know the certificate (status unknown)".into(),
            });
        }
    })
}

/// RFC 6960 4.2.2.2: the response is signed by the certificate's issuer,
/// or by a responder certificate issued directly by it with
/// id-kp-OCSPSigning, valid now, and (without id-pkix-ocsp-nocheck) not
/// revoked according to the CRLs at hand.
fn verify_signer(
    issuer: &Certificate,
    response: &OcspResponse,
    crls: &[Arc<Crl>],
    ctx: &mut Context<'_>,
) -> Result<(), Problem> {
    let Some(basic) = response.basic() else {
        return Err(unusable("no response bytes"));
    };
    let mut problems = Vec::new();
    // The issuing CA signs in its own name without a keyUsage requirement:
    // RFC 6960 4.2.2.2 authorises it as such, and CA certificates often
    // assert only keyCertSign and cRLSign (docs/revocation.md).
    if basic.responder().names(issuer) {
        match ctx.verify(
            response.sha256(),
            issuer,
            basic.signature_algorithm(),
            basic.tbs_der(),
            basic.signature(),
        ) {
            Ok(()) => return Ok(()),
            Err(why) => problems.push(format!("signed in the issuer's name: {why}")),
        }
    }
    let issuer_name = NameKey::of(issuer.subject());
    for responder in basic.certs().iter().filter(|c| basic.responder().names(c)) {
        let name = format!("responder '{}'", responder.subject());
        if let Err(why) = authorised(responder, issuer, &issuer_name, ctx) {
            problems.push(format!("{name}: {why}"));
            continue;
        }
        if responder.extension(&oid::NO_CHECK).is_none() {
            // RFC 6960 4.2.2.2.1: without nocheck the client should check
            // the responder certificate; a revoked responder is refused.
            let mut sub = Context {
                verifier: ctx.verifier,
                memo: ctx.memo,
                signers: ctx.signers,
                options: ctx.options,
                meter: ctx.meter,
                details: Vec::new(),
                exhausted: false,
            };
            let status = crl_check::check(responder, issuer, crls, &mut sub);
            ctx.exhausted |= sub.exhausted;
            if status.is_revoked() {
                problems.push(format!(
                    "{name}: the responder certificate is revoked ({status})"
                ));
                continue;
            }
        }
        match ctx.verify(
            response.sha256(),
            responder,
            basic.signature_algorithm(),
            basic.tbs_der(),
            basic.signature(),
        ) {
            Ok(()) => return Ok(()),
            Err(why) => problems.push(format!("{name}: {why}")),
        }
    }
    if problems.is_empty() {
        problems.push(
            "the responderID names neither the issuer nor a certificate in the response".into(),
        );
    }
    Err(unusable(format!(
        "no authorised signer (RFC 6960 4.2.2.2): {}",
        problems.join("; ")
    )))
}

/// A delegated responder: issued by `issuer` (name and signature), with
/// id-kp-OCSPSigning, and within its validity at the validation time.
fn authorised(
    responder: &Certificate,
    issuer: &Certificate,
    issuer_name: &NameKey,
    ctx: &mut Context<'_>,
) -> Result<(), Problem> {
    if NameKey::of(responder.issuer()) != *issuer_name {
        return Err(unusable("not issued by the certificate's issuer"));
    }
    let eku = match responder
        .extension(&ext_oid::EXTENDED_KEY_USAGE)
        .map(|e| e.value())
    {
        Some(ExtensionValue::ExtendedKeyUsage(oids)) => oids.contains(&oid::OCSP_SIGNING),
        _ => false,
    };
    if !eku {
        return Err(unusable("extendedKeyUsage lacks id-kp-OCSPSigning"));
    }
    // RFC 5280 4.2.1.3: a delegated responder's key signs data (the
    // response), so its keyUsage must allow digitalSignature or nonRepudiation.
    if let Some(why) = responder.key_usage_forbids_signing() {
        return Err(unusable(why));
    }
    let time = ctx.options.time;
    let within = matches!(
        (responder.not_before(), responder.not_after()),
        (ValidityTime::Time(nb), ValidityTime::Time(na)) if *nb <= time && time <= *na
    );
    if !within {
        return Err(unusable(format!("not valid at {time}")));
    }
    let signature = BitString::from_bytes(responder.signature())
        .map_err(|e| unusable(format!("signature: {e}")))?;
    ctx.verify(
        responder.sha256(),
        issuer,
        responder.signature_algorithm(),
        responder.tbs_der(),
        &signature,
    )
    .map_err(|why| why.context("not signed by the certificate's issuer"))
}

//! Turning path and CMS findings into the report's result lists. Every
//! finding of a result tree reaches the report: the signer's, its path's,
//! and those of its timestamps, countersignatures and their signers and
//! paths, each prefixed with whom it concerns.

use crate::cms::{CmsFinding, SignerResult, TimestampResult};
use crate::path::{PathValidation, Severity};
use crate::report::{ResultStatus, SeedCode, StatusBlock};

/// The status a finding gets: an error becomes `error` (the policy level's
/// error status), a warning stays a warning; neither goes above `ceiling`.
pub(super) fn status_of(
    severity: Severity,
    error: ResultStatus,
    ceiling: ResultStatus,
) -> ResultStatus {
    let status = match severity {
        Severity::Error => error,
        Severity::Warning => ResultStatus::Warning,
    };
    status.min(ceiling)
}

/// Adds a certificate's path results: 30071 `serial:<n>;` when the path is
/// not valid (as in the seed), then every finding with its own code, the
/// certificate concerned and the rule. `who` prefixes the details of paths
/// that are not the signer's own (a TSA's, a countersigner's).
pub(super) fn push_path(
    part: &mut StatusBlock,
    who: Option<&str>,
    path: &PathValidation,
    error: ResultStatus,
) {
    let Some(cert) = path.chain.first() else {
        return;
    };
    let prefix = who.map_or_else(String::new, |w| format!("{w}: "));
    let serial = cert.serial().to_decimal();
    if !path.valid {
        part.push(
            error,
            SeedCode::CertificateNotValid.code(),
            Some(format!("{prefix}serial:{serial};")),
        );
    }
    for finding in &path.findings {
        let which = finding
            .certificate
            .and_then(|i| path.chain.get(i))
            .map_or_else(|| "path".to_string(), |c| format!("'{}'", c.subject()));
        part.push(
            status_of(finding.severity, error, ResultStatus::Error),
            finding.code.code(),
            Some(format!(
                "{prefix}serial:{serial}; {which}: {}",
                finding.detail
            )),
        );
    }
}

/// Adds CMS findings, prefixed with whom they concern.
pub(super) fn push_cms(
    part: &mut StatusBlock,
    who: &str,
    findings: &[CmsFinding],
    ceiling: ResultStatus,
) {
    for finding in findings {
        part.push(
            status_of(finding.severity, ResultStatus::Error, ceiling),
            finding.code.code(),
            Some(format!("{who}: {}", finding.detail)),
        );
    }
}

/// Where a signer's results go: the report's signature part, and its
/// certificate part with the policy level's error status.
pub(super) struct Parts<'a> {
    pub signature: &'a mut StatusBlock,
    pub certificate: &'a mut StatusBlock,
    /// ERROR, or WARNING at level 0 (which asks for no trust).
    pub certificate_error: ResultStatus,
}

/// Adds everything found for a top-level signer: 30018 when it is not
/// valid, its findings, its path (in the certificate part), and every
/// timestamp and countersignature below it.
pub(super) fn push_signer(parts: &mut Parts<'_>, who: &str, signer: &SignerResult) {
    if !signer.valid {
        parts.signature.push(
            ResultStatus::Error,
            SeedCode::SignatureNotValid.code(),
            Some(format!("{who}: the signature is not valid")),
        );
    }
    push_cms(parts.signature, who, &signer.findings, ResultStatus::Error);
    if let Some(path) = &signer.path {
        push_path(parts.certificate, None, path, parts.certificate_error);
    }
    push_below(parts.signature, who, signer, ResultStatus::Error);
}

/// The timestamps and countersignatures of `signer`, recursively, into the
/// signature part. A countersignature that fails makes its signer fail
/// (30216), so its findings keep their severity; a timestamp that fails is
/// only not used as proof of time (the signer's 30226 says so), so its
/// findings are at most warnings.
fn push_below(part: &mut StatusBlock, who: &str, signer: &SignerResult, ceiling: ResultStatus) {
    push_timestamps(part, who, &signer.timestamps, ceiling);
    for counter in &signer.countersignatures {
        let who = format!(
            "{who}, countersignature {} ({})",
            counter.index, counter.identifier
        );
        push_nested(part, &who, counter, ceiling);
    }
}

/// Timestamps over a signature, with their TSA signers and paths: a token
/// that is not valid only fails to prove the time, so its findings are at
/// most warnings.
pub(super) fn push_timestamps(
    part: &mut StatusBlock,
    who: &str,
    timestamps: &[TimestampResult],
    ceiling: ResultStatus,
) {
    for (i, timestamp) in timestamps.iter().enumerate() {
        let who = format!("{who}, timestamp {i}");
        let ceiling = if timestamp.valid {
            ceiling
        } else {
            ceiling.min(ResultStatus::Warning)
        };
        push_cms(part, &who, &timestamp.findings, ceiling);
        if let Some(tsa) = &timestamp.signer {
            let tsa_who = format!("{who}, TSA ({})", tsa.identifier);
            push_nested(part, &tsa_who, tsa, ceiling);
        }
    }
}

/// A countersigner or TSA: its findings and its path go to the signature
/// part, prefixed with `who`.
fn push_nested(part: &mut StatusBlock, who: &str, signer: &SignerResult, ceiling: ResultStatus) {
    push_cms(part, who, &signer.findings, ceiling);
    if let Some(path) = &signer.path {
        push_path(part, Some(who), path, ceiling);
    }
    push_below(part, who, signer, ceiling);
}

//! Turning path and CMS findings into the report's result lists.

use crate::cms::CmsFinding;
use crate::path::{PathValidation, Severity};
use crate::report::{ResultStatus, SeedCode, StatusBlock};

/// The status a path error gets at the policy's level (level 0 asks for no
/// trust, so path problems are warnings there).
pub(super) fn status_of(severity: Severity, error: ResultStatus) -> ResultStatus {
    match severity {
        Severity::Error => error,
        Severity::Warning => ResultStatus::Warning,
    }
}

/// Adds a certificate's path results: 30071 `serial:<n>;` when the path is
/// not valid (as in the seed), then every finding with its own code, the
/// certificate concerned and the rule.
pub(super) fn push_path(part: &mut StatusBlock, path: &PathValidation, error: ResultStatus) {
    let Some(cert) = path.chain.first() else {
        return;
    };
    let serial = cert.serial().to_decimal();
    if !path.valid {
        part.push(
            error,
            SeedCode::CertificateNotValid.code(),
            Some(format!("serial:{serial};")),
        );
    }
    for finding in &path.findings {
        let which = finding
            .certificate
            .and_then(|i| path.chain.get(i))
            .map_or_else(|| "path".to_string(), |c| format!("'{}'", c.subject()));
        part.push(
            status_of(finding.severity, error),
            finding.code.code(),
            Some(format!("serial:{serial}; {which}: {}", finding.detail)),
        );
    }
}

/// Adds CMS findings, prefixed with whom they concern.
pub(super) fn push_cms(part: &mut StatusBlock, who: &str, findings: &[CmsFinding]) {
    for finding in findings {
        part.push(
            status_of(finding.severity, ResultStatus::Error),
            finding.code.code(),
            Some(format!("{who}: {}", finding.detail)),
        );
    }
}

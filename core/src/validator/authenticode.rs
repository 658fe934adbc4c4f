//! Authenticode: a PE file's signatures verified by the Authenticode core
//! (`crate::authenticode`) and reported as the seed's report: one signer per
//! signature (the primary and each nested one), every CMS and path finding
//! through the shared signer walker, the file's and each signature's
//! Authenticode findings with their codes.

use std::io::Cursor;

use super::results::{Parts, push_cms, push_signer};
use super::signatures::{certificate_error, context, report, signer_certificate};
use super::{Validator, op_error};
use crate::authenticode::{AuthenticodeFinding, AuthenticodeOptions, Severity, verify_pe};
use crate::pdf::ReadSeek;
use crate::report::{ResultStatus, SeedCode, StatusBlock, ValidationReport};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;

impl Validator {
    /// Verifies the Authenticode signatures of the PE file `file` at time
    /// `at` (the policy's time source may pick another time for signatures)
    /// and counts it in the statistics. The file is read through
    /// `Read + Seek` (headers, then one pass for the image hash), never
    /// held whole. Hidden bytes in the certificate table (CVE-2013-3900)
    /// are an error.
    ///
    /// ```
    /// use validate::{policy::ValidationPolicy, path::TrustStore, validator::Validator};
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::new()));
    /// let mut text = std::io::Cursor::new(b"not a PE file".to_vec());
    /// let report = validator.verify_authenticode(&mut text, "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(!report.is_acceptable());
    /// assert_eq!(report.op_result.result_list[0].code, 30002);
    /// ```
    pub fn verify_authenticode(&self, file: &mut dyn ReadSeek, at: Timestamp) -> ValidationReport {
        let report = authenticode_report(self, file, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

/// The request's door: `signature` is the PE file, base64.
pub(super) fn validate_request(
    validator: &Validator,
    request: &ValidationRequest,
    at: Timestamp,
) -> ValidationReport {
    let Some(text) = request.signature.as_deref() else {
        return op_error(
            SeedCode::BadRequest,
            "Authenticode needs 'signature' (the PE file, base64)".into(),
        );
    };
    match decode_base64(text, "signature") {
        Ok(bytes) => authenticode_report(validator, &mut Cursor::new(bytes), at),
        Err(e) => op_error(SeedCode::BadRequest, e),
    }
}

fn push_authenticode(part: &mut StatusBlock, who: &str, findings: &[AuthenticodeFinding]) {
    for f in findings {
        let status = match f.severity {
            Severity::Error => ResultStatus::Error,
            Severity::Warning => ResultStatus::Warning,
        };
        part.push(status, f.code.code(), Some(format!("{who}: {}", f.detail)));
    }
}

fn authenticode_report(
    validator: &Validator,
    file: &mut dyn ReadSeek,
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let result = match verify_pe(file, &ctx, &AuthenticodeOptions::default()) {
        Ok(r) => r,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("PE file: {e}")),
    };
    let mut op_result = StatusBlock::default();
    if result.signatures.is_empty() {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some("the PE file holds no Authenticode signature".into()),
        );
    }
    let mut signature_part = StatusBlock::default();
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    push_authenticode(&mut signature_part, "PE file", &result.findings);
    for sig in &result.signatures {
        let who = if sig.index == 0 {
            "signature 0 (primary)".to_string()
        } else {
            format!("signature {} (nested)", sig.index)
        };
        push_authenticode(&mut signature_part, &who, &sig.findings);
        let Some(cms) = &sig.cms else { continue };
        push_cms(
            &mut signature_part,
            &who,
            &cms.findings,
            ResultStatus::Error,
        );
        let mut parts = Parts {
            signature: &mut signature_part,
            certificate: &mut certificate_part,
            certificate_error: certificate_error(validator),
        };
        for signer in &cms.signers {
            push_signer(
                &mut parts,
                &format!("{who}, signer ({})", signer.identifier),
                signer,
            );
            signers.extend(signer_certificate(signer));
        }
    }
    report(
        validator,
        SignatureType::Authenticode,
        op_result,
        signature_part,
        certificate_part,
        signers,
    )
}

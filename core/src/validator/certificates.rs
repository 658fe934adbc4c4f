//! P7B and X509 requests: validate the certificates only.

use std::sync::Arc;

use super::results::push_path;
use super::{Validator, op_error};
use crate::cert::{InputDeviation, read_bundle};
use crate::path::validate_path_with_revocation;
use crate::policy::ValidationLevel;
use crate::report::{
    CertificatePart, ResultStatus, SeedCode, StatusBlock, VERSION, ValidationMode,
    ValidationReport, WebCertificate,
};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;

/// The request door of P7B and X509: the certificates in `certificate`,
/// else in `signature` (base64).
pub(super) fn validate(
    validator: &Validator,
    request: &ValidationRequest,
    kind: SignatureType,
    at: Timestamp,
) -> ValidationReport {
    let Some((field, text)) = request
        .certificate
        .as_deref()
        .map(|t| ("certificate", t))
        .or(request.signature.as_deref().map(|t| ("signature", t)))
    else {
        return op_error(
            SeedCode::BadRequest,
            format!(
                "{} needs the certificates in 'certificate' or 'signature'",
                kind.name()
            ),
        );
    };
    let bytes = match decode_base64(text, field) {
        Ok(bytes) => bytes,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    certificates_report(validator, &bytes, at)
}

impl Validator {
    /// Validates every certificate of `certificates` (DER, PEM, a PKCS#7
    /// bundle, several concatenated) as an end entity for the policy's
    /// purpose at `at` (the P7B and X509 requests); the input's
    /// certificates are offered to each other as intermediates. A SignedData
    /// that has signers is validated as certificates with the 30006 warning
    /// (its signatures are not checked); one that does not parse is refused.
    /// Counts in the statistics.
    pub fn validate_certificates(&self, certificates: &[u8], at: Timestamp) -> ValidationReport {
        let report = certificates_report(self, certificates, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

fn certificates_report(validator: &Validator, bytes: &[u8], at: Timestamp) -> ValidationReport {
    let field = "certificates";
    let bundle = match read_bundle(bytes) {
        Ok(bundle) => bundle,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("{field}: {e}")),
    };
    let mut op_result = StatusBlock::default();
    for deviation in &bundle.deviations {
        let code = match deviation {
            InputDeviation::SignaturesNotChecked { .. } => SeedCode::SignaturesNotChecked,
            _ => SeedCode::LenientInput,
        };
        op_result.push(
            ResultStatus::Warning,
            code.code(),
            Some(format!("{field}: {deviation}")),
        );
    }
    let mut certs = Vec::new();
    for entry in bundle.certificates {
        match entry {
            Ok(cert) => certs.push(cert),
            // One bad certificate does not hide the others.
            Err(e) => op_result.push(
                ResultStatus::Warning,
                SeedCode::UnprocessableInput.code(),
                Some(format!("{field}: {e}")),
            ),
        }
    }
    let policy = validator.policy();
    let mut pool = policy.intermediates.clone();
    for cert in &certs {
        pool.add(Arc::new(cert.clone()));
    }
    let options = validator.path_options(at);
    // Level 0 asks for no trust: path problems are warnings there.
    let error = if policy.level >= ValidationLevel::Chain {
        ResultStatus::Error
    } else {
        ResultStatus::Warning
    };
    let mut part = StatusBlock::default();
    let mut web = Vec::new();
    for cert in &certs {
        let path = validate_path_with_revocation(
            cert,
            &pool,
            &policy.anchors,
            &options,
            validator.verifier.as_ref(),
            &validator.revocation,
        );
        push_path(&mut part, None, &path, error);
        let mode = path
            .revocation_of(0)
            .map_or(ValidationMode::None, |s| s.validation_mode());
        web.push(WebCertificate::new(cert, Some((&path, 0)), at, mode));
    }
    if certs.is_empty() {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some(format!("{field} holds no usable certificate")),
        );
    }
    let mut policy_part = validator.policy_part();
    policy_part.result_status = part.result_status;
    policy_part.certificate = Some(CertificatePart {
        level: policy.level.value(),
        status: part,
    });
    ValidationReport {
        version: VERSION.to_string(),
        op_result,
        policy: Some(policy_part),
        signers: None,
        certificates: Some(web),
        signed_scope: None,
        pdf_signatures: None,
    }
}

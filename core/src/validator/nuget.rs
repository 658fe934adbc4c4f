//! NuGet packages: the package signature verified by the NuGet core
//! (`crate::nuget`) and reported as the seed's report: the primary signer
//! and the repository countersigner as signers, every CMS and path finding
//! through the shared signer walker, and each package rule broken with its
//! code and, in the detail, the NuGet client's `NU3xxx`.

use std::io::Cursor;

use super::results::{Parts, push_cms, push_signer};
use super::signatures::{certificate_error, context, report, signer_certificate};
use super::{Validator, op_error};
use crate::nuget::{NuGetCode, NuGetFinding, PackageSignatureResult, Severity, verify_package};
use crate::pdf::ReadSeek;
use crate::report::{ResultStatus, SeedCode, StatusBlock, ValidationReport};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;

impl Validator {
    /// Verifies the signature of the NuGet package `package` at time `at`
    /// (the policy's time source may pick another time for signatures) and
    /// counts it in the statistics. The package is read through
    /// `Read + Seek` and never held whole.
    ///
    /// ```
    /// use validate::{policy::ValidationPolicy, path::TrustStore, validator::Validator};
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::new()));
    /// let mut empty_zip = std::io::Cursor::new(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec());
    /// let report = validator.verify_nuget(&mut empty_zip, "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(!report.is_acceptable());
    /// let signature = report.policy.unwrap().signature.unwrap();
    /// assert_eq!(signature.status.result_list[0].code, 30501);
    /// ```
    pub fn verify_nuget(&self, package: &mut dyn ReadSeek, at: Timestamp) -> ValidationReport {
        let report = nuget_report(self, package, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

/// The request's door: `signature` is the package, base64.
pub(super) fn validate_request(
    validator: &Validator,
    request: &ValidationRequest,
    at: Timestamp,
) -> ValidationReport {
    let Some(text) = request.signature.as_deref() else {
        return op_error(
            SeedCode::BadRequest,
            "NuGet needs 'signature' (the package, base64)".into(),
        );
    };
    match decode_base64(text, "signature") {
        Ok(bytes) => nuget_report(validator, &mut Cursor::new(bytes), at),
        Err(e) => op_error(SeedCode::BadRequest, e),
    }
}

/// Rules about certificate paths follow the policy level like path
/// findings (warnings at level 0); the others are signature rules.
fn is_chain_rule(code: NuGetCode) -> bool {
    matches!(
        code,
        NuGetCode::ChainBuildingFailed
            | NuGetCode::TimestampChainBuildingFailed
            | NuGetCode::CountersignatureChainBuildingFailed
            | NuGetCode::SignatureExpired
            | NuGetCode::CertificateNotYetValid
            | NuGetCode::SignatureRevoked
            | NuGetCode::TimestampOutsideValidity
            | NuGetCode::TimestampCertificateNotYetValid
    )
}

fn push_nuget(part: &mut StatusBlock, findings: &[NuGetFinding], chain_error: ResultStatus) {
    for f in findings {
        let status = match f.severity {
            Severity::Warning => ResultStatus::Warning,
            Severity::Error if is_chain_rule(f.code) => chain_error,
            Severity::Error => ResultStatus::Error,
        };
        part.push(
            status,
            f.code.code(),
            Some(format!("package: {}", f.detail)),
        );
    }
}

fn nuget_report(
    validator: &Validator,
    package: &mut dyn ReadSeek,
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let result: PackageSignatureResult = match verify_package(package, &ctx) {
        Ok(r) => r,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("package: {e}")),
    };
    let error = certificate_error(validator);
    let mut op_result = StatusBlock::default();
    let mut signature_part = StatusBlock::default();
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    push_nuget(&mut signature_part, &result.findings, error);
    if let Some(cms) = &result.cms {
        push_cms(
            &mut signature_part,
            "package signature",
            &cms.findings,
            ResultStatus::Error,
        );
        let mut parts = Parts {
            signature: &mut signature_part,
            certificate: &mut certificate_part,
            certificate_error: error,
        };
        for signer in &cms.signers {
            let who = format!("primary signature ({})", signer.identifier);
            push_signer(&mut parts, &who, signer);
            signers.extend(signer_certificate(signer));
            if let Some(cs) = result
                .repository_countersignature
                .and_then(|i| signer.countersignatures.get(i))
            {
                signers.extend(signer_certificate(cs));
            }
        }
    } else if result
        .findings
        .iter()
        .any(|f| f.code == NuGetCode::NotSigned)
    {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some("the package is not signed".into()),
        );
    }
    report(
        validator,
        SignatureType::NuGet,
        op_result,
        signature_part,
        certificate_part,
        signers,
    )
}

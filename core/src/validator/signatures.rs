//! CAdES (CMS) and PKCS1 requests: verify the signature, validate each
//! signer certificate at the policy's level, and report both.

use std::io::{Cursor, Read};

use super::results::{Parts, push_cms, push_path, push_signer};
use super::{Validator, op_error};
use crate::cert::{Certificate, read_certificates_strict};
use crate::cms::{
    SignerResult, VerifyContext, verify_pkcs1, verify_signed_data, verify_timestamp_token,
};
use crate::path::PathValidation;
use crate::policy::{TimeSource, ValidationLevel};
use crate::report::{
    CertificatePart, ResultStatus, SeedCode, SignaturePart, StatusBlock, VERSION, ValidationMode,
    ValidationReport, WebCertificate,
};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;

/// The verification context of a policy at `at`.
pub(super) fn context<'a>(validator: &'a Validator, at: Timestamp) -> VerifyContext<'a> {
    let policy = validator.policy();
    let options = validator.path_options(at);
    let mut ctx =
        VerifyContext::new(&policy.anchors, options).with_intermediates(&policy.intermediates);
    ctx.verifier = validator.verifier.as_ref();
    ctx.timestamp_proves_time = policy.time_source == TimeSource::Timestamp;
    ctx.trust_signing_time = policy.time_source == TimeSource::SigningTime;
    ctx.strict_tsa_eku = policy.strict_tsa_eku;
    ctx.trust_required = policy.level >= ValidationLevel::Chain;
    ctx.revocation = Some(&validator.revocation);
    ctx
}

/// The error status of certificate problems at the policy's level.
pub(super) fn certificate_error(validator: &Validator) -> ResultStatus {
    if validator.policy().level >= ValidationLevel::Chain {
        ResultStatus::Error
    } else {
        ResultStatus::Warning
    }
}

impl Validator {
    /// Verifies a CMS / CAdES SignedData (DER, BER, PEM or base64) at
    /// time `at` against this validator's policy: every signer's signature,
    /// signed attributes, timestamps and countersignatures, and its
    /// certificate at the policy's level. `content` is the detached content
    /// (read once, streamed); the report's signature type is CAdES-Explicit
    /// then, CAdES otherwise. Counts in the statistics.
    ///
    /// ```
    /// use validate::{Timestamp, policy::ValidationPolicy, path::TrustStore, read_certificates_strict};
    /// use validate::validator::Validator;
    /// let root = read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(root)));
    /// let p7s = std::fs::read("../examples/signatures/detached.p7s").unwrap();
    /// let mut content = std::fs::File::open("../examples/signatures/content.txt").unwrap();
    /// let at: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let report = validator.verify_cms(&p7s, Some(&mut content), at);
    /// assert!(report.is_acceptable(), "{}", serde_json::to_string(&report).unwrap());
    /// ```
    pub fn verify_cms(
        &self,
        signature: &[u8],
        content: Option<&mut dyn Read>,
        at: Timestamp,
    ) -> ValidationReport {
        let kind = if content.is_some() {
            SignatureType::CadesExplicit
        } else {
            SignatureType::Cades
        };
        let report = cades_report(self, signature, content, kind, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }

    /// Verifies a raw signature (RSA PKCS#1 v1.5 / PSS, ECDSA, Ed25519,
    /// DSA; `algorithm` names it, e.g. `SHA256withRSA`) over `data` with the
    /// first certificate of `certificate` (DER, PEM or base64), and
    /// validates that certificate at the policy's level. Counts in the
    /// statistics.
    pub fn verify_pkcs1(
        &self,
        data: &[u8],
        signature: &[u8],
        certificate: &[u8],
        algorithm: &str,
        at: Timestamp,
    ) -> ValidationReport {
        let report = pkcs1_report(self, data, signature, certificate, algorithm, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

impl Validator {
    /// Verifies an RFC 3161 TimeStampToken (DER, BER, PEM or base64) over
    /// `stamped` (the data whose hash its messageImprint holds) at `at`:
    /// the token's signature, its TSA certificate (id-kp-timeStamping,
    /// RFC 3161 2.3, as strict as the policy says) and the TSA path at
    /// genTime. The report's signature type is `RFC3161` (an extension of
    /// the seed's types, docs/report.md); `signers` holds the TSA. Counts in
    /// the statistics.
    pub fn verify_timestamp(
        &self,
        token: &[u8],
        stamped: &[u8],
        at: Timestamp,
    ) -> ValidationReport {
        let report = timestamp_report(self, token, stamped, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

fn timestamp_report(
    validator: &Validator,
    token: &[u8],
    stamped: &[u8],
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let timestamp = match verify_timestamp_token(token, stamped, &ctx) {
        Ok(t) => t,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("token: {e}")),
    };
    let mut signature_part = StatusBlock::default();
    if !timestamp.valid {
        signature_part.push(
            ResultStatus::Error,
            SeedCode::SignatureNotValid.code(),
            Some("token: the timestamp is not valid".into()),
        );
    }
    push_cms(
        &mut signature_part,
        "token",
        &timestamp.findings,
        ResultStatus::Error,
    );
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    if let Some(tsa) = &timestamp.signer {
        let mut parts = Parts {
            signature: &mut signature_part,
            certificate: &mut certificate_part,
            certificate_error: certificate_error(validator),
        };
        push_signer(&mut parts, &format!("TSA ({})", tsa.identifier), tsa);
        signers.extend(signer_certificate(tsa));
    }
    let mut report = report(
        validator,
        SignatureType::Cades,
        StatusBlock::default(),
        signature_part,
        certificate_part,
        signers,
    );
    if let Some(signature) = report.policy.as_mut().and_then(|p| p.signature.as_mut()) {
        signature.signature_type = "RFC3161".to_string();
    }
    report
}

/// The request door of the CAdES types: `signature` (base64) and
/// `signedText` (per `signedTextPack`) as the detached content.
pub(super) fn validate_cades(
    validator: &Validator,
    request: &ValidationRequest,
    kind: SignatureType,
    at: Timestamp,
) -> ValidationReport {
    let Some(text) = request.signature.as_deref() else {
        return op_error(
            SeedCode::BadRequest,
            format!("{} needs 'signature'", kind.name()),
        );
    };
    let signature = match decode_base64(text, "signature") {
        Ok(bytes) => bytes,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    let content = match request.signed_bytes() {
        Ok(content) => content,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    let mut reader = content.map(Cursor::new);
    let detached = reader.as_mut().map(|r| r as &mut dyn Read);
    cades_report(validator, &signature, detached, kind, at)
}

fn cades_report(
    validator: &Validator,
    signature: &[u8],
    detached: Option<&mut dyn Read>,
    kind: SignatureType,
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let result = match verify_signed_data(signature, detached, &ctx) {
        Ok(result) => result,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("signature: {e}")),
    };
    let mut op_result = StatusBlock::default();
    if result.signers.is_empty() {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some("the SignedData holds no signer".into()),
        );
    }
    let mut signature_part = StatusBlock::default();
    // The seed: CAdES-Implicit carries the signed data inside.
    if kind == SignatureType::CadesImplicit && result.detached {
        signature_part.push(
            ResultStatus::Error,
            SeedCode::SignatureNotValid.code(),
            Some("CAdES-Implicit, but the signature does not embed the signed data".into()),
        );
    }
    push_cms(
        &mut signature_part,
        "SignedData",
        &result.findings,
        ResultStatus::Error,
    );
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    let mut parts = Parts {
        signature: &mut signature_part,
        certificate: &mut certificate_part,
        certificate_error: certificate_error(validator),
    };
    for signer in &result.signers {
        let who = format!("signer {} ({})", signer.index, signer.identifier);
        push_signer(&mut parts, &who, signer);
        if let Some(web) = signer_certificate(signer) {
            signers.push(web);
        }
    }
    report(
        validator,
        kind,
        op_result,
        signature_part,
        certificate_part,
        signers,
    )
}

pub(super) fn validate_pkcs1(
    validator: &Validator,
    request: &ValidationRequest,
    at: Timestamp,
) -> ValidationReport {
    let (Some(signature), Some(certificate), Some(algorithm)) = (
        request.signature.as_deref(),
        request.certificate.as_deref(),
        request.algorithm.as_deref(),
    ) else {
        return op_error(
            SeedCode::BadRequest,
            "PKCS1 needs 'signature', 'certificate' and 'algorithm'".into(),
        );
    };
    let decoded = decode_base64(signature, "signature").and_then(|s| {
        let c = decode_base64(certificate, "certificate")?;
        let data = request
            .signed_bytes()?
            .ok_or_else(|| "PKCS1 needs 'signedText'".to_string())?;
        Ok((s, c, data))
    });
    let (signature, certificate, data) = match decoded {
        Ok(parts) => parts,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    pkcs1_report(validator, &data, &signature, &certificate, algorithm, at)
}

fn pkcs1_report(
    validator: &Validator,
    data: &[u8],
    signature: &[u8],
    certificate: &[u8],
    algorithm: &str,
    at: Timestamp,
) -> ValidationReport {
    let certificate = match read_certificates_strict(certificate) {
        Ok(mut certs) if !certs.is_empty() => certs.remove(0),
        Ok(_) => return op_error(SeedCode::NothingToValidate, "certificate holds none".into()),
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("certificate: {e}")),
    };
    let ctx = context(validator, at);
    let result = match verify_pkcs1(data, signature, &certificate, algorithm, &ctx) {
        Ok(result) => result,
        Err(e) => return op_error(SeedCode::BadRequest, format!("PKCS1: {e}")),
    };
    let mut signature_part = StatusBlock::default();
    // The signature part says whether the signature verifies; the
    // certificate part says whether its certificate meets the level.
    if !result.signature.is_valid() {
        signature_part.push(
            ResultStatus::Error,
            SeedCode::SignatureNotValid.code(),
            Some("the PKCS#1 signature is not valid".into()),
        );
    }
    push_cms(
        &mut signature_part,
        "signature",
        &result.findings,
        ResultStatus::Error,
    );
    let mut certificate_part = StatusBlock::default();
    push_path(
        &mut certificate_part,
        None,
        &result.path,
        certificate_error(validator),
    );
    let signers = vec![web_certificate(&certificate, Some(&result.path), at)];
    report(
        validator,
        SignatureType::Pkcs1,
        StatusBlock::default(),
        signature_part,
        certificate_part,
        signers,
    )
}

pub(super) fn signer_certificate(signer: &SignerResult) -> Option<WebCertificate> {
    let cert = signer.certificate.as_ref()?;
    Some(web_certificate(
        cert,
        signer.path.as_ref(),
        signer.path_time,
    ))
}

/// The report entry of a certificate validated by `path` (its end entity).
pub(super) fn web_certificate(
    cert: &Certificate,
    path: Option<&PathValidation>,
    at: Timestamp,
) -> WebCertificate {
    let mode = path
        .and_then(|p| p.revocation_of(0))
        .map_or(ValidationMode::None, |s| s.validation_mode());
    WebCertificate::new(cert, path.map(|p| (p, 0)), at, mode)
}

pub(super) fn report(
    validator: &Validator,
    kind: SignatureType,
    op_result: StatusBlock,
    signature: StatusBlock,
    certificate: StatusBlock,
    signers: Vec<WebCertificate>,
) -> ValidationReport {
    let mut policy = validator.policy_part();
    policy.result_status = signature.result_status.max(certificate.result_status);
    policy.certificate = Some(CertificatePart {
        level: validator.policy().level.value(),
        status: certificate,
    });
    policy.signature = Some(SignaturePart {
        signature_type: kind.name().to_string(),
        status: signature,
    });
    ValidationReport {
        version: VERSION.to_string(),
        op_result,
        policy: Some(policy),
        signers: Some(signers),
        certificates: None,
        signed_scope: None,
        pdf_signatures: None,
    }
}

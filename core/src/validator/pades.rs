//! PAdES: a PDF's signatures verified by the PDF core (`crate::pdf`) and
//! reported as the seed's report, one signer per signature, with the
//! `pdfSignatures` extension.

use std::io::Cursor;

use super::results::{Parts, push_cms, push_path, push_signer};
use super::signatures::{certificate_error, context, report, signer_certificate, web_certificate};
use super::{Validator, op_error};
use crate::pdf::{
    PdfFinding, PdfOptions, PdfSeverity, PdfSignature, ReadSeek, SignatureKind, verify_pdf,
};
use crate::report::{
    PdfSignatureReport, ResultItem, ResultStatus, SeedCode, StatusBlock, ValidationReport,
};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;

impl Validator {
    /// Validates every signature of the PDF `pdf` at time `at` (the
    /// policy's time source may pick another time for signatures) and
    /// counts it in the statistics. The file is read through `Read + Seek`
    /// and never held whole. `password` opens an encrypted file.
    ///
    /// ```
    /// use validate::{policy::ValidationPolicy, path::TrustStore, validator::Validator};
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::new()));
    /// let mut pdf = std::io::Cursor::new(b"%PDF-1.7\n%%EOF\n".to_vec());
    /// let report = validator.verify_pdf(&mut pdf, None, "2030-01-01T00:00:00Z".parse().unwrap());
    /// assert!(!report.is_acceptable());
    /// assert_eq!(report.op_result.result_list[0].code, 30301);
    /// ```
    pub fn verify_pdf(
        &self,
        pdf: &mut dyn ReadSeek,
        password: Option<&[u8]>,
        at: Timestamp,
    ) -> ValidationReport {
        let report = pdf_report(self, pdf, password, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

/// The request's door: `pdfFile` (base64) and `pdfPassword`.
pub(super) fn validate_request(
    validator: &Validator,
    request: &ValidationRequest,
    at: Timestamp,
) -> ValidationReport {
    let Some(text) = request.pdf_file.as_deref() else {
        return op_error(SeedCode::BadRequest, "PAdES needs 'pdfFile'".into());
    };
    let bytes = match decode_base64(text, "pdfFile") {
        Ok(b) => b,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    let password = request.pdf_password.as_deref().map(str::as_bytes);
    pdf_report(validator, &mut Cursor::new(bytes), password, at)
}

fn status_of(severity: PdfSeverity) -> Option<ResultStatus> {
    match severity {
        PdfSeverity::Error => Some(ResultStatus::Error),
        PdfSeverity::Warning => Some(ResultStatus::Warning),
        PdfSeverity::Info => None,
    }
}

fn push_pdf(part: &mut StatusBlock, who: &str, findings: &[PdfFinding]) {
    for f in findings {
        if let Some(status) = status_of(f.severity) {
            part.push(status, f.code.code(), Some(format!("{who}: {}", f.detail)));
        }
    }
}

fn pdf_report(
    validator: &Validator,
    pdf: &mut dyn ReadSeek,
    password: Option<&[u8]>,
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let options = PdfOptions {
        password: password.map(<[u8]>::to_vec),
        ..PdfOptions::default()
    };
    let result = match verify_pdf(pdf, &ctx, &options) {
        Ok(r) => r,
        Err(e) => {
            let mut op_result = StatusBlock::default();
            op_result.push(ResultStatus::Error, e.code.code(), Some(e.detail));
            return ValidationReport {
                policy: None,
                op_result,
                ..op_error(SeedCode::UnprocessableInput, String::new())
            };
        }
    };
    let mut op_result = StatusBlock::default();
    if result.signatures.is_empty() {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some("the PDF holds no signature".into()),
        );
    }
    let mut signature_part = StatusBlock::default();
    push_pdf(&mut signature_part, "PDF", &result.findings);
    let error = certificate_error(validator);
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    let mut entries = Vec::new();
    for (i, sig) in result.signatures.iter().enumerate() {
        let who = format!("signature {} ('{}')", i + 1, sig.field_name);
        if !sig.valid {
            signature_part.push(
                ResultStatus::Error,
                SeedCode::SignatureNotValid.code(),
                Some(format!("{who}: the signature is not valid")),
            );
        }
        push_pdf(&mut signature_part, &who, &sig.findings);
        let mut parts = Parts {
            signature: &mut signature_part,
            certificate: &mut certificate_part,
            certificate_error: error,
        };
        if let Some(cms) = &sig.cms {
            push_cms(parts.signature, &who, &cms.findings, ResultStatus::Error);
            for signer in &cms.signers {
                let signer_who = format!("{who}, signer {} ({})", signer.index, signer.identifier);
                push_signer(&mut parts, &signer_who, signer);
                if let Some(web) = signer_certificate(signer) {
                    signers.push(web);
                }
            }
        }
        if let Some(ts) = &sig.document_timestamp {
            push_cms(parts.signature, &who, &ts.findings, ResultStatus::Error);
            if let Some(tsa) = &ts.signer {
                let tsa_who = format!("{who}, TSA ({})", tsa.identifier);
                push_signer(&mut parts, &tsa_who, tsa);
                if let Some(web) = signer_certificate(tsa) {
                    signers.push(web);
                }
            }
        }
        if let Some(raw) = &sig.raw {
            push_cms(parts.signature, &who, &raw.findings, ResultStatus::Error);
            push_path(parts.certificate, None, &raw.path, error);
            if let Some(cert) = raw.path.chain.first() {
                signers.push(web_certificate(cert, Some(&raw.path), at));
            }
        }
        entries.push(entry(sig));
    }
    let mut report = report(
        validator,
        SignatureType::Pades,
        op_result,
        signature_part,
        certificate_part,
        signers,
    );
    report.pdf_signatures = Some(entries);
    report
}

fn entry(sig: &PdfSignature) -> PdfSignatureReport {
    PdfSignatureReport {
        field_name: sig.field_name.clone(),
        kind: sig.kind,
        revision: sig.revision,
        sub_filter: sig.sub_filter.clone(),
        byte_range: sig.byte_range.clone(),
        coverage: sig.coverage,
        modification_level: sig.modification_level,
        doc_mdp: sig.doc_mdp.clone(),
        timestamp: sig.timestamp.map(|t| t.to_string()),
        pades_level: if sig.kind == SignatureKind::Signature {
            sig.pades_level
        } else {
            None
        },
        valid: sig.valid,
        result_list: sig
            .findings
            .iter()
            .map(|f| ResultItem {
                code: f.code.code(),
                detail: Some(f.detail.clone()),
            })
            .collect(),
    }
}

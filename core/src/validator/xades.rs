//! XAdES-Enveloped and XAdES-Detached requests: verify every XML
//! signature of the document, validate each signer at the policy's level,
//! and report both, with the signed-scope extension.

use super::results::{push_path, push_timestamps, status_of};
use super::signatures::{certificate_error, context, report, web_certificate};
use super::{Validator, op_error};
use crate::pdf::ReadSeek;
use crate::report::{ResultStatus, SeedCode, StatusBlock, ValidationReport};
use crate::request::{SignatureType, ValidationRequest, decode_base64};
use crate::time::Timestamp;
use crate::xades::{XmlFinding, XmlOptions, verify_xml, verify_xml_streamed};

impl Validator {
    /// Verifies the XML signatures of `xml` (XAdES or plain XML-DSig) at
    /// time `at` against this validator's policy: `detached` is the content
    /// of References outside the document; `kind` is
    /// [`SignatureType::XadesEnveloped`] (a signature must then sign the
    /// document element that holds it) or [`SignatureType::XadesDetached`].
    /// Counts in the statistics like [`Validator::validate`].
    pub fn verify_xml(
        &self,
        xml: &[u8],
        detached: Option<&[u8]>,
        kind: SignatureType,
        at: Timestamp,
    ) -> ValidationReport {
        let report = verify(self, xml, Detached::Bytes(detached), kind, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }

    /// [`Validator::verify_xml`] with the detached content read from
    /// `detached` (from its current position to its end): References
    /// without transforms digest it as it is read, so it is never held
    /// whole (see [`verify_xml_streamed`]). The report is the one
    /// [`Validator::verify_xml`] gives for the same bytes.
    ///
    /// ```
    /// use validate::policy::ValidationPolicy;
    /// use validate::request::SignatureType;
    /// use validate::validator::Validator;
    /// use validate::path::TrustStore;
    /// let validator = Validator::new(ValidationPolicy::new("example", TrustStore::new()));
    /// let mut content = std::io::Cursor::new(b"a detached document".to_vec());
    /// let at = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let report = validator.verify_xml_streamed(b"<doc/>", &mut content, SignatureType::XadesDetached, at);
    /// assert!(!report.is_acceptable());
    /// ```
    pub fn verify_xml_streamed(
        &self,
        xml: &[u8],
        detached: &mut dyn ReadSeek,
        kind: SignatureType,
        at: Timestamp,
    ) -> ValidationReport {
        let report = verify(self, xml, Detached::Reader(detached), kind, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }
}

/// The detached content as a caller gives it.
enum Detached<'a> {
    Bytes(Option<&'a [u8]>),
    Reader(&'a mut dyn ReadSeek),
}

/// The request door: `signature` is the base64 XML, `signedText` (per
/// `signedTextPack`) the detached content.
pub(super) fn validate_xades(
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
    let xml = match decode_base64(text, "signature") {
        Ok(bytes) => bytes,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    let content = match request.signed_bytes() {
        Ok(content) => content,
        Err(e) => return op_error(SeedCode::BadRequest, e),
    };
    verify(
        validator,
        &xml,
        Detached::Bytes(content.as_deref()),
        kind,
        at,
    )
}

fn verify(
    validator: &Validator,
    xml: &[u8],
    detached: Detached<'_>,
    kind: SignatureType,
    at: Timestamp,
) -> ValidationReport {
    let ctx = context(validator, at);
    let options = XmlOptions {
        require_enveloped: kind == SignatureType::XadesEnveloped,
        ..XmlOptions::default()
    };
    let result = match detached {
        Detached::Bytes(bytes) => verify_xml(
            xml,
            &XmlOptions {
                detached: bytes,
                ..options
            },
            &ctx,
        ),
        Detached::Reader(reader) => verify_xml_streamed(xml, reader, &options, &ctx),
    };
    let result = match result {
        Ok(result) => result,
        Err(e) => return op_error(SeedCode::UnprocessableInput, format!("signature: {e}")),
    };
    let mut op_result = StatusBlock::default();
    if result.signatures.is_empty() {
        op_result.push(
            ResultStatus::Error,
            SeedCode::NothingToValidate.code(),
            Some("the XML document holds no signature".into()),
        );
    }
    let mut signature_part = StatusBlock::default();
    push_xml(&mut signature_part, "document", &result.findings);
    let error = certificate_error(validator);
    let mut certificate_part = StatusBlock::default();
    let mut signers = Vec::new();
    let mut scopes = Vec::new();
    for signature in &result.signatures {
        let who = format!(
            "signature {} ({})",
            signature.index,
            signature.id.as_deref().unwrap_or(&signature.node)
        );
        if !signature.valid {
            signature_part.push(
                ResultStatus::Error,
                SeedCode::SignatureNotValid.code(),
                Some(format!("{who}: the signature is not valid")),
            );
        }
        push_xml(&mut signature_part, &who, &signature.findings);
        push_timestamps(
            &mut signature_part,
            &who,
            &signature.timestamps,
            ResultStatus::Error,
        );
        if let Some(path) = &signature.path {
            push_path(&mut certificate_part, None, path, error);
        }
        if let Some(cert) = &signature.certificate {
            signers.push(web_certificate(
                cert,
                signature.path.as_ref(),
                signature.path_time,
            ));
        }
        scopes.push(signature.scope_entry());
    }
    // The seed's signature type for every XML signature is "XAdES".
    let mut report = report(
        validator,
        kind,
        op_result,
        signature_part,
        certificate_part,
        signers,
    );
    if let Some(signature) = report.policy.as_mut().and_then(|p| p.signature.as_mut()) {
        signature.signature_type = "XAdES".to_string();
    }
    report.signed_scope = Some(scopes);
    report
}

/// Adds XML signature findings, prefixed with whom they concern.
fn push_xml(part: &mut StatusBlock, who: &str, findings: &[XmlFinding]) {
    for finding in findings {
        part.push(
            status_of(finding.severity, ResultStatus::Error, ResultStatus::Error),
            finding.code.code(),
            Some(format!("{who}: {}", finding.detail)),
        );
    }
}

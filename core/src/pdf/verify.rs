//! Verifying a PDF: every signature field's ByteRange, coverage and
//! cryptographic signature, then what later revisions change, DocMDP and
//! FieldMDP, the DSS and document timestamps (the PAdES levels).

use super::byterange::{Segments, byte_range, check_gap, contents_value, coverage};
use super::document::Document;
use super::dss::{Dss, read_dss};
use super::fields::{Field, fields};
use super::findings::{PdfCode, PdfError, PdfFinding, PdfResult, PdfSeverity};
use super::limits::PdfLimits;
use super::ltv::LateRevocation;
use super::mdp::{self, Permissions};
use super::object::{Dict, ObjRef, Object};
use super::result::{
    Coverage, DocMdpResult, ModificationLevel, PadesLevel, PdfSignature, PdfValidation,
    SignatureKind,
};
use super::source::{ReadSeek, Source};
use crate::cert::Certificate;
use crate::cms::{VerifyContext, verify_pkcs1, verify_signed_data, verify_timestamp_token_with};
use crate::crypto::DigestAlgorithm;
use crate::path::CertificatePool;
use crate::revocation::RevocationSources;

/// Options of PDF validation besides the CMS context.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PdfOptions {
    /// Reading budgets.
    pub limits: PdfLimits,
    /// The weight of OTHER changes after a signature that no DocMDP
    /// permission forbids: WARNING by default (docs/pdf.md says why); an
    /// error for callers that accept only form filling and annotations.
    pub other_changes: PdfSeverity,
    /// The password of an encrypted file (user or owner password).
    pub password: Option<Vec<u8>>,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            limits: PdfLimits::default(),
            other_changes: PdfSeverity::Warning,
            password: None,
        }
    }
}

/// Verifies every signature of the PDF `reader` holds.
///
/// The file is read through `Read + Seek` and never held whole: the
/// signed bytes are hashed straight from the reader. `ctx` gives the
/// trust anchors, intermediates, validation time and revocation data for
/// the signer and TSA paths; the file's DSS adds certificates, CRLs and
/// OCSP responses to them.
///
/// `Err` only when the file cannot be processed: broken structure (it
/// would need repair), a budget reached, or an encrypted file without the
/// right password. Signatures that do not verify are findings.
///
/// ```
/// use validate::pdf::{verify_pdf, PdfOptions};
/// use validate::cms::VerifyContext;
/// use validate::path::{TrustStore, ValidationOptions};
/// let anchors = TrustStore::new();
/// let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()));
/// let mut pdf = std::io::Cursor::new(b"%PDF-1.7\n".to_vec());
/// let err = verify_pdf(&mut pdf, &ctx, &PdfOptions::default()).unwrap_err();
/// assert_eq!(err.code, validate::pdf::PdfCode::Malformed);
/// ```
pub fn verify_pdf(
    reader: &mut dyn ReadSeek,
    ctx: &VerifyContext<'_>,
    options: &PdfOptions,
) -> PdfResult<PdfValidation> {
    let source = Source::new(reader)?;
    let mut doc = Document::open(source, options.limits)?;
    let encrypted = super::crypt::unlock(&mut doc, options.password.as_deref())?;
    let last = doc.last();
    let mut findings = Vec::new();
    let all_fields = fields(&doc, last)?;
    let mut candidates: Vec<(Field, ObjRef)> = Vec::new();
    for f in all_fields.iter().filter(|f| f.is_signature()) {
        match f.dict.get(b"V") {
            Some(Object::Ref(r)) => candidates.push((f.clone(), *r)),
            None => findings.push(PdfFinding::new(
                PdfCode::FieldUnsigned,
                format!("signature field '{}' is empty", f.name),
            )),
            Some(other) => findings.push(PdfFinding::new(
                PdfCode::FieldTypeMismatch,
                format!(
                    "signature field '{}': /V is a direct {}, not a reference to a signature dictionary",
                    f.name,
                    other.kind()
                ),
            )),
        }
    }
    let dss = read_dss(&doc, last, &mut findings)?;
    let mut pool: CertificatePool = ctx.intermediates.clone();
    for c in &dss.certificates {
        pool.add(c.clone());
    }
    // The DSS's CRLs and OCSP responses join the caller's sources, or
    // make the only ones: revocation checking (options.revocation) must
    // see them either way.
    let mut sources = match ctx.revocation {
        Some(s) => s.extended_with_crls(dss.crls.iter().cloned()),
        None => RevocationSources::new().extended_with_crls(dss.crls.iter().cloned()),
    };
    for o in &dss.ocsp {
        sources.add_ocsp_response(o.clone());
    }
    let mut local = ctx.clone();
    local.intermediates = &pool;
    local.revocation = Some(&sources);
    // Paths are judged at their proof times without revocation; the
    // revocation pass (ltv.rs) judges revocation afterwards, with data
    // that may postdate the proof.
    local.options.revocation = crate::revocation::RevocationMode::None;
    let mut late = LateRevocation {
        sources: &sources,
        mode: ctx.options.revocation,
        offline: ctx.options.offline,
        times: vec![ctx.options.time],
    };

    let mut signatures: Vec<PdfSignature> = candidates
        .iter()
        .map(|(field, sig_ref)| check_signature(&doc, field, *sig_ref, &local))
        .collect::<PdfResult<_>>()?;
    if signatures.is_empty() {
        findings.push(PdfFinding::new(
            PdfCode::NoSignature,
            "no signed /Sig or /DocTimeStamp field is reachable from /AcroForm /Fields",
        ));
    }
    check_collisions(&mut signatures);
    // The DSS's proof of existence: the first valid document timestamp in
    // or after the revision that added it (revocation data is judged then
    // first, then at the validation time).
    for sig in signatures
        .iter_mut()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
    {
        late.check(sig, ctx.options.time);
    }
    if let Some(dss_rev) = dss.first_revision
        && let Some(poe) = signatures
            .iter()
            .filter(|s| s.kind == SignatureKind::DocumentTimestamp && s.valid)
            .filter(|s| s.revision.is_some_and(|r| r >= dss_rev))
            .filter_map(|s| s.timestamp)
            .min()
    {
        late.times.insert(0, poe);
    }

    // Document timestamps prove existence of what they cover (PAdES B-LTA,
    // ETSI EN 319 142-1 5.4.3): a signature without its own valid
    // timestamp is validated at the earliest later valid document timestamp.
    let doc_timestamps: Vec<(usize, crate::time::Timestamp)> = signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp && s.valid)
        .filter_map(|s| Some((s.revision?, s.timestamp?)))
        .collect();
    for (sig, (field, sig_ref)) in signatures.iter_mut().zip(&candidates) {
        if sig.kind != SignatureKind::Signature || sig.timestamp.is_some() {
            continue;
        }
        let Some(rev) = sig.revision else { continue };
        let Some(at) = doc_timestamps
            .iter()
            .filter(|(r, _)| *r > rev)
            .map(|(_, t)| *t)
            .min()
        else {
            continue;
        };
        if at < local.options.time {
            let mut proven = local.clone();
            proven.options.time = at;
            let again = check_signature(&doc, field, *sig_ref, &proven)?;
            let collisions: Vec<PdfFinding> = sig
                .findings
                .iter()
                .filter(|f| f.code == PdfCode::ByteRangeCollision)
                .cloned()
                .collect();
            *sig = again;
            sig.findings.extend(collisions);
            sig.valid &= !sig.findings.iter().any(PdfFinding::is_error);
        }
        sig.timestamp = Some(at);
    }

    for sig in signatures
        .iter_mut()
        .filter(|s| s.kind != SignatureKind::DocumentTimestamp)
    {
        late.check(sig, ctx.options.time);
    }

    // What changed after each signature, and the permissions that bind.
    let perms = mdp::permissions(&doc, &signatures, &candidates, last)?;
    let first = signatures.iter().filter_map(|s| s.revision).min();
    let diffs = match first {
        Some(f) => super::diff::revision_diffs(&doc, f)?,
        None => Vec::new(),
    };
    for (i, sig) in signatures.iter_mut().enumerate() {
        let Some(rev) = sig.revision else { continue };
        let analysis = super::diff::combine(&diffs, rev);
        sig.modification_level = analysis.level;
        apply_permissions(i, rev, sig, &analysis, &perms, options);
        sig.valid = sig.valid && !sig.findings.iter().any(PdfFinding::is_error);
    }
    if let Some(c) = perms.certification
        && c.signature > 0
        && let Some(s) = signatures.get_mut(c.signature)
    {
        s.findings.push(PdfFinding::new(
            PdfCode::CertificationNotFirst,
            format!(
                "signature '{}' certifies (DocMDP) but is signature {} of the document",
                s.field_name,
                c.signature + 1
            ),
        ));
        s.valid = false;
    }
    set_levels(&mut signatures, &dss, &doc);
    Ok(PdfValidation {
        revisions: doc.revisions.len(),
        encrypted,
        signatures,
        findings,
    })
}

/// DocMDP, FieldMDP and the choice for OTHER changes, for signature `i`
/// of revision `rev`.
fn apply_permissions(
    i: usize,
    rev: usize,
    sig: &mut PdfSignature,
    analysis: &super::diff::Analysis,
    perms: &Permissions,
    options: &PdfOptions,
) {
    let reasons = || analysis.reasons.join("; ");
    if let Some(p) = perms.certification.filter(|c| c.signature == i) {
        let allowed = mdp::allowed_level(p.permission);
        let respected = analysis.level <= allowed;
        if !respected {
            sig.findings.push(PdfFinding::new(
                PdfCode::DocMdpViolation,
                format!(
                    "DocMDP /P {} allows at most {allowed:?} after revision {rev}, but the later revisions reach {:?}: {}",
                    p.permission,
                    analysis.level,
                    reasons()
                ),
            ));
        }
        // ISO 32000-2 12.8.2.2.2: after certification only invisible
        // signature fields may be added.
        for (k, name, visible) in &analysis.added_signature_fields {
            if *visible {
                sig.findings.push(PdfFinding::new(
                    PdfCode::SignatureFieldAddedAfterCertification,
                    format!("revision {k} adds the visible signature field '{name}'"),
                ));
            }
        }
        sig.doc_mdp = Some(DocMdpResult {
            permission: p.permission,
            respected,
        });
    }
    for lock in perms.locks.iter().filter(|l| l.signature == i) {
        for (k, name) in &analysis.changed_fields {
            if lock.covers(name) {
                sig.findings.push(PdfFinding::new(
                    PdfCode::FieldMdpViolation,
                    format!(
                        "revision {k} changes field '{name}', which this signature locks ({:?})",
                        lock.action
                    ),
                ));
            }
        }
    }
    let certified_here = perms.certification.is_some_and(|c| c.signature == i);
    match analysis.level {
        ModificationLevel::Other if !certified_here => {
            let mut f = PdfFinding::new(
                PdfCode::ModifiedAfterSigning,
                format!(
                    "revisions after revision {rev} change more than form fields, annotations and validation data: {}",
                    reasons()
                ),
            );
            f.severity = options.other_changes;
            sig.findings.push(f);
        }
        ModificationLevel::Annotations if !certified_here => sig.findings.push(PdfFinding::new(
            PdfCode::AnnotationsAfterSigning,
            format!(
                "revisions after revision {rev} add or change annotations: {}",
                reasons()
            ),
        )),
        ModificationLevel::FormFilling => sig.findings.push(PdfFinding::new(
            PdfCode::FormFilledAfterSigning,
            format!(
                "revisions after revision {rev} fill form fields or add signatures{}",
                if analysis.changed_fields.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (fields {})",
                        analysis
                            .changed_fields
                            .iter()
                            .map(|(_, n)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        )),
        _ => {}
    }
}

/// PAdES baseline levels (ETSI EN 319 142-1 6.3): B-T with a timestamp,
/// B-LT with a DSS added after the signature, B-LTA with a document
/// timestamp after that DSS.
fn set_levels(signatures: &mut [PdfSignature], dss: &Dss, doc: &Document<'_>) {
    let doc_ts: Vec<usize> = signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp && s.valid)
        .filter_map(|s| s.revision)
        .collect();
    for s in signatures.iter_mut() {
        if s.kind != SignatureKind::Signature || s.cms.is_none() || !s.valid {
            continue;
        }
        let Some(rev) = s.revision else { continue };
        let mut level = PadesLevel::BB;
        if s.timestamp.is_some() {
            level = PadesLevel::BT;
            if let Some(dss_rev) = dss.first_revision
                && !dss.is_empty()
                && dss_rev <= doc.last()
                && dss_rev > rev
            {
                level = PadesLevel::BLt;
                if doc_ts.iter().any(|&t| t >= dss_rev) {
                    level = PadesLevel::BLta;
                }
            }
        }
        s.pades_level = Some(level);
    }
}

/// ByteRanges of different signatures must not collide: gaps disjoint,
/// and a later signature's gap after the bytes an earlier one signs.
fn check_collisions(signatures: &mut [PdfSignature]) {
    let ranges: Vec<Option<(u64, u64, u64)>> = signatures
        .iter()
        .map(|s| {
            (s.byte_range.len() == 4 && s.coverage != Coverage::Unclear).then(|| {
                let r = &s.byte_range;
                (r[1] as u64, r[2] as u64, (r[2] + r[3]) as u64)
            })
        })
        .collect();
    for i in 0..signatures.len() {
        for j in 0..signatures.len() {
            if i == j {
                continue;
            }
            let (Some((gi0, gi1, ei)), Some((gj0, gj1, ej))) = (ranges[i], ranges[j]) else {
                continue;
            };
            let overlap = gi0 < gj1 && gj0 < gi1;
            // j signs more than i: i's gap must lie inside j's signed bytes
            // only if i ended before j's gap.
            let inside = ei < ej && gj0 < ei;
            if overlap || (inside && i < j) {
                let other = signatures[j].field_name.clone();
                let s = &mut signatures[i];
                s.findings.push(PdfFinding::new(
                    PdfCode::ByteRangeCollision,
                    format!(
                        "the ByteRange gap {gi0}-{gi1} (signed bytes end {ei}) collides with signature '{other}' (gap {gj0}-{gj1}, end {ej})"
                    ),
                ));
                s.valid = false;
            }
        }
    }
}

fn empty_signature(field: &Field, kind: SignatureKind, sub_filter: String) -> PdfSignature {
    PdfSignature {
        field_name: field.name.clone(),
        kind,
        revision: None,
        sub_filter,
        byte_range: Vec::new(),
        coverage: Coverage::Unclear,
        modification_level: ModificationLevel::None,
        doc_mdp: None,
        timestamp: None,
        pades_level: None,
        claimed_time: None,
        cms: None,
        document_timestamp: None,
        raw: None,
        findings: Vec::new(),
        valid: false,
    }
}

/// One signature: its dictionary, ByteRange, coverage and value.
fn check_signature(
    doc: &Document<'_>,
    field: &Field,
    sig_ref: ObjRef,
    ctx: &VerifyContext<'_>,
) -> PdfResult<PdfSignature> {
    let last = doc.last();
    let Some(final_sig) = doc.get(sig_ref, last)? else {
        let mut s = empty_signature(field, SignatureKind::Signature, String::new());
        s.findings.push(PdfFinding::new(
            PdfCode::FieldTypeMismatch,
            format!(
                "signature field '{}': /V {sig_ref} is a free or missing object",
                field.name
            ),
        ));
        return Ok(s);
    };
    let Some(dict) = final_sig.object.as_dict().cloned() else {
        let mut s = empty_signature(field, SignatureKind::Signature, String::new());
        s.findings.push(PdfFinding::new(
            PdfCode::FieldTypeMismatch,
            format!(
                "signature field '{}': /V {sig_ref} is a {}",
                field.name,
                final_sig.object.kind()
            ),
        ));
        return Ok(s);
    };
    let sub_filter = dict
        .name(b"SubFilter")
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let kind = match dict.name(b"Type") {
        Some(b"DocTimeStamp") => SignatureKind::DocumentTimestamp,
        _ if sub_filter == "ETSI.RFC3161" => SignatureKind::DocumentTimestamp,
        _ => SignatureKind::Signature,
    };
    let mut sig = empty_signature(field, kind, sub_filter.clone());
    sig.claimed_time = match dict.get(b"M") {
        Some(Object::Str(s)) => Some(String::from_utf8_lossy(&s.bytes).into_owned()),
        _ => None,
    };
    if let Some(t) = dict.name(b"Type")
        && t != b"Sig"
        && t != b"DocTimeStamp"
    {
        sig.findings.push(PdfFinding::new(
            PdfCode::FieldTypeMismatch,
            format!(
                "/V {sig_ref} has /Type {} (ISO 32000-1 12.8.1 table 252)",
                super::object::name_text(t)
            ),
        ));
        return Ok(sig);
    }
    let (raw_range, segments) = byte_range(&dict, doc.source.len, &mut sig.findings);
    sig.byte_range = raw_range;
    let Some(segments) = segments else {
        return Ok(sig);
    };
    let (cov, revision) = coverage(doc, &segments);
    sig.coverage = cov;
    sig.revision = revision;
    let Some(rev) = revision else {
        // pyHanko's UNCLEAR: the gap is not this signature's /Contents.
        if let Some(Object::Str(c)) = dict.get(b"Contents")
            && (!c.hex || c.span != (segments[0].1, segments[1].0))
        {
            sig.coverage = Coverage::Unclear;
        }
        sig.findings.push(PdfFinding::new(
            PdfCode::CoverageIncomplete,
            format!(
                "the signed bytes end at byte {} of {}, which is no revision's %%EOF (revisions end at {})",
                segments[1].0 + segments[1].1,
                doc.source.len,
                doc.revisions.iter().map(|r| r.end.to_string()).collect::<Vec<_>>().join(", ")
            ),
        ));
        return Ok(sig);
    };
    // The dictionary as the signed revision holds it: its /Contents must
    // be the gap, and the final revision must not have rewritten it.
    let signed = match doc.get(sig_ref, rev)? {
        Some(p) => p,
        None => {
            sig.findings.push(PdfFinding::new(
                PdfCode::SignatureDictionaryChanged,
                format!("signature dictionary {sig_ref} is not in revision {rev}, which its ByteRange signs"),
            ));
            return Ok(sig);
        }
    };
    if signed.object != final_sig.object {
        sig.findings.push(PdfFinding::new(
            PdfCode::SignatureDictionaryChanged,
            format!("signature dictionary {sig_ref} differs between revision {rev} (signed) and revision {last}"),
        ));
        return Ok(sig);
    }
    let signed_dict = signed.object.as_dict().cloned().unwrap_or_default();
    let Some(Object::Str(contents)) = signed_dict.get(b"Contents").cloned() else {
        sig.findings.push(PdfFinding::new(
            PdfCode::ContentsMalformed,
            "/Contents is missing or not a string",
        ));
        return Ok(sig);
    };
    if !check_gap(&contents, &segments, &mut sig.findings) {
        return Ok(sig);
    }
    if !gap_inside_own_object(doc, sig_ref, signed.span, rev, &segments, &mut sig.findings) {
        return Ok(sig);
    }
    // The field must hold this value in the signed revision too.
    if let Some(fr) = field.reference {
        let then = doc.get(fr, rev)?.and_then(|p| p.object.as_dict().cloned());
        if then
            .as_ref()
            .and_then(|d| d.get(b"V"))
            .and_then(Object::as_ref)
            != Some(sig_ref)
        {
            sig.findings.push(PdfFinding::new(
                PdfCode::SignatureDictionaryChanged,
                format!("field '{}' ({fr}) does not hold signature {sig_ref} in revision {rev}, which the signature signs", field.name),
            ));
            return Ok(sig);
        }
    }
    match sub_filter.as_str() {
        "adbe.pkcs7.detached" | "ETSI.CAdES.detached" => {
            let Some(value) = contents_value(&contents.bytes, &mut sig.findings) else {
                return Ok(sig);
            };
            let mut reader = doc.source.segments(segments);
            match verify_signed_data(value, Some(&mut reader), ctx) {
                Ok(r) => {
                    sig.timestamp = r.signers.iter().filter_map(|s| s.timestamp_time()).min();
                    if !r.signers.iter().all(|s| s.signature_intact()) || r.signers.is_empty() {
                        sig.findings.push(signature_invalid(&r));
                    }
                    sig.cms = Some(r);
                }
                Err(e) => sig.findings.push(PdfFinding::new(
                    PdfCode::ContentsMalformed,
                    format!("/Contents is not a CMS SignedData: {e}"),
                )),
            }
        }
        "adbe.pkcs7.sha1" => {
            sig.findings.push(PdfFinding::new(
                PdfCode::WeakSubFilter,
                "adbe.pkcs7.sha1 signs a SHA-1 digest of the ByteRange",
            ));
            let Some(value) = contents_value(&contents.bytes, &mut sig.findings) else {
                return Ok(sig);
            };
            match verify_signed_data(value, None, ctx) {
                Ok(r) => {
                    let digest = digest_segments(doc, &segments, DigestAlgorithm::Sha1)?;
                    let content = crate::cms::encapsulated_content(value);
                    if content.as_deref() != Some(digest.as_slice()) {
                        sig.findings.push(PdfFinding::new(
                            PdfCode::DigestMismatch,
                            format!(
                                "the signed content is {} but the SHA-1 of the ByteRange is {}",
                                content.map_or("absent".into(), |c| hex(&c)),
                                hex(&digest)
                            ),
                        ));
                    }
                    sig.timestamp = r.signers.iter().filter_map(|s| s.timestamp_time()).min();
                    if !r.signers.iter().all(|s| s.signature_intact()) || r.signers.is_empty() {
                        sig.findings.push(signature_invalid(&r));
                    }
                    sig.cms = Some(r);
                }
                Err(e) => sig.findings.push(PdfFinding::new(
                    PdfCode::ContentsMalformed,
                    format!("/Contents is not a CMS SignedData: {e}"),
                )),
            }
        }
        "ETSI.RFC3161" => {
            let Some(value) = contents_value(&contents.bytes, &mut sig.findings) else {
                return Ok(sig);
            };
            let imprint =
                |alg: DigestAlgorithm| digest_segments(doc, &segments, alg).unwrap_or_default();
            match verify_timestamp_token_with(value, &imprint, ctx) {
                Ok(t) => {
                    if t.valid {
                        sig.timestamp = t.gen_time;
                    } else {
                        sig.findings.push(PdfFinding::new(
                            PdfCode::DocTimestampInvalid,
                            t.findings
                                .iter()
                                .map(|f| format!("{} {}", f.code.code(), f.detail))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ));
                    }
                    sig.document_timestamp = Some(t);
                }
                Err(e) => sig.findings.push(PdfFinding::new(
                    PdfCode::ContentsMalformed,
                    format!("/Contents is not a TimeStampToken: {e}"),
                )),
            }
        }
        "adbe.x509.rsa_sha1" => {
            sig.findings.push(PdfFinding::new(
                PdfCode::WeakSubFilter,
                "adbe.x509.rsa_sha1 signs a SHA-1 digest of the ByteRange",
            ));
            verify_rsa_sha1(doc, &signed_dict, &contents.bytes, &segments, ctx, &mut sig)?;
        }
        other => sig.findings.push(PdfFinding::new(
            PdfCode::SubFilterUnsupported,
            format!("/SubFilter /{other}"),
        )),
    }
    let crypto_ok = sig
        .cms
        .as_ref()
        .map(|r| r.valid)
        .or(sig.raw.as_ref().map(|r| r.valid))
        .or(sig.document_timestamp.as_ref().map(|t| t.valid))
        .unwrap_or(false);
    sig.valid = crypto_ok && !sig.findings.iter().any(PdfFinding::is_error);
    Ok(sig)
}

fn signature_invalid(r: &crate::cms::SignedDataResult) -> PdfFinding {
    let mut reasons: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| format!("{} {}", f.code.code(), f.detail))
        .collect();
    for s in &r.signers {
        reasons.extend(
            s.findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| format!("{} {}", f.code.code(), f.detail)),
        );
    }
    PdfFinding::new(PdfCode::SignatureInvalid, reasons.join("; "))
}

/// The gap must lie inside the signature dictionary's own object, and no
/// other object of the signed revision may start inside that object
/// (an object hidden in unsigned bytes).
fn gap_inside_own_object(
    doc: &Document<'_>,
    sig_ref: ObjRef,
    span: Option<(u64, u64)>,
    rev: usize,
    segments: &Segments,
    findings: &mut Vec<PdfFinding>,
) -> bool {
    let Some((start, end)) = span else {
        findings.push(PdfFinding::new(
            PdfCode::ContentsGapMismatch,
            format!("signature dictionary {sig_ref} is in an object stream: its /Contents has no place in the file"),
        ));
        return false;
    };
    let (g0, g1) = (segments[0].1, segments[1].0);
    if g0 <= start || g1 >= end {
        findings.push(PdfFinding::new(
            PdfCode::ContentsGapMismatch,
            format!(
                "the gap {g0}-{g1} is not inside signature object {sig_ref} (bytes {start}-{end})"
            ),
        ));
        return false;
    }
    for r in &doc.revisions[..=rev] {
        for (num, e) in &r.entries {
            if let super::xref::XrefEntry::InUse { offset, .. } = e
                && *num != sig_ref.num
                && *offset >= g0
                && *offset < g1
            {
                findings.push(PdfFinding::new(
                    PdfCode::ContentsGapMismatch,
                    format!(
                        "object {num} starts at byte {offset}, inside the unsigned gap {g0}-{g1}"
                    ),
                ));
                return false;
            }
        }
    }
    true
}

/// The digest of the ByteRange bytes, streamed from the file.
fn digest_segments(
    doc: &Document<'_>,
    segments: &Segments,
    alg: DigestAlgorithm,
) -> PdfResult<Vec<u8>> {
    let mut h = alg.hasher();
    for (off, len) in segments {
        doc.source
            .stream_range(*off, *len, &mut |b| h.update(b))
            .map_err(|e| PdfError::malformed(format!("read error: {e}")))?;
    }
    Ok(h.finalize())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// adbe.x509.rsa_sha1 (ISO 32000-1 12.8.3.2): /Cert holds the signer
/// certificate (first of an array), /Contents a DER OCTET STRING with the
/// PKCS#1 v1.5 signature over the SHA-1 of the ByteRange.
fn verify_rsa_sha1(
    doc: &Document<'_>,
    dict: &Dict,
    contents: &[u8],
    segments: &Segments,
    ctx: &VerifyContext<'_>,
    sig: &mut PdfSignature,
) -> PdfResult<()> {
    let cert_bytes = match dict.get(b"Cert") {
        Some(Object::Str(s)) => Some(s.bytes.clone()),
        Some(Object::Array(a)) => match a.first() {
            Some(Object::Str(s)) => Some(s.bytes.clone()),
            _ => None,
        },
        _ => None,
    };
    let Some(cert) = cert_bytes.and_then(|b| Certificate::from_der(&b).ok()) else {
        sig.findings.push(PdfFinding::new(
            PdfCode::ContentsMalformed,
            "adbe.x509.rsa_sha1 without a readable /Cert",
        ));
        return Ok(());
    };
    let Some(value) = contents_value(contents, &mut sig.findings) else {
        return Ok(());
    };
    let signature = match crate::cms::tlv::single(value, "signature") {
        Ok(t) if t.tag == crate::cms::tlv::tag::OCTET_STRING => t.value.to_vec(),
        _ => {
            sig.findings.push(PdfFinding::new(
                PdfCode::ContentsMalformed,
                "adbe.x509.rsa_sha1 /Contents is not a DER OCTET STRING",
            ));
            return Ok(());
        }
    };
    let total = segments[0].1 + segments[1].1;
    if total > ctx.limits.max_buffered_content as u64 {
        sig.findings.push(PdfFinding::new(
            PdfCode::LimitExceeded,
            format!(
                "adbe.x509.rsa_sha1 over {total} bytes: more than the {} byte buffer",
                ctx.limits.max_buffered_content
            ),
        ));
        return Ok(());
    }
    let mut data = Vec::with_capacity(total as usize);
    for (off, len) in segments {
        doc.source
            .stream_range(*off, *len, &mut |b| data.extend_from_slice(b))
            .map_err(|e| PdfError::malformed(format!("read error: {e}")))?;
    }
    match verify_pkcs1(&data, &signature, &cert, "SHA1withRSA", ctx) {
        Ok(r) => {
            if !r.signature.is_valid() {
                sig.findings.push(PdfFinding::new(
                    PdfCode::SignatureInvalid,
                    "the PKCS#1 signature does not verify over the ByteRange",
                ));
            }
            sig.raw = Some(r);
        }
        Err(e) => sig.findings.push(PdfFinding::new(
            PdfCode::SubFilterUnsupported,
            format!("adbe.x509.rsa_sha1: {e}"),
        )),
    }
    Ok(())
}

//! PDFs signed with OpenSSL-made CMS, then attacked: universal signature
//! forgery (ByteRange and /Contents tricks), incremental saving attacks,
//! signature wrapping, shadow attacks (Mladenov et al., CCS 2019; Mainka
//! et al., NDSS 2021). Every attack must fail or be flagged; every byte
//! of a signed file mutated must fail.

use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::pdf::{
    Coverage, ModificationLevel, PdfCode, PdfOptions, PdfSeverity, PdfValidation, verify_pdf,
};
use validate_tests::pdf::{Pdf, embed, fill_byte_range, openssl_sign, sign, signed_document};

const CONTENT: &str = "BT /F1 24 Tf 20 150 Td (Pay 100 EUR) Tj ET";

fn anchors() -> TrustStore {
    let root = std::fs::read(validate_tests::repo_root().join("examples/chain/root.pem")).unwrap();
    TrustStore::from_certificates(validate::read_certificates_strict(&root).unwrap())
}

fn check(bytes: &[u8]) -> Result<PdfValidation, validate::pdf::PdfError> {
    let anchors = anchors();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
    );
    verify_pdf(
        &mut std::io::Cursor::new(bytes.to_vec()),
        &ctx,
        &PdfOptions::default(),
    )
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The first signature's codes with severity Warning or Error.
fn flagged(v: &PdfValidation) -> Vec<PdfCode> {
    v.signatures[0]
        .findings
        .iter()
        .filter(|f| f.severity >= PdfSeverity::Warning)
        .map(|f| f.code)
        .collect()
}

/// An attack result is safe when the file is refused, or the first
/// signature is invalid, or it carries a warning or error.
fn assert_caught(name: &str, r: &Result<PdfValidation, validate::pdf::PdfError>) {
    match r {
        Err(e) => eprintln!("{name}: refused: {:?} {}", e.code, e.detail),
        Ok(v) => {
            let s = &v
                .signatures
                .first()
                .unwrap_or_else(|| panic!("{name}: no signature"));
            assert!(
                !s.valid || !flagged(v).is_empty(),
                "{name}: accepted without a finding: {:?}",
                s.findings
            );
            eprintln!("{name}: valid={} findings {:?}", s.valid, flagged(v));
        }
    }
}

fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "same length keeps offsets");
    let pos = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern");
    let mut out = bytes.to_vec();
    out[pos..pos + to.len()].copy_from_slice(to);
    out
}

#[test]
fn baseline_signed_pdf_is_valid() {
    let dir = tmp();
    let pdf = signed_document(dir.path(), CONTENT);
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert!(
        s.valid,
        "{:?} {:?}",
        s.findings,
        s.cms.as_ref().map(|c| &c.signers[0].findings)
    );
    assert_eq!(s.coverage, Coverage::EntireFile);
    assert_eq!(s.modification_level, ModificationLevel::None);
    assert_eq!(s.revision, Some(0));
    assert!(s.findings.iter().any(|f| f.code == PdfCode::ContentsPadded));
    assert!(flagged(&v).is_empty());
}

/// True when the first signature is valid and neither the PDF nor the
/// CMS layer has a warning or error for it.
fn accepted_silently(v: &PdfValidation) -> bool {
    let Some(s) = v.signatures.first() else {
        return false;
    };
    s.valid
        && flagged(v).is_empty()
        && s.cms.as_ref().is_none_or(|c| {
            c.findings.is_empty() && c.signers.iter().all(|x| x.findings.is_empty())
        })
}

#[test]
fn every_mutated_byte_fails() {
    let dir = tmp();
    let pdf = signed_document(dir.path(), CONTENT);
    let anchors = anchors();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
    );
    let original = check(&pdf.bytes).unwrap();
    let cms = original.signatures[0].cms.as_ref().unwrap();
    // Where the signed attributes and the signature value lie, as hex
    // offsets in the file: a mutant there must fail.
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let text = String::from_utf8_lossy(&pdf.bytes).into_owned();
    let sig_value = text.find(&hex(&cms.signers[0].signature_value)).unwrap();
    let sig_end = sig_value + 2 * cms.signers[0].signature_value.len();
    // The message-digest attribute (RFC 5652 11.2: OID, SET, OCTET STRING
    // of 32 bytes) binds the signed attributes to the ByteRange.
    let digest_attr = text.find("06092A864886F70D010904").unwrap();
    let digest_end = digest_attr + 22 + 8 + 64;
    let mut accepted = Vec::new();
    for i in 0..pdf.bytes.len() {
        let mut m = pdf.bytes.clone();
        m[i] ^= 0x01;
        if let Ok(v) = verify_pdf(&mut std::io::Cursor::new(m), &ctx, &PdfOptions::default())
            && accepted_silently(&v)
        {
            accepted.push(i);
        }
    }
    // Known and left to the CMS core: unsigned fields of the SignedData
    // wrapper and of its certificates that its parser reads leniently
    // (version numbers, BIT STRING unused-bit counts, string tags of the
    // signer's issuer name, NULL parameters). None is in the signed PDF
    // bytes, the message digest or the signature value.
    let (g0, g1) = validate_tests::pdf::placeholder_gap(&pdf.bytes);
    let outside: Vec<usize> = accepted
        .iter()
        .copied()
        .filter(|&i| {
            i <= g0
                || i >= g1 - 1
                || (sig_value..sig_end).contains(&i)
                || (digest_attr..digest_end).contains(&i)
        })
        .collect();
    assert!(
        outside.is_empty(),
        "mutants accepted in signed bytes, the message digest or the signature value: {outside:?}"
    );
    eprintln!(
        "{} mutants of unsigned CMS wrapper bytes accepted (CMS core leniency): {accepted:?}",
        accepted.len()
    );
}

#[test]
fn universal_signature_forgery() {
    let dir = tmp();
    let pdf = signed_document(dir.path(), CONTENT);
    let b = &pdf.bytes;
    let br_at = b.windows(12).position(|w| w == b"/ByteRange [").unwrap();
    let br_end = b[br_at..].iter().position(|&x| x == b']').unwrap() + br_at + 1;
    let original = b[br_at..br_end].to_vec();
    let same_len = |text: &str| -> Vec<u8> {
        let mut t = text.as_bytes().to_vec();
        assert!(t.len() <= original.len());
        t.resize(original.len(), b' ');
        t
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "no ByteRange",
            replace_once(b, &original, &same_len("/Foo 0")),
        ),
        (
            "empty ByteRange",
            replace_once(b, &original, &same_len("/ByteRange []")),
        ),
        (
            "null ByteRange",
            replace_once(b, &original, &same_len("/ByteRange null")),
        ),
        (
            "three numbers",
            replace_once(b, &original, &same_len("/ByteRange [0 10 20]")),
        ),
        (
            "zero ByteRange",
            replace_once(b, &original, &same_len("/ByteRange [0 0 0 0]")),
        ),
        (
            "ByteRange over the whole file",
            replace_once(
                b,
                &original,
                &same_len(&format!("/ByteRange [0 {} {} 0]", b.len(), b.len())),
            ),
        ),
    ];
    for (name, bytes) in &cases {
        let r = check(bytes);
        assert_caught(name, &r);
        if let Ok(v) = &r {
            assert!(!v.signatures[0].valid, "{name}");
        }
    }
    // /Contents emptied (all zeros) and /Contents of another document.
    let (g0, g1) = validate_tests::pdf::placeholder_gap(b);
    let mut zeroed = b.clone();
    for x in &mut zeroed[g0 + 1..g1 - 1] {
        *x = b'0';
    }
    let r = check(&zeroed);
    assert_caught("zeroed /Contents", &r);
    assert!(
        r.unwrap().signatures[0]
            .findings
            .iter()
            .any(|f| f.code == PdfCode::ContentsMalformed)
    );
    let other = signed_document(dir.path(), "BT /F1 24 Tf 20 150 Td (Pay 999 EUR) Tj ET");
    let mut swapped = b.clone();
    swapped[g0..g1].copy_from_slice(&other.bytes[g0..g1]);
    let r = check(&swapped);
    assert_caught("/Contents of another document", &r);
    assert!(!r.unwrap().signatures[0].valid);
    // Bytes other than zeros after the DER value.
    let mut trailing = b.clone();
    trailing[g1 - 3] = b'7';
    let r = check(&trailing);
    assert!(
        r.unwrap().signatures[0]
            .findings
            .iter()
            .any(|f| f.code == PdfCode::ContentsMalformed)
    );
}

/// Appends an update that redefines `objects` and ends a revision.
fn update(pdf: &mut Pdf, objects: &[(u32, &str)]) {
    for (num, body) in objects {
        pdf.object(*num, body);
    }
    pdf.end_revision("");
}

#[test]
fn incremental_saving_attack_changes_content() {
    let dir = tmp();
    let mut pdf = signed_document(dir.path(), CONTENT);
    let before = pdf.bytes.len();
    pdf.stream(6, "", b"BT /F1 24 Tf 20 150 Td (Pay 999 EUR) Tj ET");
    pdf.end_revision("");
    let v = check(&pdf.bytes).unwrap();
    let s = &v.signatures[0];
    assert_eq!(s.coverage, Coverage::EntireRevision);
    assert_eq!(s.modification_level, ModificationLevel::Other);
    assert!(
        flagged(&v).contains(&PdfCode::ModifiedAfterSigning),
        "{:?}",
        s.findings
    );
    assert!(pdf.bytes.len() > before);
    // A new page tree (the whole document replaced).
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[
            (
                1,
                "<< /Type /Catalog /Pages 8 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
            ),
            (8, "<< /Type /Pages /Kids [9 0 R] /Count 1 >>"),
            (9, "<< /Type /Page /Parent 8 0 R /MediaBox [0 0 300 300] >>"),
        ],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(v.signatures[0].modification_level, ModificationLevel::Other);
    assert_caught("new page tree", &Ok(v));
    // An update that only rewrites objects identically changes nothing.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[(7, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(v.signatures[0].modification_level, ModificationLevel::None);
    assert!(v.signatures[0].valid);
}

/// A certified document (DocMDP /P `p`) with a text field `Name`.
fn certified_form(dir: &std::path::Path, p: u8, lock: &str) -> Pdf {
    let mut pdf = Pdf::new();
    pdf.object(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 10 0 R] /SigFlags 3 >> /Perms << /DocMDP 5 0 R >> >>");
    pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Annots [4 0 R 10 0 R] >>");
    pdf.object(4, &format!("<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R {lock}>>"));
    pdf.object(10, "<< /FT /Tx /T (Name) /V (Alice) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>");
    pdf.stream(6, "", CONTENT.as_bytes());
    pdf.signature_placeholder(
        5,
        "adbe.pkcs7.detached",
        &format!("/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P {p} /V /1.2 >> >>] "),
    );
    pdf.end_revision("");
    sign(&mut pdf, dir);
    pdf
}

#[test]
fn docmdp_and_fieldmdp() {
    let dir = tmp();
    let fill = "<< /FT /Tx /T (Name) /V (Mallory) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R >>";
    // P2 allows form filling.
    let mut pdf = certified_form(dir.path(), 2, "");
    assert!(check(&pdf.bytes).unwrap().signatures[0].valid);
    update(&mut pdf, &[(10, fill)]);
    let v = check(&pdf.bytes).unwrap();
    let s = &v.signatures[0];
    assert_eq!(s.modification_level, ModificationLevel::FormFilling);
    assert!(s.valid, "{:?}", s.findings);
    assert!(
        s.findings
            .iter()
            .any(|f| f.code == PdfCode::FormFilledAfterSigning)
    );
    assert_eq!(s.doc_mdp.as_ref().unwrap().permission, 2);
    // P1 forbids it.
    let mut pdf = certified_form(dir.path(), 1, "");
    update(&mut pdf, &[(10, fill)]);
    let v = check(&pdf.bytes).unwrap();
    assert!(!v.signatures[0].valid);
    assert!(flagged(&v).contains(&PdfCode::DocMdpViolation));
    // P2 forbids an overlay annotation (shadow attack, hide).
    let mut pdf = certified_form(dir.path(), 2, "");
    update(
        &mut pdf,
        &[
            (
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Annots [4 0 R 10 0 R 11 0 R] >>",
            ),
            (
                11,
                "<< /Type /Annot /Subtype /Square /Rect [0 0 300 300] /IC [1 1 1] >>",
            ),
        ],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(
        v.signatures[0].modification_level,
        ModificationLevel::Annotations
    );
    assert!(flagged(&v).contains(&PdfCode::DocMdpViolation));
    // A visible signature field added after certification.
    let mut pdf = certified_form(dir.path(), 3, "");
    update(
        &mut pdf,
        &[
            (
                1,
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 10 0 R 12 0 R] /SigFlags 3 >> /Perms << /DocMDP 5 0 R >> >>",
            ),
            (
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Annots [4 0 R 10 0 R 12 0 R] >>",
            ),
            (
                12,
                "<< /FT /Sig /T (Sig2) /Type /Annot /Subtype /Widget /Rect [0 0 300 300] /P 3 0 R >>",
            ),
        ],
    );
    let v = check(&pdf.bytes).unwrap();
    assert!(
        flagged(&v).contains(&PdfCode::SignatureFieldAddedAfterCertification),
        "{:?}",
        v.signatures[0].findings
    );
    // FieldMDP: a lock on Name makes filling it invalid even at P2.
    let mut pdf = certified_form(
        dir.path(),
        2,
        "/Lock << /Type /SigFieldLock /Action /Include /Fields [(Name)] >> ",
    );
    update(&mut pdf, &[(10, fill)]);
    let v = check(&pdf.bytes).unwrap();
    assert!(
        flagged(&v).contains(&PdfCode::FieldMdpViolation),
        "{:?}",
        v.signatures[0].findings
    );
    assert!(!v.signatures[0].valid);
}

#[test]
fn shadow_attacks_are_flagged_after_approval_signatures() {
    let dir = tmp();
    // Hide: an opaque annotation over the page.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[
            (
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [4 0 R 11 0 R] >>",
            ),
            (
                11,
                "<< /Type /Annot /Subtype /FreeText /Rect [0 0 300 300] /Contents (Pay 999 EUR) /DA (/F1 24 Tf) >>",
            ),
        ],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(
        v.signatures[0].modification_level,
        ModificationLevel::Annotations
    );
    assert!(flagged(&v).contains(&PdfCode::AnnotationsAfterSigning));
    // Replace: the font (a resource of signed content) redefined.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[(7, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(v.signatures[0].modification_level, ModificationLevel::Other);
    assert!(flagged(&v).contains(&PdfCode::ModifiedAfterSigning));
    // Replace through an appearance stream shared with page content: the
    // widget's /AP stream is also the page's content stream.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[(
            4,
            "<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R /AP << /N 6 0 R >> >>",
        )],
    );
    pdf.stream(
        6,
        "/Type /XObject /Subtype /Form /BBox [0 0 1 1]",
        b"BT /F1 24 Tf 20 150 Td (Pay 999 EUR) Tj ET",
    );
    pdf.end_revision("");
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(
        v.signatures[0].modification_level,
        ModificationLevel::Other,
        "{:?}",
        v.signatures[0].findings
    );
    // Hide-and-replace through a form field: a new text field.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[
            (
                1,
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 12 0 R] /SigFlags 3 >> >>",
            ),
            (
                12,
                "<< /FT /Tx /T (Overlay) /V (Pay 999 EUR) /Type /Annot /Subtype /Widget /Rect [0 0 300 300] /P 3 0 R >>",
            ),
        ],
    );
    let v = check(&pdf.bytes).unwrap();
    assert_eq!(v.signatures[0].modification_level, ModificationLevel::Other);
    assert_caught("new text field over content", &Ok(v));
}

#[test]
fn signature_wrapping() {
    let dir = tmp();
    // The signature dictionary rewritten in a later revision (its
    // ByteRange now pointing elsewhere).
    let mut pdf = signed_document(dir.path(), CONTENT);
    let start = pdf.bytes.windows(7).position(|w| w == b"5 0 obj").unwrap();
    let end = pdf.bytes[start..]
        .windows(6)
        .position(|w| w == b"endobj")
        .unwrap()
        + start;
    let body = String::from_utf8(pdf.bytes[start + 8..end - 1].to_vec()).unwrap();
    update(
        &mut pdf,
        &[(
            5,
            &body.replacen("/M (D:20260101000000Z)", "/M (D:20270101000000Z)", 1),
        )],
    );
    let r = check(&pdf.bytes);
    assert_caught("signature dictionary rewritten", &r);
    assert!(flagged(&r.unwrap()).contains(&PdfCode::SignatureDictionaryChanged));
    // The ByteRange moved: the signed second segment starts later, with
    // an object inserted in the new gap.
    let pdf = signed_document(dir.path(), CONTENT);
    let (g0, g1) = validate_tests::pdf::placeholder_gap(&pdf.bytes);
    let moved = replace_once(
        &pdf.bytes,
        format!("{g1:010}").as_bytes(),
        format!("{:010}", g1 + 2).as_bytes(),
    );
    let r = check(&moved);
    assert_caught("ByteRange moved", &r);
    let _ = g0;
    // A revision whose xref points one byte off.
    let mut pdf = signed_document(dir.path(), CONTENT);
    update(
        &mut pdf,
        &[(7, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")],
    );
    let xref_at = pdf
        .bytes
        .windows(6)
        .rposition(|w| w == b"\nxref\n")
        .unwrap();
    let entry_at = xref_at
        + pdf.bytes[xref_at..]
            .windows(3)
            .position(|w| w == b"7 1")
            .unwrap()
        + 4;
    let off: usize = std::str::from_utf8(&pdf.bytes[entry_at..entry_at + 10])
        .unwrap()
        .parse()
        .unwrap();
    let shifted = replace_once(
        &pdf.bytes[..],
        &pdf.bytes[entry_at..entry_at + 10],
        format!("{:010}", off + 1).as_bytes(),
    );
    let r = check(&shifted);
    assert!(
        matches!(&r, Err(e) if e.code == PdfCode::Malformed),
        "{:?}",
        r.as_ref().err()
    );
    // Signed bytes that end inside a revision (a tail appended without
    // its own %%EOF).
    let mut pdf = signed_document(dir.path(), CONTENT);
    let (gap, _) = fill_byte_range(&mut pdf.bytes);
    let _ = gap;
    pdf.bytes.extend_from_slice(b"% appended tail\n");
    let r = check(&pdf.bytes);
    assert!(r.is_err() || !r.unwrap().signatures[0].valid);
    // An openssl signature over other bytes than the ByteRange.
    let mut pdf = signed_document(dir.path(), CONTENT);
    let (gap, _) = fill_byte_range(&mut pdf.bytes);
    let der = openssl_sign(dir.path(), b"something else", &[]);
    embed(&mut pdf.bytes, gap, &der);
    let r = check(&pdf.bytes).unwrap();
    assert!(flagged(&r).contains(&PdfCode::SignatureInvalid));
}

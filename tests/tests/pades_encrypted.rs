//! Signed encrypted PDFs: a one-page document encrypted by qpdf (R2 RC4
//! 40-bit, R3 RC4 128-bit, R4 AES-128, R6 AES-256, with and without
//! object streams), then signed in an incremental update this test
//! writes, its strings (/T, /M) encrypted with the file key qpdf reports
//! (`--show-encryption-key`) and the signature's /Contents left in clear
//! (ISO 32000-2 7.6.1). Signing follows encryption, so the signature
//! covers the encrypted bytes. pdfsig (poppler) judges the same files.

use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::pdf::{Coverage, PdfCode, PdfError, PdfOptions, PdfValidation, verify_pdf};
use validate_tests::pdf_encrypted::{OWNER, USER, encrypt_then_sign, pdfsig};

fn anchors() -> TrustStore {
    let root = std::fs::read(validate_tests::repo_root().join("examples/chain/root.pem")).unwrap();
    TrustStore::from_certificates(validate::read_certificates_strict(&root).unwrap())
}

fn check(bytes: &[u8], password: Option<&str>) -> Result<PdfValidation, PdfError> {
    let anchors = anchors();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
    );
    let mut options = PdfOptions::default();
    options.password = password.map(|p| p.as_bytes().to_vec());
    verify_pdf(&mut std::io::Cursor::new(bytes.to_vec()), &ctx, &options)
}

const CASES: &[(&str, &[&str])] = &[
    ("R2 RC4 40-bit", &["40"]),
    ("R3 RC4 128-bit", &["128"]),
    ("R4 AES-128", &["128", "--use-aes=y"]),
    ("R6 AES-256", &["256"]),
    (
        "R6 AES-256, object streams",
        &["256", "--object-streams=generate"],
    ),
];

#[test]
fn signed_encrypted_files_verify_with_either_password() {
    for (name, args) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let bytes = encrypt_then_sign(dir.path(), args);
        let oracle = pdfsig(dir.path(), &bytes);
        assert!(
            oracle.contains("Signature Field Name: Sig1")
                && oracle.contains("Signature Validation: Signature is Valid."),
            "{name}: pdfsig says {oracle}"
        );
        for password in [USER, OWNER] {
            let v = check(&bytes, Some(password)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(v.encrypted, "{name}");
            assert_eq!(v.signatures.len(), 1, "{name}");
            let s = &v.signatures[0];
            assert!(s.valid, "{name} ({password}): {:?}", s.findings);
            // The decrypted /T and /M: the strings were decrypted with
            // their object's key, /Contents was not.
            assert_eq!(s.field_name, "Sig1", "{name}");
            assert_eq!(
                s.claimed_time.as_deref(),
                Some("D:20260101000000Z"),
                "{name}"
            );
            assert_eq!(s.coverage, Coverage::EntireFile, "{name}");
            assert_eq!(s.revision, Some(1), "{name}");
        }
    }
}

#[test]
fn missing_or_wrong_password_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [CASES[1], CASES[3]] {
        let bytes = encrypt_then_sign(dir.path(), args);
        assert_eq!(
            check(&bytes, None).unwrap_err().code,
            PdfCode::PasswordMissing,
            "{name}"
        );
        assert_eq!(
            check(&bytes, Some("user-secreT")).unwrap_err().code,
            PdfCode::PasswordWrong,
            "{name}"
        );
    }
}

#[test]
fn signed_encrypted_file_altered_fails() {
    // The page content (encrypted) changed by one byte inside the signed
    // bytes: the signature no longer verifies; pdfsig agrees.
    let dir = tempfile::tempdir().unwrap();
    let bytes = encrypt_then_sign(dir.path(), CASES[3].1);
    let at = bytes
        .windows(6)
        .position(|w| w == b"stream")
        .expect("a stream")
        + 20;
    let mut altered = bytes.clone();
    altered[at] ^= 0x01;
    let v = check(&altered, Some(USER)).unwrap();
    let s = &v.signatures[0];
    assert!(!s.valid);
    assert!(
        s.findings
            .iter()
            .any(|f| f.code == PdfCode::SignatureInvalid),
        "{:?}",
        s.findings
    );
    assert!(pdfsig(dir.path(), &altered).contains("Signature Validation: Digest Mismatch."));
}

#[test]
fn unsupported_handlers_are_input_errors() {
    // pyHanko's test data (tests/pades/pyhanko): the public-key security
    // handler (/Adobe.PubSec) is not the standard one.
    let path = validate_tests::repo_root()
        .join("tests/pades/pyhanko/signed-encrypted-pubkey-with-catalog-ref.pdf");
    let bytes = std::fs::read(path).unwrap();
    let e = check(&bytes, None).unwrap_err();
    assert_eq!(e.code, PdfCode::EncryptionUnsupported, "{}", e.detail);
    // The same bytes with an altered /P in an R6 file (Algorithm 13).
    let dir = tempfile::tempdir().unwrap();
    let bytes = encrypt_then_sign(dir.path(), CASES[3].1);
    let pos = bytes
        .windows(6)
        .position(|w| w == b"/P -4 ")
        .expect("/P -4");
    let mut altered = bytes.clone();
    altered[pos..pos + 6].copy_from_slice(b"/P -8 ");
    assert_eq!(
        check(&altered, Some(USER)).unwrap_err().code,
        PdfCode::Malformed
    );
}

#[test]
fn every_mutated_byte_of_a_signed_encrypted_file_fails() {
    // R4 AES-128 (cheap key derivation): every signed byte (outside the
    // /Contents gap), and inside the gap the signature value and the
    // message-digest attribute; R6 every 61st of those bytes. A mutant may
    // be refused (Err) or its signature invalid, never accepted. (Unsigned
    // fields of the CMS wrapper are the CMS core's leniency, as in
    // pades_attacks.rs every_mutated_byte_fails.)
    let dir = tempfile::tempdir().unwrap();
    for (name, args, step) in [(CASES[2].0, CASES[2].1, 1), (CASES[3].0, CASES[3].1, 61)] {
        let bytes = encrypt_then_sign(dir.path(), args);
        let v = check(&bytes, Some(USER)).unwrap();
        let s = &v.signatures[0];
        let (gap_start, gap_end) = (s.byte_range[1] as usize, s.byte_range[2] as usize);
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let value = &s.cms.as_ref().unwrap().signers[0].signature_value;
        let sig_at = text.find(&hex(value)).unwrap();
        // RFC 5652 11.2: the OID, SET and 32-byte OCTET STRING.
        let digest_at = text.find("06092A864886F70D010904").unwrap();
        let targets: Vec<usize> = (0..gap_start)
            .chain(gap_end..bytes.len())
            .chain(sig_at..sig_at + 2 * value.len())
            .chain(digest_at..digest_at + 22 + 8 + 64)
            .step_by(step)
            .collect();
        for &at in &targets {
            let mut mutant = bytes.clone();
            // Inside the hex string a case change is the same value
            // (7.3.4.3): put another digit instead.
            mutant[at] = if (gap_start..gap_end).contains(&at) {
                if bytes[at] == b'0' { b'1' } else { b'0' }
            } else {
                bytes[at] ^ 0x20
            };
            if let Ok(v) = check(&mutant, Some(USER)) {
                assert!(
                    v.signatures.iter().all(|s| !s.valid),
                    "{name}: byte {at} ({:?} -> {:?}) mutated and still valid",
                    bytes[at] as char,
                    mutant[at] as char
                );
            }
        }
        assert!(targets.len() > 40, "{name}: {} mutants", targets.len());
    }
}

//! `validate verify` on XML signatures: enveloped (tests/xades/example-signed.xml,
//! made by xmlsec1) and detached (signed here by xmlsec1 over a file), the
//! type detected or given, each report equal to the one `validate request`
//! prints for the same input (the CLI hands XML to `Validator::verify_xml`
//! directly; the request decodes base64 first); altered content or a
//! missing detached content are refused.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64ct::{Base64, Encoding};
use serde_json::{Value, json};

const AT: &str = "2030-01-01T00:00:00Z";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn validate(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Err(e) = input.write_all(stdin.unwrap_or("").as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn verify(extra: &[&str]) -> Output {
    let policy = s(&repo("examples/policy.json"));
    let mut args = vec![
        "verify",
        "--policy-file",
        &policy,
        "--at",
        AT,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    validate(&args, None)
}

fn request(body: &Value) -> Output {
    let policy = s(&repo("examples/policy.json"));
    validate(
        &[
            "request",
            "--policy-file",
            &policy,
            "--at",
            AT,
            "--format",
            "json",
        ],
        Some(&body.to_string()),
    )
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a report ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn enveloped_signature_verifies_as_the_request_does() {
    let xml = repo("tests/xades/example-signed.xml");
    let detected = verify(&["--signature", &s(&xml)]);
    assert_eq!(
        detected.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&detected.stderr)
    );
    let r = report(&detected);
    assert_eq!(r["policy"]["signature"]["type"], "XAdES");
    assert_eq!(r["signedScope"][0]["scope"], "FULL");
    let named = verify(&["--signature", &s(&xml), "--type", "XAdES-Enveloped"]);
    assert_eq!(report(&named), r);
    let bytes = std::fs::read(&xml).unwrap();
    let via_request = request(&json!({
        "signatureType": "XAdES-Enveloped",
        "signature": Base64::encode_string(&bytes),
    }));
    assert_eq!(via_request.status.code(), Some(0));
    assert_eq!(report(&via_request), r, "the CLI and the request disagree");
}

#[test]
fn altered_enveloped_content_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("tests/xades/example-signed.xml")).unwrap();
    assert!(text.contains("1250.00"));
    let altered = dir.path().join("altered.xml");
    std::fs::write(&altered, text.replace("1250.00", "9250.00")).unwrap();
    let out = verify(&["--signature", &s(&altered)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A near-miss type is a request error, not another check.
    let near = verify(&["--signature", &s(&altered), "--type", "XAdES-Enveloped "]);
    assert_eq!(near.status.code(), Some(2));
}

#[test]
fn detached_signature_needs_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("invoice.bin");
    std::fs::write(&content, b"Invoice 2029-001: 1250.00 EUR\n").unwrap();
    let template = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="invoice.bin"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#;
    validate_tests::xmlsec::xmlsec_sign(dir.path(), "detached", template, false, &[]);
    let sig = dir.path().join("detached.xml");

    let out = verify(&["--signature", &s(&sig), "--content", &s(&content)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r = report(&out);
    assert_eq!(r["signedScope"][0]["signedNodes"][0]["digestMatches"], true);
    let via_request = request(&json!({
        "signatureType": "XAdES-Detached",
        "signature": Base64::encode_string(&std::fs::read(&sig).unwrap()),
        "signedText": Base64::encode_string(&std::fs::read(&content).unwrap()),
        "signedTextPack": "BASE64",
    }));
    assert_eq!(report(&via_request), r, "the CLI and the request disagree");

    let other = dir.path().join("other.bin");
    std::fs::write(&other, b"Invoice 2029-001: 9250.00 EUR\n").unwrap();
    let out = verify(&["--signature", &s(&sig), "--content", &s(&other)]);
    assert_eq!(out.status.code(), Some(1));
    let missing = verify(&["--signature", &s(&sig), "--type", "XAdES-Detached"]);
    assert_ne!(
        missing.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&missing.stdout)
    );
}

#[test]
fn large_detached_content_is_streamed_with_the_request_s_report() {
    // Over three read chunks of 1 MiB, so the content is hashed while it
    // is read; the report equals the request's, which gets it whole.
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("large.bin");
    let data: Vec<u8> = (0..3 * (1 << 20) + 5)
        .map(|i: usize| (i % 253) as u8)
        .collect();
    std::fs::write(&content, &data).unwrap();
    let template = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="large.bin"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#;
    validate_tests::xmlsec::xmlsec_sign(dir.path(), "large", template, false, &[]);
    let sig = dir.path().join("large.xml");
    let out = verify(&["--signature", &s(&sig), "--content", &s(&content)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let via_request = request(&json!({
        "signatureType": "XAdES-Detached",
        "signature": Base64::encode_string(&std::fs::read(&sig).unwrap()),
        "signedText": Base64::encode_string(&data),
        "signedTextPack": "BASE64",
    }));
    assert_eq!(
        report(&via_request),
        report(&out),
        "the CLI and the request disagree"
    );

    // The last byte changed: refused.
    let mut altered = data.clone();
    *altered.last_mut().unwrap() ^= 1;
    std::fs::write(&content, &altered).unwrap();
    let out = verify(&["--signature", &s(&sig), "--content", &s(&content)]);
    assert_eq!(out.status.code(), Some(1));

    // Content that is not a regular file is an input error naming it.
    let out = verify(&["--signature", &s(&sig), "--content", &s(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
}

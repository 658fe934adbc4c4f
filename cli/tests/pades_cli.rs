//! PDFs through the CLI: `validate verify --signature doc.pdf
//! [--pdf-password PW]` and `validate request` with `pdfFile` and
//! `pdfPassword`, on a signed AES-256 encrypted PDF (qpdf, then signed
//! by the test's incremental update).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use base64ct::{Base64, Encoding};
use validate_tests::pdf_encrypted::{OWNER, USER, encrypt_then_sign};

fn policy() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/policy.json")
        .to_string_lossy()
        .into_owned()
}

fn validate(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Err(e) = input.write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn op_code(out: &Output) -> serde_json::Value {
    report(out)["opResult"]["resultList"][0]["code"].clone()
}

#[test]
fn verify_an_encrypted_pdf_with_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encrypt_then_sign(dir.path(), &["256"]);
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (path, policy) = (path.to_string_lossy().into_owned(), policy());
    let base = [
        "verify",
        "--signature",
        path.as_str(),
        "--policy-file",
        policy.as_str(),
        "--at",
        "2030-01-01T00:00:00Z",
    ];
    for password in [USER, OWNER] {
        let mut args = base.to_vec();
        args.extend(["--pdf-password", password]);
        let out = validate(&args, "");
        let r = report(&out);
        assert_eq!(r["pdfSignatures"][0]["fieldName"], "Sig1", "{r}");
        assert_eq!(r["pdfSignatures"][0]["valid"], true, "{r}");
        assert_eq!(r["policy"]["signature"]["type"], "PAdES", "{r}");
    }
    // No password: an input error in opResult (exit 2), not an invalid
    // signature; a wrong one too.
    let out = validate(&base, "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(op_code(&out), 30319);
    let mut args = base.to_vec();
    args.extend(["--pdf-password", "nope"]);
    let out = validate(&args, "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(op_code(&out), 30325);
    assert!(report(&out).get("policy").is_none_or(|p| p.is_null()));
}

#[test]
fn request_with_pdf_password() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encrypt_then_sign(dir.path(), &["256"]);
    let file = Base64::encode_string(&bytes);
    let policy = policy();
    let args = [
        "request",
        "--policy-file",
        policy.as_str(),
        "--at",
        "2030-01-01T00:00:00Z",
    ];
    let request = |password: Option<&str>| {
        let mut r = serde_json::json!({"signatureType": "PAdES", "pdfFile": file});
        if let Some(p) = password {
            r["pdfPassword"] = p.into();
        }
        r.to_string()
    };
    let out = validate(&args, &request(Some(USER)));
    let r = report(&out);
    assert_eq!(r["pdfSignatures"][0]["fieldName"], "Sig1", "{r}");
    assert_eq!(r["pdfSignatures"][0]["valid"], true, "{r}");
    let out = validate(&args, &request(None));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(op_code(&out), 30319);
    let out = validate(&args, &request(Some("nope")));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(op_code(&out), 30325);
}

//! `validate verify` and `validate request`: the seed's report on stdout;
//! exit 0 acceptable, 1 validation failed, 2 request not processable.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn examples(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
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
    // A command that fails early may close stdin before reading it.
    if let Err(e) = input.write_all(stdin.unwrap_or("").as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn verify_detects_the_type_and_reports() {
    let policy = examples("policy.json");
    let (sig, content) = (
        examples("signatures/detached.p7s"),
        examples("signatures/content.txt"),
    );
    let out = validate(
        &[
            "verify",
            "--signature",
            &sig,
            "--content",
            &content,
            "--policy-file",
            &policy,
            "--at",
            "2030-01-01T00:00:00Z",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);
    assert_eq!(r["policy"]["signature"]["type"], "CAdES-Explicit");
    assert_eq!(r["signers"][0]["status"], 0);

    // Wrong content: validated and found invalid.
    let other = examples("policy.json");
    let out = validate(
        &[
            "verify",
            "--signature",
            &sig,
            "--content",
            &other,
            "--policy-file",
            &policy,
            "--at",
            "2030-01-01T00:00:00Z",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        report(&out)["policy"]["signature"]["resultList"][0]["code"],
        30018
    );

    // Certificates: X509.
    let chain = examples("chain/chain.pem");
    let out = validate(
        &[
            "verify",
            "--signature",
            &chain,
            "--policy-file",
            &policy,
            "--at",
            "2030-01-01T00:00:00Z",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report(&out)["certificates"].as_array().unwrap().len(), 3);

    // Neither a signature nor certificates: bad input, one line naming the file.
    let out = validate(
        &["verify", "--signature", &content, "--policy-file", &policy],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("content.txt") && err.contains("--type"),
        "{err}"
    );
}

#[test]
fn request_reads_the_seed_json_on_stdin() {
    let policy = examples("policy.json");
    let chain = std::fs::read(examples("chain/chain.pem")).unwrap();
    let request = format!(
        r#"{{"signatureType":"X509","certificate":"{}"}}"#,
        <base64ct::Base64 as base64ct::Encoding>::encode_string(&chain)
    );
    let out = validate(
        &[
            "request",
            "--policy-file",
            &policy,
            "--at",
            "2030-01-01T00:00:00Z",
        ],
        Some(&request),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report(&out)["policy"]["name"], "example");
    // A request the service cannot process: opResult ERROR, exit 2, still a report.
    let out = validate(
        &["request", "--policy-file", &policy],
        Some(r#"{"signatureType":"X509"}"#),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(report(&out)["opResult"]["resultList"][0]["code"], 30001);
    // A missing policy file is bad input.
    let out = validate(
        &["request", "--policy-file", "/nonexistent/policy.json"],
        Some("{}"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/policy.json"));
}

//! `validate chain` as CLI.md describes it: JSON with valid, chain,
//! status_flags and results; exit 0 valid, 1 invalid, 2 bad input.

use std::path::Path;
use std::process::{Command, Output};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/chain")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn chain(extra: &[&str]) -> Output {
    let (leaf, root) = (example("leaf.pem"), example("root.pem"));
    let mut args = vec![
        "chain",
        "--leaf",
        &leaf,
        "--anchors",
        &root,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(&args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn valid_code_signing_chain() {
    let intermediate = example("intermediate.pem");
    let out = chain(&[
        "--intermediates",
        &intermediate,
        "--purpose",
        "code-signing",
        "--at",
        "2030-01-01T00:00:00Z",
        "--revocation",
        "none",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = json(&out);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["chain"].as_array().unwrap().len(), 3);
    assert_eq!(
        doc["chain"][2]["Subject"],
        "CN=Example Root CA,OU=Testing,OU=Roots,O=Example Trust,C=GB"
    );
    assert_eq!(doc["chain"][0]["ChainLength"], 3);
    assert_eq!(doc["status_flags"], serde_json::json!([]));
    assert_eq!(doc["results"], serde_json::json!([]));
}

#[test]
fn invalid_chain_says_why() {
    let intermediate = example("intermediate.pem");
    // Wrong purpose and after expiry: both reported, with the rule and the values.
    let out = chain(&[
        "--intermediates",
        &intermediate,
        "--purpose",
        "server-auth",
        "--at",
        "2099-01-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["valid"], false);
    let flags: Vec<&str> = doc["status_flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(flags, ["NotTimeValid", "NotValidForUsage"]);
    let details: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["detail"].as_str())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("notAfter") && d.contains("2099-01-01T00:00:00Z")),
        "{details:?}"
    );
    // Without the intermediate the path cannot reach the anchor.
    let out = chain(&["--at", "2030-01-01T00:00:00Z", "--revocation", "none"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json(&out)["status_flags"],
        serde_json::json!(["PartialChain"])
    );
}

#[test]
fn bad_time_is_bad_input() {
    let out = chain(&["--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--at") && err.contains("yesterday"), "{err}");
}

/// A CRL of the example intermediate CA.
fn make_crl(dir: &Path, revoked_serial: Option<&str>) -> String {
    let (cert, key) = (example("intermediate.pem"), example("intermediate.key"));
    validate_tests::make_crl(dir, Path::new(&cert), Path::new(&key), revoked_serial)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn revocation_from_given_crls() {
    let dir = std::env::temp_dir().join(format!("validate-chain-crl-{}", std::process::id()));
    let intermediate = example("intermediate.pem");
    let revoked = make_crl(&dir.join("revoked"), Some("C0FFEE0123456789"));
    let clean = make_crl(&dir.join("clean"), None);
    let at = "2030-01-01T00:00:00Z";
    // The leaf is on the CRL: invalid, whatever the mode.
    let out = chain(&[
        "--intermediates",
        &intermediate,
        "--crls",
        &revoked,
        "--offline",
        "--at",
        at,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = json(&out);
    assert!(
        doc["status_flags"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("Revoked")),
        "{doc}"
    );
    // Not on the CRL: good for the leaf; the intermediate has no CRL of the root,
    // so hard mode rejects and soft mode only warns.
    let out = chain(&[
        "--intermediates",
        &intermediate,
        "--crls",
        &clean,
        "--offline",
        "--at",
        at,
        "--revocation",
        "hard",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let results = doc["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| r["certificate"] == 1 && r["code"] == 30125),
        "{results:?}"
    );
    let out = chain(&[
        "--intermediates",
        &intermediate,
        "--crls",
        &clean,
        "--offline",
        "--at",
        at,
        "--revocation",
        "soft",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["results"][0]["severity"], "Warning");
}

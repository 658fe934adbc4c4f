//! The seed's report for CAdES and PKCS1 requests through the Validator,
//! on signatures made with the openssl CLI (examples/make-signatures.sh and
//! in this test).

use std::process::Command;

use base64ct::{Base64, Encoding};
use serde_json::{Value, json};
use validate::Timestamp;
use validate::policy::PolicyFile;
use validate::validator::Validator;
use validate_tests::repo_root;

fn examples() -> std::path::PathBuf {
    repo_root().join("examples")
}

fn validator() -> Validator {
    let text = std::fs::read_to_string(examples().join("policy.json")).unwrap();
    let policy = PolicyFile::from_json(&text)
        .unwrap()
        .into_policy(|name| {
            std::fs::read(examples().join(name)).map_err(|e| validate::Error::Invalid {
                what: "policy file",
                rule: e.to_string(),
            })
        })
        .unwrap();
    Validator::new(policy)
}

fn b64(path: &str) -> String {
    Base64::encode_string(&std::fs::read(examples().join(path)).unwrap())
}

fn run(validator: &Validator, request: Value, at: &str) -> Value {
    let at: Timestamp = at.parse().unwrap();
    serde_json::to_value(validator.validate_json(&request.to_string(), at)).unwrap()
}

fn codes(list: &Value) -> Vec<u64> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["code"].as_u64())
        .collect()
}

#[test]
fn detached_cades_valid_and_tampered() {
    let v = validator();
    let request = json!({
        "signatureType": "CAdES",
        "signature": b64("signatures/detached.p7s"),
        "signedText": b64("signatures/content.txt"),
        "signedTextPack": "BASE64-UTF-8",
    });
    let report = run(&v, request.clone(), "2030-01-01T00:00:00Z");
    assert_eq!(report["opResult"]["resultStatus"], 0, "{report}");
    assert_eq!(report["policy"]["resultStatus"], 0, "{report}");
    assert_eq!(report["policy"]["signature"]["type"], "CAdES");
    assert_eq!(report["signers"].as_array().unwrap().len(), 1);
    assert_eq!(
        report["signers"][0]["subject"]["DN"],
        "CN=Example Code Signing, O=Example Software Ltd, C=GB"
    );
    assert_eq!(report["signers"][0]["trustLevel"], 1);

    // The same text, not base64: the UTF-8 bytes are what was signed.
    let text = std::fs::read_to_string(examples().join("signatures/content.txt")).unwrap();
    let mut plain = request.clone();
    plain["signedText"] = json!(text);
    plain.as_object_mut().unwrap().remove("signedTextPack");
    assert_eq!(
        run(&v, plain, "2030-01-01T00:00:00Z")["policy"]["resultStatus"],
        0
    );

    let mut tampered = request;
    tampered["signedText"] = json!(Base64::encode_string(b"not what was signed"));
    let report = run(&v, tampered, "2030-01-01T00:00:00Z");
    assert_eq!(report["policy"]["resultStatus"], 2);
    let list = &report["policy"]["signature"]["resultList"];
    assert!(codes(list).contains(&30018), "{list}");
    assert!(list.to_string().contains("message-digest"), "{list}");
    assert_eq!(v.statistics().success, 2);
    assert_eq!(v.statistics().failure, 1);
}

#[test]
fn attached_signatures_in_every_encoding() {
    let v = validator();
    for file in [
        "signatures/attached.p7m",
        "signatures/attached-ec.pem",
        "signatures/smime-stream.p7s",
    ] {
        let report = run(
            &v,
            json!({"signatureType": "CAdES-Implicit", "signature": b64(file)}),
            "2030-01-01T00:00:00Z",
        );
        assert_eq!(report["policy"]["resultStatus"], 0, "{file}: {report}");
        assert_eq!(report["signers"].as_array().unwrap().len(), 1, "{file}");
    }
    // CAdES-Implicit promises embedded data; a detached signature breaks it.
    let report = run(
        &v,
        json!({"signatureType": "CAdES-Implicit", "signature": b64("signatures/detached.p7s")}),
        "2030-01-01T00:00:00Z",
    );
    assert_eq!(report["policy"]["signature"]["resultStatus"], 2);
}

#[test]
fn multiple_signers_each_get_an_entry() {
    let dir = std::env::temp_dir().join(format!("validate-multi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("multi.p7s");
    let chain = examples().join("chain");
    let status = Command::new("openssl")
        .args([
            "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
        ])
        .arg("-in")
        .arg(examples().join("signatures/content.txt"))
        .arg("-signer")
        .arg(chain.join("leaf.pem"))
        .arg("-inkey")
        .arg(chain.join("leaf.key"))
        .arg("-signer")
        .arg(chain.join("leaf-ec.pem"))
        .arg("-inkey")
        .arg(chain.join("leaf-ec.key"))
        .arg("-out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let request = json!({
        "signatureType": "CAdES-Multiple",
        "signature": Base64::encode_string(&std::fs::read(&out).unwrap()),
        "signedText": b64("signatures/content.txt"),
        "signedTextPack": "BASE64",
    });
    let report = run(&validator(), request, "2030-01-01T00:00:00Z");
    assert_eq!(report["policy"]["resultStatus"], 0, "{report}");
    // SignerInfos are a SET OF: their order is the encoder's.
    let mut subjects: Vec<&str> = report["signers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["subject"]["parsedDN"]["CN"].as_str())
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        ["Example Code Signing", "Example EC Code Signing"]
    );
}

#[test]
fn expired_signer_without_timestamp_fails_at_a_later_time() {
    let request = json!({
        "signatureType": "CAdES",
        "signature": b64("signatures/detached.p7s"),
        "signedText": b64("signatures/content.txt"),
        "signedTextPack": "BASE64",
    });
    let report = run(&validator(), request, "2040-01-01T00:00:00Z");
    assert_eq!(report["policy"]["certificate"]["resultStatus"], 2);
    assert_eq!(report["signers"][0]["status"], 1, "expired");
    assert!(codes(&report["policy"]["certificate"]["resultList"]).contains(&30071));
}

#[test]
fn pkcs1_signature_made_by_openssl() {
    let chain = examples().join("chain");
    let content = examples().join("signatures/content.txt");
    let signature = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(chain.join("leaf.key"))
        .arg(&content)
        .output()
        .unwrap()
        .stdout;
    assert!(!signature.is_empty());
    let v = validator();
    let request = json!({
        "signatureType": "PKCS1",
        "signature": Base64::encode_string(&signature),
        "certificate": b64("chain/leaf.pem"),
        "algorithm": "SHA256withRSA",
        "signedText": b64("signatures/content.txt"),
        "signedTextPack": "BASE64",
    });
    let report = run(&v, request.clone(), "2030-01-01T00:00:00Z");
    assert_eq!(report["policy"]["resultStatus"], 0, "{report}");
    assert_eq!(report["policy"]["signature"]["type"], "PKCS1");
    let mut wrong = request.clone();
    wrong["signedText"] = json!(Base64::encode_string(b"other data"));
    let report = run(&v, wrong, "2030-01-01T00:00:00Z");
    assert_eq!(report["policy"]["signature"]["resultStatus"], 2);
    let mut unknown = request;
    unknown["algorithm"] = json!("ROT13withRSA");
    let report = run(&v, unknown, "2030-01-01T00:00:00Z");
    assert_eq!(report["opResult"]["resultStatus"], 2, "{report}");
}

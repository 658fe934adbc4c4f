//! Signer rules on OpenSSL-made signatures, through the Validator's report:
//! a signer whose keyUsage allows neither digitalSignature nor
//! nonRepudiation (RFC 5280 4.2.1.3), and a SignerInfo whose
//! signatureAlgorithm names another hash than its digestAlgorithm (RFC 5652
//! 5.4, RFC 5754 3), are errors.

use validate::Timestamp;
use validate::path::TrustStore;
use validate::policy::ValidationPolicy;
use validate::report::ValidationReport;
use validate::validator::Validator;
use validate_tests::{CertSigner, issue_certificate, openssl, repo_root};

fn example(name: &str) -> String {
    repo_root()
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn validator() -> Validator {
    let root =
        validate::read_certificates_strict(&std::fs::read(example("chain/root.pem")).unwrap())
            .unwrap();
    Validator::new(ValidationPolicy::new(
        "rules",
        TrustStore::from_certificates(root),
    ))
}

fn codes(report: &ValidationReport) -> Vec<u32> {
    let policy = report.policy.as_ref().unwrap();
    policy
        .signature
        .iter()
        .flat_map(|s| s.status.result_list.iter())
        .chain(
            policy
                .certificate
                .iter()
                .flat_map(|c| c.status.result_list.iter()),
        )
        .map(|r| r.code)
        .collect()
}

fn at() -> Timestamp {
    "2030-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn key_encipherment_only_signer_does_not_sign() {
    let dir = std::env::temp_dir().join(format!("validate-ku-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    std::fs::write(
        p("ext.cnf"),
        "[ke]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,keyEncipherment\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-new",
        "-key",
        &example("chain/leaf.key"),
        "-subj",
        "/CN=Encipherment only",
        "-out",
        &p("ke.csr"),
    ])
    .unwrap();
    issue_certificate(
        &p("ke.csr"),
        CertSigner::Ca {
            cert: &example("chain/intermediate.pem"),
            key: &example("chain/intermediate.key"),
        },
        &p("ext.cnf"),
        "ke",
        "4b45",
        &p("ke.pem"),
    )
    .unwrap();
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-in",
        &example("signatures/content.txt"),
        "-signer",
        &p("ke.pem"),
        "-inkey",
        &example("chain/leaf.key"),
        "-certfile",
        &example("chain/intermediate.pem"),
        "-outform",
        "DER",
        "-out",
        &p("ke.p7m"),
    ])
    .unwrap();
    let report = validator().verify_cms(&std::fs::read(p("ke.p7m")).unwrap(), None, at());
    assert!(
        !report.is_acceptable(),
        "{}",
        serde_json::to_string(&report).unwrap()
    );
    assert!(codes(&report).contains(&30231), "{:?}", codes(&report));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn signature_algorithm_naming_another_hash_is_an_error() {
    let dir = std::env::temp_dir().join(format!("validate-mismatch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-md",
        "sha384",
        "-in",
        &example("signatures/content.txt"),
        "-signer",
        &example("chain/leaf-ec.pem"),
        "-inkey",
        &example("chain/leaf-ec.key"),
        "-certfile",
        &example("chain/intermediate.pem"),
        "-outform",
        "DER",
        "-out",
        &p("ec.p7m"),
    ])
    .unwrap();
    let original = std::fs::read(p("ec.p7m")).unwrap();
    assert!(
        validator()
            .verify_cms(&original, None, at())
            .is_acceptable()
    );
    // ecdsa-with-SHA384 (1.2.840.10045.4.3.3) becomes ecdsa-with-SHA256
    // (...4.3.2) beside digestAlgorithm SHA-384.
    let sha384 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
    let at_oid = original
        .windows(sha384.len())
        .rposition(|w| w == sha384)
        .expect("the SignerInfo's signatureAlgorithm");
    let mut edited = original.clone();
    edited[at_oid + sha384.len() - 1] = 0x02;
    let report = validator().verify_cms(&edited, None, at());
    assert!(!report.is_acceptable());
    assert!(codes(&report).contains(&30229), "{:?}", codes(&report));
    let _ = std::fs::remove_dir_all(&dir);
}

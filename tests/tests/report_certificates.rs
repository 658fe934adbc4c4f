//! The seed's report for certificate-only requests (X509 / P7B), health
//! documents and statistics, on the example chain made with OpenSSL.

use base64ct::{Base64, Encoding};
use serde_json::Value;
use validate::path::TrustStore;
use validate::policy::ValidationPolicy;
use validate::request::ValidationRequest;
use validate::validator::{Health, Validator};
use validate::{Timestamp, read_certificates_strict};
use validate_tests::{openssl, repo_root};

fn example(name: &str) -> std::path::PathBuf {
    repo_root().join("examples/chain").join(name)
}

fn validator() -> Validator {
    let root = read_certificates_strict(&std::fs::read(example("root.pem")).unwrap()).unwrap();
    Validator::new(ValidationPolicy::new(
        "acme",
        TrustStore::from_certificates(root),
    ))
}

fn request(kind: &str, bytes: &[u8]) -> ValidationRequest {
    ValidationRequest {
        signature_type: kind.into(),
        certificate: Some(Base64::encode_string(bytes)),
        ..Default::default()
    }
}

fn at(t: &str) -> Timestamp {
    t.parse().unwrap()
}

fn json(report: &validate::report::ValidationReport) -> Value {
    serde_json::to_value(report).unwrap()
}

#[test]
fn x509_chain_report_matches_openssl_facts() {
    let chain = std::fs::read(example("chain.pem")).unwrap();
    let report = json(&validator().validate(&request("X509", &chain), at("2030-01-01T00:00:00Z")));
    assert_eq!(report["opResult"]["resultStatus"], 0);
    assert_eq!(report["policy"]["resultStatus"], 0);
    assert_eq!(report["policy"]["name"], "acme");
    assert_eq!(report["policy"]["certificate"]["level"], 1);
    let certs = report["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 3);
    let leaf = &certs[0];
    // OpenSSL's view of the same certificate.
    let leaf_path = example("leaf.pem");
    let out = openssl(&[
        "x509",
        "-in",
        leaf_path.to_str().unwrap(),
        "-noout",
        "-serial",
        "-fingerprint",
        "-sha1",
    ])
    .unwrap();
    let serial_hex = out
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap()
        .to_lowercase();
    let sha1 = out
        .lines()
        .find_map(|l| l.split_once("Fingerprint="))
        .unwrap()
        .1
        .replace(':', "")
        .to_lowercase();
    assert_eq!(leaf["serialNumberH"], serial_hex);
    assert_eq!(
        leaf["serialNumber"],
        u128::from_str_radix(&serial_hex, 16).unwrap().to_string()
    );
    assert_eq!(leaf["thumbPrint"], sha1);
    assert_eq!(leaf["status"], 0);
    assert_eq!(leaf["trustLevel"], 1);
    assert_eq!(certs[2]["trustLevel"], 2, "the root is itself the anchor");
    assert_eq!(
        leaf["subject"]["DN"],
        "CN=Example Code Signing, O=Example Software Ltd, C=GB"
    );
    assert_eq!(
        certs[2]["subject"]["parsedDN"]["OU"],
        serde_json::json!({"OU0": "Roots", "OU1": "Testing"})
    );
    assert_eq!(leaf["subjectAltNames"]["email"], "releases@example.com");
    assert_eq!(
        leaf["extensions"]["extendedKeyUsage"][0],
        "1.3.6.1.5.5.7.3.3"
    );
    let not_after = leaf["notAfterTS"].as_i64().unwrap();
    assert_eq!(
        leaf["daysToExpire"],
        (not_after - at("2030-01-01T00:00:00Z").unix_seconds()).div_euclid(86400)
    );
}

#[test]
fn p7b_bundle_made_by_openssl_gives_the_same_certificates() {
    let chain_path = example("chain.pem");
    let p7b = std::process::Command::new("openssl")
        .args([
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            chain_path.to_str().unwrap(),
            "-outform",
            "DER",
        ])
        .output()
        .unwrap()
        .stdout;
    assert!(!p7b.is_empty());
    let report = json(&validator().validate(&request("p7b", &p7b), at("2030-01-01T00:00:00Z")));
    assert_eq!(report["policy"]["resultStatus"], 0, "{report}");
    assert_eq!(report["certificates"].as_array().unwrap().len(), 3);
}

#[test]
fn expired_and_untrusted_certificates_say_why() {
    let leaf = std::fs::read(example("leaf.pem")).unwrap();
    let validator = validator();
    let report = json(&validator.validate(&request("X509", &leaf), at("2030-01-01T00:00:00Z")));
    // No intermediate: untrusted.
    assert_eq!(report["policy"]["resultStatus"], 2);
    assert_eq!(report["certificates"][0]["status"], 4);
    assert_eq!(report["certificates"][0]["trustLevel"], 0);
    let list = report["policy"]["certificate"]["resultList"]
        .as_array()
        .unwrap();
    let serial = report["certificates"][0]["serialNumber"].as_str().unwrap();
    assert!(
        list.iter()
            .any(|r| r["code"] == 30071 && r["detail"] == format!("serial:{serial};")),
        "{list:?}"
    );
    assert!(list.iter().any(|r| r["code"] == 30104), "{list:?}");

    let chain = std::fs::read(example("chain.pem")).unwrap();
    let report = json(&validator.validate(&request("X509", &chain), at("2099-01-01T00:00:00Z")));
    assert_eq!(report["certificates"][0]["status"], 1, "expired");
    assert!(report["certificates"][0]["daysToExpire"].as_i64().unwrap() < 0);
    let list = report["policy"]["certificate"]["resultList"]
        .as_array()
        .unwrap();
    assert!(
        list.iter()
            .any(|r| r["code"] == 30101 && r["detail"].as_str().unwrap().contains("notAfter"))
    );
    let stats = validator.statistics();
    assert_eq!((stats.success, stats.failure), (0, 2));
    assert_eq!(stats.last_validation, Some(at("2099-01-01T00:00:00Z")));
}

#[test]
fn bad_requests_fail_in_op_result_only() {
    let validator = validator();
    let cases = [
        (
            r#"{"signatureType":"X509","certificate":"***"}"#,
            30001,
            "not valid base64",
        ),
        (
            r#"{"signatureType":"Nope","signature":"AA=="}"#,
            30001,
            "signatureType",
        ),
        (
            r#"{"signatureType":"X509","certificate":"AAAA"}"#,
            30002,
            "certificate",
        ),
        (
            r#"{"signatureType":"XAdES-Detached","signature":"AA=="}"#,
            30002,
            "not well-formed",
        ),
        (
            r#"{"signatureType":" P7B","signature":"AA=="}"#,
            30001,
            "is not one of CAdES, CAdES-Multiple",
        ),
        (
            "{\"signatureType\":\"X509\\n\",\"signature\":\"AA==\"}",
            30001,
            "\"X509\\n\" is not one of",
        ),
        (r#"not json"#, 30001, "request"),
    ];
    for (body, code, text) in cases {
        let report = json(&validator.validate_json(body, at("2030-01-01T00:00:00Z")));
        assert_eq!(report["opResult"]["resultStatus"], 2, "{body}");
        assert_eq!(
            report["opResult"]["resultList"][0]["code"], code,
            "{body}: {report}"
        );
        assert!(
            report["opResult"]["resultList"][0]["detail"]
                .as_str()
                .unwrap()
                .contains(text),
            "{body}: {report}"
        );
        assert!(report.get("policy").is_none(), "{body}");
    }
}

#[test]
fn health_documents() {
    assert_eq!(serde_json::to_value(Health::up()).unwrap()["status"], "UP");
    let validator = validator();
    let ok = serde_json::to_value(validator.policy_health(at("2030-01-01T00:00:00Z"))).unwrap();
    assert_eq!(ok["status"], "OK");
    assert_eq!(ok["info"]["policyName"], "acme");
    assert_eq!(ok["info"]["validationLevel"], 1);
    assert_eq!(ok["statistics"]["signatureValidationCounter"]["success"], 0);
    // Every anchor expired: the policy cannot validate anything.
    let expired =
        serde_json::to_value(validator.policy_health(at("2099-01-01T00:00:00Z"))).unwrap();
    assert_eq!(expired["status"], "ERROR");
    let note = &expired["info"]["notes"]["resultList"][0];
    assert!(
        note["detail"]
            .as_str()
            .unwrap()
            .starts_with("[0] TrustAnchor -> CN=Example Root CA"),
        "{note}"
    );
}

#[test]
fn validator_is_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Validator>();
    let validator = validator();
    let chain = std::fs::read(example("chain.pem")).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..5 {
                    assert!(
                        validator
                            .validate(&request("X509", &chain), at("2030-01-01T00:00:00Z"))
                            .is_acceptable()
                    );
                }
            });
        }
    });
    assert_eq!(validator.statistics().success, 20);
}

#[test]
fn policy_health_probes_revocation_sources_at_level_2() {
    let read = |f: &str| read_certificates_strict(&std::fs::read(example(f)).unwrap()).unwrap();
    let mut policy = ValidationPolicy::new("acme", TrustStore::from_certificates(read("root.pem")));
    policy.intermediates =
        validate::path::CertificatePool::from_certificates(read("intermediate.pem"));
    policy.level = validate::policy::ValidationLevel::RevocationSoft;
    let at = at("2030-01-01T00:00:00Z");
    // No CRL and no fetcher: the anchor's revocation source cannot answer.
    let warn = serde_json::to_value(Validator::new(policy.clone()).policy_health(at)).unwrap();
    assert_eq!(warn["status"], "WARN", "{warn}");
    let note = &warn["info"]["notes"]["resultList"][0];
    assert_eq!(note["code"], 30075);
    assert!(
        note["detail"]
            .as_str()
            .unwrap()
            .starts_with("[0] CN=Example Code Signing CA"),
        "{note}"
    );
    // The root's CRL (made by openssl ca) answers for the intermediate.
    let dir = std::env::temp_dir().join(format!("validate-health-{}", std::process::id()));
    let crl = validate_tests::make_crl(&dir, &example("root.pem"), &example("root.key"), None);
    let crls = validate::revocation::read_crls(&std::fs::read(crl).unwrap()).unwrap();
    let sources = validate::revocation::RevocationSources::new().with_crls(crls);
    let ok = serde_json::to_value(
        Validator::new(policy)
            .with_revocation_sources(sources)
            .policy_health(at),
    )
    .unwrap();
    assert_eq!(ok["status"], "OK", "{ok}");
}

#[test]
fn record_timestamping_columns_from_a_tsa_path() {
    use validate::CertificateRecord;
    use validate::path::{CertificatePool, Purpose, ValidationOptions, validate_path};
    let read = |f: &str| read_certificates_strict(&std::fs::read(example(f)).unwrap()).unwrap();
    let tsa = read("tsa.pem").remove(0);
    let anchors = TrustStore::from_certificates(read("root.pem"));
    let pool = CertificatePool::from_certificates(read("intermediate.pem"));
    let mut record = CertificateRecord::from_certificate(&tsa);
    for (time, status) in [
        ("2030-01-01T00:00:00Z", "Good"),
        ("2099-01-01T00:00:00Z", "Invalid"),
    ] {
        let mut options = ValidationOptions::at(at(time));
        options.purposes.push(Purpose::TimeStamping);
        let path = validate_path(
            &tsa,
            &pool,
            &anchors,
            &options,
            &validate::crypto::DefaultVerifier::default(),
        );
        record.set_timestamping_status(&path, at(time));
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["TimestampingStatus"], status);
        assert_eq!(json["TimestampingCommitTimestamp"], time);
        assert!(json["CodeSigningStatus"].is_null());
    }
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["TimestampingStatusFlags"], "NotTimeValid");
}

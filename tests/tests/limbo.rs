//! x509-limbo (tests/conformance/limbo.json): every case runs through the
//! path builder with the case's inputs. Zero false accepts; every
//! disagreement must be listed in tests/conformance/limbo-exceptions.txt
//! with its reason, and a listed case that now agrees fails too (so the
//! list stays true).

use std::collections::BTreeMap;

use validate::cert::KeyUsage;
use validate::crypto::DefaultVerifier;
use validate::path::{
    CertificatePool, Profile, Purpose, TrustStore, ValidationOptions, validate_path_with_revocation,
};
use validate::revocation::{RevocationMode, RevocationSources, read_crls};
use validate::{Certificate, Timestamp, read_certificates_strict};
use validate_tests::repo_root;

fn certs(value: &serde_json::Value) -> Vec<Certificate> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pem| pem.as_str())
        .flat_map(|pem| read_certificates_strict(pem.as_bytes()).unwrap_or_default())
        .collect()
}

fn key_usage_bit(name: &str) -> u16 {
    match name {
        "digitalSignature" => KeyUsage::DIGITAL_SIGNATURE,
        "contentCommitment" | "nonRepudiation" => KeyUsage::NON_REPUDIATION,
        "keyEncipherment" => KeyUsage::KEY_ENCIPHERMENT,
        "dataEncipherment" => KeyUsage::DATA_ENCIPHERMENT,
        "keyAgreement" => KeyUsage::KEY_AGREEMENT,
        "keyCertSign" => KeyUsage::KEY_CERT_SIGN,
        "cRLSign" => KeyUsage::CRL_SIGN,
        "encipherOnly" => KeyUsage::ENCIPHER_ONLY,
        "decipherOnly" => KeyUsage::DECIPHER_ONLY,
        other => panic!("unknown key usage {other}"),
    }
}

fn purpose(name: &str) -> Purpose {
    match name {
        "serverAuth" => Purpose::ServerAuth,
        "clientAuth" => Purpose::ClientAuth,
        "codeSigning" => Purpose::CodeSigning,
        "emailProtection" => Purpose::EmailProtection,
        "timeStamping" => Purpose::TimeStamping,
        "OCSPSigning" => Purpose::OcspSigning,
        "anyExtendedKeyUsage" => Purpose::Any,
        other => panic!("unknown EKU {other}"),
    }
}

/// Runs one case; `Ok(true)` for SUCCESS, with the first findings as text.
fn run_case(case: &serde_json::Value) -> (bool, String) {
    let Some(leaf) = certs(
        &case["peer_certificate"]
            .as_str()
            .map(|s| serde_json::json!([s]))
            .unwrap_or_default(),
    )
    .pop() else {
        return (false, "peer certificate does not parse".into());
    };
    let anchors = TrustStore::from_certificates(certs(&case["trusted_certs"]));
    let intermediates = CertificatePool::from_certificates(certs(&case["untrusted_intermediates"]));
    let time = case["validation_time"]
        .as_str()
        .map(|t| t.parse::<Timestamp>().expect("validation_time"))
        .unwrap_or_else(Timestamp::now);
    let mut options = ValidationOptions::at(time);
    options.profile = Profile::WebPki;
    options.purposes = case["extended_key_usage"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .map(purpose)
        .collect();
    // Server and client validation ask for serverAuth / clientAuth when the case names no EKU.
    if options.purposes.is_empty() {
        options
            .purposes
            .push(match case["validation_kind"].as_str() {
                Some("CLIENT") => Purpose::ClientAuth,
                _ => Purpose::ServerAuth,
            });
    }
    options.key_usage = case["key_usage"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .map(key_usage_bit)
        .fold(0, |a, b| a | b);
    options.max_intermediates = case["max_chain_depth"].as_u64().map(|d| d as usize);
    options.peer_name = case["expected_peer_name"]["value"]
        .as_str()
        .map(str::to_string);
    // With CRLs given, every certificate's status must be determined from them.
    let mut sources = RevocationSources::new();
    for pem in case["crls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        for crl in read_crls(pem.as_bytes()).expect("limbo CRL parses") {
            sources.add_crl(std::sync::Arc::new(crl));
        }
    }
    if !sources.crls().is_empty() {
        options.revocation = RevocationMode::Hard;
        options.offline = true;
    }
    let result = validate_path_with_revocation(
        &leaf,
        &intermediates,
        &anchors,
        &options,
        &DefaultVerifier::default(),
        &sources,
    );
    let detail = result
        .errors()
        .take(3)
        .map(|f| format!("[{:?} @{:?}] {}", f.code, f.certificate, f.detail))
        .collect::<Vec<_>>()
        .join("; ");
    (result.valid, detail)
}

#[test]
fn limbo_cases_agree_with_zero_false_accepts() {
    let text = std::fs::read_to_string(repo_root().join("tests/conformance/limbo.json")).unwrap();
    let limbo: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = limbo["testcases"].as_array().unwrap();
    let exceptions_text =
        std::fs::read_to_string(repo_root().join("tests/conformance/limbo-exceptions.txt"))
            .unwrap();
    let exceptions: BTreeMap<&str, &str> = exceptions_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(char::is_whitespace))
        .map(|(id, reason)| (id, reason.trim()))
        .collect();

    let (mut agree, mut false_accepts, mut false_rejects) = (0, Vec::new(), Vec::new());
    let mut stale_exceptions = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let expected = case["expected_result"].as_str() == Some("SUCCESS");
        let started = std::time::Instant::now();
        let (got, detail) = run_case(case);
        let elapsed = started.elapsed();
        if id.starts_with("pathological::") {
            eprintln!("{id}: {elapsed:?}");
        }
        if got == expected {
            agree += 1;
            if exceptions.contains_key(id) {
                stale_exceptions.push(id);
            }
        } else if got {
            false_accepts.push(format!("{id}: accepted, expected FAILURE"));
        } else if !exceptions.contains_key(id) {
            false_rejects.push(format!("{id}: rejected: {detail}"));
        }
    }
    eprintln!("limbo: {agree} of {} agree", cases.len());
    assert!(
        false_accepts.is_empty() && false_rejects.is_empty(),
        "false accepts:\n{}\nunlisted false rejects:\n{}",
        false_accepts.join("\n"),
        false_rejects.join("\n")
    );
    assert!(
        stale_exceptions.is_empty(),
        "listed exceptions that now agree: {stale_exceptions:?}"
    );
    assert!(agree >= 200, "only {agree} cases agree");
}

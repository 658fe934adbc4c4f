//! Both signature backends give identical results on the conformance
//! suites: every x509-limbo case and every PKITS test is validated once
//! with a verifier that asks RustCrypto and AWS-LC for each signature and
//! records any difference, and once with each backend alone; the verdicts
//! and findings must be equal and no signature may be answered differently.
//! (Wycheproof is compared vector by vector in core/tests/wycheproof.rs.)

use std::sync::{Arc, Mutex};

use der::asn1::ObjectIdentifier;
use spki::AlgorithmIdentifierRef;
use validate::crypto::{
    AwsLcVerifier, KeyCachingVerifier, RustCryptoVerifier, SignatureError, SignatureVerifier,
    SignerKey,
};
use validate::path::{
    CertificatePool, PathValidation, Profile, TrustStore, ValidationOptions,
    validate_path_with_revocation,
};
use validate::revocation::{Crl, RevocationMode, RevocationSources, read_crls};
use validate::{Certificate, Timestamp, read_certificates_strict};
use validate_tests::repo_root;

/// Asks both backends; answers RustCrypto's and records disagreements.
#[derive(Default)]
struct Compare {
    calls: Mutex<usize>,
    disagreements: Mutex<Vec<String>>,
}

impl SignatureVerifier for Compare {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let rust =
            RustCryptoVerifier::new().verify_signature(algorithm, signer, message, signature);
        let aws = AwsLcVerifier::new().verify_signature(algorithm, signer, message, signature);
        *self.calls.lock().unwrap() += 1;
        if rust != aws {
            self.disagreements.lock().unwrap().push(format!(
                "{}: RustCrypto {rust:?}, AWS-LC {aws:?}",
                algorithm.oid
            ));
        }
        rust
    }
}

fn summary(result: &PathValidation) -> String {
    let findings: Vec<String> = result
        .findings
        .iter()
        .map(|f| format!("{:?}@{:?}: {}", f.code, f.certificate, f.detail))
        .collect();
    format!("valid={} {findings:?}", result.valid)
}

/// Validates with each backend (alone, and behind a key cache) and with
/// the comparing verifier; returns the differences found.
fn compare_case(
    id: &str,
    compare: &Compare,
    run: &dyn Fn(&dyn SignatureVerifier) -> PathValidation,
) -> Option<String> {
    let rust = summary(&run(&RustCryptoVerifier::new()));
    let aws = summary(&run(&AwsLcVerifier::new()));
    let cached = summary(&run(&KeyCachingVerifier::new(
        Arc::new(AwsLcVerifier::new()),
        16,
    )));
    let compared = summary(&run(compare));
    (rust != aws || rust != cached || rust != compared).then(|| {
        format!("{id}: RustCrypto {rust}\n  AWS-LC {aws}\n  cached {cached}\n  compared {compared}")
    })
}

fn certs(value: &serde_json::Value) -> Vec<Certificate> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pem| pem.as_str())
        .flat_map(|pem| read_certificates_strict(pem.as_bytes()).unwrap_or_default())
        .collect()
}

#[test]
fn limbo_identical_on_both_backends() {
    let text = std::fs::read_to_string(repo_root().join("tests/conformance/limbo.json")).unwrap();
    let limbo: serde_json::Value = serde_json::from_str(&text).unwrap();
    let compare = Compare::default();
    let mut differences = Vec::new();
    let mut cases = 0;
    for case in limbo["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap_or_default();
        let Some(leaf) = case["peer_certificate"]
            .as_str()
            .and_then(|pem| read_certificates_strict(pem.as_bytes()).ok())
            .and_then(|mut c| c.pop())
        else {
            continue;
        };
        let anchors = TrustStore::from_certificates(certs(&case["trusted_certs"]));
        let intermediates =
            CertificatePool::from_certificates(certs(&case["untrusted_intermediates"]));
        let time = case["validation_time"]
            .as_str()
            .and_then(|t| t.parse::<Timestamp>().ok())
            .unwrap_or_else(|| "2024-01-01T00:00:00Z".parse().unwrap());
        let mut options = ValidationOptions::at(time);
        options.profile = Profile::WebPki;
        options.peer_name = case["expected_peer_name"]["value"]
            .as_str()
            .map(str::to_string);
        let mut sources = RevocationSources::new();
        for pem in case["crls"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            for crl in read_crls(pem.as_bytes()).unwrap_or_default() {
                sources.add_crl(Arc::new(crl));
            }
        }
        if !sources.crls().is_empty() {
            options.revocation = RevocationMode::Hard;
            options.offline = true;
        }
        cases += 1;
        let run = |verifier: &dyn SignatureVerifier| {
            validate_path_with_revocation(
                &leaf,
                &intermediates,
                &anchors,
                &options,
                verifier,
                &sources,
            )
        };
        differences.extend(compare_case(id, &compare, &run));
    }
    let disagreements = compare.disagreements.into_inner().unwrap();
    let calls = compare.calls.into_inner().unwrap();
    // About two signatures per case (the path's, once path building tries
    // the likeliest issuer first and memoises verdicts): fewer would mean
    // the comparison skipped cases.
    assert!(
        cases >= 200 && calls >= 2 * cases - 16,
        "{cases} cases, {calls} signatures"
    );
    assert!(
        differences.is_empty() && disagreements.is_empty(),
        "{} of {cases} cases differ, {} of {calls} signatures: {:#?} {:#?}",
        differences.len(),
        disagreements.len(),
        &differences[..differences.len().min(10)],
        &disagreements[..disagreements.len().min(10)]
    );
}

fn names(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[test]
fn pkits_identical_on_both_backends() {
    let dir = repo_root().join("tests/conformance/pkits");
    let load = |name: &str| {
        let bytes = std::fs::read(dir.join("data/certs").join(name)).unwrap();
        read_certificates_strict(&bytes).unwrap().remove(0)
    };
    let suite: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("pkits-dev.json")).unwrap())
            .unwrap();
    let time: Timestamp = suite["validation_time"].as_str().unwrap().parse().unwrap();
    let compare = Compare::default();
    let mut differences = Vec::new();
    let tests = suite["tests"].as_array().unwrap();
    for test in tests {
        let id = test["id"].as_str().unwrap();
        let anchor = load(test["trust_anchor"].as_str().unwrap());
        let mut path: Vec<Certificate> = names(&test["certs"]).iter().map(|n| load(n)).collect();
        let leaf = path.pop().unwrap();
        path.extend(names(&test["additional_certs"]).iter().map(|n| load(n)));
        let settings = &test["settings"];
        let mut options = ValidationOptions::at(time);
        options.reject_weak_algorithms = false;
        options.initial_policy_set = names(&settings["initial_policy_set"])
            .iter()
            .map(|o| o.parse::<ObjectIdentifier>().unwrap())
            .filter(|o| o.to_string() != "2.5.29.32.0")
            .collect();
        options.require_explicit_policy = settings["initial_explicit_policy"].as_bool().unwrap();
        options.inhibit_policy_mapping = settings["initial_policy_mapping_inhibit"]
            .as_bool()
            .unwrap();
        options.inhibit_any_policy = settings["initial_inhibit_any_policy"].as_bool().unwrap();
        options.revocation = RevocationMode::Hard;
        options.offline = true;
        let crls: Vec<Crl> = names(&test["crls"])
            .iter()
            .map(|n| Crl::from_der(&std::fs::read(dir.join("data/crls").join(n)).unwrap()).unwrap())
            .collect();
        let pool = CertificatePool::from_certificates(path);
        let anchors = TrustStore::from_certificates([anchor]);
        let sources = RevocationSources::new().with_crls(crls);
        let run = |verifier: &dyn SignatureVerifier| {
            validate_path_with_revocation(&leaf, &pool, &anchors, &options, verifier, &sources)
        };
        differences.extend(compare_case(id, &compare, &run));
    }
    let disagreements = compare.disagreements.into_inner().unwrap();
    let calls = compare.calls.into_inner().unwrap();
    assert!(
        tests.len() >= 130 && calls >= 350,
        "{} tests, {calls} signatures",
        tests.len()
    );
    assert!(
        differences.is_empty() && disagreements.is_empty(),
        "{differences:#?} {disagreements:#?}"
    );
}

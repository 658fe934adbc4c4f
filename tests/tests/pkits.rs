//! NIST PKITS (tests/conformance/pkits/pkits-dev.json): each test's path is
//! built from its certificates and validated at 2011-04-15 with the test's
//! initial settings, under the RFC 5280 profile with weak algorithms
//! allowed (PKITS uses SHA-1 and 1024-bit RSA), and with hard revocation
//! checking against the test's CRLs only (PKITS expects every certificate
//! checked; a missing CRL makes the path invalid). Every verdict must equal
//! PKITS's.

use std::path::{Path, PathBuf};

use der::asn1::ObjectIdentifier;
use validate::crypto::DefaultVerifier;
use validate::path::{
    CertificatePool, TrustStore, ValidationOptions, validate_path_with_revocation,
};
use validate::revocation::{Crl, RevocationMode, RevocationSources};
use validate::{Certificate, Timestamp, read_certificates_strict};
use validate_tests::repo_root;

fn pkits_dir() -> PathBuf {
    repo_root().join("tests/conformance/pkits")
}

fn load(dir: &Path, name: &str) -> Certificate {
    let bytes = std::fs::read(dir.join("data/certs").join(name)).unwrap();
    read_certificates_strict(&bytes).unwrap().remove(0)
}

fn names(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn pkits_verdicts_agree() {
    let dir = pkits_dir();
    let suite: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("pkits-dev.json")).unwrap())
            .unwrap();
    let time: Timestamp = suite["validation_time"].as_str().unwrap().parse().unwrap();
    let (mut agreed, mut revocation_cases, mut problems) = (0, 0, Vec::new());
    for test in suite["tests"].as_array().unwrap() {
        let id = test["id"].as_str().unwrap();
        let anchor = load(&dir, test["trust_anchor"].as_str().unwrap());
        let mut path: Vec<Certificate> = names(&test["certs"])
            .iter()
            .map(|n| load(&dir, n))
            .collect();
        let leaf = path.pop().unwrap();
        path.extend(
            names(&test["additional_certs"])
                .iter()
                .map(|n| load(&dir, n)),
        );
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
        let result = validate_path_with_revocation(
            &leaf,
            &CertificatePool::from_certificates(path),
            &TrustStore::from_certificates([anchor]),
            &options,
            &DefaultVerifier::default(),
            &RevocationSources::new().with_crls(crls),
        );
        let expected = test["expected"].as_str() == Some("valid");
        if test["needs_revocation"].as_bool() == Some(true) {
            revocation_cases += 1;
        }
        let wanted_policies: Vec<String> = names(&test["user_constrained_policy_set"]);
        let got_policies: Vec<String> = result
            .user_constrained_policy_set
            .iter()
            .map(ToString::to_string)
            .collect();
        if result.valid
            && expected
            && !wanted_policies.is_empty()
            && sorted(&got_policies) != sorted(&wanted_policies)
        {
            problems.push(format!(
                "{id}: user-constrained policy set {got_policies:?}, expected {wanted_policies:?}"
            ));
        } else if result.valid == expected {
            agreed += 1;
        } else {
            let findings: Vec<String> = result
                .errors()
                .map(|f| format!("{:?}@{:?}: {}", f.code, f.certificate, f.detail))
                .collect();
            problems.push(format!(
                "{id} {}: expected {}, got {} {findings:?}",
                test["name"].as_str().unwrap_or_default(),
                test["expected"],
                if result.valid { "valid" } else { "invalid" }
            ));
        }
    }
    eprintln!(
        "PKITS: {agreed} agree ({revocation_cases} of the tests need CRL processing), {} disagree",
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(agreed, suite["tests"].as_array().unwrap().len());
}

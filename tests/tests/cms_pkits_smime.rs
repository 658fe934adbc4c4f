//! NIST PKITS signed S/MIME messages (tests/conformance/pkits/data/smime/):
//! each is a multipart/signed message whose detached CMS signature was made
//! by the test's end-entity certificate. For every test of pkits-dev.json
//! the signature over the content must be intact and made by the end
//! entity; the message verdict must equal `validate_path`'s on the end
//! entity with the test's anchor, certificates, CRLs (hard revocation
//! checking, as PKITS expects) and initial policy settings; and the message
//! is valid exactly when PKITS expects the test's path to be valid.

use std::path::PathBuf;

use serde_json::Value;
use validate::cms::{VerifyContext, verify_signed_data};
use validate::path::{CertificatePool, TrustStore, ValidationOptions};
use validate::revocation::{Crl, RevocationMode, RevocationSources};
use validate::{Certificate, Timestamp};
use validate_tests::fixtures::split_smime;
use validate_tests::repo_root;

fn pkits() -> PathBuf {
    repo_root().join("tests/conformance/pkits")
}

fn cert(name: &str) -> Certificate {
    Certificate::from_der(&std::fs::read(pkits().join("data/certs").join(name)).unwrap()).unwrap()
}

#[test]
fn pkits_smime_signatures_verify_with_the_end_entity() {
    let dev: Value =
        serde_json::from_str(&std::fs::read_to_string(pkits().join("pkits-dev.json")).unwrap())
            .unwrap();
    let time: Timestamp = dev["validation_time"].as_str().unwrap().parse().unwrap();
    let mut intact = 0;
    let mut verdicts = 0;
    let mut valid_seen = 0;
    for test in dev["tests"].as_array().unwrap() {
        let Some(smime) = test["smime"].as_str() else {
            continue;
        };
        let id = test["id"].as_str().unwrap();
        let (content, p7s) = split_smime(&pkits().join("data/smime").join(smime));
        let anchors = TrustStore::from_certificates([cert(test["trust_anchor"].as_str().unwrap())]);
        let mut pool = CertificatePool::new();
        for list in ["certs", "additional_certs"] {
            for c in test[list].as_array().unwrap() {
                pool.add(std::sync::Arc::new(cert(c.as_str().unwrap())));
            }
        }
        let mut options = ValidationOptions::at(time);
        // PKITS (2011) uses SHA-1 and 1024-bit DSA: weak, not invalid here.
        options.reject_weak_algorithms = false;
        let settings = &test["settings"];
        options.initial_policy_set = settings["initial_policy_set"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().parse().unwrap())
            .collect();
        options.require_explicit_policy = settings["initial_explicit_policy"].as_bool().unwrap();
        options.inhibit_policy_mapping = settings["initial_policy_mapping_inhibit"]
            .as_bool()
            .unwrap();
        options.inhibit_any_policy = settings["initial_inhibit_any_policy"].as_bool().unwrap();
        options.revocation = RevocationMode::Hard;
        options.offline = true;
        let crls: Vec<Crl> = test["crls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                Crl::from_der(
                    &std::fs::read(pkits().join("data/crls").join(n.as_str().unwrap())).unwrap(),
                )
                .unwrap()
            })
            .collect();
        let sources = RevocationSources::new().with_crls(crls);
        let mut ctx = VerifyContext::new(&anchors, options).with_intermediates(&pool);
        ctx.revocation = Some(&sources);
        let r = verify_signed_data(&p7s, Some(&mut content.as_slice()), &ctx)
            .unwrap_or_else(|e| panic!("{id} {smime}: {e}"));
        assert_eq!(r.signers.len(), 1, "{id}");
        let s = &r.signers[0];
        // PKITS.pdf: SignedValidonlySomeReasonsTest18.eml is signed with the
        // Test19 certificate, which is among neither list of test 4.14.18.
        if smime == "SignedValidonlySomeReasonsTest18.eml" {
            continue;
        }
        assert!(s.signature_intact(), "{id} {smime}: {:#?}", s.findings);
        let last_cert = test["certs"].as_array().unwrap().last().unwrap();
        assert_eq!(
            s.certificate.as_ref().unwrap().der(),
            cert(last_cert.as_str().unwrap()).der(),
            "{id}: signed by the end entity"
        );
        intact += 1;
        // The message verdict is the signer path's verdict: the same as
        // validate_path on the end entity with the same inputs.
        let alone = validate::path::validate_path_with_revocation(
            &cert(last_cert.as_str().unwrap()),
            &pool,
            &anchors,
            &ctx.options,
            &validate::crypto::DefaultVerifier::default(),
            &sources,
        );
        assert_eq!(r.valid, alone.valid, "{id}: CMS and path verdicts differ");
        // PKITS's expected result, CRL-dependent tests included.
        let expected = test["expected"].as_str().unwrap() == "valid";
        assert_eq!(
            r.valid,
            expected,
            "{id} {smime}: {:#?} {:#?}",
            s.findings,
            s.path.as_ref().map(|p| &p.findings)
        );
        if expected {
            valid_seen += 1;
        }
        verdicts += 1;
    }
    println!(
        "{intact} intact, {verdicts} verdicts equal to validate_path, {valid_seen} expected-valid are valid"
    );
    assert!(intact >= 100, "{intact} S/MIME signatures checked");
    assert!(
        verdicts >= 50 && valid_seen >= 20,
        "{verdicts} verdicts, {valid_seen} valid"
    );
}

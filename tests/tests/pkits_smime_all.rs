//! Every NIST PKITS test, not only those of pkits-dev.json: each of the 224
//! signed S/MIME messages in tests/conformance/pkits/data/smime carries the
//! certificates and CRLs of its test. The message is verified with only
//! PKITS's trust anchor, what the message carries, hard revocation checking
//! (PKITS expects every certificate checked) and the default initial
//! settings (any policy, no explicit policy, no inhibition), at PKITS's
//! validation time. The expected verdict is PKITS's for those settings: the
//! `Valid` / `Invalid` of the message name, and for the policy tests whose
//! names carry neither, the table below (PKITS.pdf sections 4.4.1, 4.8,
//! 4.12.3). Every disagreement fails the test.

use validate::cms::{VerifyContext, verify_signed_data};
use validate::path::{TrustStore, ValidationOptions};
use validate::revocation::{RevocationMode, RevocationSources};
use validate::{Certificate, Timestamp};
use validate_tests::fixtures::split_smime;
use validate_tests::{files_in, repo_root};

/// PKITS's verdict under the default settings for the messages whose names
/// do not say it.
const UNNAMED: &[(&str, bool)] = &[
    ("SignedAllCertificatesSamePolicyTest1.eml", true), // 4.8.1
    ("SignedAllCertificatesNoPoliciesTest2.eml", true), // 4.8.2
    ("SignedDifferentPoliciesTest3.eml", true),         // 4.8.3
    ("SignedDifferentPoliciesTest4.eml", false),        // 4.8.4
    ("SignedDifferentPoliciesTest5.eml", false),        // 4.8.5
    ("SignedOverlappingPoliciesTest6.eml", true),       // 4.8.6
    ("SignedDifferentPoliciesTest7.eml", false),        // 4.8.7
    ("SignedDifferentPoliciesTest8.eml", false),        // 4.8.8
    ("SignedDifferentPoliciesTest9.eml", false),        // 4.8.9
    ("SignedAllCertificatesSamePoliciesTest10.eml", true), // 4.8.10
    ("SignedAllCertificatesAnyPolicyTest11.eml", true), // 4.8.11
    ("SignedDifferentPoliciesTest12.eml", false),       // 4.8.12
    ("SignedAllCertificatesSamePoliciesTest13.eml", true), // 4.8.13
    ("SignedAnyPolicyTest14.eml", true),                // 4.8.14
    ("SignedUserNoticeQualifierTest15.eml", true),      // 4.8.15
    ("SignedUserNoticeQualifierTest16.eml", true),      // 4.8.16
    ("SignedUserNoticeQualifierTest17.eml", true),      // 4.8.17
    ("SignedUserNoticeQualifierTest18.eml", true),      // 4.8.18
    ("SignedUserNoticeQualifierTest19.eml", true),      // 4.8.19
    ("SignedCPSPointerQualifierTest20.eml", true),      // 4.8.20
    ("SignedMissingCRLTest1.eml", false),               // 4.4.1
    ("SignedinhibitAnyPolicyTest3.eml", true),          // 4.12.3
];

fn expected(name: &str) -> bool {
    if let Some((_, verdict)) = UNNAMED.iter().find(|(n, _)| *n == name) {
        return *verdict;
    }
    let rest = name.strip_prefix("Signed").unwrap();
    if rest.starts_with("Invalid") {
        false
    } else {
        assert!(rest.starts_with("Valid"), "{name}: no verdict known");
        true
    }
}

#[test]
fn every_pkits_message_gets_pkits_verdict() {
    let dir = repo_root().join("tests/conformance/pkits/data");
    let anchor = Certificate::from_der(
        &std::fs::read(dir.join("certs/TrustAnchorRootCertificate.crt")).unwrap(),
    )
    .unwrap();
    let anchors = TrustStore::from_certificates([anchor]);
    let time: Timestamp = "2011-04-15T00:00:00Z".parse().unwrap();
    let sources = RevocationSources::new();
    let mut disagreements = Vec::new();
    let mut counts = (0, 0);
    for path in files_in(&dir.join("smime")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (content, p7s) = split_smime(&path);
        let mut options = ValidationOptions::at(time);
        // PKITS (2011) uses SHA-1 and 1024-bit keys: weak, not invalid here.
        options.reject_weak_algorithms = false;
        options.revocation = RevocationMode::Hard;
        options.offline = true;
        let mut ctx = VerifyContext::new(&anchors, options);
        ctx.revocation = Some(&sources);
        let result = verify_signed_data(&p7s, Some(&mut content.as_slice()), &ctx)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = expected(&name);
        if want {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
        if result.valid != want {
            let why: Vec<String> = result
                .signers
                .iter()
                .flat_map(|s| {
                    s.findings
                        .iter()
                        .filter(|f| f.is_error())
                        .map(|f| format!("{} {}", f.code.code(), f.detail))
                })
                .collect();
            disagreements.push(format!(
                "{name}: expected {}, got {}: {}",
                if want { "valid" } else { "invalid" },
                if result.valid { "valid" } else { "invalid" },
                why.join("; ")
            ));
        }
    }
    println!(
        "PKITS: {} messages, {} expected valid, {} expected invalid, {} disagreements",
        counts.0 + counts.1,
        counts.0,
        counts.1,
        disagreements.len()
    );
    assert_eq!(counts.0 + counts.1, 224, "every PKITS message");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

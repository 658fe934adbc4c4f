//! Real NuGet packages signed by the NuGet client (its test assets and a
//! nuget.org package), copied into tests/codesign/nuget/ (see
//! tests/codesign/README.md), give the verdicts of
//! /work/shared/realworld/manifest.json that need no network. Trust: as in
//! cms_realworld.rs, the self-signed roots the signatures carry are trusted
//! the way the NuGet tests install their test roots; without them the
//! verdict is an untrusted chain (NU3018). Revocation is not checked (the
//! CRL and OCSP endpoints are gone).

use std::sync::Arc;

use validate::Certificate;
use validate::cms::{SignerResult, VerifyContext};
use validate::nuget::{NuGetCode, NuGetSignatureType, PackageSignatureResult, verify_package};
use validate::path::{TrustStore, ValidationOptions};
use validate_tests::repo_root;

fn package(name: &str) -> std::io::Cursor<Vec<u8>> {
    std::io::Cursor::new(
        std::fs::read(repo_root().join("tests/codesign/nuget").join(name)).unwrap(),
    )
}

fn verify(name: &str, anchors: &TrustStore, time: &str) -> PackageSignatureResult {
    let ctx = VerifyContext::new(anchors, ValidationOptions::at(time.parse().unwrap()));
    verify_package(&mut package(name), &ctx).unwrap()
}

fn roots(s: &SignerResult, out: &mut Vec<Certificate>) {
    let mut take = |chain: &[Arc<Certificate>]| {
        if let Some(last) = chain.last()
            && last.is_self_issued()
        {
            out.push((**last).clone());
        }
    };
    if let Some(p) = &s.path {
        take(&p.chain);
    }
    for t in &s.timestamps {
        if let Some(p) = t.signer.as_ref().and_then(|ts| ts.path.as_ref()) {
            take(&p.chain);
        }
    }
    for c in &s.countersignatures {
        roots(c, out);
    }
}

/// The self-signed roots of every chain in the package's signature.
fn trusting(name: &str) -> TrustStore {
    let first = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
    let mut certs = Vec::new();
    for s in &first.cms.as_ref().unwrap().signers {
        roots(s, &mut certs);
    }
    TrustStore::from_certificates(certs)
}

fn codes(r: &PackageSignatureResult) -> Vec<NuGetCode> {
    r.findings.iter().map(|f| f.code).collect()
}

fn errors(r: &PackageSignatureResult) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.detail.clone())
        .collect()
}

#[test]
fn every_package_hash_matches() {
    for name in [
        "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.nupkg",
        "SignedPackage.1.0.0.nupkg",
        "Test.Reposigned.1.0.0.nupkg",
        "TestPackage.AuthorSigned.1.0.0.nupkg",
        "TimestampInvalidGenTimePackage.nupkg",
        "UnavailableCrlPackage.nupkg",
        "UntrustedTimestampPackage.nupkg",
        "nuget.versioning.5.0.0.nupkg",
    ] {
        let r = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
        assert!(r.content_hash_matches, "{name}: {:#?}", r.findings);
        assert!(!r.valid, "{name}: valid without any trust anchor");
        assert!(
            codes(&r).contains(&NuGetCode::ChainBuildingFailed)
                || codes(&r).contains(&NuGetCode::SignatureExpired),
            "{name}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn nuget_org_package_is_valid_by_its_timestamps() {
    let name = "nuget.versioning.5.0.0.nupkg";
    let r = verify(name, &trusting(name), "2026-01-01T00:00:00Z");
    assert!(r.valid, "{:#?}", errors(&r));
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Author));
    assert_eq!(r.repository_countersignature, Some(0));
    assert_eq!(
        r.v3_service_index_url.as_deref(),
        Some("https://api.nuget.org/v3/index.json")
    );
    assert_eq!(r.package_owners, ["Microsoft", "nuget"]);
}

#[test]
fn author_signed_test_package_is_valid() {
    let name = "TestPackage.AuthorSigned.1.0.0.nupkg";
    let r = verify(name, &trusting(name), "2026-01-01T00:00:00Z");
    assert!(r.valid, "{:#?}", errors(&r));
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Author));
    let cms = r.cms.unwrap();
    let cert = cms.signers[0].certificate.as_ref().unwrap();
    let fingerprint: String = cert.sha256().iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(
        fingerprint,
        "3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE"
    );
}

#[test]
fn expired_certificates_are_valid_by_the_timestamp() {
    for name in [
        "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.nupkg",
        "UnavailableCrlPackage.nupkg",
    ] {
        let r = verify(name, &trusting(name), "2026-01-01T00:00:00Z");
        assert!(r.valid, "{name}: {:#?}", errors(&r));
    }
}

#[test]
fn repository_signed_without_timestamp_is_untrusted() {
    let name = "Test.Reposigned.1.0.0.nupkg";
    let r = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
    assert!(!r.valid);
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Repository));
    let c = codes(&r);
    assert!(c.contains(&NuGetCode::NoTimestamp), "{c:?}");
    assert!(
        c.contains(&NuGetCode::ChainBuildingFailed) || c.contains(&NuGetCode::SignatureExpired),
        "{c:?}"
    );
    assert!(r.findings.iter().any(|f| f.detail.starts_with("NU3027")));
}

#[test]
fn untrusted_timestamp_fails_with_nu3028() {
    let name = "UntrustedTimestampPackage.nupkg";
    // Trust the signer's root only: the timestamp's chain stays untrusted.
    let first = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
    let signer = &first.cms.as_ref().unwrap().signers[0];
    let root = signer.path.as_ref().unwrap().chain.last().unwrap();
    let r = verify(
        name,
        &TrustStore::from_certificates([(**root).clone()]),
        "2026-01-01T00:00:00Z",
    );
    assert!(!r.valid);
    let c = codes(&r);
    assert!(
        c.contains(&NuGetCode::TimestampChainBuildingFailed),
        "{:#?}",
        r.findings
    );
    assert!(!c.contains(&NuGetCode::TimestampOutsideValidity), "{c:?}");
}

#[test]
fn timestamp_outside_tsa_validity_fails_with_nu3036() {
    let name = "TimestampInvalidGenTimePackage.nupkg";
    let r = verify(name, &trusting(name), "2026-01-01T00:00:00Z");
    assert!(!r.valid);
    assert!(
        codes(&r).contains(&NuGetCode::TimestampOutsideValidity),
        "{:#?}",
        r.findings
    );
    assert!(r.findings.iter().any(|f| f.detail.starts_with("NU3036")));
}

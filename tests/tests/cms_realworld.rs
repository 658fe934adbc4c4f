//! Real-world CMS signatures made by other people's tools (NuGet package
//! signatures with RFC 3161 timestamps and repository countersignatures; a
//! Microsoft RFC 3161 token), copied into tests/conformance/realworld/ (see
//! its README). The verdicts are those of /work/shared/realworld/manifest.json
//! that need no network: signature math, digests, ESS binding, timestamp
//! binding, and chain results once the root the source's own test trusts
//! is trusted. We do not have those roots in a store: each test trusts the
//! self-signed root the message itself carries, as the NuGet tests install
//! their test roots; without that, the verdict is an untrusted root.
//! Revocation is not checked here (the files' CRL/OCSP endpoints are gone).

use std::sync::Arc;

use validate::Certificate;
use validate::cms::{
    CmsCode, EssBinding, SignedDataResult, SignerResult, VerifyContext, verify_signed_data,
    verify_timestamp_token,
};
use validate::path::{ResultCode, TrustStore, ValidationOptions};
use validate_tests::repo_root;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/conformance/realworld").join(name)).unwrap()
}

fn at(time: &str) -> ValidationOptions {
    ValidationOptions::at(time.parse().unwrap())
}

fn verify(name: &str, anchors: &TrustStore, time: &str) -> SignedDataResult {
    let ctx = VerifyContext::new(anchors, at(time));
    verify_signed_data(&read(name), None, &ctx).unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The self-signed certificates at the end of the signer's path and of its
/// timestamps' TSA paths (and of countersigners), as found without trust.
fn roots(s: &SignerResult, signer: bool, tsa: bool, out: &mut Vec<Certificate>) {
    let mut take = |chain: &[Arc<Certificate>]| {
        if let Some(last) = chain.last()
            && last.is_self_issued()
        {
            out.push((**last).clone());
        }
    };
    if signer && let Some(p) = &s.path {
        take(&p.chain);
    }
    for t in &s.timestamps {
        if tsa && let Some(p) = t.signer.as_ref().and_then(|ts| ts.path.as_ref()) {
            take(&p.chain);
        }
    }
    for c in &s.countersignatures {
        roots(c, signer, tsa, out);
    }
}

fn trusting(name: &str, signer: bool, tsa: bool) -> TrustStore {
    let first = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
    let mut certs = Vec::new();
    for s in &first.signers {
        roots(s, signer, tsa, &mut certs);
    }
    assert!(!certs.is_empty(), "{name}: no self-signed root found");
    TrustStore::from_certificates(certs)
}

/// Every signer's (and countersigner's, and TSA's) signature is intact.
fn assert_intact(s: &SignerResult, what: &str) {
    assert!(s.signature_intact(), "{what}: {:#?}", s.findings);
    assert!(
        matches!(s.ess, EssBinding::Matches { .. }),
        "{what}: {:?}",
        s.ess
    );
    for t in &s.timestamps {
        assert!(t.imprint_matches, "{what}: timestamp imprint");
        assert!(
            t.signer.as_ref().unwrap().signature_intact(),
            "{what}: TSA signature"
        );
    }
    for c in &s.countersignatures {
        assert_intact(c, what);
    }
}

const NUGET_FILES: [&str; 9] = [
    "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.p7s",
    "SignedPackage.1.0.0.p7s",
    "Test.Reposigned.1.0.0.p7s",
    "TestPackage.AuthorSigned.1.0.0.p7s",
    "TimestampInvalidGenTimePackage.p7s",
    "UnavailableCrlPackage.p7s",
    "UntrustedTimestampPackage.p7s",
    "nuget.versioning.5.0.0.p7s",
    "standalone.signature.p7s",
];

#[test]
fn every_nuget_signature_is_intact_as_openssl_says() {
    // manifest.json: `openssl cms -verify -noverify` says "CMS Verification
    // successful" for every one; signature_intact() is that question.
    for name in NUGET_FILES {
        let r = verify(name, &TrustStore::new(), "2026-01-01T00:00:00Z");
        assert_eq!(r.content_type.to_string(), "1.2.840.113549.1.7.1", "{name}");
        assert_eq!(r.signers.len(), 1, "{name}");
        assert_intact(&r.signers[0], name);
        // Nothing is trusted: never valid, and the reason is the chain.
        assert!(!r.valid, "{name}");
        let path = r.signers[0].path.as_ref().unwrap();
        assert!(!path.anchored, "{name}");
    }
}

#[test]
fn nuget_versioning_expired_but_timestamped_is_valid() {
    // manifest: VALID although author and repository certificates have
    // expired, because the timestamps fall within their validity.
    let name = "nuget.versioning.5.0.0.p7s";
    let anchors = trusting(name, true, true);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    let s = &r.signers[0];
    assert!(r.valid, "{:#?}", s.findings);
    assert_eq!(
        s.certificate.as_ref().unwrap().subject().to_string(),
        "CN=Microsoft Corporation,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"
    );
    assert_eq!(s.path_time.to_string(), "2019-04-01T18:24:53Z");
    assert_eq!(
        s.timestamp_time().map(|t| t.to_string()).as_deref(),
        Some("2019-04-01T18:24:53Z")
    );
    let repo = &s.countersignatures[0];
    assert!(repo.valid, "{:#?}", repo.findings);
    assert_eq!(
        repo.certificate.as_ref().unwrap().subject().to_string(),
        "CN=NuGet.org Repository by Microsoft,O=NuGet.org Repository by Microsoft,L=Redmond,ST=Washington,C=US"
    );
    assert_eq!(repo.path_time.to_string(), "2019-04-04T22:56:42Z");
    // NuGet puts content-type in the countersignature: a warning only.
    assert!(
        repo.findings
            .iter()
            .any(|f| f.code == CmsCode::ContentTypeInCountersignature && !f.is_error())
    );
    // Without the timestamps' proof the expired signer is invalid.
    let mut ctx = VerifyContext::new(&anchors, at("2026-01-01T00:00:00Z"));
    ctx.timestamp_proves_time = false;
    let r = verify_signed_data(&read(name), None, &ctx).unwrap();
    assert!(!r.valid);
    assert!(
        r.signers[0]
            .path
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .any(|f| f.code == ResultCode::NotTimeValid)
    );
}

#[test]
fn author_signed_with_timestamp_is_valid() {
    // manifest: VALID ("Successfully verified package").
    let name = "TestPackage.AuthorSigned.1.0.0.p7s";
    let anchors = trusting(name, true, true);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    assert!(r.valid, "{:#?}", r.signers[0].findings);
    // The fingerprint `dotnet nuget verify --certificate-fingerprint` accepts.
    let cert = r.signers[0].certificate.as_ref().unwrap();
    assert_eq!(
        hex(cert.sha256()).to_uppercase(),
        "3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE"
    );
}

#[test]
fn expired_primary_and_timestamp_certificates_are_valid_when_roots_trusted() {
    // manifest: VALID (trust Valid) with the roots trusted, warnings for
    // unknown revocation only. Both certificates expired in 2018; the
    // timestamp (validated at its genTime) proves the signing time.
    let name = "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.p7s";
    let anchors = trusting(name, true, true);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    let s = &r.signers[0];
    assert!(r.valid, "{:#?}", s);
    assert!(s.timestamps[0].valid);
    assert_eq!(Some(s.path_time), s.timestamps[0].gen_time);
}

#[test]
fn timestamp_outside_tsa_validity_is_invalid() {
    // manifest: INVALID, NU3036 "timestamp's generalized time is outside
    // the timestamping certificate's validity period".
    let name = "TimestampInvalidGenTimePackage.p7s";
    let anchors = trusting(name, true, true);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    let s = &r.signers[0];
    assert!(!r.valid);
    let ts = &s.timestamps[0];
    assert!(!ts.valid && ts.imprint_matches);
    assert!(
        ts.findings
            .iter()
            .any(|f| f.code == CmsCode::TimestampPathInvalid)
    );
    let tsa_path = ts.signer.as_ref().unwrap().path.as_ref().unwrap();
    assert!(
        tsa_path
            .findings
            .iter()
            .any(|f| f.code == ResultCode::NotTimeValid && f.certificate == Some(0)),
        "{:#?}",
        tsa_path.findings
    );
    assert!(
        s.findings
            .iter()
            .any(|f| f.code == CmsCode::TimestampNotUsed)
    );
}

#[test]
fn timestamp_chaining_to_untrusted_root_is_invalid() {
    // manifest: INVALID, NU3028 untrusted root of the timestamp chain; the
    // expired-timestamp message must not appear.
    let name = "UntrustedTimestampPackage.p7s";
    let anchors = trusting(name, true, false);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    let s = &r.signers[0];
    assert!(!r.valid);
    let ts = &s.timestamps[0];
    assert!(!ts.valid && ts.imprint_matches);
    let tsa_path = ts.signer.as_ref().unwrap().path.as_ref().unwrap();
    assert!(!tsa_path.anchored);
    assert!(
        !tsa_path
            .findings
            .iter()
            .any(|f| f.code == ResultCode::NotTimeValid),
        "the TSA certificate is in its validity at genTime: {:#?}",
        tsa_path.findings
    );
}

#[test]
fn unavailable_crl_package_is_valid_without_revocation() {
    // manifest: VALID when roots are trusted and unknown revocation allowed.
    let name = "UnavailableCrlPackage.p7s";
    let anchors = trusting(name, true, true);
    let r = verify(name, &anchors, "2026-01-01T00:00:00Z");
    assert!(r.valid, "{:#?}", r.signers[0].findings);
}

#[test]
fn repository_signed_without_timestamp_is_untrusted() {
    // manifest: INVALID for default verify (untrusted chain, no timestamp).
    let r = verify(
        "Test.Reposigned.1.0.0.p7s",
        &TrustStore::new(),
        "2026-01-01T00:00:00Z",
    );
    let s = &r.signers[0];
    assert!(!r.valid && s.signature_intact());
    assert!(s.timestamps.is_empty());
    assert!(
        s.findings
            .iter()
            .any(|f| f.code == CmsCode::SignerPathInvalid)
    );
}

#[test]
fn standalone_signature_chains() {
    // manifest: author chain 7d14ef1e.., 0a08d814.., a1b6d9c3..; repository
    // countersignature chain 8d8cc5bd.., c8ae47bf.., d4e81854..; author
    // timestamp chain 5f970d4b.., c5e93f93.., a0e355c9.. (SHA-1 thumbprints).
    let r = verify(
        "standalone.signature.p7s",
        &TrustStore::new(),
        "2018-03-30T23:00:00Z",
    );
    let thumbs = |s: &SignerResult| -> Vec<String> {
        s.path
            .as_ref()
            .unwrap()
            .chain
            .iter()
            .map(|c| hex(c.sha1())[..8].to_string())
            .collect()
    };
    let s = &r.signers[0];
    assert_eq!(thumbs(s), ["7d14ef1e", "0a08d814", "a1b6d9c3"]);
    assert_eq!(
        thumbs(&s.countersignatures[0]),
        ["8d8cc5bd", "c8ae47bf", "d4e81854"]
    );
    assert_eq!(
        thumbs(s.timestamps[0].signer.as_ref().unwrap()),
        ["5f970d4b", "c5e93f93", "a0e355c9"]
    );
    // Trusting the three roots, everything is valid in March 2018.
    let mut certs = Vec::new();
    roots(s, true, true, &mut certs);
    let anchors = TrustStore::from_certificates(certs);
    let r = verify("standalone.signature.p7s", &anchors, "2018-03-30T23:00:00Z");
    assert!(r.valid, "{:#?}", r.signers[0]);
}

#[test]
fn microsoft_rfc3161_token_over_whois_signature() {
    // manifest: the token (with a v2 attribute certificate in its
    // certificate set, which OpenSSL's PKCS7 parser cannot load) is valid;
    // genTime 2019-12-11T08:40:17.75Z; messageImprint = SHA-256 of the
    // Authenticode signature value.
    let anchors = TrustStore::new();
    let strict = VerifyContext::new(&anchors, at("2026-01-01T00:00:00Z"));
    let mut ctx = strict.clone();
    ctx.strict_tsa_eku = false;
    let token = read("whois_exe_ms_rfc3161_token.der");
    let value = read("whois_exe_signature_value.bin");
    let ts = verify_timestamp_token(&token, &value, &ctx).unwrap();
    assert!(ts.imprint_matches);
    assert_eq!(ts.gen_time.unwrap().to_string(), "2019-12-11T08:40:17Z");
    let tsa = ts.signer.as_ref().unwrap();
    assert!(tsa.signature_intact(), "{:#?}", tsa.findings);
    assert_eq!(
        tsa.certificate.as_ref().unwrap().subject().to_string(),
        "CN=Microsoft Time-Stamp Service,OU=Thales TSS ESN:8E9E-4BD0-2ED0,OU=Microsoft Ireland Operations Limited,O=Microsoft Corporation,L=Redmond,ST=WA,C=US"
    );
    // No Microsoft root here: only the chain is wrong.
    assert!(!ts.valid);
    assert!(
        ts.findings
            .iter()
            .all(|f| f.code == CmsCode::TimestampPathInvalid || !f.is_error()),
        "{:#?}",
        ts.findings
    );
    // Its EKU is not critical: a warning when lenient, an error by default.
    assert!(
        ts.findings
            .iter()
            .any(|f| f.code == CmsCode::TimestampEkuNotStrict && !f.is_error())
    );
    let ts = verify_timestamp_token(&token, &value, &strict).unwrap();
    assert!(
        ts.findings
            .iter()
            .any(|f| f.code == CmsCode::TimestampEkuNotStrict && f.is_error())
    );
    // Over other data the imprint does not match.
    let ts = verify_timestamp_token(&token, b"other", &ctx).unwrap();
    assert!(!ts.imprint_matches);
    assert!(
        ts.findings
            .iter()
            .any(|f| f.code == CmsCode::TimestampImprintMismatch)
    );
    // The attribute certificate entry is reported and skipped.
    let r = verify_signed_data(&token, None, &ctx).unwrap();
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == CmsCode::UnsupportedCertificateEntry)
    );
    assert_eq!(r.certificates.len(), 2);
}

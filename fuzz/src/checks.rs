//! What must hold for every input of every target. A fuzz target calls one
//! of these; the replay test calls the same one on every corpus file.

use std::sync::Arc;

use base64ct::{Base64, Encoding};
use der::{Decode, Encode};
use validate::cert::read_bundle;
use validate::cms::{VerifyContext, verify_pkcs1, verify_signed_data, verify_timestamp_token};
use validate::path::{Budget, CertificatePool, TrustStore, validate_path};
use validate::policy::{PolicyFile, ValidationPolicy};
use validate::revocation::{
    CertId, Crl, NoExtraSigners, OcspRequest, OcspResponse, RevocationMode, RevocationOptions,
    RevocationSources, RevocationStatus, read_crls,
};
use validate::validator::Validator;
use validate::{Certificate, CertificateRecord, read_certificates};
use validate_archive::{
    Archive, ArchiveEntry, ArchiveRequest, CODESIGN_MANAGE_SCOPE, Caller, Role,
};

use crate::build;
use crate::fixtures::{self, CountingVerifier, at, chain, options};
use crate::mutant;

/// The most signatures one path validation may verify: the budget
/// (certificate, CRL and OCSP signatures alike).
pub fn path_checks_bound() -> u32 {
    Budget::default().signature_checks
}

/// The most signatures one CMS message may verify: every SignerInfo,
/// countersigner and TSA verified (at most `max_signer_verifications`)
/// costs its own signature and a path validation within the path budget.
pub fn message_checks_bound() -> u32 {
    let limits = validate::cms::Limits::default();
    u32::try_from(limits.max_signer_verifications).unwrap_or(u32::MAX) * (path_checks_bound() + 1)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Properties of a parsed certificate whose DER is `der`: its parts are
/// the bytes of `der` (a part re-encoded from the parse is byte-identical,
/// so names compare and hash as signed), DER re-encodes to itself, and the
/// record and serial renderings work.
fn certificate_holds(cert: &Certificate, der: &[u8]) {
    assert_eq!(cert.der(), der, "der() is the input");
    assert!(
        contains(der, cert.tbs_der()),
        "the TBS is a slice of the input"
    );
    assert!(
        contains(cert.tbs_der(), cert.subject().der()),
        "the subject re-encodes to the signed bytes"
    );
    assert!(
        contains(cert.tbs_der(), cert.issuer().der()),
        "the issuer re-encodes to the signed bytes"
    );
    assert!(
        contains(cert.tbs_der(), cert.public_key().der()),
        "the SPKI re-encodes to the signed bytes"
    );
    for ext in cert.extensions() {
        assert!(
            contains(cert.tbs_der(), ext.value_der()),
            "extension {} value is a slice of the signed bytes",
            ext.oid()
        );
    }
    for attr in cert
        .subject()
        .attributes()
        .chain(cert.issuer().attributes())
    {
        assert!(contains(cert.tbs_der(), attr.value_der()));
    }
    // A strict DER decoder reads the same bytes back to the same bytes.
    if let Ok(x) = x509_cert::Certificate::from_der(der) {
        assert_eq!(
            x.to_der().ok().as_deref(),
            Some(der),
            "DER re-encodes to the input"
        );
    }
    let serial = cert.serial();
    assert_eq!(serial.to_hex().len(), 2 * serial.as_bytes().len());
    let _ = serial.to_decimal();
    let _ = cert.subject().to_string();
    let record = CertificateRecord::from_certificate(cert);
    assert!(serde_json::to_string(&record).is_ok());
}

/// `certificate_der`: one DER certificate.
pub fn check_certificate_der(data: &[u8]) {
    if let Ok(cert) = Certificate::from_der(data) {
        certificate_holds(&cert, data);
    }
}

/// `certificate_pem`: PEM text (or anything `read_certificates` takes);
/// every certificate read re-parses from its DER to the same certificate,
/// and the certificates together are no larger than the input.
pub fn check_certificate_pem(data: &[u8]) {
    let Ok(entries) = read_certificates(data) else {
        return;
    };
    let mut total = 0usize;
    for cert in entries.into_iter().flatten() {
        total += cert.der().len();
        match Certificate::from_der(cert.der()) {
            Ok(again) => assert_eq!(again.sha256(), cert.sha256()),
            Err(e) => panic!("a certificate read from PEM does not re-parse: {e}"),
        }
        certificate_holds(&cert, cert.der());
    }
    assert!(
        total <= data.len(),
        "{total} bytes of certificates from {} bytes",
        data.len()
    );
    if let Ok(first) = Certificate::from_pem(data) {
        certificate_holds(&first, first.der());
    }
}

/// `bundle`: a bundle (PEM, DER, PKCS#7 certs-only, BER); as
/// `certificate_pem`, with the deviations reported.
pub fn check_bundle(data: &[u8]) {
    let Ok(bundle) = read_bundle(data) else {
        return;
    };
    let mut total = 0usize;
    for cert in bundle.certificates.iter().flatten() {
        total += cert.der().len();
        assert!(
            Certificate::from_der(cert.der()).is_ok(),
            "a bundle certificate re-parses"
        );
        certificate_holds(cert, cert.der());
    }
    assert!(
        total <= data.len(),
        "{total} bytes of certificates from {} bytes",
        data.len()
    );
    let _ = format!("{:?}", bundle.deviations);
}

fn anchor_name() -> Vec<u8> {
    build::name(&[(6, b"GB"), (3, b"Fuzz Root")])
}

/// A self-signed fuzz root (key 0), its DER, made once.
fn fuzz_root() -> Vec<u8> {
    static ROOT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ROOT.get_or_init(make_fuzz_root).clone()
}

fn make_fuzz_root() -> Vec<u8> {
    let key = build::key(0);
    let n = anchor_name();
    let bc = build::extension(&[0x55, 0x1D, 0x13], true, &[0x30, 0x03, 0x01, 0x01, 0xFF]);
    let ku = build::extension(&[0x55, 0x1D, 0x0F], true, &[0x03, 0x02, 0x01, 0x06]);
    let tbs = build::Tbs {
        serial: &[1],
        issuer: &n,
        subject: &n,
        spki: build::spki(0),
        extensions: &[bc, ku],
    }
    .encode();
    build::certificate(&tbs, key, None)
}

/// `name`: the input is the subject Name of a signed leaf: when the leaf
/// parses, the subject re-encodes to exactly the input, its text renders,
/// and the path to the fuzz root validates within the budget.
pub fn check_name(data: &[u8]) {
    let tbs = build::Tbs {
        serial: &[2],
        issuer: &anchor_name(),
        subject: data,
        spki: build::spki(1),
        extensions: &[],
    }
    .encode();
    let der = build::certificate(&tbs, build::key(0), None);
    let Ok(leaf) = Certificate::from_der(&der) else {
        return;
    };
    assert_eq!(
        leaf.subject().der(),
        data,
        "the subject re-encodes to the input"
    );
    certificate_holds(&leaf, &der);
    path_within_budget(&leaf, &[]);
}

fn path_within_budget(
    leaf: &Certificate,
    intermediates: &[Vec<u8>],
) -> validate::path::PathValidation {
    let root = Certificate::from_der(&fuzz_root()).unwrap_or_else(|e| panic!("fuzz root: {e}"));
    let anchors = TrustStore::from_certificates([root]);
    let pool = CertificatePool::from_certificates(
        intermediates
            .iter()
            .filter_map(|d| Certificate::from_der(d).ok()),
    );
    let verifier = CountingVerifier::default();
    let result = validate_path(
        leaf,
        &pool,
        &anchors,
        &validate::path::ValidationOptions::at(at()),
        &verifier,
    );
    assert!(
        verifier.count() <= path_checks_bound(),
        "{} signature checks, budget {}",
        verifier.count(),
        path_checks_bound()
    );
    result
}

/// `general_name`: the input holds a nameConstraints value (its first
/// two bytes give its length) for a signed CA and a subjectAltName value
/// (the rest) for a signed leaf below it: parsing and path validation
/// (name constraints against the SAN) stay within the budget.
pub fn check_general_name(data: &[u8]) {
    let split = match data {
        [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])).min(data.len() - 2),
        _ => return,
    };
    let (nc, san) = data[2..].split_at(split);
    let ca_key = build::key(1);
    let ca_name = build::name(&[(3, b"Fuzz CA")]);
    let ca_tbs = build::Tbs {
        serial: &[3],
        issuer: &anchor_name(),
        subject: &ca_name,
        spki: build::spki(1),
        extensions: &[
            build::extension(&[0x55, 0x1D, 0x13], true, &[0x30, 0x03, 0x01, 0x01, 0xFF]),
            build::extension(&[0x55, 0x1D, 0x1E], true, nc),
        ],
    }
    .encode();
    let ca = build::certificate(&ca_tbs, build::key(0), None);
    let leaf_tbs = build::Tbs {
        serial: &[4],
        issuer: &ca_name,
        subject: &build::name(&[(3, b"leaf")]),
        spki: build::spki(2),
        extensions: &[build::extension(&[0x55, 0x1D, 0x11], false, san)],
    }
    .encode();
    let der = build::certificate(&leaf_tbs, ca_key, None);
    let Ok(leaf) = Certificate::from_der(&der) else {
        return;
    };
    certificate_holds(&leaf, &der);
    if let Ok(ca_cert) = Certificate::from_der(&ca) {
        certificate_holds(&ca_cert, &ca);
    }
    path_within_budget(&leaf, &[ca]);
}

fn revocation_options() -> RevocationOptions {
    let mut o = RevocationOptions::at(at());
    o.mode = RevocationMode::Hard;
    o.offline = true;
    o
}

/// The example leaf's revocation status (hard, offline) from `sources` alone, with the number of
/// signatures verified (bounded by the revocation budget).
pub fn leaf_status_of(sources: RevocationSources) -> RevocationStatus {
    let counting = Arc::new(CountingVerifier::default());
    let sources = sources.with_verifier(counting.clone());
    let c = chain();
    let options = revocation_options();
    let status = validate::revocation::check_revocation(
        &c.leaf,
        &c.intermediate,
        &sources,
        &options,
        &NoExtraSigners,
    );
    assert!(
        counting.count() <= options.max_signature_checks,
        "{} revocation signature checks, budget {}",
        counting.count(),
        options.max_signature_checks
    );
    status
}

/// `crl`: one CRL (DER or PEM): its parts are slices of the input, every
/// entry is found by its serial in O(1), DER re-encodes to itself, and a
/// revocation check with it stays within the budget.
pub fn check_crl(data: &[u8]) {
    if let Ok(crls) = read_crls(data) {
        for crl in &crls {
            crl_holds(crl);
        }
    }
    let Ok(crl) = Crl::from_der(data) else {
        return;
    };
    assert_eq!(crl.der(), data);
    crl_holds(&crl);
    if let Ok(x) = <x509_cert::crl::CertificateList as Decode>::from_der(data) {
        assert_eq!(
            x.to_der().ok().as_deref(),
            Some(data),
            "DER re-encodes to the input"
        );
    }
    let _ = leaf_status_of(RevocationSources::new().with_crls([crl]));
}

fn crl_holds(crl: &Crl) {
    assert!(contains(crl.der(), crl.tbs_der()));
    assert!(contains(crl.tbs_der(), crl.issuer().der()));
    assert!(
        crl.len() <= crl.der().len() / 2,
        "entries no more than the bytes allow"
    );
    if !crl.is_indirect() {
        for entry in crl.entries() {
            assert!(
                crl.find(entry.serial(), crl.issuer()).is_some(),
                "entry {} is found by its serial",
                entry.serial().to_hex()
            );
        }
    }
}

/// `ocsp_response`: an OCSPResponse: its TBS is a slice of the input, and
/// a revocation check of the example leaf with it alone stays within the
/// budget; a mutant of the committed response in its signed bytes never
/// gives `Good`.
pub fn check_ocsp_response(data: &[u8]) {
    let Ok(response) = OcspResponse::from_der(data) else {
        return;
    };
    if let Some(basic) = response.basic() {
        assert!(contains(data, basic.tbs_der()));
        for cert in basic.certs() {
            certificate_holds(cert, cert.der());
        }
    }
    let status = leaf_status_of(RevocationSources::new().with_ocsp_responses([response]));
    if mutant::is_mutant(data, mutant::Fixture::OcspResponse) {
        assert!(
            !matches!(status, RevocationStatus::Good { .. }),
            "mutant OCSP response: {status:?}"
        );
    }
}

/// `ocsp_request`: the input is the serial number (first byte: its
/// length) and the nonce (the rest) of the request for a signed leaf: the
/// request is DER whose CertID holds the hashes RFC 6960 4.1.1 defines
/// and the leaf's serial, and the nonce when one is asked for.
pub fn check_ocsp_request(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let (serial, nonce) = rest.split_at(usize::from(n).min(rest.len()));
    let ca = Certificate::from_der(&fuzz_root()).unwrap_or_else(|e| panic!("fuzz root: {e}"));
    let tbs = build::Tbs {
        serial,
        issuer: &anchor_name(),
        subject: &build::name(&[(3, b"leaf")]),
        spki: build::spki(2),
        extensions: &[],
    }
    .encode();
    let Ok(leaf) = Certificate::from_der(&build::certificate(&tbs, build::key(0), None)) else {
        return;
    };
    use sha2::Digest;
    let id = CertId::new(&leaf, &ca, validate::crypto::DigestAlgorithm::Sha256);
    assert_eq!(
        id.issuer_name_hash(),
        sha2::Sha256::digest(ca.subject().der()).as_slice()
    );
    assert_eq!(
        id.issuer_key_hash(),
        sha2::Sha256::digest(ca.public_key().key_bytes()).as_slice()
    );
    assert_eq!(id.serial(), leaf.serial());
    assert!(id.matches(&leaf, &ca));
    let mut request = OcspRequest::new(vec![id]);
    if !nonce.is_empty() {
        request = request.with_nonce(nonce.to_vec());
    }
    let Ok(der) = request.to_der() else {
        return;
    };
    // OCSPRequest { TBSRequest { requestList { Request { CertID { .., serialNumber } } } } }
    let walk =
        |t: Option<crate::der::Tlv>| t.and_then(|t| crate::der::children(&der, t).first().copied());
    let outer = crate::der::read(&der, 0);
    assert_eq!(outer.map(|t| t.end), Some(der.len()), "one TLV");
    let cert_id = walk(walk(walk(walk(outer))));
    let fields = cert_id
        .map(|t| crate::der::children(&der, t))
        .unwrap_or_default();
    assert_eq!(fields.len(), 4, "CertID has four fields");
    assert_eq!(
        &der[fields[3].content..fields[3].end],
        leaf.serial().as_bytes()
    );
    if !nonce.is_empty() {
        assert!(contains(&der, nonce), "the nonce is in the request");
    }
}

fn cms_context<'a>(verifier: &'a CountingVerifier) -> VerifyContext<'a> {
    let c = chain();
    VerifyContext::new(&c.anchors, options())
        .with_intermediates(&c.pool)
        .with_verifier(verifier)
}

/// `cms_der` and `cms_ber`: a CMS SignedData (DER, BER or PEM) verified
/// against the example root, with the example content when detached:
/// signature checks within the message budget, signers within the
/// limit; a mutant of a committed signature in its signed bytes is
/// never valid.
pub fn check_cms(data: &[u8]) {
    let verifier = CountingVerifier::default();
    let ctx = cms_context(&verifier);
    let Ok(mut result) = verify_signed_data(data, None, &ctx) else {
        return;
    };
    if result.detached {
        let mut content: &[u8] = fixtures::CONTENT;
        match verify_signed_data(data, Some(&mut content), &ctx) {
            Ok(r) => result = r,
            Err(_) => return,
        }
    }
    assert!(
        verifier.count() <= 2 * message_checks_bound(),
        "{} signature checks",
        verifier.count()
    );
    assert!(result.signers.len() <= ctx.limits.max_signers);
    if mutant::is_mutant(data, mutant::Fixture::Attached)
        || mutant::is_mutant(data, mutant::Fixture::Detached)
    {
        assert!(!result.valid, "a mutant of a committed signature is valid");
    }
}

/// `cms_der`: see [`check_cms`].
pub fn check_cms_der(data: &[u8]) {
    check_cms(data)
}

/// `cms_ber`: see [`check_cms`].
pub fn check_cms_ber(data: &[u8]) {
    check_cms(data)
}

/// `timestamp`: an RFC 3161 TimeStampToken over the example content:
/// within the message budget; a mutant of the committed token in its
/// signed bytes never proves its time.
pub fn check_timestamp(data: &[u8]) {
    let verifier = CountingVerifier::default();
    let ctx = cms_context(&verifier);
    let Ok(result) = verify_timestamp_token(data, fixtures::CONTENT, &ctx) else {
        return;
    };
    assert!(verifier.count() <= message_checks_bound());
    if mutant::is_mutant(data, mutant::Fixture::Timestamp) {
        assert!(!result.valid, "a mutant of the committed token is valid");
    }
}

const PKCS1_NAMES: [&str; 6] = [
    "SHA256withRSA",
    "SHA384withRSA",
    "SHA1withRSA",
    "RSASSA-PSS",
    "SHA256withECDSA",
    "SHA512withRSA",
];

/// `pkcs1`: the first byte picks the algorithm name, the rest is a raw
/// signature of the example content by the RSA leaf: only the committed
/// OpenSSL signature verifies as SHA256withRSA (PKCS#1 v1.5 is
/// deterministic: any other bytes are a forgery).
pub fn check_pkcs1(data: &[u8]) {
    let Some((&which, signature)) = data.split_first() else {
        return;
    };
    let name = PKCS1_NAMES[usize::from(which) % PKCS1_NAMES.len()];
    let verifier = CountingVerifier::default();
    let ctx = cms_context(&verifier);
    let Ok(result) = verify_pkcs1(fixtures::CONTENT, signature, &chain().leaf, name, &ctx) else {
        return;
    };
    assert!(verifier.count() <= path_checks_bound() + 1);
    if name == "SHA256withRSA" && signature != fixtures::PKCS1_SIG {
        assert!(
            !matches!(result.signature, validate::cms::SignatureStatus::Valid),
            "a forged PKCS#1 signature verifies"
        );
        assert!(!result.valid);
    }
}

fn validator(verifier: Arc<CountingVerifier>) -> Validator {
    let policy = ValidationPolicy::new("fuzz", chain().anchors.clone());
    Validator::with_verifier(policy, verifier)
}

/// `request_json`: a validation request (the seed's JSON) through the
/// `Validator` every door uses: a report always, serialisable, within the
/// message budget; a request carrying a mutant of a committed signature is
/// never acceptable.
pub fn check_request_json(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let counting = Arc::new(CountingVerifier::default());
    let report = validator(counting.clone()).validate_json(json, at());
    assert!(serde_json::to_string(&report).is_ok());
    assert!(counting.count() <= 2 * message_checks_bound());
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
        let signature = value
            .get("signature")
            .and_then(|s| s.as_str())
            .and_then(|s| Base64::decode_vec(s).ok());
        let text = value.get("signedText").and_then(|s| s.as_str());
        let plain = value.get("signedTextPack").is_none();
        let content_ok = text.is_none_or(|t| {
            plain && Base64::decode_vec(t).ok().as_deref() == Some(fixtures::CONTENT)
        });
        if let Some(sig) = signature
            && content_ok
            && (mutant::is_mutant(&sig, mutant::Fixture::Attached)
                || mutant::is_mutant(&sig, mutant::Fixture::Detached))
        {
            assert!(!report.is_acceptable(), "a mutant signature is acceptable");
        }
    }
}

/// `policy_json`: a policy file; one that parses builds a policy (inline
/// PEM anchors only) whose validator answers a request.
pub fn check_policy_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = PolicyFile::from_json(text) else {
        return;
    };
    let Ok(policy) = file.into_policy(|name| {
        Err(validate::Error::Invalid {
            what: "policy file",
            rule: format!("{name}: no files when fuzzing"),
        })
    }) else {
        return;
    };
    let report =
        Validator::new(policy).validate_json(r#"{"signatureType":"X509","certificate":""}"#, at());
    assert!(serde_json::to_string(&report).is_ok());
}

/// `archive_entry`: one line of an archive import: an entry that parses
/// serialises and parses back to itself.
pub fn check_archive_entry(data: &[u8]) {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(entry) = serde_json::from_str::<ArchiveEntry>(line) else {
        return;
    };
    let text = match serde_json::to_string(&entry) {
        Ok(t) => t,
        Err(e) => panic!("an entry that parsed does not serialise: {e}"),
    };
    match serde_json::from_str::<ArchiveEntry>(&text) {
        Ok(again) => assert_eq!(again, entry, "round trip"),
        Err(e) => panic!("a serialised entry does not parse: {e}: {text}"),
    }
}

thread_local! {
    static ARCHIVE: Option<Archive> = {
        let lines = include_str!("../../examples/server/archive.jsonl");
        Archive::open_in_memory().ok().map(|mut a| {
            for line in lines.lines().filter(|l| !l.trim().is_empty()) {
                if let Ok(entry) = serde_json::from_str::<ArchiveEntry>(line) {
                    let _ = a.record(&entry);
                }
            }
            a
        })
    };
}

/// `archive_query`: a RetrieveArchiveEntries body; one that parses is
/// answered from an in-memory archive of the example entries, for an
/// administrator and for an auditor: a page never longer than PageSize,
/// TotalCount at least the page, the page number asked for.
pub fn check_archive_query(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(request) = ArchiveRequest::from_json(body) else {
        return;
    };
    ARCHIVE.with(|archive| {
        let Some(archive) = archive else {
            panic!("in-memory archive");
        };
        for caller in [
            Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE),
            Caller::new(Role::CodeSigningAuditor)
                .with_scope(CODESIGN_MANAGE_SCOPE)
                .auditing("\\VED\\Code Signing\\Projects\\Example"),
        ] {
            if let Ok(response) = archive.retrieve(&caller, &request) {
                assert!(response.archive_results.len() <= request.page_size as usize);
                assert!(response.total_count >= response.archive_results.len() as u64);
                assert_eq!(response.page_number, request.page);
            }
        }
    });
}

//! Property tests: random bytes, and real CRLs and OCSP responses with
//! random damage, never make the parsers or the checker panic; they give an
//! error or an unknown status.

mod revocation_support;

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use validate::crypto::DigestAlgorithm;
use validate::revocation::{
    CertId, Crl, NoExtraSigners, OcspRequest, OcspResponse, RevocationMode, RevocationOptions,
    RevocationSources, check_revocation, read_crls,
};
use validate::{Certificate, Timestamp};

const PKITS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/conformance/pkits/data"
);

/// (CRL, issuer certificate, a certificate it covers) from PKITS, chosen
/// for variety: plain, reason codes, IDP scopes, indirect, delta.
const CASES: &[(&str, &str, &str)] = &[
    (
        "GoodCACRL.crl",
        "GoodCACert.crt",
        "ValidCertificatePathTest1EE.crt",
    ),
    (
        "LongSerialNumberCACRL.crl",
        "LongSerialNumberCACert.crt",
        "InvalidLongSerialNumberTest18EE.crt",
    ),
    (
        "onlySomeReasonsCA4compromiseCRL.crl",
        "onlySomeReasonsCA4Cert.crt",
        "InvalidonlySomeReasonsTest20EE.crt",
    ),
    (
        "indirectCRLCA5CRL.crl",
        "indirectCRLCA6Cert.crt",
        "ValidcRLIssuerTest33EE.crt",
    ),
    (
        "deltaCRLCA1deltaCRL.crl",
        "deltaCRLCA1Cert.crt",
        "ValiddeltaCRLTest5EE.crt",
    ),
    (
        "distributionPoint1CACRL.crl",
        "distributionPoint1CACert.crt",
        "ValiddistributionPointTest1EE.crt",
    ),
];

struct Fixtures {
    crls: Vec<(Vec<u8>, Certificate, Certificate)>,
    ocsp: Vec<u8>,
    ocsp_issuer: Certificate,
    ocsp_cert: Certificate,
}

fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let read = |p: String| std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
        let crls = CASES
            .iter()
            .map(|(crl, issuer, cert)| {
                (
                    read(format!("{PKITS}/crls/{crl}")),
                    Certificate::from_der(&read(format!("{PKITS}/certs/{issuer}"))).unwrap(),
                    Certificate::from_der(&read(format!("{PKITS}/certs/{cert}"))).unwrap(),
                )
            })
            .collect();
        let pki =
            revocation_support::Pki::new("fuzz", "http://127.0.0.1:1/", "http://127.0.0.1:1/c");
        let ca = pki.cert("ca");
        let revoked = pki.cert("revoked");
        let request = OcspRequest::new(vec![CertId::new(&revoked, &ca, DigestAlgorithm::Sha256)])
            .with_nonce(vec![9; 16]);
        let ocsp = pki.ocsp_respond(&request.to_der().unwrap(), "responder");
        Fixtures {
            crls,
            ocsp,
            ocsp_issuer: ca,
            ocsp_cert: revoked,
        }
    })
}

fn options(time: &str) -> RevocationOptions {
    let mut o = RevocationOptions::at(time.parse::<Timestamp>().unwrap());
    o.mode = RevocationMode::Hard;
    o.offline = true;
    o
}

/// Applies (position, value) writes and an optional truncation.
fn damage(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    for (pos, value) in edits {
        let n = bytes.len();
        if n > 0 {
            bytes[pos % n] = *value;
        }
    }
    if let Some(cut) = cut {
        let n = bytes.len();
        bytes.truncate(cut % (n + 1));
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Crl::from_der(&bytes);
        let _ = read_crls(&bytes);
        let _ = OcspResponse::from_der(&bytes);
        // Random content behind plausible outer tags.
        let mut seq = vec![0x30, 0x82, (bytes.len() >> 8) as u8, bytes.len() as u8];
        seq.extend_from_slice(&bytes);
        let _ = Crl::from_der(&seq);
        let _ = OcspResponse::from_der(&seq);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn damaged_crls_never_panic(
        case in 0..CASES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in proptest::option::weighted(0.2, any::<usize>()),
    ) {
        let (der, issuer, cert) = &fixtures().crls[case];
        let bytes = damage(der.clone(), &edits, cut);
        if let Ok(crl) = Crl::from_der(&bytes) {
            let _ = crl.find(cert.serial(), cert.issuer());
            let sources = RevocationSources::new().with_crls([crl]);
            let status = check_revocation(cert, issuer, &sources, &options("2011-04-15T00:00:00Z"), &NoExtraSigners);
            // A damaged CRL may still be well formed, but its signature no
            // longer verifies: it can never make a certificate good.
            prop_assert!(!status.is_good() || bytes == *der, "{status}");
        }
    }

    #[test]
    fn damaged_ocsp_responses_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in proptest::option::weighted(0.2, any::<usize>()),
    ) {
        let f = fixtures();
        let bytes = damage(f.ocsp.clone(), &edits, cut);
        if let Ok(response) = OcspResponse::from_der(&bytes) {
            let mut sources = RevocationSources::new();
            sources.add_ocsp_response(Arc::new(response));
            let now = Timestamp::now().to_string();
            let status = check_revocation(&f.ocsp_cert, &f.ocsp_issuer, &sources, &options(&now), &NoExtraSigners);
            prop_assert!(!status.is_good(), "{status}");
        }
    }
}

#[test]
fn undamaged_fixtures_decide() {
    let f = fixtures();
    let response = OcspResponse::from_der(&f.ocsp).unwrap();
    let mut sources = RevocationSources::new();
    sources.add_ocsp_response(Arc::new(response));
    let now = Timestamp::now().to_string();
    let status = check_revocation(
        &f.ocsp_cert,
        &f.ocsp_issuer,
        &sources,
        &options(&now),
        &NoExtraSigners,
    );
    assert!(status.is_revoked(), "{status}");
}

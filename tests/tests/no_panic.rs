//! No input makes a parser panic: random bytes, and real certificates
//! mutated (bytes flipped, truncated, spliced), fed to every entry point
//! that reads certificates. A parser may only return `Ok` or `Err`.

use proptest::prelude::*;
use validate::{Certificate, CertificateRecord, read_certificates};

fn example_ders() -> Vec<Vec<u8>> {
    let pem = std::fs::read(validate_tests::repo_root().join("examples/chain/chain.pem")).unwrap();
    read_certificates(&pem)
        .unwrap()
        .into_iter()
        .map(|c| c.unwrap().der().to_vec())
        .collect()
}

/// Everything a caller can do with a parsed certificate, so that lazily
/// reached code paths run on hostile input too.
fn exercise(input: &[u8]) {
    if let Ok(entries) = read_certificates(input) {
        for cert in entries.into_iter().flatten() {
            let record = CertificateRecord::from_certificate(&cert);
            let _ = serde_json::to_string(&record).unwrap();
            let _ = cert.serial().to_decimal();
        }
    }
    if let Ok(cert) = Certificate::from_der(input) {
        let _ = CertificateRecord::from_certificate(&cert);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&input);
    }

    #[test]
    fn mutated_certificates(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut der = example_ders()[which].clone();
        for (at, value) in flips {
            let i = at.index(der.len());
            der[i] = value;
        }
        if truncate {
            der.truncate(cut.index(der.len()));
        }
        exercise(&der);
        // The same bytes wrapped in PEM, and two copies concatenated.
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            <base64ct::Base64 as base64ct::Encoding>::encode_string(&der)
        );
        exercise(pem.as_bytes());
        let mut twice = der.clone();
        twice.extend_from_slice(&der);
        exercise(&twice);
    }

    #[test]
    fn pem_text_noise(noise in "[-A-Za-z0-9+/=: \n]{0,400}") {
        let text = format!("-----BEGIN CERTIFICATE-----\n{noise}\n-----END CERTIFICATE-----\n{noise}");
        exercise(text.as_bytes());
    }
}

#[test]
fn outer_tag_mutation_is_rejected_naming_the_structure() {
    // A sanity check that mutation reaches the decoder: flipping the outer
    // tag makes every example fail with a DER error naming the structure.
    for mut der in example_ders() {
        der[0] = 0x31;
        let err = Certificate::from_der(&der).unwrap_err();
        assert!(err.to_string().contains("Certificate"), "{err}");
    }
}

fn example_validator() -> validate::validator::Validator {
    let root = std::fs::read(validate_tests::repo_root().join("examples/chain/root.pem")).unwrap();
    let anchors = validate::path::TrustStore::from_certificates(
        read_certificates(&root).unwrap().into_iter().flatten(),
    );
    validate::validator::Validator::new(validate::policy::ValidationPolicy::new("fuzz", anchors))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Requests with every signature type and random or mutated payloads:
    /// the validator always answers with a report.
    #[test]
    fn validator_requests_never_panic(
        kind in prop::sample::select(vec!["CAdES", "CAdES-Multiple", "CAdES-Implicit", "CAdES-Explicit", "P7B", "X509", "PKCS1", "PAdES", "XAdES-Detached", "bogus"]),
        payload in proptest::collection::vec(any::<u8>(), 0..512),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        use_real in any::<bool>(),
        pack in prop::sample::select(vec!["", "BASE64", "BASE64-ISO-8859-1", "UTF-16"]),
    ) {
        let b64 = |b: &[u8]| <base64ct::Base64 as base64ct::Encoding>::encode_string(b);
        let mut signature = if use_real {
            std::fs::read(validate_tests::repo_root().join("examples/signatures/attached.p7m")).unwrap()
        } else {
            payload.clone()
        };
        for (at, value) in flips {
            if !signature.is_empty() {
                let i = at.index(signature.len());
                signature[i] = value;
            }
        }
        let request = serde_json::json!({
            "signatureType": kind,
            "signature": b64(&signature),
            "certificate": b64(&payload),
            "algorithm": "SHA256withRSA",
            "signedText": b64(&payload),
            "signedTextPack": pack,
        });
        let at = "2030-01-01T00:00:00Z".parse().unwrap();
        let report = example_validator().validate_json(&request.to_string(), at);
        let _ = serde_json::to_string(&report).unwrap();
    }
}

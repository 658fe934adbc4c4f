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

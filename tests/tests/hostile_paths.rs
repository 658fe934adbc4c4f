//! Hostile path-building input: a mesh of 50 mutually cross-signed CAs
//! (2,450 certificates) must end in budget exhaustion reported as a
//! finding, not in an exponential search. Elapsed time is printed for the
//! closing note; speed is measured by benchmarks, not asserted here.

use std::time::Instant;

use validate::crypto::DefaultVerifier;
use validate::path::{CertificatePool, ResultCode, TrustStore, ValidationOptions, validate_path};
use validate::{Certificate, Timestamp};
use validate_tests::mint::{Issuer, issue};

const CAS: u64 = 50;

fn mesh() -> (Vec<Issuer>, CertificatePool) {
    let cas: Vec<Issuer> = (0..CAS)
        .map(|i| Issuer::new(&format!("CN=Mesh CA {i}"), i + 1))
        .collect();
    let mut pool = CertificatePool::new();
    for (i, subject) in cas.iter().enumerate() {
        for (j, issuer) in cas.iter().enumerate() {
            if i != j {
                let der = issue(subject, issuer, (i * 100 + j) as u64 + 1, true);
                pool.add(std::sync::Arc::new(Certificate::from_der(&der).unwrap()));
            }
        }
    }
    (cas, pool)
}

#[test]
fn cross_signed_mesh_exhausts_the_budget_with_a_finding() {
    let (cas, pool) = mesh();
    assert_eq!(pool.len(), (CAS * (CAS - 1)) as usize);
    let leaf =
        Certificate::from_der(&issue(&Issuer::new("CN=leaf", 1000), &cas[0], 1, false)).unwrap();
    let unrelated = Issuer::new("CN=Unrelated Root", 2000);
    let anchors = TrustStore::from_certificates([Certificate::from_der(&issue(
        &unrelated, &unrelated, 1, true,
    ))
    .unwrap()]);
    let options = ValidationOptions::at(Timestamp::from_unix_seconds(1_700_000_000));

    let started = Instant::now();
    let result = validate_path(
        &leaf,
        &pool,
        &anchors,
        &options,
        &DefaultVerifier::default(),
    );
    eprintln!(
        "mesh of {CAS} CAs without a trusted one: {:?}, {} paths rejected",
        started.elapsed(),
        result.rejected_paths
    );

    assert!(!result.valid);
    let exhausted: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.code == ResultCode::BudgetExhausted)
        .collect();
    assert_eq!(exhausted.len(), 1, "{:?}", result.findings);
    assert!(
        exhausted[0].detail.contains("budget"),
        "{}",
        exhausted[0].detail
    );
    assert!(result.chain.len() > 2, "the closest path is kept");
}

#[test]
fn a_trusted_mesh_member_is_found_at_once() {
    let (cas, pool) = mesh();
    let leaf =
        Certificate::from_der(&issue(&Issuer::new("CN=leaf", 1000), &cas[0], 1, false)).unwrap();
    let anchors =
        TrustStore::from_certificates([
            Certificate::from_der(&issue(&cas[0], &cas[0], 7, true)).unwrap()
        ]);
    let options = ValidationOptions::at(Timestamp::from_unix_seconds(1_700_000_000));
    let started = Instant::now();
    let result = validate_path(
        &leaf,
        &pool,
        &anchors,
        &options,
        &DefaultVerifier::default(),
    );
    eprintln!("mesh with a trusted member: {:?}", started.elapsed());
    assert!(result.valid, "{:?}", result.findings);
    assert_eq!(result.chain.len(), 2);
}

#[test]
fn an_untrusted_self_signed_root_among_the_intermediates_is_untrusted_root() {
    let root = Issuer::new("CN=Untrusted Root", 7);
    let ca = Issuer::new("CN=Issuing CA", 8);
    let mut pool = CertificatePool::new();
    for der in [issue(&root, &root, 1, true), issue(&ca, &root, 2, true)] {
        pool.add(std::sync::Arc::new(Certificate::from_der(&der).unwrap()));
    }
    let leaf = Certificate::from_der(&issue(&Issuer::new("CN=leaf", 9), &ca, 3, false)).unwrap();
    let options = ValidationOptions::at(Timestamp::from_unix_seconds(1_700_000_000));
    let result = validate_path(
        &leaf,
        &pool,
        &TrustStore::new(),
        &options,
        &DefaultVerifier::default(),
    );
    assert!(!result.valid);
    assert_eq!(result.chain.len(), 3);
    let codes: Vec<ResultCode> = result.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [ResultCode::UntrustedRoot], "{:?}", result.findings);
    assert_eq!(result.chain_flags().to_string(), "UntrustedRoot");
}

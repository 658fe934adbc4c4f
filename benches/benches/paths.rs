//! Path validation of a 3-certificate RSA-2048 chain and of a P-256 chain,
//! beside OpenSSL's `X509_verify_cert` on the same chains in the same run.
//! Chains are made with the openssl CLI in a temporary folder.
//!
//! `cargo bench -p validate-benches --bench paths`

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use validate::crypto::DefaultVerifier;
use validate::path::{
    CertificatePool, SignatureCache, TrustStore, ValidationOptions, validate_path,
};
use validate::{Certificate, Timestamp, read_certificates_strict};
use validate_benches::{make_chain, openssl_rate, openssl_rates};

fn load(dir: &Path, name: &str) -> Certificate {
    read_certificates_strict(&std::fs::read(dir.join(name)).unwrap())
        .unwrap()
        .remove(0)
}

fn bench_paths(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let program = openssl_rates(tmp.path());
    let mut group = c.benchmark_group("chain");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    for (label, keygen) in [
        (
            "rsa2048",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..],
        ),
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
        ),
    ] {
        let dir = tmp.path().join(label);
        std::fs::create_dir_all(&dir).unwrap();
        make_chain(&dir, keygen);
        let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
        let rate = openssl_rate(
            &program,
            &[
                "verify",
                &path("root.pem"),
                &path("int.pem"),
                &path("leaf.pem"),
                "3",
            ],
        );
        eprintln!("OpenSSL X509_verify_cert, {label} 3-certificate chain: {rate:.0} chains/s");

        let leaf = load(&dir, "leaf.pem");
        let intermediates = CertificatePool::from_certificates([load(&dir, "int.pem")]);
        let anchors = TrustStore::from_certificates([load(&dir, "root.pem")]);
        let options = ValidationOptions::at(Timestamp::now());
        let verifier = DefaultVerifier::default();
        assert!(validate_path(&leaf, &intermediates, &anchors, &options, &verifier).valid);
        group.bench_function(label, |b| {
            b.iter(|| {
                std::hint::black_box(validate_path(
                    &leaf,
                    &intermediates,
                    &anchors,
                    &options,
                    &verifier,
                ))
            })
        });
        // Warm caches: the same leaf again and again with a shared signature
        // cache, as a long-lived Validator does.
        let mut warm = options.clone();
        warm.signature_cache = Some(std::sync::Arc::new(SignatureCache::new(1024)));
        group.bench_function(format!("{label}_warm"), |b| {
            b.iter(|| {
                std::hint::black_box(validate_path(
                    &leaf,
                    &intermediates,
                    &anchors,
                    &warm,
                    &verifier,
                ))
            })
        });
        // Parsing included: what a caller that receives the chain as bytes pays.
        let ders: Vec<Vec<u8>> = ["leaf.pem", "int.pem", "root.pem"]
            .iter()
            .map(|f| load(&dir, f).der().to_vec())
            .collect();
        group.bench_function(format!("{label}_from_der"), |b| {
            b.iter(|| {
                let leaf = Certificate::from_der(&ders[0]).unwrap();
                let intermediates =
                    CertificatePool::from_certificates([Certificate::from_der(&ders[1]).unwrap()]);
                let anchors =
                    TrustStore::from_certificates([Certificate::from_der(&ders[2]).unwrap()]);
                std::hint::black_box(validate_path(
                    &leaf,
                    &intermediates,
                    &anchors,
                    &options,
                    &verifier,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_paths);
criterion_main!(benches);

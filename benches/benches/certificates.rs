//! Parsing certificates and producing their records, over the Mozilla root
//! store (PyPI `certifi`), beside OpenSSL's `d2i_X509` on the same
//! certificates in the same run.
//!
//! `cargo bench -p validate-benches --bench certificates`

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use validate::{Certificate, CertificateRecord, read_certificates_strict};
use validate_benches::{openssl_rate, openssl_rates};

fn certifi_ders() -> Vec<Vec<u8>> {
    let pem =
        std::fs::read(validate_tests::python_package_dir("certifi").join("cacert.pem")).unwrap();
    read_certificates_strict(&pem)
        .unwrap()
        .into_iter()
        .map(|c| c.der().to_vec())
        .collect()
}

fn bench_certificates(c: &mut Criterion) {
    let ders = certifi_ders();
    let n = ders.len() as u64;

    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("certifi.ders");
    let mut framed = Vec::new();
    for der in &ders {
        framed.extend_from_slice(&(der.len() as u32).to_be_bytes());
        framed.extend_from_slice(der);
    }
    std::fs::write(&list, framed).unwrap();
    let program = openssl_rates(dir.path());
    let openssl = openssl_rate(&program, &["parse", list.to_str().unwrap(), "3"]);
    eprintln!("OpenSSL d2i_X509 over {n} certifi roots: {openssl:.0} certificates/s");

    let mut group = c.benchmark_group("certifi");
    group.throughput(Throughput::Elements(n));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for der in &ders {
                std::hint::black_box(Certificate::from_der(der).unwrap());
            }
        })
    });
    group.bench_function("parse_and_record", |b| {
        b.iter(|| {
            for der in &ders {
                let cert = Certificate::from_der(der).unwrap();
                std::hint::black_box(CertificateRecord::from_certificate(&cert));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_certificates);
criterion_main!(benches);

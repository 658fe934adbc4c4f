//! Detached CMS verification for 1 KiB, 1 MiB and 100 MiB of content
//! (RSA-2048 and P-256 signers of the example 3-certificate chain,
//! SHA-256, signed attributes, the intermediate carried in the message),
//! the content streamed from its file, beside
//! OpenSSL's in-process `CMS_verify` on the same files in the same run.
//! Prints the peak resident memory of the process at the end.
//!
//! `cargo bench -p validate-benches --bench cms`

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use validate::cms::{VerifyContext, verify_signed_data};
use validate::path::{CertificatePool, TrustStore, ValidationOptions};
use validate::{Timestamp, read_certificates_strict};
use validate_benches::{openssl, openssl_rate, openssl_rates};

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/chain")
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench_cms(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let program = openssl_rates(dir);
    let read =
        |f: &str| read_certificates_strict(&std::fs::read(examples().join(f)).unwrap()).unwrap();
    let anchors = TrustStore::from_certificates(read("root.pem"));
    let intermediates = CertificatePool::from_certificates(read("intermediate.pem"));
    let ctx = VerifyContext::new(&anchors, ValidationOptions::at(Timestamp::now()))
        .with_intermediates(&intermediates);
    let (root, inter) = (
        examples().join("root.pem"),
        examples().join("intermediate.pem"),
    );

    let mut group = c.benchmark_group("cms_detached");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    for (size_label, size) in [
        ("1KiB", 1usize << 10),
        ("1MiB", 1 << 20),
        ("100MiB", 100 << 20),
    ] {
        let content = dir.join(format!("content-{size_label}"));
        // Written in 64 KiB blocks, never held whole, so that the peak
        // memory printed at the end is the verifier's.
        let block: Vec<u8> = (0..1usize << 16).map(|i| (i * 7 % 251) as u8).collect();
        let mut out = std::io::BufWriter::new(File::create(&content).unwrap());
        let mut written = 0;
        while written < size {
            let n = block.len().min(size - written);
            std::io::Write::write_all(&mut out, &block[..n]).unwrap();
            written += n;
        }
        std::io::Write::flush(&mut out).unwrap();
        drop(out);
        for (signer, cert, key) in [
            ("rsa2048", "leaf.pem", "leaf.key"),
            ("p256", "leaf-ec.pem", "leaf-ec.key"),
        ] {
            let sig = dir.join(format!("{signer}-{size_label}.p7s"));
            let (cert, key) = (examples().join(cert), examples().join(key));
            openssl(
                dir,
                &[
                    "cms",
                    "-sign",
                    "-binary",
                    "-outform",
                    "DER",
                    "-md",
                    "sha256",
                    "-in",
                    content.to_str().unwrap(),
                    "-signer",
                    cert.to_str().unwrap(),
                    "-inkey",
                    key.to_str().unwrap(),
                    "-out",
                    sig.to_str().unwrap(),
                    // OpenSSL's CMS_verify builds the path from the message's certificates only.
                    "-certfile",
                    inter.to_str().unwrap(),
                ],
            );
            let rate = openssl_rate(
                &program,
                &[
                    "cms",
                    sig.to_str().unwrap(),
                    content.to_str().unwrap(),
                    root.to_str().unwrap(),
                    inter.to_str().unwrap(),
                    "2",
                ],
            );
            eprintln!(
                "OpenSSL CMS_verify {signer} {size_label}: {rate:.1} verifications/s, {:.1} MB/s",
                rate * size as f64 / 1e6
            );
            let signature = std::fs::read(&sig).unwrap();
            let mut file = File::open(&content).unwrap();
            assert!(
                verify_signed_data(&signature, Some(&mut file), &ctx)
                    .unwrap()
                    .valid
            );
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_function(format!("{signer}_{size_label}"), |b| {
                b.iter(|| {
                    let mut file = File::open(&content).unwrap();
                    std::hint::black_box(
                        verify_signed_data(&signature, Some(&mut file), &ctx).unwrap(),
                    )
                })
            });
        }
    }
    group.finish();
    if let Some(kib) = peak_rss_kib() {
        eprintln!(
            "peak resident memory of the benchmark process: {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
}

criterion_group!(benches, bench_cms);
criterion_main!(benches);

//! Detached CMS verification throughput, beside `openssl cms -verify`.
//!
//! `cargo run --release -p validate --example cms_bench -- [MiB ...]`
//! makes content of each size (default 1 KiB, 1 MiB, 100 MiB) in a
//! temporary directory, signs it detached with the example RSA-2048 and
//! P-256 leaves (3-certificate chain) using the openssl CLI, then times our
//! verification (content streamed from the file) and the openssl CLI's
//! (process start included). Peak memory is the process's VmHWM.

use std::process::Command;
use std::time::Instant;

use validate::Timestamp;
use validate::cms::{VerifyContext, verify_signed_data};
use validate::path::{TrustStore, ValidationOptions};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/chain");
    let c = |n: &str| root.join(n).to_str().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("validate-cms-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if args.is_empty() {
            vec![1024, 1024 * 1024, 100 * 1024 * 1024]
        } else {
            args.into_iter().map(|m| m * 1024 * 1024).collect()
        }
    };
    let anchors = TrustStore::from_certificates(
        validate::read_certificates_strict(&std::fs::read(c("root.pem")).unwrap()).unwrap(),
    );
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at(Timestamp::from_unix_seconds(1_893_456_000)),
    );
    println!(
        "| content | signer | ours per second | ours MB/s | openssl CLI per second | openssl MB/s |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for size in sizes {
        let content = p(&format!("content-{size}"));
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        // Written in 1 MiB blocks so that this process never holds the content.
        let mut file = std::fs::File::create(&content).unwrap();
        let mut left = size;
        while left > 0 {
            let n = left.min(block.len());
            std::io::Write::write_all(&mut file, &block[..n]).unwrap();
            left -= n;
        }
        drop(file);
        for (name, cert, key) in [
            ("RSA-2048", "leaf.pem", "leaf.key"),
            ("P-256", "leaf-ec.pem", "leaf-ec.key"),
        ] {
            let sig = p(&format!("sig-{size}-{name}.p7s"));
            let status = Command::new("openssl")
                .args([
                    "cms",
                    "-sign",
                    "-binary",
                    "-in",
                    &content,
                    "-signer",
                    &c(cert),
                    "-inkey",
                    &c(key),
                ])
                .args([
                    "-certfile",
                    &c("intermediate.pem"),
                    "-outform",
                    "DER",
                    "-out",
                    &sig,
                ])
                .status()
                .unwrap();
            assert!(status.success());
            let p7s = std::fs::read(&sig).unwrap();
            let iterations = (200 * 1024 * 1024 / size.max(1)).clamp(2, 500);
            let start = Instant::now();
            for _ in 0..iterations {
                let mut f = std::fs::File::open(&content).unwrap();
                let r = verify_signed_data(&p7s, Some(&mut f), &ctx).unwrap();
                assert!(r.valid);
            }
            let ours = start.elapsed().as_secs_f64() / iterations as f64;
            let os_iterations = iterations.min(50);
            let start = Instant::now();
            for _ in 0..os_iterations {
                let ok = Command::new("openssl")
                    .args([
                        "cms", "-verify", "-binary", "-inform", "DER", "-in", &sig, "-content",
                        &content,
                    ])
                    .args([
                        "-CAfile",
                        &c("root.pem"),
                        "-purpose",
                        "any",
                        "-attime",
                        "1893456000",
                        "-out",
                        "/dev/null",
                    ])
                    .output()
                    .unwrap()
                    .status
                    .success();
                assert!(ok);
            }
            let theirs = start.elapsed().as_secs_f64() / os_iterations as f64;
            let mb = size as f64 / 1e6;
            println!(
                "| {} | {name} | {:.1} | {:.1} | {:.1} | {:.1} |",
                if size >= 1024 * 1024 {
                    format!("{} MiB", size / 1024 / 1024)
                } else {
                    format!("{} KiB", size / 1024)
                },
                1.0 / ours,
                mb / ours,
                1.0 / theirs,
                mb / theirs
            );
        }
        let _ = std::fs::remove_file(&content);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!(
            "peak memory of this process: {}",
            line.trim_start_matches("VmHWM:").trim()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

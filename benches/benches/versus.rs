//! Side-by-side with OpenSSL, interleaved: each comparison measures ours,
//! then OpenSSL's (a C program on the system's libcrypto, `c/openssl_rates.c`),
//! then ours again, and so on for several rounds (ABAB) in one run, so both
//! see the same machine load; it prints each round and one summary line
//!
//! `ratio NAME ours/theirs = X (min Y, max Z)`
//!
//! where X is the median of the rounds' ratios. Figures in docs/benchmarks.md.
//!
//! `cargo bench -p validate-benches --bench versus` (the C ABI comparison
//! needs `cargo build --release -p validate-ffi` first; ROUNDS and SECONDS
//! in the environment change the rounds and the seconds per measurement).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use validate::crypto::{AwsLcVerifier, RustCryptoVerifier, SignatureVerifier};
use validate::path::{CertificatePool, TrustStore, ValidationOptions, validate_path};
use validate::policy::ValidationPolicy;
use validate::validator::{ChainOptions, CmsInput, Validator};
use validate::{Certificate, Timestamp, read_certificates_strict};
use validate_benches::{make_chain, openssl, openssl_rate, openssl_rates};

/// Counts heap bytes in use and their peak, for the 100 MiB memory figure.
#[global_allocator]
static HEAP: validate_tests::heap::Counting = validate_tests::heap::Counting;

fn env_or(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Calls `f` (which does `per_call` units) for about `seconds`; units per second.
fn rate(seconds: f64, per_call: f64, mut f: impl FnMut()) -> f64 {
    f();
    let start = Instant::now();
    let mut calls = 0u64;
    loop {
        f();
        calls += 1;
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed >= seconds {
            return calls as f64 * per_call / elapsed;
        }
    }
}

/// ABAB: `rounds` times ours then theirs; prints the rounds and the summary line.
fn compare(
    name: &str,
    unit: &str,
    rounds: usize,
    mut ours: impl FnMut() -> f64,
    mut theirs: impl FnMut() -> f64,
) -> f64 {
    let mut ratios = Vec::new();
    let (mut a_all, mut b_all) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let a = ours();
        let b = theirs();
        eprintln!("  {name} round {round}: ours {a:.1} {unit}, theirs {b:.1} {unit}");
        ratios.push(a / b);
        a_all.push(a);
        b_all.push(b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (min, max) = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    let x = median(&mut ratios);
    println!(
        "ratio {name} ours/theirs = {x:.2} (min {min:.2}, max {max:.2}); ours {:.1} {unit}, theirs {:.1} {unit} (medians)",
        median(&mut a_all),
        median(&mut b_all)
    );
    x
}

fn der(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(format!("{name}.der"));
    openssl(
        dir,
        &[
            "x509",
            "-in",
            &format!("{name}.pem"),
            "-outform",
            "DER",
            "-out",
            out.to_str().unwrap(),
        ],
    );
    out
}

fn load(dir: &Path, name: &str) -> Certificate {
    read_certificates_strict(&std::fs::read(dir.join(name)).unwrap())
        .unwrap()
        .remove(0)
}

/// Signs `count` different 1 KiB contents with the chain's leaf (detached
/// CMS, SHA-256, signed attributes, the intermediate in the message);
/// returns (signature, content) pairs and writes LIST for the C programs.
fn sign_many(dir: &Path, count: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    let out = dir.join("many");
    std::fs::create_dir_all(&out).unwrap();
    let mut list = String::new();
    let pairs: Vec<(PathBuf, PathBuf)> = (0..count)
        .map(|i| (out.join(format!("{i}.p7s")), out.join(format!("{i}.txt"))))
        .collect();
    std::thread::scope(|s| {
        for chunk in pairs.chunks(count.div_ceil(4)) {
            s.spawn(move || {
                for (sig, content) in chunk {
                    let text: Vec<u8> = (0..1024)
                        .map(|j| b"abcdefghijklmnopqrstuvwxyz0123456789"[(j * 7) % 36])
                        .chain(content.to_string_lossy().bytes())
                        .take(1024)
                        .collect();
                    std::fs::write(content, text).unwrap();
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
                            "leaf.pem",
                            "-inkey",
                            "leaf.key",
                            "-certfile",
                            "int.pem",
                            "-out",
                            sig.to_str().unwrap(),
                        ],
                    );
                }
            });
        }
    });
    for (sig, content) in &pairs {
        list.push_str(&format!("{} {}\n", sig.display(), content.display()));
    }
    std::fs::write(dir.join("many.list"), list).unwrap();
    pairs
        .iter()
        .map(|(s, c)| (std::fs::read(s).unwrap(), std::fs::read(c).unwrap()))
        .collect()
}

fn policy(dir: &Path) -> ValidationPolicy {
    let mut policy = ValidationPolicy::new(
        "bench",
        TrustStore::from_certificates([load(dir, "root.pem")]),
    );
    policy.intermediates = CertificatePool::from_certificates([load(dir, "int.pem")]);
    policy
}

/// Builds benches/c/ours_cms.c against the release libvalidate, if built.
fn ours_cms_program(dir: &Path) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("release");
    if !target.join("libvalidate.so").exists() {
        eprintln!(
            "no {}/libvalidate.so: cargo build --release -p validate-ffi first",
            target.display()
        );
        return None;
    }
    let program = dir.join("ours_cms");
    let status = Command::new("cc")
        .args(["-O2", "-std=c11", "-o"])
        .arg(&program)
        .arg(root.join("benches/c/ours_cms.c"))
        .arg(format!("-I{}", root.join("include").display()))
        .arg(format!("-L{}", target.display()))
        .arg(format!("-Wl,-rpath,{}", target.display()))
        .arg("-lvalidate")
        .status()
        .ok()?;
    status.success().then_some(program)
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken.
    let rounds = env_or("ROUNDS", 5.0) as usize;
    let seconds = env_or("SECONDS", 1.0);
    let load_avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "versus OpenSSL: {rounds} rounds of {seconds} s each side; load average at start: {}",
        load_avg
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let tmp = tempfile::tempdir().unwrap();
    let program = openssl_rates(tmp.path());
    let secs = seconds.to_string();
    // A year ahead: the certificates (valid ten years) and signatures are
    // made after this line.
    let (y, mo, d, ..) = Timestamp::now().to_civil();
    let at: Timestamp = format!("{:04}-{mo:02}-{:02}T00:00:00Z", y + 1, d.min(28))
        .parse()
        .unwrap();
    let at_text = at.to_string();

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
        let (root_der, int_der, leaf_der) =
            (der(&dir, "root"), der(&dir, "int"), der(&dir, "leaf"));
        let (root_bytes, int_bytes, leaf_bytes) = (
            std::fs::read(&root_der).unwrap(),
            std::fs::read(&int_der).unwrap(),
            std::fs::read(&leaf_der).unwrap(),
        );
        let openssl_cold = || {
            openssl_rate(
                &program,
                &[
                    "verifyder",
                    root_der.to_str().unwrap(),
                    int_der.to_str().unwrap(),
                    leaf_der.to_str().unwrap(),
                    &secs,
                ],
            )
        };
        // Cold: the three certificates parsed from DER, no cache of any kind.
        let options = ValidationOptions::at(at);
        let cold = |verifier: &dyn SignatureVerifier| {
            rate(seconds, 1.0, || {
                let leaf = Certificate::from_der(&leaf_bytes).unwrap();
                let pool =
                    CertificatePool::from_certificates(
                        [Certificate::from_der(&int_bytes).unwrap()],
                    );
                let anchors =
                    TrustStore::from_certificates([Certificate::from_der(&root_bytes).unwrap()]);
                let path = validate_path(&leaf, &pool, &anchors, &options, verifier);
                assert!(path.valid, "{:?}", path.findings);
            })
        };
        compare(
            &format!("chain_cold_{label}_aws_lc"),
            "chains/s",
            rounds,
            || cold(&AwsLcVerifier::new()),
            openssl_cold,
        );
        compare(
            &format!("chain_cold_{label}_rustcrypto"),
            "chains/s",
            rounds,
            || cold(&RustCryptoVerifier::new()),
            openssl_cold,
        );
        // Warm: the same leaf again and again through one long-lived Validator.
        let validator = Validator::new(policy(&dir));
        let leaf = load(&dir, "leaf.pem");
        let no_extra = CertificatePool::from_certificates(Vec::<Certificate>::new());
        compare(
            &format!("chain_warm_{label}_vs_openssl_cold"),
            "chains/s",
            rounds,
            || {
                rate(seconds, 1.0, || {
                    let path =
                        validator.validate_chain(&leaf, &no_extra, &ChainOptions::default(), at);
                    assert!(path.valid, "{:?}", path.findings);
                })
            },
            openssl_cold,
        );

        // CMS, detached, 1 KiB: many different signatures by one signer.
        let many = sign_many(&dir, 400);
        let list = dir.join("many.list");
        let openssl_many = || {
            openssl_rate(
                &program,
                &[
                    "cmsmany",
                    list.to_str().unwrap(),
                    dir.join("root.pem").to_str().unwrap(),
                    dir.join("int.pem").to_str().unwrap(),
                    &secs,
                ],
            )
        };
        let inputs: Vec<CmsInput<'_>> = many
            .iter()
            .map(|(s, c)| CmsInput::new(s, Some(c)))
            .collect();
        let validator = Validator::new(policy(&dir));
        assert!(
            validator
                .verify_many(&inputs[..4], at)
                .iter()
                .all(|r| r.is_acceptable())
        );
        let mut next = 0usize;
        compare(
            &format!("cms_1k_many_{label}_rust_api"),
            "verifications/s",
            rounds,
            || {
                rate(seconds, 1.0, || {
                    let (sig, content) = &many[next % many.len()];
                    next += 1;
                    let report = validator.verify_cms(sig, Some(&mut content.as_slice()), at);
                    assert!(report.is_acceptable());
                })
            },
            openssl_many,
        );
        if let Some(ours_c) = ours_cms_program(&dir) {
            let policy_json = serde_json::json!({
                "name": "bench",
                "trustAnchors": [dir.join("root.pem")],
                "intermediates": [dir.join("int.pem")],
                "level": 1,
                "purpose": "code-signing",
            })
            .to_string();
            compare(
                &format!("cms_1k_many_{label}_c_abi"),
                "verifications/s",
                rounds,
                || {
                    openssl_rate(
                        &ours_c,
                        &[
                            "cmsmany",
                            list.to_str().unwrap(),
                            &policy_json,
                            &at_text,
                            &secs,
                        ],
                    )
                },
                openssl_many,
            );
        }
        // One cold verification: a new validator (no caches) for each.
        let policy_cold = policy(&dir);
        let (sig0, content0) = &many[0];
        let one = dir.join("one.list");
        std::fs::write(
            &one,
            format!(
                "{} {}\n",
                dir.join("many/0.p7s").display(),
                dir.join("many/0.txt").display()
            ),
        )
        .unwrap();
        compare(
            &format!("cms_1k_single_cold_{label}"),
            "verifications/s",
            rounds,
            || {
                rate(seconds, 1.0, || {
                    let validator = Validator::new(policy_cold.clone());
                    let report = validator.verify_cms(sig0, Some(&mut content0.as_slice()), at);
                    assert!(report.is_acceptable());
                })
            },
            || {
                openssl_rate(
                    &program,
                    &[
                        "cmsmany",
                        one.to_str().unwrap(),
                        dir.join("root.pem").to_str().unwrap(),
                        dir.join("int.pem").to_str().unwrap(),
                        &secs,
                    ],
                )
            },
        );

        // Batch: 10,000 signatures on every core against one core.
        let batch: Vec<CmsInput<'_>> = (0..10_000).map(|i| inputs[i % inputs.len()]).collect();
        let mut ratios = Vec::new();
        for round in 1..=rounds.min(3) {
            let v1 = Validator::new(policy(&dir));
            let t = Instant::now();
            let r1 = v1.verify_many_sequential(&batch, at);
            let one_core = batch.len() as f64 / t.elapsed().as_secs_f64();
            let v2 = Validator::new(policy(&dir));
            let t = Instant::now();
            let r2 = v2.verify_many(&batch, at);
            let all_cores = batch.len() as f64 / t.elapsed().as_secs_f64();
            assert!(r1.iter().chain(&r2).all(|r| r.is_acceptable()));
            eprintln!(
                "  batch_10000_{label} round {round}: one core {one_core:.0}/s, {} threads {all_cores:.0}/s",
                rayon::current_num_threads()
            );
            ratios.push(all_cores / one_core);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "ratio batch_10000_{label} parallel/sequential = {:.2} (min {:.2}, max {:.2}) on {} threads",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1],
            rayon::current_num_threads()
        );
    }

    // 100 MiB detached, RSA-2048 signer, the content streamed from its file.
    let dir = tmp.path().join("rsa2048");
    let big = dir.join("content-100MiB");
    {
        let block: Vec<u8> = (0..1usize << 16).map(|i| (i * 7 % 251) as u8).collect();
        let mut out = std::io::BufWriter::new(File::create(&big).unwrap());
        for _ in 0..(100 << 20) / block.len() {
            std::io::Write::write_all(&mut out, &block).unwrap();
        }
        std::io::Write::flush(&mut out).unwrap();
    }
    let big_sig = dir.join("big.p7s");
    openssl(
        &dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-md",
            "sha256",
            "-in",
            big.to_str().unwrap(),
            "-signer",
            "leaf.pem",
            "-inkey",
            "leaf.key",
            "-certfile",
            "int.pem",
            "-out",
            big_sig.to_str().unwrap(),
        ],
    );
    let signature = std::fs::read(&big_sig).unwrap();
    let validator = Validator::new(policy(&dir));
    let mb = (100 << 20) as f64 / 1e6;
    let heap = validate_tests::heap::Peak::start();
    let mut file = File::open(&big).unwrap();
    assert!(
        validator
            .verify_cms(&signature, Some(&mut file), at)
            .is_acceptable()
    );
    let peak = heap.bytes();
    let big_rounds = rounds.min(3);
    compare(
        "cms_100MiB_rsa2048",
        "MB/s",
        big_rounds,
        || {
            let t = Instant::now();
            let mut file = File::open(&big).unwrap();
            assert!(
                validator
                    .verify_cms(&signature, Some(&mut file), at)
                    .is_acceptable()
            );
            mb / t.elapsed().as_secs_f64()
        },
        || {
            mb * openssl_rate(
                &program,
                &[
                    "cms",
                    big_sig.to_str().unwrap(),
                    big.to_str().unwrap(),
                    dir.join("root.pem").to_str().unwrap(),
                    dir.join("int.pem").to_str().unwrap(),
                    "0",
                ],
            )
        },
    );
    println!(
        "peak heap during one 100 MiB verification: {:.2} MiB (limit 32 MiB)",
        peak as f64 / (1 << 20) as f64
    );
}

//! Code-signing formats beside their peers, in one run:
//!
//! 1. Authenticode verification of a 50 MB PE file (built by binutils for
//!    MinGW-w64, signed by osslsigncode with the example chain, SHA-256)
//!    through `Validator::verify_authenticode` reading the file, interleaved
//!    with `osslsigncode verify` on the same file (ours, theirs, ours, ...);
//!    one summary line `ratio NAME ours/theirs = X (min Y, max Z)` where X
//!    is the median of the per-pair speed ratios (theirs' time over ours).
//! 2. `validate cert --from-signature` over a folder of 1,000 signed NuGet
//!    packages (each its own content, author signature and RFC 3161
//!    timestamp, made with OpenSSL while the benchmark prepares), wall time
//!    of the release binary on every core: packages per second.
//!
//! `cargo build --release -p validate-cli && cargo bench -p validate-benches --bench codesign`
//! (osslsigncode and binutils-mingw-w64 from Debian).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use base64ct::{Base64, Encoding};
use validate::policy::ValidationPolicy;
use validate::validator::Validator;
use validate::{Timestamp, read_certificates_strict};
use validate_tests::codesign::{
    Signer, ZipEntry, attribute, osslsigncode, sha256, signed_data, signer_info,
    signing_certificate_v2, time, timestamp_token, zip,
};
use validate_tests::der_tree::{Node, oid};

const PAIRS: usize = 15;
const PACKAGES: usize = 1000;

fn examples(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/chain")
        .join(name)
}

/// A PE32+ image of about 50 MB: the test image's sections and a 50 MB data section.
fn big_pe(dir: &Path) -> PathBuf {
    let src = dir.join("big.s");
    std::fs::write(
        &src,
        "    .text\n    .globl _start\n_start:\n    ret\n    .data\n    .fill 52428800, 1, 0x5a\n",
    )
    .unwrap();
    let obj = dir.join("big.o");
    let exe = dir.join("big.exe");
    for (tool, args) in [
        (
            "x86_64-w64-mingw32-as",
            vec![src.as_os_str(), "-o".as_ref(), obj.as_os_str()],
        ),
        (
            "x86_64-w64-mingw32-ld",
            vec![
                "--no-insert-timestamp".as_ref(),
                "-e".as_ref(),
                "_start".as_ref(),
                "-o".as_ref(),
                exe.as_os_str(),
                obj.as_os_str(),
            ],
        ),
    ] {
        let status = Command::new(tool)
            .args(args)
            .status()
            .expect("binutils-mingw-w64");
        assert!(status.success(), "{tool}");
    }
    exe
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn authenticode(dir: &Path) {
    let exe = big_pe(dir);
    let signed = dir.join("big-signed.exe");
    let certs = dir.join("certs.pem");
    let mut pem = std::fs::read(examples("leaf.pem")).unwrap();
    pem.extend(std::fs::read(examples("intermediate.pem")).unwrap());
    std::fs::write(&certs, pem).unwrap();
    osslsigncode(&[
        "sign",
        "-certs",
        certs.to_str().unwrap(),
        "-key",
        examples("leaf.key").to_str().unwrap(),
        "-h",
        "sha256",
        "-time",
        "1906502400",
        "-in",
        exe.to_str().unwrap(),
        "-out",
        signed.to_str().unwrap(),
    ])
    .unwrap();
    let size = std::fs::metadata(&signed).unwrap().len();
    let root = read_certificates_strict(&std::fs::read(examples("root.pem")).unwrap()).unwrap();
    let validator = Validator::new(ValidationPolicy::new(
        "bench",
        validate::path::TrustStore::from_certificates(root),
    ));
    let at: Timestamp = "2031-01-01T00:00:00Z".parse().unwrap();
    let root_path = examples("root.pem");
    let mut ratios = Vec::new();
    let (mut ours_s, mut theirs_s) = (Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let start = Instant::now();
        let mut file = std::io::BufReader::new(std::fs::File::open(&signed).unwrap());
        let report = validator.verify_authenticode(&mut file, at);
        let ours = start.elapsed().as_secs_f64();
        assert!(report.is_acceptable());
        let start = Instant::now();
        osslsigncode(&[
            "verify",
            "-in",
            signed.to_str().unwrap(),
            "-CAfile",
            root_path.to_str().unwrap(),
            "-time",
            "1924992000",
        ])
        .unwrap();
        let theirs = start.elapsed().as_secs_f64();
        ratios.push(theirs / ours);
        ours_s.push(ours);
        theirs_s.push(theirs);
    }
    let mb = size as f64 / 1e6;
    println!(
        "authenticode {mb:.1} MB PE: ours median {:.1} ms ({:.0} MB/s), osslsigncode verify median {:.1} ms ({:.0} MB/s), {PAIRS} interleaved pairs",
        median(ours_s.clone()) * 1e3,
        mb / median(ours_s),
        median(theirs_s.clone()) * 1e3,
        mb / median(theirs_s)
    );
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ratios.iter().copied().fold(0.0, f64::max);
    println!(
        "ratio authenticode_50MB ours/theirs = {:.2} (min {min:.2}, max {max:.2})",
        median(ratios)
    );
}

/// One signed package: its own nuspec and content, an author signature by
/// the example leaf with signing-certificate-v2, commitment type and a
/// timestamp by the example TSA.
fn package(i: usize, dir: &Path) -> Vec<u8> {
    let entries = vec![
        ZipEntry::stored(&format!("Bench.Package{i}.nuspec"), format!("<package><metadata><id>Bench.Package{i}</id><version>1.0.{i}</version></metadata></package>").as_bytes()),
        ZipEntry::stored("lib/net8.0/Bench.dll", &(0..4096u32).map(|b| (b as usize * 31 + i) as u8).collect::<Vec<_>>()),
    ];
    let text = format!(
        "Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:{}\n\n",
        Base64::encode_string(&sha256(&zip(&entries)))
    );
    let leaf = Signer::example("leaf");
    let attrs = vec![
        attribute(
            "1.2.840.113549.1.9.4",
            vec![Node::primitive(0x04, &sha256(text.as_bytes()))],
        ),
        attribute("1.2.840.113549.1.9.3", vec![oid("1.2.840.113549.1.7.1")]),
        attribute("1.2.840.113549.1.9.5", vec![time("20300601000000Z")]),
        attribute(
            "1.2.840.113549.1.9.16.2.47",
            vec![signing_certificate_v2(&leaf.der())],
        ),
        attribute(
            "1.2.840.113549.1.9.16.2.16",
            vec![Node::constructed(
                0x30,
                vec![oid("1.2.840.113549.1.9.16.6.1")],
            )],
        ),
    ];
    let signed = signer_info(&leaf, attrs, Vec::new(), dir);
    let value = signed.children[5].value.clone();
    let token = timestamp_token(
        &Signer::example("tsa"),
        "2.16.840.1.101.3.4.2.1",
        &sha256(&value),
        "20300601000001Z",
        true,
        dir,
    );
    let mut si = signed;
    si.children.push(Node::constructed(
        0xa1,
        vec![attribute(
            "1.2.840.113549.1.9.16.2.14",
            vec![Node::parse(&token)],
        )],
    ));
    let certs = vec![leaf.der(), Signer::example("intermediate").der()];
    let p7s = signed_data(text.as_bytes(), &certs, vec![si]);
    let mut all = entries;
    all.push(ZipEntry::stored(".signature.p7s", &p7s));
    zip(&all)
}

fn packages_per_second(dir: &Path) {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/validate");
    assert!(
        binary.exists(),
        "build it first: cargo build --release -p validate-cli"
    );
    let folder = dir.join("packages");
    std::fs::create_dir_all(&folder).unwrap();
    let work = dir.join("signing");
    std::fs::create_dir_all(&work).unwrap();
    for i in 0..PACKAGES {
        std::fs::write(
            folder.join(format!("Bench.Package{i}.1.0.{i}.nupkg")),
            package(i, &work),
        )
        .unwrap();
    }
    let mut rates = Vec::new();
    let mut lines = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let out = Command::new(&binary)
            .args(["cert", "--from-signature"])
            .arg(&folder)
            .arg("--anchors")
            .arg(examples("root.pem"))
            .args(["--at", "2031-01-01T00:00:00Z"])
            .output()
            .unwrap();
        let seconds = start.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines = String::from_utf8_lossy(&out.stdout).lines().count();
        rates.push(PACKAGES as f64 / seconds);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "cert --from-signature: {PACKAGES} packages, {lines} records, median {:.0} packages/s on {cores} cores (min {:.0}, max {:.0})",
        median(rates.clone()),
        rates.iter().copied().fold(f64::INFINITY, f64::min),
        rates.iter().copied().fold(0.0, f64::max)
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // else: run the figures only when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // A name after `--` runs that figure alone (`authenticode`, `packages`).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let tmp = tempfile::tempdir().unwrap();
    if wanted("authenticode") {
        authenticode(tmp.path());
    }
    if wanted("packages") {
        packages_per_second(tmp.path());
    }
}

//! Every input the CLI reads is bounded while it is read: `/dev/zero`
//! given to any flag that reads a file (or on standard input) ends in
//! exit 2 with a line naming the input and the limit, within a second of
//! CPU, and with bounded memory (the child's peak RSS, from `getrusage`),
//! never in unbounded growth or an allocation abort.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn examples(name: &str) -> String {
    format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Largest peak RSS of the children waited for so far, in KiB
/// (`getrusage(RUSAGE_CHILDREN)`: the maximum over them).
fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable rusage; RUSAGE_CHILDREN is a
    // valid `who`; on success the kernel fills the struct.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage");
    // SAFETY: initialised (zeroed, then filled by a successful call).
    unsafe { usage.assume_init() }.ru_maxrss
}

/// CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: as in `children_max_rss_kib`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage");
    // SAFETY: as in `children_max_rss_kib`.
    let u = unsafe { usage.assume_init() };
    let tv =
        |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn run(args: &[&str], stdin_zero: bool) -> (Option<i32>, String, Duration, Duration) {
    let started = Instant::now();
    let cpu_before = children_cpu();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_validate"));
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    if stdin_zero {
        cmd.stdin(std::fs::File::open("/dev/zero").unwrap());
    } else {
        cmd.stdin(Stdio::null());
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
        children_cpu() - cpu_before,
    )
}

/// The largest input limit of any flag is 64 MiB (`MAX_BUNDLE_SIZE`, every
/// input file); a file is held once, plus its base64 for the request
/// built from `verify --certificate` (4/3), plus the process itself.
const MAX_RSS_KIB: i64 = 256 * 1024;

#[test]
fn dev_zero_through_every_input_is_refused() {
    let root = examples("chain/root.pem");
    let leaf = examples("chain/leaf.pem");
    let policy = examples("policy.json");
    let p7m = examples("signatures/attached.p7m");
    let p7s = examples("signatures/detached.p7s");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bounded.db");
    let db = db.to_string_lossy().into_owned();
    let z = "/dev/zero";
    let cases: Vec<(Vec<&str>, bool)> = vec![
        (vec!["cert", z], false),
        (vec!["cert", &leaf, "--anchors", z], false),
        (
            vec!["cert", &leaf, "--anchors", &root, "--intermediates", z],
            false,
        ),
        (vec!["cert", "--from-signature", z], false),
        (
            vec!["cert", "--from-signature", &p7m, "--anchors", z],
            false,
        ),
        (vec!["chain", "--leaf", z, "--anchors", &root], false),
        (vec!["chain", "--leaf", &leaf, "--anchors", z], false),
        (
            vec![
                "chain",
                "--leaf",
                &leaf,
                "--anchors",
                &root,
                "--intermediates",
                z,
            ],
            false,
        ),
        (
            vec!["chain", "--leaf", &leaf, "--anchors", &root, "--crls", z],
            false,
        ),
        (vec!["verify", "--signature", z, "--anchors", &root], false),
        (vec!["verify", "--signature", &p7m, "--anchors", z], false),
        (
            vec![
                "verify",
                "--signature",
                &p7m,
                "--anchors",
                &root,
                "--intermediates",
                z,
            ],
            false,
        ),
        (
            vec![
                "verify",
                "--signature",
                &p7m,
                "--anchors",
                &root,
                "--crls",
                z,
            ],
            false,
        ),
        (
            vec!["verify", "--signature", &p7m, "--policy-file", z],
            false,
        ),
        (
            vec![
                "verify",
                "--type",
                "PKCS1",
                "--signature",
                &p7s,
                "--content",
                &p7s,
                "--certificate",
                z,
                "--anchors",
                &root,
            ],
            false,
        ),
        (
            vec![
                "verify",
                "--type",
                "X509",
                "--signature",
                z,
                "--anchors",
                &root,
            ],
            false,
        ),
        (vec!["request", "--policy-file", &policy], true),
        (vec!["request", "--policy-file", z], false),
        (vec!["archive", "--db", &db, "import", z], false),
        (vec!["archive", "--db", &db, "query"], true),
        (vec!["serve", "--config", z], false),
    ];
    for (args, stdin_zero) in cases {
        let (code, stderr, took, cpu) = run(&args, stdin_zero);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("limit"),
            "{args:?}: the error names the limit: {stderr}"
        );
        let rss = children_max_rss_kib();
        assert!(rss < MAX_RSS_KIB, "{args:?}: peak RSS {rss} KiB");
        println!("{args:?}: exit 2 in {took:?} ({cpu:?} CPU), peak RSS so far {rss} KiB");
        // Reading 64 MiB of zeros and refusing them is well under a second
        // of CPU; the bound is loose for a loaded debug build.
        assert!(cpu < Duration::from_secs(5), "{args:?} took {cpu:?} of CPU");
    }
}

/// Detached content of a CMS signature (`verify --content`, CAdES-Explicit)
/// is streamed into the digest, never held whole: a regular file of 300 MiB
/// is read to its end with bounded memory, and since it is not the signed
/// content the signature fails (exit 1), as it would for any other bytes.
#[test]
fn large_detached_content_is_streamed_with_bounded_memory() {
    let root = examples("chain/root.pem");
    let p7s = examples("signatures/detached.p7s");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap(); // sparse: 300 MiB of zeros
    let big = big.to_string_lossy().into_owned();
    let (code, stderr, _, _) = run(
        &[
            "verify",
            "--signature",
            &p7s,
            "--content",
            &big,
            "--anchors",
            &root,
            "--at",
            "2027-06-01T00:00:00Z",
            "--format",
            "json",
        ],
        false,
    );
    assert_eq!(code, Some(1), "{stderr}");
    let rss = children_max_rss_kib();
    assert!(
        rss < MAX_RSS_KIB,
        "peak RSS {rss} KiB for 300 MiB of content"
    );
}

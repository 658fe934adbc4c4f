//! Every input the CLI reads is bounded while it is read: `/dev/zero`
//! given to any input flag (or on standard input) ends in exit 2 with a
//! line naming the input and the limit, never in unbounded memory.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn examples(name: &str) -> String {
    format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], stdin_zero: bool) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
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
    )
}

#[test]
fn dev_zero_through_every_input_is_refused() {
    let root = examples("chain/root.pem");
    let leaf = examples("chain/leaf.pem");
    let policy = examples("policy.json");
    let db = std::env::temp_dir().join(format!("validate-bounded-{}.db", std::process::id()));
    let db = db.to_string_lossy().into_owned();
    let cases: Vec<(Vec<&str>, bool)> = vec![
        (vec!["cert", "/dev/zero"], false),
        (
            vec!["chain", "--leaf", "/dev/zero", "--anchors", &root],
            false,
        ),
        (
            vec!["chain", "--leaf", &leaf, "--anchors", "/dev/zero"],
            false,
        ),
        (
            vec![
                "chain",
                "--leaf",
                &leaf,
                "--anchors",
                &root,
                "--intermediates",
                "/dev/zero",
            ],
            false,
        ),
        (
            vec![
                "chain",
                "--leaf",
                &leaf,
                "--anchors",
                &root,
                "--crls",
                "/dev/zero",
            ],
            false,
        ),
        (
            vec!["verify", "--signature", "/dev/zero", "--anchors", &root],
            false,
        ),
        (
            vec![
                "verify",
                "--signature",
                &leaf,
                "--content",
                "/dev/zero",
                "--anchors",
                &root,
            ],
            false,
        ),
        (
            vec!["verify", "--signature", &leaf, "--policy-file", "/dev/zero"],
            false,
        ),
        (vec!["request", "--policy-file", &policy], true),
        (vec!["archive", "--db", &db, "import", "/dev/zero"], false),
        (vec!["archive", "--db", &db, "query"], true),
    ];
    for (args, stdin_zero) in cases {
        let (code, stderr, took) = run(&args, stdin_zero);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("limit"),
            "{args:?}: the error names the limit: {stderr}"
        );
        assert!(took < Duration::from_secs(20), "{args:?} took {took:?}");
    }
    let _ = std::fs::remove_file(&db);
}

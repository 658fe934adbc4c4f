//! Helpers of the criterion benchmarks in `benches/benches/`: building and
//! running the OpenSSL side of side-by-side comparisons (`c/openssl_rates.c`,
//! compiled with the system's libcrypto: `apt-get install libssl-dev gcc`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles `c/openssl_rates.c` into `dir` and returns the program's path.
pub fn openssl_rates(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("c/openssl_rates.c");
    let program = dir.join("openssl_rates");
    let status = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&program)
        .arg(&source)
        .arg("-lcrypto")
        .status()
        .expect("run cc (apt-get install gcc libssl-dev)");
    assert!(status.success(), "compiling {}", source.display());
    program
}

/// Runs the OpenSSL program and returns the rate it prints.
pub fn openssl_rate(program: &Path, args: &[&str]) -> f64 {
    let out = Command::new(program)
        .args(args)
        .output()
        .expect("run openssl_rates");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("a rate")
}

/// Runs `openssl` with the arguments in `dir`, failing loudly.
pub fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl {args:?}");
}

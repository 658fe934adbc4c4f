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

/// Makes root, intermediate and leaf with keys of `keygen` (openssl genpkey options).
pub fn make_chain(dir: &Path, keygen: &[&str]) {
    std::fs::write(
        dir.join("ext.cnf"),
        "[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n\
         [leaf]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    for name in ["root", "int", "leaf"] {
        let mut args = vec!["genpkey", "-out"];
        let key = format!("{name}.key");
        args.push(&key);
        args.extend_from_slice(keygen);
        openssl(dir, &args);
    }
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/CN=Bench Root",
            "-days",
            "3650",
            "-sha256",
            "-extensions",
            "ca",
            "-config",
            "ext.cnf",
            "-out",
            "root.pem",
        ],
    );
    for (name, issuer, ext, serial) in [("int", "root", "ca", "2"), ("leaf", "int", "leaf", "3")] {
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        let subject = format!("/CN=Bench {name}");
        openssl(
            dir,
            &[
                "req", "-new", "-key", &key, "-subj", &subject, "-out", &csr, "-config", "ext.cnf",
            ],
        );
        let (ca, ca_key) = (format!("{issuer}.pem"), format!("{issuer}.key"));
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &ca,
                "-CAkey",
                &ca_key,
                "-set_serial",
                serial,
                "-days",
                "3650",
                "-sha256",
                "-extfile",
                "ext.cnf",
                "-extensions",
                ext,
                "-out",
                &pem,
            ],
        );
    }
}

//! Helpers shared by the cross-crate tests in `tests/tests/`: where the
//! public corpora are installed, and running the openssl CLI.

pub mod codesign;
pub mod der_tree;
pub mod fixtures;
pub mod heap;
pub mod mint;
pub mod pdf;
pub mod pdf_encrypted;
pub mod xmlsec;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of an installed Python package (the test command installs
/// `certifi` and `cryptography-vectors` with pip).
///
/// Panics with the install command when the package is missing: these
/// tests must not pass silently without their data.
pub fn python_package_dir(module: &str) -> PathBuf {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let out = Command::new(&python)
        .args([
            "-c",
            &format!("import {module}, os; print(os.path.dirname({module}.__file__))"),
        ])
        .output()
        .unwrap_or_else(|e| panic!("running {python}: {e}"));
    assert!(
        out.status.success(),
        "Python package {module} is not installed (pip install certifi cryptography-vectors): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// Runs `openssl` with the arguments; `Ok(stdout)` on success, `Err(stderr)` otherwise.
pub fn openssl(args: &[&str]) -> Result<String, String> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running openssl (apt-get install openssl): {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The regular files directly inside `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The repository's top folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// Archive fixtures.
use validate_archive::{ArchiveEntry, Timestamp};

/// 2022-11-18T00:00:00Z in microseconds since the epoch.
pub const ARCHIVE_START_MICROS: i64 = 1_668_729_600_000_000;

/// The `i`th entry of a deterministic test archive: entry `i` has id `i + 1`
/// when imported into an empty archive, a timestamp `i` seconds after
/// 2022-11-18T00:00:00Z, and fields derived from `i`.
pub fn numbered_entry(i: u64) -> ArchiveEntry {
    let secs = i64::try_from(i).unwrap_or(i64::MAX);
    let ts = Timestamp::from_unix_micros(ARCHIVE_START_MICROS + secs * 1_000_000)
        .unwrap_or_else(|| panic!("entry {i} is out of the timestamp range"));
    let mut e = ArchiveEntry::new(ts);
    e.command = format!("/opt/venafi/codesign/bin/pkcs11config sign -file /tmp/{i}.out");
    e.artifact = format!("artifact-{i}");
    e.client_library_name = ["pkcs11", "csp", "gpg"][(i % 3) as usize].to_owned();
    e.project = format!("\\VED\\Code Signing\\Projects\\P{}", i % 4);
    e.event_id = i64::try_from(i).unwrap_or(i64::MAX);
    e
}

/// A CRL made by `openssl ca -gencrl` in `dir` for the CA `ca_cert` / `ca_key`,
/// listing `revoked_serial` (hex) when given; version 2 with a cRLNumber.
pub fn make_crl(
    dir: &Path,
    ca_cert: &Path,
    ca_key: &Path,
    revoked_serial: Option<&str>,
) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let index = match revoked_serial {
        Some(serial) => format!("R\t361121063711Z\t260101000000Z\t{serial}\tunknown\t/CN=x\n"),
        None => String::new(),
    };
    std::fs::write(dir.join("index.txt"), index).unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    std::fs::write(
        dir.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = d\n[d]\ndatabase = {}\ncrlnumber = {}\ndefault_md = sha256\n",
            dir.join("index.txt").display(),
            dir.join("crlnumber").display()
        ),
    )
    .unwrap();
    let crl = dir.join("crl.pem");
    let out = Command::new("openssl")
        .args(["ca", "-gencrl", "-batch", "-crldays", "3650", "-config"])
        .arg(dir.join("ca.cnf"))
        .arg("-keyfile")
        .arg(ca_key)
        .arg("-cert")
        .arg(ca_cert)
        .arg("-out")
        .arg(&crl)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crl
}

/// notBefore of every certificate the tests issue at run time: fixed, so that
/// verdicts at the tests' fixed validation times never depend on when they run.
pub const TEST_NOT_BEFORE: &str = "20260101000000Z";
/// notAfter of every certificate the tests issue at run time.
pub const TEST_NOT_AFTER: &str = "20460101000000Z";

/// Who signs a certificate [`issue_certificate`] makes.
pub enum CertSigner<'a> {
    /// A CA: its certificate and key files.
    Ca {
        /// The CA certificate (PEM).
        cert: &'a str,
        /// The CA key (PEM).
        key: &'a str,
    },
    /// The request's own key (a self-signed certificate).
    SelfSigned {
        /// The key of the request (PEM).
        key: &'a str,
    },
}

/// Issues a certificate for the request `csr` with `openssl ca`, valid from
/// [`TEST_NOT_BEFORE`] to [`TEST_NOT_AFTER`] (OpenSSL 3.0's `x509 -req` can
/// only start a certificate now), with serial `serial_hex`, the extensions of
/// section `extensions` of `extfile`, and the request's subject as it is.
pub fn issue_certificate(
    csr: &str,
    signer: CertSigner<'_>,
    extfile: &str,
    extensions: &str,
    serial_hex: &str,
    out: &str,
) -> Result<(), String> {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let db = std::env::temp_dir().join(format!(
        "validate-ca-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&db).map_err(|e| e.to_string())?;
    std::fs::write(db.join("index.txt"), "").map_err(|e| e.to_string())?;
    // The serial file holds whole octets.
    let padded = if serial_hex.len() % 2 == 1 {
        format!("0{serial_hex}")
    } else {
        serial_hex.to_string()
    };
    std::fs::write(db.join("serial"), format!("{padded}\n")).map_err(|e| e.to_string())?;
    let config = db.join("ca.cnf");
    std::fs::write(
        &config,
        format!(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = {d}/index.txt\nnew_certs_dir = {d}\nserial = {d}/serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n[anything]\ncommonName = optional\n",
            d = db.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    let config = config.to_string_lossy().into_owned();
    let mut args = vec![
        "ca",
        "-batch",
        "-notext",
        "-preserveDN",
        "-config",
        &config,
        "-startdate",
        TEST_NOT_BEFORE,
        "-enddate",
        TEST_NOT_AFTER,
        "-in",
        csr,
        "-out",
        out,
        "-extfile",
        extfile,
        "-extensions",
        extensions,
    ];
    match signer {
        CertSigner::Ca { cert, key } => args.extend(["-cert", cert, "-keyfile", key]),
        CertSigner::SelfSigned { key } => args.extend(["-selfsign", "-keyfile", key]),
    }
    let result = openssl(&args).map(|_| ());
    let _ = std::fs::remove_dir_all(&db);
    result
}

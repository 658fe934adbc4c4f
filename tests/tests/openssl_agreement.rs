//! Every certificate of the Mozilla root store (PyPI `certifi`) and of
//! PyPI `cryptography-vectors` `x509/` (top folder and `custom/`) is read by
//! the library and by the openssl CLI, and their views must agree:
//! fingerprints, serial, validity, subject and issuer strings and the
//! extension OIDs. A certificate OpenSSL cannot load must be rejected with an
//! error; every other one must parse.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use der::asn1::ObjectIdentifier;
use validate::{Certificate, CertificateRecord};
use validate_tests::{files_in, openssl, python_package_dir};

/// One certificate to compare: a file openssl reads, and our parse of it.
struct Unit {
    name: String,
    path: PathBuf,
    inform: &'static str,
    ours: Result<Certificate, validate::Error>,
}

/// What OpenSSL says of one certificate.
#[derive(Debug, Default)]
struct OpensslView {
    sha256: String,
    sha1: String,
    serial: String,
    not_before: Option<String>,
    not_after: Option<String>,
    subject: String,
    issuer: String,
    extension_oids: Vec<String>,
}

fn openssl_view(path: &Path, inform: &str, scratch: &Path) -> Result<OpensslView, String> {
    let p = path.to_str().ok_or("non-UTF-8 path")?;
    let main = openssl(&[
        "x509",
        "-in",
        p,
        "-inform",
        inform,
        "-noout",
        "-fingerprint",
        "-sha256",
        "-serial",
        "-dates",
        "-dateopt",
        "iso_8601",
        "-subject",
        "-issuer",
        "-nameopt",
        "RFC2253,-esc_msb",
    ])?;
    let sha1 = openssl(&[
        "x509",
        "-in",
        p,
        "-inform",
        inform,
        "-noout",
        "-fingerprint",
        "-sha1",
    ])?;
    let mut view = OpensslView::default();
    for line in main.lines().chain(sha1.lines()) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let time = |v: &str| (v != "Bad time value").then(|| v.to_string());
        match key.to_ascii_lowercase().as_str() {
            "sha256 fingerprint" => view.sha256 = value.replace(':', ""),
            "sha1 fingerprint" => view.sha1 = value.replace(':', ""),
            "serial" => view.serial = value.to_string(),
            "notbefore" => view.not_before = time(value),
            "notafter" => view.not_after = time(value),
            "subject" => view.subject = value.to_string(),
            "issuer" => view.issuer = value.to_string(),
            _ => {}
        }
    }
    view.extension_oids = extension_oids(p, inform, scratch)?;
    Ok(view)
}

/// Extension OIDs in OpenSSL's parse: the OBJECTs at depth 5 under the
/// TBSCertificate's `[3]` (Certificate > TBS > [3] > Extensions > Extension
/// > extnID), decoded from the DER that openssl wrote.
fn extension_oids(p: &str, inform: &str, scratch: &Path) -> Result<Vec<String>, String> {
    let der_path = scratch.with_extension("der");
    let der_str = der_path.to_str().ok_or("non-UTF-8 path")?;
    let parsed = openssl(&["asn1parse", "-in", p, "-inform", inform, "-out", der_str])?;
    let der = std::fs::read(&der_path).map_err(|e| e.to_string())?;
    let mut oids = Vec::new();
    let mut in_extensions = false;
    for line in parsed.lines() {
        // "  523:d=5  hl=2 l=   3 prim: OBJECT  :X509v3 Basic Constraints"
        let field = |name: &str| {
            line.split(|c: char| c.is_whitespace() || c == ':')
                .find_map(|w| w.strip_prefix(name))
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (Some(depth), Some(header_len)) = (field("d="), field("hl=")) else {
            continue;
        };
        let offset: usize = line
            .split(':')
            .next()
            .and_then(|o| o.trim().parse().ok())
            .ok_or("asn1parse offset")?;
        // "l=" may be followed by spaces: "l=   3".
        let len: usize = line
            .split("l=")
            .nth(2)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .ok_or("asn1parse length")?;
        if depth <= 2 {
            in_extensions = depth == 2 && line.contains("cont [ 3 ]");
            continue;
        }
        if in_extensions && depth == 5 && line.contains("prim: OBJECT") {
            let bytes = der
                .get(offset + header_len..offset + header_len + len)
                .ok_or("OID out of range")?;
            let oid = ObjectIdentifier::from_bytes(bytes).map_err(|e| e.to_string())?;
            oids.push(oid.to_string());
        }
    }
    Ok(oids)
}

/// Our view in OpenSSL's formats.
fn compare(unit: &Unit, cert: &Certificate, theirs: &OpensslView) -> Vec<String> {
    let record = CertificateRecord::from_certificate(cert);
    let iso = |t: Option<validate::Timestamp>| t.map(|t| t.to_string().replace('T', " "));
    let ours_oids: Vec<String> = record.extensions.iter().map(|e| e.oid.clone()).collect();
    let checks = [
        (
            "SHA-256 fingerprint",
            record.fingerprint_sha256_hex.clone(),
            theirs.sha256.clone(),
        ),
        (
            "SHA-1 fingerprint",
            record.fingerprint_sha1_hex.clone(),
            theirs.sha1.clone(),
        ),
        (
            "serial",
            cert.serial().to_hex_value(),
            theirs.serial.clone(),
        ),
        (
            "notBefore",
            format!("{:?}", iso(record.not_before)),
            format!("{:?}", theirs.not_before),
        ),
        (
            "notAfter",
            format!("{:?}", iso(record.not_after)),
            format!("{:?}", theirs.not_after),
        ),
        ("subject", record.subject.clone(), theirs.subject.clone()),
        ("issuer", record.issuer.clone(), theirs.issuer.clone()),
        (
            "extension OIDs",
            ours_oids.join(" "),
            theirs.extension_oids.join(" "),
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, ours, theirs)| ours != theirs)
        .map(|(what, ours, theirs)| {
            format!("{}: {what}: ours {ours:?} openssl {theirs:?}", unit.name)
        })
        .collect()
}

/// Splits a corpus file into units: each certificate PEM block on its own
/// file, or a DER file whole. Files without any certificate block or DER
/// are returned in `no_certificate`.
fn units_of(
    file: &Path,
    scratch_dir: &Path,
    units: &mut Vec<Unit>,
    no_certificate: &mut Vec<PathBuf>,
) {
    let bytes = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let text = String::from_utf8_lossy(&bytes);
    if !text.contains("-----BEGIN ") {
        units.push(Unit {
            name: name.clone(),
            path: file.to_path_buf(),
            inform: "DER",
            ours: validate::read_certificates(&bytes).and_then(|mut v| {
                if v.len() == 1 {
                    v.remove(0)
                } else {
                    Err(validate::Error::Empty)
                }
            }),
        });
        return;
    }
    let mut index = 0;
    let mut block: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(label) = trimmed
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let is_cert = label.ends_with("CERTIFICATE") && !label.contains("REQUEST");
            block = is_cert.then(String::new);
        }
        if let Some(b) = block.as_mut() {
            b.push_str(trimmed);
            b.push('\n');
            if trimmed.starts_with("-----END ") {
                let pem = block.take().unwrap();
                let path = scratch_dir.join(format!("{name}.{index}.pem"));
                std::fs::write(&path, &pem).unwrap();
                units.push(Unit {
                    name: format!("{name}[{index}]"),
                    path,
                    inform: "PEM",
                    ours: Certificate::from_pem(pem.as_bytes()),
                });
                index += 1;
            }
        }
    }
    if index == 0 {
        no_certificate.push(file.to_path_buf());
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let vectors = python_package_dir("cryptography_vectors").join("x509");
    let mut files = files_in(&vectors);
    files.extend(files_in(&vectors.join("custom")));
    files.push(python_package_dir("certifi").join("cacert.pem"));
    files
}

#[test]
fn records_agree_with_openssl_on_every_corpus_certificate() {
    let scratch =
        std::env::temp_dir().join(format!("validate-openssl-agreement-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut units = Vec::new();
    let mut no_certificate = Vec::new();
    for file in corpus_files() {
        units_of(&file, &scratch, &mut units, &mut no_certificate);
    }

    let problems = Mutex::new(Vec::new());
    let (compared, rejected) = (Mutex::new(0usize), Mutex::new(0usize));
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for (w, chunk) in units.chunks(units.len().div_ceil(workers)).enumerate() {
            let (problems, compared, rejected, scratch) =
                (&problems, &compared, &rejected, &scratch);
            s.spawn(move || {
                for (i, unit) in chunk.iter().enumerate() {
                    let tmp = scratch.join(format!("w{w}-{i}"));
                    match (openssl_view(&unit.path, unit.inform, &tmp), &unit.ours) {
                        (Ok(theirs), Ok(cert)) => {
                            problems
                                .lock()
                                .unwrap()
                                .extend(compare(unit, cert, &theirs));
                            *compared.lock().unwrap() += 1;
                        }
                        (Ok(_), Err(e)) => problems
                            .lock()
                            .unwrap()
                            .push(format!("{}: OpenSSL loads it, we fail: {e}", unit.name)),
                        (Err(_), Ok(_)) => problems.lock().unwrap().push(format!(
                            "{}: OpenSSL cannot load it, we accept it",
                            unit.name
                        )),
                        (Err(_), Err(e)) => {
                            assert!(!e.to_string().is_empty());
                            *rejected.lock().unwrap() += 1;
                        }
                    }
                }
            });
        }
    });

    // Files holding no certificate at all (CRLs, keys, requests): both refuse.
    for file in &no_certificate {
        let bytes = std::fs::read(file).unwrap();
        let ours = validate::read_certificates(&bytes);
        let theirs = openssl(&["x509", "-in", file.to_str().unwrap(), "-noout"]);
        assert!(
            theirs.is_err(),
            "{}: openssl loads a certificate",
            file.display()
        );
        assert!(
            matches!(ours, Err(validate::Error::NoCertificate { .. })),
            "{}: expected NoCertificate, got {ours:?}",
            file.display()
        );
    }

    let problems = problems.into_inner().unwrap();
    let (compared, rejected) = (
        compared.into_inner().unwrap(),
        rejected.into_inner().unwrap(),
    );
    eprintln!(
        "compared {compared} certificates with OpenSSL, {rejected} rejected by both, {} files without certificates",
        no_certificate.len()
    );
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // certifi alone holds over 100 roots; fewer compared means the corpus went missing.
    assert!(compared > 200, "only {compared} certificates compared");
    let _ = std::fs::remove_dir_all(&scratch);
}

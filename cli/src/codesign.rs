//! Code-signing formats at the command line: `validate verify --signature`
//! with a NuGet package or a PE file (read through `Read + Seek`, never
//! whole), and `validate cert --from-signature` (the certificates table of
//! signed files, over many files on every core).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use validate::CertificateRecord;
use validate::record::SignatureRecords;
use validate::request::SignatureType;

use validate::Timestamp;
use validate::path::{CertificatePool, TrustStore};
use validate::policy::ValidationPolicy;
use validate::validator::Validator;

use crate::output::{Format, format_or_default};
use crate::verify::{PolicyArgs, bad_input, finish, load_validator, time};
use crate::{exit, input};

/// A NuGet package or PE file, detected from its structure or named by
/// `--type NuGet|Authenticode`, verified from the file; `None` for other
/// inputs (the caller goes on).
pub fn verify(
    path: &Path,
    named: Option<&str>,
    policy: &PolicyArgs,
    format: Option<Format>,
) -> Option<ExitCode> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => return Some(bad_input(&format!("{}: {e}", path.display()))),
    };
    let kind = match named.map(SignatureType::parse) {
        Some(Some(kind @ (SignatureType::NuGet | SignatureType::Authenticode))) => kind,
        Some(_) => return None,
        None => SignatureType::detect_code_signing(&mut file)?,
    };
    let prepared = load_validator(policy).and_then(|v| Ok((v, time(policy)?)));
    let (validator, at) = match prepared {
        Ok(p) => p,
        Err(line) => return Some(bad_input(&line)),
    };
    let report = if kind == SignatureType::NuGet {
        validator.verify_nuget(&mut file, at)
    } else {
        validator.verify_authenticode(&mut file, at)
    };
    Some(finish(&report, format_or_default(format)))
}

/// The files named, folders replaced by the regular files under them
/// (recursively, sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                let entries =
                    std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                for entry in entries {
                    let p = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        out.push(p);
                    }
                }
            }
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    Ok(out)
}

/// `validate cert --from-signature FILE...`: one record per certificate
/// the files' signatures reference, deduplicated by fingerprint across all
/// files, in file order; files verified in parallel on every core with a
/// progress bar on a terminal. A file that cannot be read as a signature is
/// a line on stderr and exit 2 after the others are printed.
pub fn cert_from_signature(
    files: &[PathBuf],
    anchors: &[PathBuf],
    intermediates: &[PathBuf],
    at: Option<&str>,
    csv: bool,
) -> ExitCode {
    let prepared = expand(files).and_then(|files| {
        let mut policy = ValidationPolicy::new(
            "default",
            TrustStore::from_certificates(input::all_certificates(anchors)?),
        );
        policy.intermediates =
            CertificatePool::from_certificates(input::all_certificates(intermediates)?);
        let at = match at {
            Some(t) => t.parse::<Timestamp>().map_err(|e| format!("--at: {e}"))?,
            None => Timestamp::now(),
        };
        Ok((files, Validator::new(policy), at))
    });
    let (files, validator, at) = match prepared {
        Ok(p) => p,
        Err(line) => return bad_input(&line),
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results: Vec<Result<SignatureRecords, String>> = files
        .par_iter()
        .map(|path| {
            let out = std::fs::File::open(path)
                .map_err(|e| e.to_string())
                .and_then(|f| {
                    validator
                        .signature_record_set(&mut std::io::BufReader::new(f), at)
                        .map_err(|e| e.to_string())
                })
                .map_err(|e| format!("{}: {e}", path.display()));
            bar.inc(1);
            out
        })
        .collect();
    bar.finish_and_clear();
    let mut all = SignatureRecords::new();
    let mut failed = false;
    for result in results {
        match result {
            Ok(records) => all.merge(records),
            Err(line) => {
                eprintln!("error: {line}");
                failed = true;
            }
        }
    }
    if let Err(e) = print(&all.into_records(), csv) {
        return bad_input(&format!("writing output: {e}"));
    }
    if failed {
        ExitCode::from(exit::BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

fn print(records: &[CertificateRecord], csv: bool) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if csv {
        validate::record::write_csv(&mut out, records)?;
    } else {
        for record in records {
            serde_json::to_writer(&mut out, record)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

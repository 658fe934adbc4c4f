//! `validate cert FILE... [--format json|csv]`: certificate records.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use std::sync::Arc;

use validate::cert::ExtensionValue;
use validate::crypto::DefaultVerifier;
use validate::path::{CertificatePool, Purpose, TrustStore, ValidationOptions, validate_path};
use validate::{Certificate, CertificateRecord, Timestamp};

use crate::{exit, input};

#[derive(Args)]
pub struct CertArgs {
    /// Certificate files: PEM or DER, one or many certificates, PKCS#7 bundles
    /// (with --from-signature: signed files or folders of them).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The files are signed files (NuGet packages, PE files, CMS signatures):
    /// print every certificate their signatures reference, with the
    /// code-signing and timestamping status columns.
    #[arg(long)]
    from_signature: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Trust anchors: with them, the chain and code-signing status columns are filled.
    #[arg(long, num_args = 1..)]
    anchors: Vec<PathBuf>,
    /// Untrusted intermediates for path building (the input files' own
    /// certificates are offered too).
    #[arg(long, num_args = 1..)]
    intermediates: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long)]
    at: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON record per line.
    Json,
    /// A header row, then one row per certificate.
    Csv,
}

pub fn run(args: CertArgs) -> ExitCode {
    if args.from_signature {
        let csv = matches!(args.format, Format::Csv);
        return crate::codesign::cert_from_signature(
            &args.files,
            &args.anchors,
            &args.intermediates,
            args.at.as_deref(),
            csv,
        );
    }
    let mut certs = Vec::new();
    let mut failed = false;
    for path in &args.files {
        match input::certificates(path) {
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Ok(cert) => certs.push(cert),
                        Err(line) => {
                            eprintln!("error: {line}");
                            failed = true;
                        }
                    }
                }
            }
            Err(line) => {
                eprintln!("error: {line}");
                failed = true;
            }
        }
    }
    let records = match records(&args, certs) {
        Ok(records) => records,
        Err(line) => {
            eprintln!("error: {line}");
            return ExitCode::from(exit::BAD_INPUT);
        }
    };
    if let Err(e) = print(&records, args.format) {
        eprintln!("error: writing output: {e}");
        return ExitCode::from(exit::BAD_INPUT);
    }
    if failed {
        ExitCode::from(exit::BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// The records, with chain and code-signing columns when anchors are given:
/// each certificate is validated as a code-signing end entity; the status
/// columns are filled for end-entity certificates only (not for CAs), as the
/// table's statuses are end-certificate results.
fn records(args: &CertArgs, certs: Vec<Certificate>) -> Result<Vec<CertificateRecord>, String> {
    if args.anchors.is_empty() {
        return Ok(certs
            .iter()
            .map(CertificateRecord::from_certificate)
            .collect());
    }
    let anchors = TrustStore::from_certificates(input::all_certificates(&args.anchors)?);
    let mut pool =
        CertificatePool::from_certificates(input::all_certificates(&args.intermediates)?);
    for cert in &certs {
        pool.add(Arc::new(cert.clone()));
    }
    let time = match &args.at {
        Some(at) => at.parse::<Timestamp>().map_err(|e| format!("--at: {e}"))?,
        None => Timestamp::now(),
    };
    let mut options = ValidationOptions::at(time);
    options.purposes.push(Purpose::CodeSigning);
    let verifier = DefaultVerifier::default();
    Ok(certs
        .iter()
        .map(|cert| {
            let path = validate_path(cert, &pool, &anchors, &options, &verifier);
            let mut record = CertificateRecord::from_certificate(cert);
            record.set_chain(&path, 0);
            if !is_ca(cert) {
                record.set_code_signing_status(&path, time);
            }
            record
        })
        .collect())
}

fn is_ca(cert: &Certificate) -> bool {
    cert.extensions()
        .iter()
        .any(|e| matches!(e.value(), ExtensionValue::BasicConstraints(bc) if bc.ca))
}

fn print(records: &[CertificateRecord], format: Format) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            for record in records {
                serde_json::to_writer(&mut out, record)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => validate::record::write_csv(&mut out, records)?,
    }
    out.flush()
}

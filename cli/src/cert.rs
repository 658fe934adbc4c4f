//! `validate cert FILE... [--format json|csv]`: certificate records.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use validate::CertificateRecord;

use crate::{exit, input};

#[derive(Args)]
pub struct CertArgs {
    /// Certificate files: PEM or DER, one or many certificates, PKCS#7 bundles.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON record per line.
    Json,
    /// A header row, then one row per certificate.
    Csv,
}

pub fn run(args: CertArgs) -> ExitCode {
    let mut records = Vec::new();
    let mut failed = false;
    for path in &args.files {
        match input::certificates(path) {
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Ok(cert) => records.push(CertificateRecord::from_certificate(&cert)),
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
        Format::Csv => validate::write_csv(&mut out, records)?,
    }
    out.flush()
}

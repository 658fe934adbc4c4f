//! `validate`: the command line of the validate library (see docs/CLI.md in
//! the design folder). A thin layer: it reads files, calls the library and
//! prints; no rule lives here.

mod archive;
mod batch;
mod cert;
mod chain;
mod codesign;
mod input;
mod output;
mod report_text;
mod serve;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Validate X.509 certificates and digital signatures.
#[derive(Parser)]
#[command(name = "validate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Record and query code-signing operations.
    Archive(archive::ArchiveArgs),
    /// Print one certificate record per certificate (JSON lines or CSV).
    Cert(cert::CertArgs),
    /// Build and validate a certification path for one certificate.
    Chain(Box<chain::ChainArgs>),
    /// Verify a signature (or validate certificates) and print the seed's report.
    Verify(Box<verify::VerifyArgs>),
    /// Read a validation request (seed JSON) on stdin and print the report.
    Request(verify::RequestArgs),
    /// Serve the validation, health and archive APIs over HTTP(S).
    Serve(serve::ServeArgs),
}

/// Exit codes of CLI.md: 0 valid / success, 1 found invalid, 2 bad input or usage.
pub(crate) mod exit {
    pub const INVALID: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Archive(args) => archive::run(args),
        Command::Cert(args) => cert::run(args),
        Command::Chain(args) => chain::run(*args),
        Command::Verify(args) => verify::run_verify(*args),
        Command::Request(args) => verify::run_request(args),
        Command::Serve(args) => serve::run(args),
    }
}

//! The `validate` command line (see docs and shared/design/CLI.md).

mod archive;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Validate X.509 certificates and digital signatures.
#[derive(Debug, Parser)]
#[command(name = "validate", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Record and query code-signing operations.
    Archive(archive::ArchiveArgs),
}

fn main() -> ExitCode {
    // clap exits with 2 on usage errors, as CLI.md asks.
    let cli = Cli::parse();
    match cli.command {
        Command::Archive(args) => archive::run(args),
    }
}

//! Output formats shared by the commands.

use std::io::IsTerminal;

use clap::ValueEnum;

/// `--format json|text`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// JSON on stdout (the contract's shapes).
    Json,
    /// A short summary for people.
    Text,
}

/// Picks the output format: the flag, else text on a terminal and json otherwise.
pub fn format_or_default(format: Option<Format>) -> Format {
    format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Text
    } else {
        Format::Json
    })
}

//! Reading input files: every failure becomes one line naming the file.

use std::path::Path;

use validate::Certificate;

/// Reads a file whole, stopping at the input limit (the server's reader).
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    validate_server::read_file(path)
}

/// Opens a file to be streamed (detached content, never held whole): one
/// line naming the file when it cannot be opened or is not a regular file.
pub fn open_file(path: &Path) -> Result<std::fs::File, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(format!("{}: not a regular file", path.display())),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Every certificate of a file; each failure is a line naming the file.
pub fn certificates(path: &Path) -> Result<Vec<Result<Certificate, String>>, String> {
    let bytes = read_file(path)?;
    let entries =
        validate::read_certificates(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(entries
        .into_iter()
        .map(|entry| entry.map_err(|e| format!("{}: {e}", path.display())))
        .collect())
}

/// Every certificate of every file; the first bad one is an error line.
pub fn all_certificates(paths: &[std::path::PathBuf]) -> Result<Vec<Certificate>, String> {
    let mut out = Vec::new();
    for path in paths {
        for entry in certificates(path)? {
            out.push(entry?);
        }
    }
    Ok(out)
}

/// Revocation data and retrieval for the CLI: the CRLs of `--crls`, and
/// the HTTP fetcher unless `offline` (the server's tenants load theirs the
/// same way).
pub fn revocation_sources(
    crl_files: &[std::path::PathBuf],
    offline: bool,
) -> Result<validate::revocation::RevocationSources, String> {
    validate_server::revocation_sources(crl_files, offline)
}

/// `--revocation none|soft|hard`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RevocationArg {
    /// No revocation check.
    None,
    /// Check what can be checked; unknown status is a warning.
    Soft,
    /// Every certificate must have a determined, good status.
    Hard,
}

impl RevocationArg {
    /// The policy level that asks for this revocation checking.
    pub fn level(self) -> validate::policy::ValidationLevel {
        use validate::policy::ValidationLevel;
        match self {
            RevocationArg::None => ValidationLevel::Chain,
            RevocationArg::Soft => ValidationLevel::RevocationSoft,
            RevocationArg::Hard => ValidationLevel::RevocationHard,
        }
    }
}

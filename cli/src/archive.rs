//! `validate archive`: import signing operations into an archive file and
//! answer `RetrieveArchiveEntries` requests from it (see docs/archive.md).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use validate_archive::{
    Archive, ArchiveEntry, ArchiveError, ArchiveRequest, CODESIGN_MANAGE_SCOPE, Caller, Role,
};

/// Exit code for bad input or usage (CLI.md).
const EXIT_BAD_INPUT: u8 = 2;

/// `validate archive --db FILE import|query`.
#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// The archive database file (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// What to do with it.
    #[command(subcommand)]
    pub action: ArchiveAction,
}

/// The archive subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ArchiveAction {
    /// Import a JSON Lines file: one ArchiveEntry (seed field names) per line,
    /// in file order, all or nothing.
    Import {
        /// The JSON Lines file.
        #[arg(value_name = "FILE.jsonl")]
        file: PathBuf,
    },
    /// Read a RetrieveArchiveEntries request body on stdin and print its response.
    Query {
        /// The caller's role.
        #[arg(long, value_enum, default_value_t = RoleArg::CodeSigningAdministrator)]
        role: RoleArg,
        /// A project DN the code-signing-auditor audits (repeat for several).
        #[arg(long = "auditor-of", value_name = "PROJECT_DN")]
        auditor_of: Vec<String>,
    },
}

/// `--role` values, the seed's roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// Code Signing Administrator: sees everything.
    CodeSigningAdministrator,
    /// Code Signing Auditor: sees only the projects given by --auditor-of.
    CodeSigningAuditor,
    /// Trust Protection Platform Auditor: sees everything.
    TppAuditor,
    /// Trust Protection Platform Master Admin: sees everything.
    TppMasterAdmin,
}

impl From<RoleArg> for Role {
    fn from(value: RoleArg) -> Self {
        match value {
            RoleArg::CodeSigningAdministrator => Role::CodeSigningAdministrator,
            RoleArg::CodeSigningAuditor => Role::CodeSigningAuditor,
            RoleArg::TppAuditor => Role::TppAuditor,
            RoleArg::TppMasterAdmin => Role::TppMasterAdmin,
        }
    }
}

/// Runs `validate archive`.
pub fn run(args: ArchiveArgs) -> ExitCode {
    let result = match args.action {
        ArchiveAction::Import { file } => import(&args.db, &file),
        ArchiveAction::Query { role, auditor_of } => query(&args.db, role.into(), auditor_of),
    };
    match result {
        Ok(code) => code,
        Err(reason) => {
            eprintln!("validate archive: {reason}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn open(db: &Path) -> Result<Archive, String> {
    Archive::open(db).map_err(|e| format!("{}: {e}", db.display()))
}

/// Longest line `import` reads: a seed-shaped entry is under 1 KiB.
const MAX_LINE: u64 = 1 << 20;
/// Largest query body: the seed's filters with lists of DNs fit in a few KiB.
const MAX_QUERY: usize = 1 << 20;

fn import(db: &Path, file: &Path) -> Result<ExitCode, String> {
    let input = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    // A rough entry count (seed-shaped lines run 500 to 1000 bytes) lets a
    // large import into a small archive take the bulk path.
    let expected = input.metadata().map(|m| m.len() / 500).unwrap_or(0);
    let mut archive = open(db)?;
    let mut batch = archive
        .batch_sized(expected)
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let mut imported: u64 = 0;
    let mut line = String::new();
    let mut reader = BufReader::with_capacity(1 << 20, input);
    for number in 1u64.. {
        line.clear();
        // Bounded while reading: a line that never ends stops at the limit.
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_line(&mut line)
            .map_err(|e| format!("{}:{number}: {e}", file.display()))?;
        if read == 0 {
            break;
        }
        if read as u64 > MAX_LINE {
            return Err(format!(
                "{}:{number}: the line is over the limit of {MAX_LINE} bytes for an archive entry; nothing imported",
                file.display()
            ));
        }
        if line.trim().is_empty() {
            continue;
        }
        // Dropping `batch` on an error rolls the whole import back.
        let entry: ArchiveEntry = serde_json::from_str(&line).map_err(|e| {
            format!(
                "{}:{number}: not an ArchiveEntry: {e}; nothing imported",
                file.display()
            )
        })?;
        batch
            .add(&entry)
            .map_err(|e| format!("{}:{number}: {e}; nothing imported", file.display()))?;
        imported += 1;
    }
    batch
        .commit()
        .map_err(|e| format!("{}: {e}", db.display()))?;
    println!("{}", serde_json::json!({ "imported": imported }));
    Ok(ExitCode::SUCCESS)
}

fn query(db: &Path, role: Role, auditor_of: Vec<String>) -> Result<ExitCode, String> {
    if role != Role::CodeSigningAuditor && !auditor_of.is_empty() {
        return Err(format!(
            "--auditor-of applies only to --role code-signing-auditor, not {role}"
        ));
    }
    let body = validate::read_limited(io::stdin(), MAX_QUERY, "a RetrieveArchiveEntries request")
        .map_err(|e| format!("standard input: {e}"))?;
    let body = String::from_utf8(body).map_err(|e| format!("standard input: not UTF-8: {e}"))?;
    let archive = open(db)?;
    // The CLI is the archive owner's own tool: its token carries the scope.
    let caller = auditor_of.into_iter().fold(
        Caller::new(role).with_scope(CODESIGN_MANAGE_SCOPE),
        Caller::auditing,
    );
    let outcome = ArchiveRequest::from_json(&body)
        .map_err(ArchiveError::BadRequest)
        .and_then(|request| archive.retrieve(&caller, &request));
    let mut out = io::stdout().lock();
    match outcome {
        Ok(response) => {
            let json = serde_json::to_string(&response).map_err(|e| e.to_string())?;
            writeln!(out, "{json}").map_err(|e| format!("stdout: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ArchiveError::BadRequest(bad)) => {
            let json = serde_json::to_string(&bad).map_err(|e| e.to_string())?;
            writeln!(out, "{json}").map_err(|e| format!("stdout: {e}"))?;
            eprintln!("validate archive query: bad request: {}", bad.error);
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
        Err(other) => Err(format!("{}: {other}", db.display())),
    }
}

//! Test helper: records `numbered_entry` batches into an archive forever (or
//! for a given number of batches), printing `committed N` after each commit.
//!
//! Usage: `archive-writer DB BATCH_SIZE [BATCHES]`

use std::io::Write;
use std::process::ExitCode;

use validate_archive::Archive;
use validate_tests::numbered_entry;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(Ok(size))) = (args.get(1), args.get(2).map(|s| s.parse::<u64>())) else {
        eprintln!("usage: archive-writer DB BATCH_SIZE [BATCHES]");
        return ExitCode::from(2);
    };
    let batches = args
        .get(3)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let mut archive = match Archive::open(db) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{db}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut next = 0u64;
    for _ in 0..batches {
        let entries = (next..next + size).map(numbered_entry);
        if let Err(e) = archive.record_batch(entries) {
            eprintln!("{db}: {e}");
            return ExitCode::from(2);
        }
        next += size;
        // Printed only after COMMIT returned: everything up to `next` is durable.
        if writeln!(stdout, "committed {next}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

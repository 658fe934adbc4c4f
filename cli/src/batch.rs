//! `validate verify --batch FILE.jsonl`: one validation request (the
//! `validate request` shape) per line, validated on every core; one report
//! per line on stdout (compact JSON), in input order; a progress bar on
//! stderr when it is a terminal.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use validate::report::ValidationReport;

use crate::exit;
use crate::verify::{PolicyArgs, bad_input, load_validator, time};

/// Requests validated together: enough to keep every core busy, few
/// enough that memory stays bounded whatever the file's length.
const CHUNK: usize = 256;
/// Longest request line: as for one request on standard input.
const MAX_LINE: u64 = 192 * 1024 * 1024;

/// Exit 0 when every report is acceptable, 1 when one is not, 2 when the
/// file cannot be read (a line that is not a request gives its report).
pub fn run(file: &Path, policy: &PolicyArgs) -> ExitCode {
    let prepared = (|| {
        let validator = load_validator(policy)?;
        let at = time(policy)?;
        let reader = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let total = reader.metadata().map(|m| m.len()).unwrap_or(0);
        Ok::<_, String>((validator, at, std::io::BufReader::new(reader), total))
    })();
    let (validator, at, mut reader, total) = match prepared {
        Ok(p) => p,
        Err(line) => return bad_input(&line),
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut out = std::io::stdout().lock();
    let (mut all_acceptable, mut number) = (true, 0usize);
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut read = 0u64;
        while chunk.len() < CHUNK {
            let mut line = Vec::new();
            let n = match (&mut reader)
                .take(MAX_LINE + 1)
                .read_until(b'\n', &mut line)
            {
                Ok(n) => n,
                Err(e) => return bad_input(&format!("{}: {e}", file.display())),
            };
            if n == 0 {
                break;
            }
            number += 1;
            read += n as u64;
            if line.len() as u64 > MAX_LINE {
                return bad_input(&format!(
                    "{} line {number}: longer than {MAX_LINE} bytes",
                    file.display()
                ));
            }
            let text = String::from_utf8_lossy(&line).trim().to_string();
            // Blank lines separate nothing and give no report.
            if !text.is_empty() {
                chunk.push(text);
            }
        }
        if chunk.is_empty() && read == 0 {
            break;
        }
        let reports: Vec<ValidationReport> = validator.validate_json_many(&chunk, at);
        for report in &reports {
            all_acceptable &= report.is_acceptable();
            let written = serde_json::to_writer(&mut out, report)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out));
            if let Err(e) = written {
                return bad_input(&format!("writing output: {e}"));
            }
        }
        bar.inc(read);
    }
    bar.finish_and_clear();
    if let Err(e) = out.flush() {
        return bad_input(&format!("writing output: {e}"));
    }
    if all_acceptable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::INVALID)
    }
}

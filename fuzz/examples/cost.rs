//! The cost of every corpus input: time and peak heap of each input
//! through its target's check (`validate_fuzz::TARGETS`), one line per
//! target with its most expensive input, and a failure exit when any input
//! takes over a second or 256 MiB of memory — the limits `run.sh`
//! gives libFuzzer (`-timeout=1 -rss_limit_mb=256`). Meant for a release
//! build (docs/fuzzing.md):
//!
//! ```text
//! cargo run --release -p validate-fuzz --example cost [CORPUS_DIR]
//! ```
//!
//! Time is wall-clock time of the check on this thread, an upper bound on
//! its CPU time (the thread CPU clock here ticks in 4 ms steps); peak heap is
//! counted by the global allocator (`validate_tests::heap`), from the bytes held when the
//! input starts (fixtures parsed once are not charged to every input).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use validate_fuzz::TARGETS;
use validate_tests::heap::Peak;

/// One second per input (libFuzzer's `-timeout=1`).
const MAX_TIME: Duration = Duration::from_secs(1);
/// 256 MiB per input (libFuzzer's `-rss_limit_mb=256`).
const MAX_HEAP: usize = 256 << 20;

#[global_allocator]
static HEAP: validate_tests::heap::Counting = validate_tests::heap::Counting;

/// What one input cost.
struct Cost {
    time: Duration,
    heap: usize,
    panicked: bool,
}

fn measure(check: validate_fuzz::Check, data: &[u8]) -> Cost {
    let heap = Peak::start();
    let started = Instant::now();
    let panicked = catch_unwind(AssertUnwindSafe(|| check(data))).is_err();
    Cost {
        time: started.elapsed(),
        heap: heap.bytes(),
        panicked,
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn main() -> ExitCode {
    let corpus = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    // A panicking check is the replay test's business; here it only must
    // not stop the measurement or flood the output.
    std::panic::set_hook(Box::new(|_| {}));
    let mut over = Vec::new();
    let mut inputs = 0;
    println!(
        "| target | inputs | time max ms | time total ms | peak heap max MiB | costliest input |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, check) in TARGETS {
        let mut worst: Option<(Duration, String)> = None;
        let mut total = Duration::ZERO;
        let mut heap = 0;
        let list = files(&corpus.join(name));
        for file in &list {
            let Ok(data) = std::fs::read(file) else {
                over.push(format!("{}: unreadable", file.display()));
                continue;
            };
            inputs += 1;
            let cost = measure(*check, &data);
            total += cost.time;
            heap = heap.max(cost.heap);
            let label = file.file_name().map(|n| n.to_string_lossy().into_owned());
            if worst.as_ref().is_none_or(|(time, _)| cost.time > *time) {
                worst = Some((cost.time, label.clone().unwrap_or_default()));
            }
            if cost.time > MAX_TIME || cost.heap > MAX_HEAP {
                over.push(format!(
                    "{}: {:.0} ms, {:.1} MiB heap",
                    file.display(),
                    cost.time.as_secs_f64() * 1e3,
                    cost.heap as f64 / f64::from(1 << 20)
                ));
            }
            if cost.panicked {
                over.push(format!("{}: the check failed", file.display()));
            }
        }
        let (time, input) = worst.unwrap_or_default();
        println!(
            "| `{name}` | {} | {:.1} | {:.1} | {:.2} | {input} |",
            list.len(),
            time.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            heap as f64 / f64::from(1 << 20),
        );
    }
    println!("{inputs} inputs");
    if over.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("over the limits (1 s, 256 MiB):");
        for line in &over {
            eprintln!("  {line}");
        }
        ExitCode::FAILURE
    }
}

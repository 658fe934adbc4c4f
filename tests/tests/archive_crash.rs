//! A real child process killed with SIGKILL in the middle of batch imports
//! loses no committed entry and leaves a database that opens.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use validate_archive::{Archive, ArchiveRequest, CODESIGN_MANAGE_SCOPE, Caller, Role};
use validate_tests::numbered_entry;

const BATCH: u64 = 20_000;

#[test]
fn sigkill_mid_batch_loses_no_committed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_archive-writer"))
        .arg(&db)
        .arg(BATCH.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = 0u64;
    // Wait for three commits; the child is then inside its fourth batch (a
    // batch of 20,000 takes far longer than reading one line).
    while committed < 3 * BATCH {
        let line = lines.next().expect("writer ended early").unwrap();
        committed = line.strip_prefix("committed ").unwrap().parse().unwrap();
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "the writer must die by SIGKILL");
    // Lines the child printed after our last read are commits too.
    for line in lines {
        committed = line
            .unwrap()
            .strip_prefix("committed ")
            .unwrap()
            .parse()
            .unwrap();
    }

    let archive = Archive::open(&db).expect("the database opens after SIGKILL");
    let ok: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let admin = Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE);
    let total = archive
        .retrieve(&admin, &ArchiveRequest::default())
        .unwrap()
        .total_count;
    assert!(
        total >= committed,
        "{total} entries survive, {committed} were committed"
    );
    assert_eq!(total % BATCH, 0, "a batch is all or nothing");
    // Every committed entry is there with its content, in order.
    let mut request = ArchiveRequest {
        page_size: 1000,
        ..ArchiveRequest::default()
    };
    let mut seen = 0u64;
    while seen < committed {
        let page = archive.retrieve(&admin, &request).unwrap();
        for entry in page.archive_results {
            let mut expected = numbered_entry(seen);
            expected.archive_entry_id = Some(i64::try_from(seen).unwrap() + 1);
            assert_eq!(entry, expected);
            seen += 1;
        }
        request.page += 1;
    }
    // And the archive still takes writes.
    let mut archive = archive;
    let id = archive.record(&numbered_entry(total)).unwrap();
    assert_eq!(u64::try_from(id).unwrap(), total + 1);
}

//! Readers on their own connections keep answering, each from one consistent
//! snapshot, while a writer imports.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use validate_archive::{Archive, ArchiveRequest, CODESIGN_MANAGE_SCOPE, Caller, Role};
use validate_tests::numbered_entry;

const BATCH: u64 = 500;
const BATCHES: u64 = 12;
const READERS: usize = 3;

fn admin() -> Caller {
    Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE)
}

#[test]
fn readers_see_whole_batches_while_a_writer_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("concurrent.db");
    let mut writer = Archive::open(&db).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let seen: Arc<Vec<AtomicU64>> = Arc::new((0..READERS).map(|_| AtomicU64::new(0)).collect());

    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let (db, done, seen) = (db.clone(), done.clone(), seen.clone());
            thread::spawn(move || {
                let archive = Archive::open(&db).unwrap();
                let mut last = 0u64;
                let mut reads = 0u64;
                let request = ArchiveRequest {
                    page_size: 10,
                    ..ArchiveRequest::default()
                };
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let response = archive.retrieve(&admin(), &request).unwrap();
                    let total = response.total_count;
                    assert_eq!(total % BATCH, 0, "reader {r} saw a partial batch: {total}");
                    assert!(
                        total >= last,
                        "reader {r}: count went back from {last} to {total}"
                    );
                    // The page belongs to the same snapshot as the count.
                    let expected = total.min(10) as usize;
                    assert_eq!(response.archive_results.len(), expected);
                    for (i, e) in response.archive_results.iter().enumerate() {
                        assert_eq!(e.archive_entry_id, Some(i as i64 + 1));
                    }
                    last = total;
                    seen[r].store(total, Ordering::SeqCst);
                    reads += 1;
                    if finished {
                        return (last, reads);
                    }
                }
            })
        })
        .collect();

    for b in 0..BATCHES {
        // While the batch's transaction is open, readers keep reading the
        // previous snapshot without waiting for the writer.
        let mut batch = writer.batch().unwrap();
        for i in b * BATCH..(b + 1) * BATCH {
            batch.add(&numbered_entry(i)).unwrap();
        }
        let committed_before = b * BATCH;
        let probe = Archive::open(&db).unwrap();
        let t = Instant::now();
        let during = probe
            .retrieve(&admin(), &ArchiveRequest::default())
            .unwrap();
        assert_eq!(during.total_count, committed_before);
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "a reader waited for the writer"
        );
        batch.commit().unwrap();
        // Wait until every reader has seen this commit, so reads really
        // interleave with the import.
        let target = (b + 1) * BATCH;
        let deadline = Instant::now() + Duration::from_secs(30);
        while seen.iter().any(|s| s.load(Ordering::SeqCst) < target) {
            assert!(Instant::now() < deadline, "readers did not see batch {b}");
            thread::sleep(Duration::from_millis(1));
        }
    }
    done.store(true, Ordering::SeqCst);
    for reader in readers {
        let (last, reads) = reader.join().unwrap();
        assert_eq!(last, BATCH * BATCHES);
        assert!(reads >= BATCHES, "only {reads} reads");
    }
}

#[test]
fn readers_keep_their_indexes_while_a_bulk_batch_rebuilds_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bulk.db");
    let mut writer = Archive::open(&db).unwrap();
    writer.record_batch((0..100).map(numbered_entry)).unwrap();
    let n = validate_archive::BULK_MIN_ENTRIES;
    let reader = Archive::open(&db).unwrap();
    let p1 = ArchiveRequest::from_json(
        r#"{"ArchiveFilter": {"ProjectDN": "\\VED\\Code Signing\\Projects\\P1"}}"#,
    )
    .unwrap();

    let mut batch = writer.batch_sized(n).unwrap();
    assert!(format!("{batch:?}").contains("bulk: true"));
    for i in 100..100 + n {
        batch.add(&numbered_entry(i)).unwrap();
    }
    // Mid-batch the indexes are gone from the writer's view; the reader's
    // snapshot still has them and answers from them, at once.
    let t = Instant::now();
    assert_eq!(reader.retrieve(&admin(), &p1).unwrap().total_count, 25);
    assert!(t.elapsed() < Duration::from_secs(2));
    let plan: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM archive_entry WHERE project = 1",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("archive_entry_project"), "{plan}");
    batch.commit().unwrap();
    assert_eq!(
        reader.retrieve(&admin(), &p1).unwrap().total_count,
        (100 + n) / 4
    );
}

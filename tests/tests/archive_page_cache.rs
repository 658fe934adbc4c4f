//! Each SQLite connection of a process keeps its own page cache.
//!
//! rusqlite's bundled SQLite is compiled with SQLITE_ENABLE_MEMORY_MANAGEMENT,
//! under which all connections share one page budget: one connection's large
//! scan takes every page and the others then read every page from the file
//! again on every query (seen in the archive benchmark: an indexed query 10x
//! slower after another connection's full scan). `.cargo/config.toml`
//! undefines it for this workspace's builds; these tests fail if that stops
//! working.

use rusqlite::Connection;

/// Pages of 4 KiB each connection may cache; the scanned table is ten times
/// larger, so a shared budget would be used up by the scan.
const CACHE_PAGES: i64 = 200;

fn open(path: &std::path::Path, rows: i64) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; PRAGMA cache_size = {CACHE_PAGES};
         CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
    ))
    .unwrap();
    // About two rows per page: `rows` rows fill `rows / 2` pages.
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO t SELECT i, printf('%.1800c', 'x') FROM n",
        [rows],
    )
    .unwrap();
    conn
}

/// Cache misses of `conn` since the last call (SQLITE_DBSTATUS_CACHE_MISS, reset).
fn misses(conn: &Connection) -> i32 {
    let (mut current, mut highwater) = (0, 0);
    // SAFETY: the handle is live for the borrow of `conn`, and the two
    // out-pointers are valid for writes.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_MISS,
            &mut current,
            &mut highwater,
            1,
        )
    };
    assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
    current
}

/// Reads 50 rows spread over `conn`'s table (about 50 pages).
fn read_some(conn: &Connection) {
    let found: i64 = conn
        .query_row(
            "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 50)
             SELECT count(*) FROM t WHERE id IN (SELECT v * 8 FROM s)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 50);
}

#[test]
fn the_bundled_sqlite_is_built_without_a_shared_page_cache_budget() {
    let conn = Connection::open_in_memory().unwrap();
    let options: Vec<String> = conn
        .prepare("PRAGMA compile_options")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "LIBSQLITE3_FLAGS of .cargo/config.toml was not applied: {options:?}"
    );
}

#[test]
fn a_scan_on_one_connection_leaves_the_cache_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let small = open(&dir.path().join("small.db"), 800);
    // Two rows a page: ten times the cache.
    let large = open(&dir.path().join("large.db"), 2 * 10 * CACHE_PAGES);

    read_some(&small);
    misses(&small);
    read_some(&small);
    assert_eq!(
        misses(&small),
        0,
        "a repeated read is served from the cache"
    );

    // The other connection reads ten times its cache.
    let body_bytes: i64 = large
        .query_row("SELECT sum(length(body)) FROM t", [], |r| r.get(0))
        .unwrap();
    assert!(body_bytes > 10 * CACHE_PAGES * 3000);

    read_some(&small);
    assert_eq!(
        misses(&small),
        0,
        "the scan of another connection must not empty this connection's cache"
    );
}

//! Archive benchmark: import rate and query latency on 1,000,000 generated
//! entries, for `validate::archive` and for plain rusqlite doing the same
//! work in the same run: storing the same entries in one transaction in the
//! straightforward flat table (every field a column, the same seven indexes,
//! the same pragmas, the same sorter settings when it builds the indexes at
//! the end) and answering the same queries (count + page) with hand-written
//! SQL. The library instead keeps repetitive text in a
//! dictionary table (see `core/src/archive/storage.rs`).
//!
//! `cargo bench -p validate-benches --bench archive` prints a summary table
//! (import rate, p50 / p99 per query over repeated runs), then criterion's
//! own estimates. `ARCHIVE_BENCH_ENTRIES=N` changes the number of entries.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, params};
use validate_archive::{
    Archive, ArchiveEntry, ArchiveRequest, CODESIGN_MANAGE_SCOPE, Caller, ClientInterface, Role,
    Timestamp,
};

const DEFAULT_ENTRIES: u64 = 1_000_000;
/// 2022-01-01T00:00:00Z; entries are 30 s apart, so a million cover ~347 days.
const START_MICROS: i64 = 1_640_995_200_000_000;
const STEP_MICROS: i64 = 30_000_000;

const LIBRARIES: [&str; 5] = ["pkcs11", "csp", "gpg", "tkdriver", "scd"];
const KEY_TYPES: [&str; 4] = ["RSA 2048", "RSA 3072", "ECDSA P256", "ECDSA P384"];

/// A deterministic 64-bit mix of `i` and `salt` (splitmix64 finalizer).
fn mix(i: u64, salt: u64) -> u64 {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<T: Copy>(items: &[T], i: u64, salt: u64) -> T {
    items[(mix(i, salt) % items.len() as u64) as usize]
}

/// The `i`th generated entry: realistic sizes and cardinalities (500 users,
/// 1000 IP addresses, 5 libraries, 50 projects, a unique artifact).
fn entry(i: u64) -> ArchiveEntry {
    let ts = Timestamp::from_unix_micros(START_MICROS + i as i64 * STEP_MICROS)
        .expect("generated timestamps are in range");
    let library = pick(&LIBRARIES, i, 1);
    let project = mix(i, 2) % 50;
    let mut e = ArchiveEntry::new(ts);
    e.application_hash = format!(
        "{:016X}{:016X}{:016X}{:016X}",
        mix(i % 200, 3),
        mix(i % 200, 4),
        mix(i % 200, 5),
        mix(i % 200, 6)
    );
    e.artifact = format!(
        "MDEwDQYJYIZIAWUDBAIBBQAEI{:016x}{:016x}{:08x}",
        mix(i, 7),
        mix(i, 8),
        i
    );
    e.authenticated_user = format!(
        "local:{{{:08x}-0a9e-4ec7-92ce-e0d40abc71c4}}",
        mix(i, 9) % 500
    );
    e.client_interface = ClientInterface::try_from((mix(i, 10) % 7) as i64).expect("0..=6");
    e.client_library_location = format!("/usr/local/lib/lib{library}.so");
    e.client_library_name = library.to_owned();
    e.client_library_version = "22.2.3 (Crypto Library: mbed TLS 2.27.0)".to_owned();
    e.client_mechanism = 64;
    e.command = format!(
        "/opt/venafi/codesign/bin/{library}config sign -file /tmp/build-{}.out -label Project-{project} -output /tmp/build.sig",
        i % 100_000
    );
    e.environment = format!(
        "\\VED\\Code Signing\\Projects\\Project {project}\\Env {}",
        mix(i, 11) % 4
    );
    e.event_id = 1_610_743_809;
    e.executable = format!("{library}config");
    e.executable_location = format!("/usr/local/bin/{library}config");
    e.flow = "\\VED\\Code Signing\\Flows\\No Restrictions".to_owned();
    e.grouping = (mix(i, 12) % 1_000_000_000) as i64;
    e.ip_address = format!("172.17.{}.{}", mix(i, 13) % 4, mix(i, 14) % 250);
    e.key_type = pick(&KEY_TYPES, i, 15).to_owned();
    e.key_vault_id = 91_000 + (mix(i, 16) % 1000) as i64;
    e.machine = format!("build-{:03}.example", mix(i, 17) % 300);
    e.mechanism = 1;
    e.project = format!("\\VED\\Code Signing\\Projects\\Project {project}");
    e.remote_account = "jenkins".to_owned();
    e
}

/// A flat table with the library's indexes, as one would write it by hand.
const PLAIN_SCHEMA: &str = "
    CREATE TABLE archive_entry (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,
      application_hash TEXT NOT NULL, artifact TEXT NOT NULL, authenticated_user TEXT NOT NULL,
      client_interface INTEGER NOT NULL, client_library_location TEXT NOT NULL,
      client_library_name TEXT NOT NULL, client_library_version TEXT NOT NULL,
      client_mechanism INTEGER NOT NULL, command TEXT NOT NULL, environment TEXT NOT NULL,
      event_id INTEGER NOT NULL, executable TEXT NOT NULL, executable_location TEXT NOT NULL,
      flow TEXT NOT NULL, grouping_number INTEGER NOT NULL, ip_address TEXT NOT NULL,
      key_type TEXT NOT NULL, key_vault_id INTEGER NOT NULL, machine TEXT NOT NULL,
      mechanism INTEGER NOT NULL, platform TEXT NOT NULL, project TEXT NOT NULL,
      remote_account TEXT NOT NULL) STRICT;
    CREATE INDEX archive_entry_ts ON archive_entry (ts);
    CREATE INDEX archive_entry_project ON archive_entry (project, ts);
    CREATE INDEX archive_entry_environment ON archive_entry (environment, ts);
    CREATE INDEX archive_entry_user ON archive_entry (authenticated_user, ts);
    CREATE INDEX archive_entry_ip ON archive_entry (ip_address, ts);
    CREATE INDEX archive_entry_library ON archive_entry (client_library_name, ts);
    CREATE INDEX archive_entry_artifact ON archive_entry (artifact);";

const PLAIN_COLUMNS: &str = "id, ts, application_hash, artifact, authenticated_user, client_interface, \
    client_library_location, client_library_name, client_library_version, client_mechanism, \
    command, environment, event_id, executable, executable_location, flow, grouping_number, \
    ip_address, key_type, key_vault_id, machine, mechanism, platform, project, remote_account";

fn plain_open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open plain db");
    conn.pragma_update(None, "page_size", 16384)
        .expect("page size");
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
        .expect("wal");
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA case_sensitive_like = ON;",
    )
    .expect("pragmas");
    conn
}

/// Inserts `n` entries in one transaction. With `indexes_after`, the table
/// is filled first and the indexes built at the end with the library's
/// sorter settings (what its bulk batches do); otherwise every insert
/// updates every index.
fn plain_import(conn: &mut Connection, entries: &[ArchiveEntry], indexes_after: bool) {
    let (table, indexes) = PLAIN_SCHEMA.split_once(") STRICT;").expect("schema");
    conn.execute_batch(&format!("{table}) STRICT;"))
        .expect("table");
    if !indexes_after {
        conn.execute_batch(indexes).expect("indexes");
    }
    let t = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO archive_entry ({PLAIN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                 ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)"
            ))
            .expect("prepare");
        for e in entries {
            insert
                .execute(params![
                    e.archive_entry_id,
                    e.timestamp.unix_micros(),
                    e.application_hash,
                    e.artifact,
                    e.authenticated_user,
                    e.client_interface.code(),
                    e.client_library_location,
                    e.client_library_name,
                    e.client_library_version,
                    e.client_mechanism,
                    e.command,
                    e.environment,
                    e.event_id,
                    e.executable,
                    e.executable_location,
                    e.flow,
                    e.grouping,
                    e.ip_address,
                    e.key_type,
                    e.key_vault_id,
                    e.machine,
                    e.mechanism,
                    e.platform,
                    e.project,
                    e.remote_account
                ])
                .expect("insert");
        }
    }
    let inserted = t.elapsed();
    if indexes_after {
        // The library's sorter settings for the rebuild: 4 MiB runs, helper
        // threads (core/src/archive/storage.rs, `SORT_CACHE_KIB`).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        tx.execute_batch(&format!(
            "PRAGMA threads = {threads}; PRAGMA cache_size = -4096;"
        ))
        .expect("sorter pragmas");
        tx.execute_batch(indexes).expect("indexes");
        tx.execute_batch("PRAGMA threads = 0; PRAGMA cache_size = -65536;")
            .expect("query pragmas");
    }
    let indexed = t.elapsed();
    tx.commit().expect("commit");
    println!(
        "        plain breakdown: inserts {:.2} s, index build {:.2} s, commit + checkpoint {:.2} s",
        inserted.as_secs_f64(),
        (indexed - inserted).as_secs_f64(),
        (t.elapsed() - indexed).as_secs_f64()
    );
}

/// One benchmarked query: the request body and the hand-written SQL for it.
struct Query {
    name: &'static str,
    body: String,
    plain_where: &'static str,
    plain_params: Vec<rusqlite::types::Value>,
    page_size: i64,
    offset: i64,
}

fn queries() -> Vec<Query> {
    let probe = entry(12_345);
    let after = Timestamp::parse_rfc3339("2022-11-18T00:00:00Z").expect("ts");
    let before = Timestamp::parse_rfc3339("2022-11-19T23:59:59Z").expect("ts");
    vec![
        Query {
            name: "seed1_time_window",
            body: r#"{"ArchiveFilter": {"TimestampAfter": "2022-11-18T00:00:00Z", "TimestampBefore": "2022-11-19T23:59:59Z"}}"#.to_owned(),
            plain_where: "ts >= ?1 AND ts <= ?2",
            plain_params: vec![after.unix_micros().into(), before.unix_micros().into()],
            page_size: 50,
            offset: 0,
        },
        Query {
            name: "seed2_user_ip_keytype",
            body: serde_json::json!({"ArchiveFilter": {
                "AuthenticatedUser": probe.authenticated_user,
                "IPAddress": probe.ip_address,
                "KeyType": probe.key_type}})
            .to_string(),
            plain_where: "authenticated_user = ?1 AND ip_address = ?2 AND key_type = ?3",
            plain_params: vec![
                probe.authenticated_user.clone().into(),
                probe.ip_address.clone().into(),
                probe.key_type.clone().into(),
            ],
            page_size: 50,
            offset: 0,
        },
        Query {
            name: "seed3_library_page10",
            body: r#"{"ArchiveFilter": {"ClientLibraryName": "pkcs11"}, "PageSize": 5, "Page": 10}"#.to_owned(),
            plain_where: "client_library_name = ?1",
            plain_params: vec!["pkcs11".to_owned().into()],
            page_size: 5,
            offset: 45,
        },
        Query {
            name: "wildcard_project",
            body: r#"{"ArchiveFilter": {"ProjectDN": "%Project 42"}}"#.to_owned(),
            plain_where: "project LIKE ?1 ESCAPE '\\'",
            plain_params: vec!["%Project 42".to_owned().into()],
            page_size: 50,
            offset: 0,
        },
        Query {
            name: "wildcard_command",
            body: r#"{"ArchiveFilter": {"Command": "%-file /tmp/build-4242.out %"}}"#.to_owned(),
            plain_where: "command LIKE ?1 ESCAPE '\\'",
            plain_params: vec!["%-file /tmp/build-4242.out %".to_owned().into()],
            page_size: 50,
            offset: 0,
        },
    ]
}

/// Count and page, as the library does, with hand-written SQL.
fn plain_query(conn: &Connection, q: &Query) -> (i64, usize) {
    let tx = conn.unchecked_transaction().expect("tx");
    let total: i64 = tx
        .prepare_cached(&format!(
            "SELECT count(*) FROM archive_entry WHERE {}",
            q.plain_where
        ))
        .expect("prepare")
        .query_row(rusqlite::params_from_iter(&q.plain_params), |r| r.get(0))
        .expect("count");
    let mut params = q.plain_params.clone();
    params.push(q.page_size.into());
    params.push(q.offset.into());
    let mut stmt = tx
        .prepare_cached(&format!(
            "SELECT {PLAIN_COLUMNS} FROM archive_entry WHERE {} ORDER BY ts, id LIMIT ? OFFSET ?",
            q.plain_where
        ))
        .expect("prepare");
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .expect("query");
    let mut n = 0;
    while let Some(row) = rows.next().expect("row") {
        // Read every column, as the library does to build its entries.
        for c in 0..25 {
            black_box(row.get_ref(c).expect("column"));
        }
        n += 1;
    }
    (total, n)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn latencies(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm the page cache
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    (percentile(&samples, 0.50), percentile(&samples, 0.99))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench_archive(c: &mut Criterion) {
    let n: u64 = std::env::var("ARCHIVE_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ENTRIES);
    let dir = tempfile::tempdir().expect("tempdir");

    // Generated up front (about 1 GB for a million) so that the import
    // figures measure storing, not generating.
    let t = Instant::now();
    let entries: Vec<ArchiveEntry> = (0..n).map(entry).collect();
    let gen_secs = t.elapsed().as_secs_f64();

    let mut archive = Archive::open(dir.path().join("library.db")).expect("open");
    let t = Instant::now();
    archive.record_batch(&entries).expect("record_batch");
    let lib_secs = t.elapsed().as_secs_f64();

    let mut plain = plain_open(&dir.path().join("plain.db"));
    let t = Instant::now();
    plain_import(&mut plain, &entries, true);
    let plain_secs = t.elapsed().as_secs_f64();

    let mut incremental = plain_open(&dir.path().join("plain-incremental.db"));
    let t = Instant::now();
    plain_import(&mut incremental, &entries, false);
    let incremental_secs = t.elapsed().as_secs_f64();
    drop(incremental);
    drop(entries);

    println!("\narchive benchmark, {n} entries (generated in {gen_secs:.2} s, not counted)");
    println!(
        "import  validate::archive  {:>9.0} entries/s  ({lib_secs:.2} s)",
        n as f64 / lib_secs
    );
    println!(
        "import  plain rusqlite     {:>9.0} entries/s  ({plain_secs:.2} s, indexes built at the end)",
        n as f64 / plain_secs
    );
    println!(
        "import  plain rusqlite     {:>9.0} entries/s  ({incremental_secs:.2} s, indexes updated per row)",
        n as f64 / incremental_secs
    );

    let caller = Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE);
    let qs = queries();
    println!(
        "{:<24} {:>10} {:>12} {:>12} {:>12} {:>12}",
        "query", "TotalCount", "lib p50 ms", "lib p99 ms", "plain p50", "plain p99"
    );
    for q in &qs {
        let request = ArchiveRequest::from_json(&q.body).expect("request");
        let response = archive.retrieve(&caller, &request).expect("retrieve");
        let (plain_total, plain_rows) = plain_query(&plain, q);
        assert_eq!(response.total_count as i64, plain_total, "{}", q.name);
        assert_eq!(response.archive_results.len(), plain_rows, "{}", q.name);
        let runs = if q.name.starts_with("wildcard") {
            20
        } else {
            200
        };
        let (lp50, lp99) = latencies(runs, || {
            // Parsing the body is part of answering a request.
            let request = ArchiveRequest::from_json(&q.body).expect("request");
            black_box(archive.retrieve(&caller, &request).expect("retrieve"));
        });
        let (pp50, pp99) = latencies(runs, || {
            black_box(plain_query(&plain, q));
        });
        println!(
            "{:<24} {:>10} {:>12.3} {:>12.3} {:>12.3} {:>12.3}",
            q.name,
            response.total_count,
            ms(lp50),
            ms(lp99),
            ms(pp50),
            ms(pp99)
        );
    }
    println!();

    let mut group = c.benchmark_group("archive_query");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    for q in &qs {
        group.bench_function(format!("{}/validate", q.name), |b| {
            b.iter(|| {
                let request = ArchiveRequest::from_json(&q.body).expect("request");
                black_box(archive.retrieve(&caller, &request).expect("retrieve"))
            })
        });
        group.bench_function(format!("{}/plain", q.name), |b| {
            b.iter(|| black_box(plain_query(&plain, q)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_archive);
criterion_main!(benches);

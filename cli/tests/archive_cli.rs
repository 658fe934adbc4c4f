//! `validate archive import|query` as CLI.md specifies, run as a real process.

use std::fs;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn validate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_validate"))
}

fn line(i: u64) -> String {
    json!({
        "Timestamp": format!("2022-11-18T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
        "ClientLibraryName": if i.is_multiple_of(2) { "pkcs11" } else { "csp" },
        "Project": format!("\\VED\\Code Signing\\Projects\\P{}", i % 3),
        "Command": format!("sign -file /tmp/{i}.out"),
        "EventId": i,
    })
    .to_string()
}

fn write_jsonl(path: &Path, range: std::ops::Range<u64>) {
    let mut f = std::io::BufWriter::new(fs::File::create(path).unwrap());
    for i in range {
        writeln!(f, "{}", line(i)).unwrap();
    }
    f.flush().unwrap();
}

fn query(db: &Path, args: &[&str], body: &str) -> Output {
    let mut child = validate()
        .args(["archive", "--db"])
        .arg(db)
        .arg("query")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn import(db: &Path, file: &Path) -> Output {
    validate()
        .args(["archive", "--db"])
        .arg(db)
        .arg("import")
        .arg(file)
        .output()
        .unwrap()
}

fn json_out(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn import_then_query() {
    let dir = tempfile::tempdir().unwrap();
    let (db, file) = (dir.path().join("a.db"), dir.path().join("e.jsonl"));
    write_jsonl(&file, 0..30);
    let out = import(&db, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_out(&out), json!({"imported": 30}));

    let out = query(
        &db,
        &[],
        r#"{"ArchiveFilter": {"ClientLibraryName": "pkcs11"}, "PageSize": 5, "Page": 2}"#,
    );
    assert!(out.status.success());
    let r = json_out(&out);
    assert_eq!(r["TotalCount"], 15);
    assert_eq!(r["PageNumber"], 2);
    assert_eq!(r["Success"], true);
    let events: Vec<_> = r["ArchiveResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["EventId"].as_u64().unwrap())
        .collect();
    assert_eq!(events, [10, 12, 14, 16, 18]);
    // File order gives the ids.
    assert_eq!(r["ArchiveResults"][0]["ArchiveEntryId"], 11);

    // An auditor sees its projects only; TotalCount counts only those.
    let out = query(
        &db,
        &[
            "--role",
            "code-signing-auditor",
            "--auditor-of",
            "\\VED\\Code Signing\\Projects\\P1",
        ],
        "{}",
    );
    assert!(out.status.success());
    let r = json_out(&out);
    assert_eq!(r["TotalCount"], 10);
    assert!(
        r["ArchiveResults"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["Project"] == "\\VED\\Code Signing\\Projects\\P1")
    );
    let out = query(&db, &["--role", "code-signing-auditor"], "{}");
    assert_eq!(json_out(&out)["TotalCount"], 0);
    for role in [
        "tpp-auditor",
        "tpp-master-admin",
        "code-signing-administrator",
    ] {
        assert_eq!(
            json_out(&query(&db, &["--role", role], ""))["TotalCount"],
            30,
            "{role}"
        );
    }
}

#[test]
fn bad_request_prints_the_400_body_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    for body in [
        r#"{"Page": 0}"#,
        r#"{"ArchiveFilter": {"Nope": 1}}"#,
        r#"{"ArchiveFilter": {"TimestampAfter": "soon"}}"#,
        "not json",
    ] {
        let out = query(&db, &[], body);
        assert_eq!(out.status.code(), Some(2), "{body}");
        let v = json_out(&out);
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["error", "error_description"], "{body}");
        assert!(!out.stderr.is_empty());
    }
    // Usage errors exit 2 too.
    assert_eq!(query(&db, &["--role", "root"], "{}").status.code(), Some(2));
    assert_eq!(
        query(&db, &["--auditor-of", "x"], "{}").status.code(),
        Some(2)
    );
}

#[test]
fn a_bad_line_names_the_file_and_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, file) = (dir.path().join("a.db"), dir.path().join("bad.jsonl"));
    let text = format!(
        "{}\n\n{}\n{{\"Timestamp\": \"2022-11-18\"}}\n{}\n",
        line(0),
        line(1),
        line(2)
    );
    fs::write(&file, text).unwrap();
    let out = import(&db, &file);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:4:", file.display())), "{err}");
    assert_eq!(json_out(&query(&db, &[], "{}"))["TotalCount"], 0);
    // A missing file is named too.
    let out = import(&db, &dir.path().join("missing.jsonl"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.jsonl"));
}

#[test]
fn sigkill_mid_import_keeps_committed_entries_and_the_file_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (small, big) = (dir.path().join("small.jsonl"), dir.path().join("big.jsonl"));
    write_jsonl(&small, 0..100);
    write_jsonl(&big, 100..400_100);
    assert!(import(&db, &small).status.success());

    let mut child = validate()
        .args(["archive", "--db"])
        .arg(&db)
        .arg("import")
        .arg(&big)
        .spawn()
        .unwrap();
    // The import is one transaction; once its WAL grows past a few MiB it is
    // well inside it.
    let wal = dir.path().join("a.db-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 4 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "import finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "the import wrote nothing");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));

    let out = query(&db, &[], r#"{"PageSize": 1000}"#);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json_out(&out);
    // Every committed entry is there, and nothing of the killed import.
    assert_eq!(r["TotalCount"], 100);
    let events: Vec<_> = r["ArchiveResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["EventId"].as_u64().unwrap())
        .collect();
    assert_eq!(events, (0..100).collect::<Vec<_>>());
    // The killed import was a bulk one (it dropped the indexes inside its
    // transaction): the indexes are all back.
    let indexes: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'archive_entry'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 7);
    // The file is whole and takes the next import.
    assert!(import(&db, &small).status.success());
    assert_eq!(json_out(&query(&db, &[], "{}"))["TotalCount"], 200);
}

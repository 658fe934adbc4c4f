//! The Rust door of the cross-door test (python/tests/test_doors.py).
//!
//! `doors fixtures DIR` writes the inputs of every case into DIR (made
//! with OpenSSL from the example chain and NIST PKITS, fixed dates) and
//! `DIR/cases.json`, which says for each case its kind, policy file,
//! validation time and input files. `doors run DIR NAME` prints the report
//! of case NAME from the Rust `Validator` (`serde_json::to_string`), the
//! text every other door (CLI, C, Python) must give for the same inputs.
//! `doors mutants POLICY AT SIGNATURE [CONTENT]` prints, as a JSON array,
//! the single-byte mutants of SIGNATURE (`flip i`, `drop i`, `insert i`)
//! the Rust door accepts, for the other doors' mutation tests to compare.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use validate::Timestamp;
use validate::path::CertificatePool;
use validate::policy::PolicyFile;
use validate::report::ChainReport;
use validate::validator::{ChainOptions, Validator};
use validate_tests::der_tree::add_unsigned_attribute;
use validate_tests::fixtures::{crl, split_smime, timestamp_token};
use validate_tests::{openssl, repo_root};

/// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
const TIMESTAMP_ATTRIBUTE: &str = "1.2.840.113549.1.9.16.2.14";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fixtures") => fixtures(Path::new(&args[2])),
        Some("run") => println!("{}", run(Path::new(&args[2]), &args[3])),
        Some("mutants") => println!(
            "{}",
            accepted_mutants(&args[2], &args[3], &args[4], args.get(5))
        ),
        _ => {
            eprintln!(
                "usage: doors fixtures DIR | doors run DIR NAME | doors mutants POLICY AT SIGNATURE [CONTENT]"
            );
            std::process::exit(2);
        }
    }
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn example(name: &str) -> String {
    s(&repo_root().join("examples").join(name))
}

fn write_policy(dir: &Path, name: &str, policy: &Value) -> String {
    let path = dir.join(format!("{name}.policy.json"));
    std::fs::write(&path, serde_json::to_string_pretty(policy).unwrap()).unwrap();
    s(&path)
}

fn fixtures(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let f = |n: &str| s(&dir.join(n));
    // CRLs of the example CAs: one revoking nothing, one revoking the intermediate.
    crl(dir, "root", &[], &f("root-good.crl"));
    crl(dir, "intermediate", &[], &f("intermediate.crl"));
    crl(
        dir,
        "root",
        &[&example("chain/intermediate.pem")],
        &f("root-revokes-intermediate.crl"),
    );
    let level3 = |crls: &[String]| json!({"name": "doors", "trustAnchors": [example("chain/root.pem")], "level": 3, "crls": crls});
    let cades_policy = write_policy(
        dir,
        "cades-level3",
        &level3(&[f("root-good.crl"), f("intermediate.crl")]),
    );
    let revoked_policy = write_policy(
        dir,
        "revoked-intermediate",
        &level3(&[f("root-revokes-intermediate.crl"), f("intermediate.crl")]),
    );
    let plain_policy = write_policy(
        dir,
        "example",
        &json!({"name": "doors", "trustAnchors": [example("chain/root.pem")],
                "intermediates": [example("chain/intermediate.pem")]}),
    );

    // NIST PKITS 4.4.3: the end entity is revoked by a CRL the message carries.
    let pkits = repo_root().join("tests/conformance/pkits/data");
    let (content, p7s) = split_smime(&pkits.join("smime/SignedInvalidRevokedEETest3.eml"));
    std::fs::write(dir.join("pkits-revoked.p7s"), p7s).unwrap();
    std::fs::write(dir.join("pkits-revoked.txt"), content).unwrap();
    let pkits_policy = write_policy(
        dir,
        "pkits-level3",
        &json!({"name": "pkits", "trustAnchors": [s(&pkits.join("certs/TrustAnchorRootCertificate.crt"))],
                "level": 3, "purpose": "any", "allowWeakAlgorithms": true}),
    );

    // A detached signature with an RFC 3161 timestamp (genTime 2027),
    // validated in 2040, after the signer certificate expired.
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-cades",
        "-in",
        &example("signatures/content.txt"),
        "-signer",
        &example("chain/leaf.pem"),
        "-inkey",
        &example("chain/leaf.key"),
        "-certfile",
        &example("chain/intermediate.pem"),
        "-outform",
        "DER",
        "-out",
        &f("plain.p7s"),
    ])
    .unwrap();
    let plain = std::fs::read(dir.join("plain.p7s")).unwrap();
    let tree = validate_tests::der_tree::Node::parse(&plain);
    let signed_data = &tree.children[1].children[0];
    let signer_info = &signed_data.children.last().unwrap().children[0];
    let signature_value = &signer_info
        .children
        .iter()
        .rev()
        .find(|n| n.tag == 0x04)
        .unwrap()
        .value;
    let token = timestamp_token(dir, signature_value, "doors");
    let stamped = add_unsigned_attribute(&plain, 0, TIMESTAMP_ATTRIBUTE, &token);
    std::fs::write(dir.join("timestamped.p7s"), stamped).unwrap();

    // A raw signature, a certs-only PKCS#7 of the chain, leaf + intermediate.
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        &example("chain/leaf.key"),
        "-out",
        &f("raw.sig"),
        &example("signatures/content.txt"),
    ])
    .unwrap();
    openssl(&[
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        &example("chain/chain.pem"),
        "-outform",
        "DER",
        "-out",
        &f("chain.p7b"),
    ])
    .unwrap();
    let leaf_and_intermediate = [
        std::fs::read(example("chain/leaf.pem")).unwrap(),
        std::fs::read(example("chain/intermediate.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("leaf-and-intermediate.pem"), leaf_and_intermediate).unwrap();

    let cases = json!([
        {"name": "cades-detached-crls-level3", "kind": "cms", "policy": cades_policy,
         "at": "2030-01-01T00:00:00Z",
         "signature": example("signatures/detached.p7s"), "content": example("signatures/content.txt")},
        {"name": "pkits-revoked-ee-level3", "kind": "cms", "policy": pkits_policy,
         "at": "2011-04-15T00:00:00Z",
         "signature": f("pkits-revoked.p7s"), "content": f("pkits-revoked.txt")},
        {"name": "expired-signer-rescued-by-timestamp", "kind": "cms", "policy": plain_policy,
         "at": "2040-01-01T00:00:00Z",
         "signature": f("timestamped.p7s"), "content": example("signatures/content.txt")},
        {"name": "attached-cades", "kind": "cms", "policy": plain_policy,
         "at": "2030-01-01T00:00:00Z", "signature": example("signatures/attached.p7m")},
        {"name": "pkcs1", "kind": "pkcs1", "policy": plain_policy, "at": "2030-01-01T00:00:00Z",
         "data": example("signatures/content.txt"), "signature": f("raw.sig"),
         "certificate": example("chain/leaf.pem"), "algorithm": "SHA256withRSA"},
        {"name": "p7b", "kind": "certificates", "type": "P7B", "policy": plain_policy,
         "at": "2030-01-01T00:00:00Z", "certificates": f("chain.p7b")},
        {"name": "chain-with-revoked-intermediate", "kind": "certificates", "type": "X509",
         "policy": revoked_policy, "at": "2030-01-01T00:00:00Z",
         "certificates": f("leaf-and-intermediate.pem")},
        {"name": "chain-document", "kind": "chain", "at": "2030-01-01T00:00:00Z",
         "leaf": example("chain/leaf.pem"), "intermediates": example("chain/intermediate.pem"),
         "anchors": example("chain/root.pem"), "purposes": ["code-signing"]},
    ]);
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_string_pretty(&cases).unwrap(),
    )
    .unwrap();
}

fn validator(policy: &str) -> Validator {
    let path = PathBuf::from(policy);
    let text = std::fs::read_to_string(&path).unwrap();
    let base = path.parent().unwrap().to_path_buf();
    let policy = PolicyFile::from_json(&text)
        .unwrap()
        .into_policy(|name| {
            std::fs::read(base.join(name)).map_err(|e| validate::Error::Invalid {
                what: "policy file",
                rule: e.to_string(),
            })
        })
        .unwrap();
    Validator::new(policy)
}

fn run(dir: &Path, name: &str) -> String {
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let case = cases
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    let read = |key: &str| std::fs::read(case[key].as_str().unwrap()).unwrap();
    let at: Timestamp = case["at"].as_str().unwrap().parse().unwrap();
    let report = match case["kind"].as_str().unwrap() {
        "cms" => {
            let v = validator(case["policy"].as_str().unwrap());
            let content = case.get("content").map(|_| read("content"));
            let mut reader = content.as_deref();
            let detached = reader.as_mut().map(|r| r as &mut dyn std::io::Read);
            v.verify_cms(&read("signature"), detached, at)
        }
        "pkcs1" => validator(case["policy"].as_str().unwrap()).verify_pkcs1(
            &read("data"),
            &read("signature"),
            &read("certificate"),
            case["algorithm"].as_str().unwrap(),
            at,
        ),
        "certificates" => validator(case["policy"].as_str().unwrap())
            .validate_certificates(&read("certificates"), at),
        "chain" => {
            let anchors = validate::read_certificates_strict(&read("anchors")).unwrap();
            let policy = validate::policy::ValidationPolicy::new(
                "chain",
                validate::path::TrustStore::from_certificates(anchors),
            );
            let leaf = validate::read_certificates_strict(&read("leaf")).unwrap();
            let pool = CertificatePool::from_certificates(
                validate::read_certificates_strict(&read("intermediates")).unwrap(),
            );
            let mut options = ChainOptions::default();
            options.purposes = Some(
                case["purposes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().parse().unwrap())
                    .collect(),
            );
            let path = Validator::new(policy).validate_chain(&leaf[0], &pool, &options, at);
            return serde_json::to_string(&ChainReport::new(&path)).unwrap();
        }
        other => panic!("unknown kind {other}"),
    };
    serde_json::to_string(&report).unwrap()
}

/// The names of the mutants of `signature` the Rust door accepts (the
/// mutations of tests/tests/mutation.rs, which vets each accepted one).
fn accepted_mutants(policy: &str, at: &str, signature: &str, content: Option<&String>) -> String {
    let v = validator(policy);
    let at: Timestamp = at.parse().unwrap();
    let signature = std::fs::read(signature).unwrap();
    let content = content.map(|c| std::fs::read(c).unwrap());
    let mut accepted = Vec::new();
    for i in 0..signature.len() {
        let mut flipped = signature.clone();
        flipped[i] ^= 0xFF;
        let mut dropped = signature.clone();
        dropped.remove(i);
        let mut inserted = signature.clone();
        inserted.insert(i, 0);
        for (what, mutant) in [("flip", flipped), ("drop", dropped), ("insert", inserted)] {
            let mut reader = content.as_deref();
            let detached = reader.as_mut().map(|r| r as &mut dyn std::io::Read);
            if v.verify_cms(&mutant, detached, at).is_acceptable() {
                accepted.push(format!("{what} {i}"));
            }
        }
    }
    serde_json::to_string(&accepted).unwrap()
}

//! No mutant of a signed structure is accepted: every example signature in
//! `examples/signatures/` and an OpenSSL-made timestamped one, mutated at
//! every byte (flipped, dropped, a byte inserted) and with its content
//! replaced, through the `Validator` (the engine behind every door; the
//! cross-door test shows the doors give its reports).
//!
//! A mutant may be accepted (SUCCESS or WARNING) only when its signed bytes
//! and content are unchanged in effect: OpenSSL (`cms -verify -noverify`)
//! must verify it too, give the original content and name the original
//! signer certificate. Any other accepted mutant fails the test. The
//! counts by outcome are printed.

use std::path::Path;

use validate::Timestamp;
use validate::path::TrustStore;
use validate::policy::ValidationPolicy;
use validate::report::{ResultStatus, ValidationReport};
use validate::validator::Validator;
use validate_tests::{openssl, repo_root};

fn example(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("examples").join(name)).unwrap()
}

/// Every single-byte mutant of `input`: each byte flipped (all bits), each
/// byte dropped, a zero byte inserted before each byte.
fn mutants(input: &[u8]) -> impl Iterator<Item = (String, Vec<u8>)> + '_ {
    (0..input.len()).flat_map(move |i| {
        let mut flipped = input.to_vec();
        flipped[i] ^= 0xFF;
        let mut dropped = input.to_vec();
        dropped.remove(i);
        let mut inserted = input.to_vec();
        inserted.insert(i, 0);
        [
            (format!("flip {i}"), flipped),
            (format!("drop {i}"), dropped),
            (format!("insert {i}"), inserted),
        ]
    })
}

#[derive(Default, Debug)]
struct Counts {
    refused: usize,
    invalid: usize,
    accepted_unchanged: usize,
}

fn outcome(report: &ValidationReport) -> Option<bool> {
    if report.op_result.result_status == ResultStatus::Error {
        return None;
    }
    Some(report.is_acceptable())
}

/// What the signature signs, read from a DER SignedData with a structure
/// walk of its own: the encapsulated content, and per SignerInfo the
/// digest and signature algorithms, the signed attributes and the
/// signature value; plus the certificates. `None` when the walk cannot read
/// it (BER, or broken).
fn signed_parts(dir: &Path, data: &[u8]) -> Option<Vec<Vec<u8>>> {
    use validate_tests::der_tree::Node;
    // BER (or PEM) is first re-encoded as DER by OpenSSL.
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    std::fs::write(p("walk.bin"), data).unwrap();
    let inform = if data.first() == Some(&b'-') {
        "PEM"
    } else {
        "DER"
    };
    openssl(&[
        "cms",
        "-cmsout",
        "-inform",
        inform,
        "-in",
        &p("walk.bin"),
        "-outform",
        "DER",
        "-out",
        &p("walk.der"),
    ])
    .ok()?;
    let der = std::fs::read(p("walk.der")).ok()?;
    // The walk panics on what it cannot read: quietly, that is a `None`.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let parsed = std::panic::catch_unwind(|| Node::parse(&der));
    std::panic::set_hook(hook);
    let parsed = parsed.ok()?;
    let sd = parsed.children.get(1)?.children.first()?;
    let mut parts = vec![sd.children.get(2)?.encode()];
    for child in &sd.children[3..] {
        match child.tag {
            // certificates: each must stay as signed by its issuer.
            0xa0 => parts.push(child.encode()),
            0x31 => {
                for si in &child.children {
                    parts.extend(
                        si.children
                            .iter()
                            .filter(|n| n.tag != 0x02 && n.tag != 0xa1)
                            .skip(1) // sid: unsigned, may be re-encoded
                            .map(Node::encode),
                    );
                }
            }
            _ => {}
        }
    }
    Some(parts)
}

/// OpenSSL's view of a mutant: the content it verifies and the signer it names.
fn openssl_view(dir: &Path, data: &[u8], content: Option<&[u8]>) -> Option<(Vec<u8>, String)> {
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    std::fs::write(p("m.bin"), data).unwrap();
    let mut args = vec![
        "cms".to_string(),
        "-verify".into(),
        "-noverify".into(),
        "-binary".into(),
        "-inform".into(),
        if data.first() == Some(&b'-') {
            "PEM"
        } else {
            "DER"
        }
        .into(),
        "-in".into(),
        p("m.bin"),
        "-out".into(),
        p("out.bin"),
        "-signer".into(),
        p("signer.pem"),
    ];
    if let Some(c) = content {
        std::fs::write(p("content.bin"), c).unwrap();
        args.extend(["-content".into(), p("content.bin")]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    openssl(&refs).ok()?;
    Some((
        std::fs::read(p("out.bin")).ok()?,
        std::fs::read_to_string(p("signer.pem")).ok()?,
    ))
}

fn check(
    name: &str,
    validator: &Validator,
    at: Timestamp,
    signature: &[u8],
    content: Option<&[u8]>,
    dir: &Path,
    totals: &mut Counts,
) {
    let verify = |sig: &[u8], content: Option<&[u8]>| {
        let mut reader = content;
        let detached = reader.as_mut().map(|r| r as &mut dyn std::io::Read);
        validator.verify_cms(sig, detached, at)
    };
    assert_eq!(
        outcome(&verify(signature, content)),
        Some(true),
        "{name}: the original is accepted"
    );
    let original = openssl_view(dir, signature, content).expect("OpenSSL verifies the original");
    let mut counts = Counts::default();
    let mut false_accepts = Vec::new();
    // Content replaced (same length and not).
    let forged: &[&[u8]] = &[
        b"Pay Mallory 1,000,000 EUR\n",
        b"Example content signed with the example chain!\n",
    ];
    for other in forged {
        match content {
            Some(_) => {
                let r = verify(signature, Some(other));
                assert_ne!(outcome(&r), Some(true), "{name}: replaced content accepted");
                counts.invalid += 1;
            }
            None => {
                let needle = b"Example content signed with the example chain.";
                if let Some(at) = signature.windows(needle.len()).position(|w| w == needle) {
                    let mut m = signature.to_vec();
                    m[at..at + needle.len()].copy_from_slice(
                        &other[..needle.len().min(other.len())]
                            .iter()
                            .chain(std::iter::repeat(&b'!'))
                            .take(needle.len())
                            .copied()
                            .collect::<Vec<_>>(),
                    );
                    let r = verify(&m, None);
                    assert_ne!(outcome(&r), Some(true), "{name}: replaced content accepted");
                    counts.invalid += 1;
                }
            }
        }
    }
    for (what, mutant) in mutants(signature) {
        match outcome(&verify(&mutant, content)) {
            None => counts.refused += 1,
            Some(false) => counts.invalid += 1,
            Some(true) => {
                let unchanged = openssl_view(dir, &mutant, content).as_ref() == Some(&original)
                    || (signed_parts(dir, &mutant).is_some()
                        && signed_parts(dir, &mutant) == signed_parts(dir, signature));
                if unchanged {
                    counts.accepted_unchanged += 1;
                } else {
                    false_accepts.push(what);
                }
            }
        }
    }
    println!("{name}: {counts:?}");
    assert!(
        false_accepts.is_empty(),
        "{name}: mutants accepted whose signed bytes or content changed: {false_accepts:?}"
    );
    totals.refused += counts.refused;
    totals.invalid += counts.invalid;
    totals.accepted_unchanged += counts.accepted_unchanged;
}

#[test]
fn no_mutant_of_a_signature_is_accepted() {
    let dir = std::env::temp_dir().join(format!("validate-mutation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = validate::read_certificates_strict(&example("chain/root.pem")).unwrap();
    let validator = Validator::new(ValidationPolicy::new(
        "mutation",
        TrustStore::from_certificates(root),
    ));
    let at: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
    let content = example("signatures/content.txt");
    // An OpenSSL-made signature with a timestamp (genTime 2027), validated in 2040.
    let plain = validate_tests::openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-cades",
        "-in",
        &repo_root()
            .join("examples/signatures/content.txt")
            .to_string_lossy(),
        "-signer",
        &repo_root()
            .join("examples/chain/leaf.pem")
            .to_string_lossy(),
        "-inkey",
        &repo_root()
            .join("examples/chain/leaf.key")
            .to_string_lossy(),
        "-certfile",
        &repo_root()
            .join("examples/chain/intermediate.pem")
            .to_string_lossy(),
        "-outform",
        "DER",
        "-out",
        &dir.join("plain.p7s").to_string_lossy(),
    ]);
    plain.unwrap();
    let plain = std::fs::read(dir.join("plain.p7s")).unwrap();
    let signed_data = &validate_tests::der_tree::Node::parse(&plain).children[1].children[0];
    let signer_info = &signed_data.children.last().unwrap().children[0];
    let value = &signer_info
        .children
        .iter()
        .rev()
        .find(|n| n.tag == 0x04)
        .unwrap()
        .value;
    let token = validate_tests::fixtures::timestamp_token(&dir, value, "mutation");
    let stamped = validate_tests::der_tree::add_unsigned_attribute(
        &plain,
        0,
        "1.2.840.113549.1.9.16.2.14",
        &token,
    );
    let later: Timestamp = "2040-01-01T00:00:00Z".parse().unwrap();

    let mut totals = Counts::default();
    check(
        "detached.p7s",
        &validator,
        at,
        &example("signatures/detached.p7s"),
        Some(&content),
        &dir,
        &mut totals,
    );
    check(
        "attached.p7m",
        &validator,
        at,
        &example("signatures/attached.p7m"),
        None,
        &dir,
        &mut totals,
    );
    check(
        "smime-stream.p7s (BER)",
        &validator,
        at,
        &example("signatures/smime-stream.p7s"),
        None,
        &dir,
        &mut totals,
    );
    check(
        "attached-ec.pem",
        &validator,
        at,
        &example("signatures/attached-ec.pem"),
        None,
        &dir,
        &mut totals,
    );
    check(
        "timestamped (expired signer, 2040)",
        &validator,
        later,
        &stamped,
        Some(&content),
        &dir,
        &mut totals,
    );
    println!("all: {totals:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

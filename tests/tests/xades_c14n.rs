//! Canonical XML against published expected outputs and against libxml2.
//!
//! * The Merlin "twenty-three" interop vectors (tests/xades/corpus/signxml/
//!   interop/merlin-xmldsig-twenty-three, from the XML-DSig interop of
//!   2002, shipped in signxml's sdist): `signature.xml` and the canonical
//!   output of each of its references, `signature-c14n-N.txt`.
//! * `xmllint --c14n`, `--c14n11` and `--exc-c14n` (libxml2, Debian
//!   package libxml2-utils) on every DTD-free XML file of the corpus:
//!   whole-document canonicalization with comments must be byte-equal.

use std::path::{Path, PathBuf};
use std::process::Command;

use validate::testing::{C14nMethod, canonicalize};

fn corpus() -> PathBuf {
    validate_tests::repo_root().join("tests/xades/corpus")
}

/// The Merlin signature without its internal DTD subset. The subset only
/// declares entities that the document never uses and an ID attribute
/// type (Notaries/@Id) that our identifier rule already covers, so the
/// infoset and the canonical forms are unchanged; we refuse DTDs.
fn merlin_without_dtd() -> Vec<u8> {
    let dir = corpus().join("signxml/interop/merlin-xmldsig-twenty-three");
    let text = std::fs::read_to_string(dir.join("signature.xml")).unwrap();
    let start = text.find("<!DOCTYPE").unwrap();
    let end = text[start..].find("]>\n").unwrap() + start + 3;
    assert!(
        !text[end..].contains("&dsig;") && !text[end..].contains("&c14n;"),
        "the entities are unused"
    );
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

#[test]
fn merlin_reference_outputs() {
    let dir = corpus().join("signxml/interop/merlin-xmldsig-twenty-three");
    let xml = merlin_without_dtd();
    let expected = |n: usize| std::fs::read(dir.join(format!("signature-c14n-{n}.txt"))).unwrap();
    // (expected file, reference URI, method): every reference of
    // signature.xml whose transforms are a same-document URI and a
    // canonicalization (the others use XPath with here(), XSLT, or the
    // enveloped-signature transform, checked in xades_dsig.rs).
    let cases: &[(usize, &str, C14nMethod)] = &[
        (1, "#signature-properties-1", C14nMethod::Inclusive10),
        (2, "#object-3", C14nMethod::Inclusive10),
        (3, "#object-3", C14nMethod::Inclusive10WithComments),
        (4, "#xpointer(id('object-3'))", C14nMethod::Inclusive10),
        (
            5,
            "#xpointer(id('object-3'))",
            C14nMethod::Inclusive10WithComments,
        ),
        (6, "#manifest-reference-1", C14nMethod::Inclusive10),
        (8, "#reference-1", C14nMethod::Inclusive10),
        (9, "#reference-1", C14nMethod::Inclusive10WithComments),
        (10, "#manifest-1", C14nMethod::Inclusive10),
        (11, "#reference-2", C14nMethod::Inclusive10),
    ];
    for (n, uri, method) in cases {
        let ours = canonicalize(&xml, uri, *method, "").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&expected(*n)),
            "signature-c14n-{n}.txt: {uri} with {method:?}"
        );
    }
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

fn xmllint(flag: &str, file: &Path) -> Option<Vec<u8>> {
    let out = Command::new("xmllint")
        .args(["--nonet", flag, file.to_str().unwrap()])
        .output()
        .expect("running xmllint (apt-get install libxml2-utils)");
    out.status.success().then_some(out.stdout)
}

#[test]
fn whole_documents_agree_with_xmllint() {
    let mut files = Vec::new();
    xml_files(&corpus(), &mut files);
    files.sort();
    let mut compared = 0;
    let mut refused = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let has_dtd = String::from_utf8_lossy(&bytes).contains("<!DOCTYPE");
        let ours = canonicalize(
            &bytes,
            "#xpointer(/)",
            C14nMethod::Inclusive10WithComments,
            "",
        );
        if has_dtd {
            let err = ours.expect_err(&format!("{} has a DTD", file.display()));
            assert!(err.to_string().contains("DOCTYPE"), "{err}");
            refused += 1;
            continue;
        }
        for (flag, method) in [
            ("--c14n", C14nMethod::Inclusive10WithComments),
            ("--c14n11", C14nMethod::Inclusive11WithComments),
            ("--exc-c14n", C14nMethod::Exclusive10WithComments),
        ] {
            let theirs = xmllint(flag, file);
            let ours = canonicalize(&bytes, "#xpointer(/)", method, "");
            match (ours, theirs) {
                (Ok(ours), Some(theirs)) => assert!(
                    ours == theirs,
                    "{} {flag}: ours differs from xmllint\nours:   {}\ntheirs: {}",
                    file.display(),
                    String::from_utf8_lossy(&ours[..ours.len().min(300)]),
                    String::from_utf8_lossy(&theirs[..theirs.len().min(300)])
                ),
                (Err(e), None) => eprintln!("both refuse {}: {e}", file.display()),
                (ours, theirs) => panic!(
                    "{} {flag}: ours {:?}, xmllint {}",
                    file.display(),
                    ours.map(|o| o.len()),
                    if theirs.is_some() {
                        "succeeds"
                    } else {
                        "fails"
                    }
                ),
            }
            compared += 1;
        }
    }
    eprintln!("{compared} canonical forms equal to xmllint's; {refused} files with a DTD refused");
    assert!(compared >= 300, "only {compared} comparisons");
}

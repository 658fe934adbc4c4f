//! The labelled public corpus (tests/xades/README.md): each file's
//! expected verdict comes from its source's own tests; a disagreement not
//! listed with a reason in tests/xades/corpus-exceptions.txt fails, and so
//! does a listed file that agrees (the list must stay true).

use std::collections::BTreeMap;
use std::path::PathBuf;

use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::xades::{XmlCode, XmlOptions, verify_xml};

fn corpus() -> PathBuf {
    validate_tests::repo_root().join("tests/xades/corpus")
}

/// The labelled files and whether each must verify (signature intact,
/// references right, XAdES properties consistent; trust is not judged:
/// the sources verify against the certificate the file carries).
fn labels() -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let list = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(corpus().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".xml"))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        v.sort();
        v
    };
    // signxml test.py TestXAdES.test_xades_interop_examples: a file whose
    // name holds one of these conditions must fail, every other must verify.
    let conditions = [
        "altered",
        "newlines",
        "unsupported-signature-algorithm",
        "corrupted-cert",
        "cert-v2-wrong-digest",
        "wrong-sign-cert-digest",
        "sigPolStore-noDigest",
    ];
    for f in list("signxml/xades") {
        out.push((f.clone(), !conditions.iter().any(|c| f.contains(c))));
    }
    // signxml test_xmldsig_interop: the aleksey enveloped set verifies
    // except invalid_enveloped_transform.xml.
    for f in list("signxml/interop/aleksey-xmldsig-01-enveloped") {
        out.push((f.clone(), !f.contains("invalid_enveloped_transform")));
    }
    // xmlsec (PyPI) tests/test_ds.py: sign*-out.xml are the expected
    // outputs of signing, verified there with rsapub.pem / rsacert.pem.
    for f in list("xmlsec-python")
        .into_iter()
        .filter(|f| f.contains("-out"))
    {
        out.push((f, true));
    }
    // pyHanko tests/test_trusted_list.py reads these trusted lists with
    // their signatures validated.
    for f in list("pyhanko") {
        out.push((f, true));
    }
    out
}

fn exceptions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        validate_tests::repo_root().join("tests/xades/corpus-exceptions.txt"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, reason) = l.split_once(": ").unwrap_or_else(|| panic!("bad line {l}"));
            (file.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

/// Our verdict and a one-line reason.
fn ours(path: &str) -> (bool, String) {
    let bytes = std::fs::read(corpus().join(path)).unwrap();
    let anchors = TrustStore::new();
    let mut options = ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap());
    // The sources allow SHA-1 (signxml's xades_sha1_ok configuration).
    options.reject_weak_algorithms = false;
    let ctx = VerifyContext::new(&anchors, options);
    // xmlsec's tests verify with rsacert.pem's key (their KeyInfo holds a
    // KeyName only).
    let rsacert = validate::Certificate::from_pem(
        &std::fs::read(corpus().join("xmlsec-python/rsacert.pem")).unwrap(),
    )
    .unwrap();
    let mut xml_options = XmlOptions::default();
    if path.starts_with("xmlsec-python/") {
        xml_options.certificate = Some(&rsacert);
    }
    let result = match verify_xml(&bytes, &xml_options, &ctx) {
        Ok(r) => r,
        Err(e) => return (false, format!("error: {e}")),
    };
    if result.signatures.is_empty() {
        return (false, "no signature".into());
    }
    // Trust and time are not what the labels judge.
    let ignored = |c: XmlCode| {
        matches!(
            c,
            XmlCode::SignerPathInvalid
                | XmlCode::PolicyNotChecked
                | XmlCode::WeakAlgorithm
                | XmlCode::PartialScope
                | XmlCode::TimestampInvalid
        )
    };
    for s in &result.signatures {
        let errors: Vec<String> = s
            .findings
            .iter()
            .filter(|f| f.is_error() && !ignored(f.code))
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        if !s.signature_intact() || !errors.is_empty() {
            return (
                false,
                format!(
                    "signature {}: {:?} {}",
                    s.index,
                    s.signature,
                    errors.join("; ")
                ),
            );
        }
    }
    (true, "verifies".into())
}

#[test]
fn public_corpus_verdicts() {
    let exceptions = exceptions();
    let mut problems = Vec::new();
    let mut agreed = 0;
    let labels = labels();
    for (file, expected) in &labels {
        let (verdict, why) = ours(file);
        let listed = exceptions.get(file);
        match (verdict == *expected, listed) {
            (true, None) => agreed += 1,
            (false, Some(_)) => {}
            (true, Some(reason)) => problems.push(format!(
                "{file}: agrees now, remove the exception ({reason})"
            )),
            (false, None) => problems.push(format!(
                "{file}: expected {expected}, ours {verdict}: {why}"
            )),
        }
        // Zero false accepts: a file that must fail never passes, listed or not.
        assert!(*expected || !verdict, "{file} must fail but verifies");
    }
    for file in exceptions.keys() {
        assert!(
            labels.iter().any(|(f, _)| f == file),
            "exception for an unknown file {file}"
        );
    }
    eprintln!(
        "{agreed} of {} labelled files agree; {} listed exceptions",
        labels.len(),
        exceptions.len()
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

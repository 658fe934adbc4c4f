//! XML signatures made by `xmlsec1` (Debian package xmlsec1) with the
//! example chain, verified by us and by `xmlsec1 --verify`, then altered:
//! every byte of the signed parts, the signature wrapping attacks of
//! Somorovsky et al., "On Breaking SAML" (USENIX Security 2012, XSW1-XSW8),
//! duplicate Ids, moved and unsigned content, transform abuse, and DTD /
//! entity expansion. Zero must-fail case may be accepted.

use std::path::{Path, PathBuf};
use std::process::Command;

use validate::Timestamp;
use validate::path::TrustStore;
use validate::policy::ValidationPolicy;
use validate::read_certificates_strict;
use validate::report::ValidationReport;
use validate::request::SignatureType;
use validate::validator::Validator;
use validate::xades::{SignedScope, XmlCode};

const AT: &str = "2030-01-01T00:00:00Z";

fn chain(name: &str) -> PathBuf {
    validate_tests::repo_root()
        .join("examples/chain")
        .join(name)
}

fn validator() -> Validator {
    let root = read_certificates_strict(&std::fs::read(chain("root.pem")).unwrap()).unwrap();
    Validator::new(ValidationPolicy::new(
        "xml",
        TrustStore::from_certificates(root),
    ))
}

fn at() -> Timestamp {
    AT.parse().unwrap()
}

/// Signs `template` with xmlsec1 and the example leaf (RSA or EC), the
/// intermediate going into X509Data; `ID` attributes are declared for the
/// elements named in `ids`.
fn xmlsec_sign(dir: &Path, name: &str, template: &str, ec: bool, ids: &[&str]) -> Vec<u8> {
    let attrs: Vec<(&str, &str)> = ids.iter().map(|node| ("ID", *node)).collect();
    validate_tests::xmlsec::xmlsec_sign(dir, name, template, ec, &attrs)
}

/// `xmlsec1 --verify` with the example root trusted, at AT.
fn xmlsec_verify(dir: &Path, name: &str, xml: &[u8], ids: &[&str]) -> bool {
    let file = dir.join(format!("{name}.verify.xml"));
    std::fs::write(&file, xml).unwrap();
    let mut cmd = Command::new("xmlsec1");
    cmd.current_dir(dir).args([
        "--verify",
        "--trusted-pem",
        chain("root.pem").to_str().unwrap(),
        "--enabled-reference-uris",
        "empty,same-doc,local",
        "--verification-gmt-time",
        "2030-01-01 00:00:00",
    ]);
    for node in ids {
        cmd.arg("--id-attr:ID").arg(node);
    }
    cmd.arg(&file).output().unwrap().status.success()
}

fn json(report: &ValidationReport) -> String {
    serde_json::to_string(report).unwrap()
}

const DS: &str = r#"xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

fn signature_template(uri: &str, transforms: &str, method: &str) -> String {
    format!(
        r#"<ds:Signature {DS}><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{method}"/><ds:Reference URI="{uri}"><ds:Transforms>{transforms}</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#
    )
}

/// The elements whose `ID` attribute xmlsec1 must treat as an ID.
const SAML_IDS: [&str; 2] = [
    "urn:oasis:names:tc:SAML:2.0:protocol:Response",
    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
];

const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
const ENVELOPED: &str =
    r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#;
const EXC: &str = r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#;

/// A SAML-like Response signed at the Response level (URI="#_resp").
fn saml_response(signature: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp" Version="2.0" IssueInstant="2029-12-31T23:59:00Z"><saml:Issuer>https://idp.example</saml:Issuer>{signature}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="2029-12-31T23:59:00Z"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice@example.org</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="role"><saml:AttributeValue>user</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#
    )
}

struct Fixtures {
    _dir: tempfile::TempDir,
    /// Response signed at the Response level, RSA.
    response: Vec<u8>,
    /// Response whose Assertion is signed (assertion-level), EC.
    assertion: Vec<u8>,
    /// A document signed whole with URI="" and an XPath filter, EC.
    whole: Vec<u8>,
}

fn fixtures() -> Fixtures {
    let dir = tempfile::tempdir().unwrap();
    let response = xmlsec_sign(
        dir.path(),
        "response",
        &saml_response(&signature_template(
            "#_resp",
            &format!("{ENVELOPED}{EXC}"),
            RSA_SHA256,
        )),
        false,
        &SAML_IDS,
    );
    let assertion_template = saml_response("").replace(
        "<saml:Subject>",
        &format!(
            "{}<saml:Subject>",
            signature_template("#_a1", &format!("{ENVELOPED}{EXC}"), ECDSA_SHA256)
        ),
    );
    let assertion = xmlsec_sign(
        dir.path(),
        "assertion",
        &assertion_template,
        true,
        &SAML_IDS,
    );
    let filter = r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>"#;
    let whole_template = format!(
        "<Invoice xmlns=\"urn:example:invoice\"><ID>2029-001</ID><Amount currency=\"EUR\">1250.00</Amount><!-- unsigned comment -->{}</Invoice>",
        signature_template("", filter, ECDSA_SHA256)
    );
    let whole = xmlsec_sign(dir.path(), "whole", &whole_template, true, &[]);
    Fixtures {
        _dir: dir,
        response,
        assertion,
        whole,
    }
}

fn verify(xml: &[u8], kind: SignatureType) -> ValidationReport {
    validator().verify_xml(xml, None, kind, at())
}

#[test]
fn xmlsec_signatures_verify_and_agree_with_xmlsec1() {
    let f = fixtures();
    for (name, xml, ids) in [
        ("response", &f.response, &SAML_IDS[..]),
        ("assertion", &f.assertion, &SAML_IDS[..]),
        ("whole", &f.whole, &[][..]),
    ] {
        assert!(
            xmlsec_verify(f._dir.path(), name, xml, ids),
            "xmlsec1 rejects its own {name}"
        );
        let ctx_report = verify(xml, SignatureType::XadesDetached);
        assert!(ctx_report.is_acceptable(), "{name}: {}", json(&ctx_report));
        let scope = &ctx_report.signed_scope.as_ref().unwrap()[0];
        let expected = if name == "assertion" {
            SignedScope::Partial
        } else {
            SignedScope::Full
        };
        assert_eq!(scope.scope, expected, "{name}: {}", json(&ctx_report));
        assert_eq!(
            ctx_report
                .policy
                .as_ref()
                .unwrap()
                .signature
                .as_ref()
                .unwrap()
                .signature_type,
            "XAdES"
        );
    }
    // Enveloped: the Response and the whole invoice are signed; an
    // assertion-level signature does not sign the document element.
    assert!(verify(&f.response, SignatureType::XadesEnveloped).is_acceptable());
    assert!(verify(&f.whole, SignatureType::XadesEnveloped).is_acceptable());
    let partial = verify(&f.assertion, SignatureType::XadesEnveloped);
    assert!(!partial.is_acceptable());
    assert!(json(&partial).contains(&XmlCode::DocumentNotSigned.code().to_string()));
    let scope = &verify(&f.assertion, SignatureType::XadesDetached)
        .signed_scope
        .unwrap()[0];
    assert_eq!(scope.signed_nodes[0].node, "/samlp:Response/saml:Assertion");
    assert_eq!(
        scope.signed_nodes[0].excluded,
        ["/samlp:Response/saml:Assertion/ds:Signature"]
    );
}

/// The byte ranges that nothing signs: the XML declaration, KeyInfo and comments.
fn unsigned_ranges(xml: &[u8]) -> Vec<std::ops::Range<usize>> {
    let text = String::from_utf8_lossy(xml);
    let mut out = Vec::new();
    if text.starts_with("<?xml") {
        out.push(0..text.find("?>").unwrap() + 2);
    }
    if let (Some(s), Some(e)) = (text.find("<ds:KeyInfo"), text.find("</ds:KeyInfo>")) {
        out.push(s..e + "</ds:KeyInfo>".len());
    }
    // Comments: URI="" and #id references drop them (XML-DSig 4.3.3.3).
    let mut from = 0;
    while let Some(s) = text[from..].find("<!--") {
        let e = text[from + s..].find("-->").unwrap() + from + s + 3;
        out.push(from + s..e);
        from = e;
    }
    // What follows the document element.
    let end = text.rfind('>').unwrap() + 1;
    out.push(end..xml.len());
    out
}

#[test]
fn no_byte_mutant_of_the_signed_parts_is_accepted() {
    let f = fixtures();
    let v = validator();
    let mut tried = 0;
    for xml in [&f.response, &f.whole] {
        let skip = unsigned_ranges(xml);
        for i in 0..xml.len() {
            if skip.iter().any(|r| r.contains(&i)) {
                continue;
            }
            let mut m = xml.clone();
            m[i] ^= 0x01;
            let report = v.verify_xml(&m, None, SignatureType::XadesEnveloped, at());
            assert!(
                !report.is_acceptable(),
                "mutant at byte {i} ({:?} -> {:?}) accepted: {}",
                xml[i] as char,
                m[i] as char,
                json(&report)
            );
            tried += 1;
        }
    }
    assert!(tried > 2500, "{tried}");
}

#[test]
fn content_replaced_or_moved_is_refused() {
    let f = fixtures();
    let text = String::from_utf8(f.response.clone()).unwrap();
    for (what, altered) in [
        ("name replaced", text.replace("alice@example.org", "mallory@example.org")),
        ("role raised", text.replace(">user<", ">admin<")),
        ("assertion removed", {
            let s = text.find("<saml:Assertion").unwrap();
            let e = text.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
            format!("{}{}", &text[..s], &text[e..])
        }),
        ("unsigned assertion added", text.replace("</samlp:Response>", "<saml:Assertion ID=\"_evil\"><saml:Subject><saml:NameID>root</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>")),
        ("signature value swapped", {
            let s = text.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
            format!("{}A{}", &text[..s], &text[s + 1..])
        }),
    ] {
        let report = verify(altered.as_bytes(), SignatureType::XadesEnveloped);
        assert!(!report.is_acceptable(), "{what}: {}", json(&report));
    }
}

/// Takes the element starting at `start_tag` (its first occurrence) out of `text`.
fn element<'t>(text: &'t str, start_tag: &str, end_tag: &str) -> (&'t str, usize, usize) {
    let s = text.find(start_tag).unwrap();
    let e = text[s..].find(end_tag).unwrap() + s + end_tag.len();
    (&text[s..e], s, e)
}

fn strip_signature(fragment: &str) -> String {
    match fragment.find("<ds:Signature") {
        Some(s) => {
            let e = fragment.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
            format!("{}{}", &fragment[..s], &fragment[e..])
        }
        None => fragment.to_string(),
    }
}

/// XSW1-XSW8 (Somorovsky et al. 2012, section 5 and figure 4), each with
/// the evil copy under a fresh ID and, where the attack uses it, under the
/// original ID (duplicate). Returns (name, document, the path of the
/// evil element an application would read).
fn wrapping_attacks(f: &Fixtures) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let response = String::from_utf8(f.response.clone()).unwrap();
    let body_start = response.find("<samlp:Response").unwrap();
    let (original, _, _) = element(
        &response[body_start..],
        "<samlp:Response",
        "</samlp:Response>",
    );
    let original_unsigned = strip_signature(original);
    let evil_response = |id: &str| {
        original
            .replacen("ID=\"_resp\"", &format!("ID=\"{id}\""), 1)
            .replace("alice@example.org", "mallory@example.org")
    };
    let (sig, _, _) = element(original, "<ds:Signature", "</ds:Signature>");
    for id in ["_evil", "_resp"] {
        // XSW1: the original Response (unsigned) moved into the Signature,
        // an evil Response as the document element.
        let with_copy = sig.replace(
            "</ds:Signature>",
            &format!("<ds:Object>{original_unsigned}</ds:Object></ds:Signature>"),
        );
        let evil = evil_response(id).replace(sig, &with_copy);
        out.push((format!("XSW1 id {id}"), evil, "/samlp:Response"));
        // XSW2: the original Response placed before the Signature, as a sibling.
        let evil = evil_response(id).replace(sig, &format!("{original_unsigned}{sig}"));
        out.push((format!("XSW2 id {id}"), evil, "/samlp:Response"));
    }
    let doc = String::from_utf8(f.assertion.clone()).unwrap();
    let (assertion, a_start, a_end) = element(&doc, "<saml:Assertion", "</saml:Assertion>");
    let (a_sig, _, _) = element(assertion, "<ds:Signature", "</ds:Signature>");
    let unsigned = strip_signature(assertion);
    for id in ["_evil", "_a1"] {
        let evil_assertion = unsigned
            .replacen("ID=\"_a1\"", &format!("ID=\"{id}\""), 1)
            .replace("alice@example.org", "mallory@example.org");
        let head = &doc[..a_start];
        let tail = &doc[a_end..];
        // XSW3: the evil assertion before the original.
        out.push((
            format!("XSW3 id {id}"),
            format!("{head}{evil_assertion}{assertion}{tail}"),
            "/samlp:Response/saml:Assertion[1]",
        ));
        // XSW4: the original assertion inside the evil one.
        let wrapped = evil_assertion.replace(
            "</saml:Assertion>",
            &format!("{assertion}</saml:Assertion>"),
        );
        out.push((
            format!("XSW4 id {id}"),
            format!("{head}{wrapped}{tail}"),
            "/samlp:Response/saml:Assertion",
        ));
        // XSW5: the signed assertion altered (signature kept), the
        // original unsigned copy appended at the end of the message.
        let altered = assertion.replace("alice@example.org", "mallory@example.org");
        out.push((
            format!("XSW5 id {id}"),
            format!(
                "{head}{altered}{}",
                tail.replace("</samlp:Response>", &format!("{unsigned}</samlp:Response>"))
            ),
            "/samlp:Response/saml:Assertion[1]",
        ));
        // XSW6: the signed assertion altered, the original copy inside its signature.
        let altered_sig = a_sig.replace(
            "</ds:Signature>",
            &format!("<ds:Object>{unsigned}</ds:Object></ds:Signature>"),
        );
        let xsw6 = altered.replace(a_sig, &altered_sig);
        out.push((
            format!("XSW6 id {id}"),
            format!("{head}{xsw6}{tail}"),
            "/samlp:Response/saml:Assertion",
        ));
        // XSW7: an Extensions block holding the original copy, the evil one in its place.
        let ext = format!("<samlp:Extensions>{assertion}</samlp:Extensions>");
        out.push((
            format!("XSW7 id {id}"),
            format!("{head}{ext}{evil_assertion}{tail}"),
            "/samlp:Response/saml:Assertion",
        ));
        // XSW8: the evil assertion signed by the original signature, which
        // carries the original copy (unsigned) in a ds:Object.
        let moved_sig = a_sig.replace(
            "</ds:Signature>",
            &format!("<ds:Object>{unsigned}</ds:Object></ds:Signature>"),
        );
        let xsw8 =
            evil_assertion.replacen("<saml:Subject>", &format!("{moved_sig}<saml:Subject>"), 1);
        out.push((
            format!("XSW8 id {id}"),
            format!("{head}{xsw8}{tail}"),
            "/samlp:Response/saml:Assertion",
        ));
    }
    out
}

#[test]
fn signature_wrapping_attacks_fail() {
    let f = fixtures();
    let attacks = wrapping_attacks(&f);
    assert_eq!(attacks.len(), 16);
    for (name, xml, evil_path) in &attacks {
        // The seed's request type: the document element must be signed.
        let report = verify(xml.as_bytes(), SignatureType::XadesEnveloped);
        assert!(
            !report.is_acceptable(),
            "{name} accepted: {}",
            json(&report)
        );
        // Without that rule, the report never names the evil element as
        // signed: either the signature fails, or its signed node is not
        // what the application would read.
        let detached = verify(xml.as_bytes(), SignatureType::XadesDetached);
        if detached.is_acceptable() {
            for scope in detached.signed_scope.as_ref().unwrap() {
                for node in &scope.signed_nodes {
                    assert_ne!(
                        &node.node,
                        evil_path,
                        "{name}: the evil element is reported signed: {}",
                        json(&detached)
                    );
                    assert!(
                        !(node.node == "/samlp:Response" && node.scope == SignedScope::Full),
                        "{name}: {}",
                        json(&detached)
                    );
                }
            }
        }
    }
    // A duplicate Id is refused as such.
    let dup = attacks.iter().find(|(n, _, _)| n == "XSW3 id _a1").unwrap();
    let report = verify(dup.1.as_bytes(), SignatureType::XadesDetached);
    assert!(
        json(&report).contains(&XmlCode::DuplicateId.code().to_string()),
        "{}",
        json(&report)
    );
}

#[test]
fn transform_abuse_and_dtds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // An XSLT transform signed by xmlsec1: we refuse it as unsupported.
    let xslt = r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><out/></xsl:template></xsl:stylesheet></ds:Transform>"#;
    let template = format!(
        "<doc><a>1</a>{}</doc>",
        signature_template("", &format!("{ENVELOPED}{xslt}"), RSA_SHA256)
    );
    if let Ok(signed) =
        std::panic::catch_unwind(|| xmlsec_sign(dir.path(), "xslt", &template, false, &[]))
    {
        let report = verify(&signed, SignatureType::XadesEnveloped);
        assert!(!report.is_acceptable());
        assert!(
            json(&report).contains(&XmlCode::TransformUnsupported.code().to_string()),
            "{}",
            json(&report)
        );
    }
    // A general XPath expression (here a filter that keeps nothing of
    // value) is refused, not evaluated.
    let xpath = r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>self::text()</ds:XPath></ds:Transform>"#;
    let template = format!(
        "<doc><a>1</a>{}</doc>",
        signature_template("", &format!("{ENVELOPED}{xpath}"), RSA_SHA256)
    );
    let signed = xmlsec_sign(dir.path(), "xpath", &template, false, &[]);
    let report = verify(&signed, SignatureType::XadesEnveloped);
    assert!(!report.is_acceptable());
    assert!(
        json(&report).contains(&XmlCode::TransformUnsupported.code().to_string()),
        "{}",
        json(&report)
    );

    // Billion laughs, external entities, any DOCTYPE: refused before
    // anything is expanded (bounded time and memory).
    let f = fixtures();
    let signed = String::from_utf8(f.whole.clone()).unwrap();
    let body = signed
        .trim_start_matches(|c| c != '>')
        .trim_start_matches('>');
    let laughs = format!(
        "<!DOCTYPE Invoice [<!ENTITY a \"aaaaaaaaaa\">{}]>{}",
        (1..10)
            .map(|i| format!(
                "<!ENTITY {} \"{}\">",
                (b'a' + i) as char,
                format!("&{};", (b'a' + i - 1) as char).repeat(10)
            ))
            .collect::<String>(),
        body.replace("1250.00", "&j;")
    );
    let xxe = format!(
        "<!DOCTYPE Invoice [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}",
        body.replace("1250.00", "&x;")
    );
    for (what, xml) in [("billion laughs", laughs), ("external entity", xxe)] {
        let started = std::time::Instant::now();
        let report = verify(xml.as_bytes(), SignatureType::XadesEnveloped);
        assert!(!report.is_acceptable(), "{what}");
        assert!(
            json(&report).contains("DOCTYPE"),
            "{what}: {}",
            json(&report)
        );
        assert!(
            started.elapsed().as_secs() < 5,
            "{what} took {:?}",
            started.elapsed()
        );
    }
}

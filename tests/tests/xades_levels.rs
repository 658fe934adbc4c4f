//! XAdES baseline levels (ETSI EN 319 132-1 6) on signatures the test makes:
//! an invoice signed by `xmlsec1` with SignedProperties (SigningTime,
//! SigningCertificateV2 over the example leaf), then given an RFC 3161
//! SignatureTimeStamp made by OpenSSL with the example TSA over the
//! exclusive-C14N form of `ds:SignatureValue` (EN 319 132-1 5.3), written
//! out here from the C14N rules for one element without attributes. B-B
//! without the token, B-T with it; the token makes the signature
//! acceptable after the signer certificate expired (policy time source
//! `timestamp`); a token over other bytes is refused with its finding
//! (30425) and rescues nothing.

use std::path::Path;

use base64ct::{Base64, Encoding};
use serde_json::Value;
use sha2::{Digest, Sha256};
use validate::Timestamp;
use validate::policy::PolicyFile;
use validate::request::SignatureType;
use validate::validator::Validator;
use validate_tests::fixtures::timestamp_token;
use validate_tests::repo_root;
use validate_tests::xmlsec::xmlsec_sign;

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XADES: &str = "http://uri.etsi.org/01903/v1.3.2#";
const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Before the example certificates expire (2036).
const VALID_AT: &str = "2030-01-01T00:00:00Z";
/// After they expired; the token's genTime (2027-06-01) is before.
const EXPIRED_AT: &str = "2040-01-01T00:00:00Z";

fn template() -> String {
    let leaf = std::fs::read(repo_root().join("examples/chain/leaf.pem")).unwrap();
    let der = validate::read_certificates_strict(&leaf).unwrap()[0]
        .der()
        .to_vec();
    let cert_digest = Base64::encode_string(&Sha256::digest(&der));
    format!(
        r##"<Invoice xmlns="urn:example:invoice"><ID>2027-042</ID><Amount currency="EUR">1250.00</Amount><ds:Signature xmlns:ds="{DS}" Id="sig"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{EXC}"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{EXC}"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference><ds:Reference URI="#sp" Type="http://uri.etsi.org/01903#SignedProperties"><ds:Transforms><ds:Transform Algorithm="{EXC}"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo><ds:Object><xades:QualifyingProperties xmlns:xades="{XADES}" Target="#sig"><xades:SignedProperties Id="sp"><xades:SignedSignatureProperties><xades:SigningTime>2027-05-31T12:00:00Z</xades:SigningTime><xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{cert_digest}</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></Invoice>"##
    )
}

/// The `ds:SignatureValue` element of `xml` in exclusive C14N: no
/// attributes, the `ds` declaration it visibly uses, its text as is (base64
/// and line feeds need no escaping).
fn canonical_signature_value(xml: &str) -> Vec<u8> {
    let start =
        xml.find("<ds:SignatureValue>").expect("SignatureValue") + "<ds:SignatureValue>".len();
    let end = xml[start..].find("</ds:SignatureValue>").unwrap() + start;
    format!(
        r#"<ds:SignatureValue xmlns:ds="{DS}">{}</ds:SignatureValue>"#,
        &xml[start..end]
    )
    .into_bytes()
}

/// `xml` with a SignatureTimeStamp holding `token` in its unsigned properties.
fn with_timestamp(xml: &str, token: &[u8]) -> String {
    let unsigned = format!(
        r#"<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp><ds:CanonicalizationMethod Algorithm="{EXC}"/><xades:EncapsulatedTimeStamp>{}</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp></xades:UnsignedSignatureProperties></xades:UnsignedProperties>"#,
        Base64::encode_string(token)
    );
    xml.replacen(
        "</xades:QualifyingProperties>",
        &format!("{unsigned}</xades:QualifyingProperties>"),
        1,
    )
}

fn validator() -> Validator {
    let policy = repo_root().join("examples/policy.json");
    let base = policy.parent().unwrap().to_path_buf();
    let policy = PolicyFile::from_json(&std::fs::read_to_string(&policy).unwrap())
        .and_then(|f| f.into_policy(|name| Ok(std::fs::read(base.join(name)).unwrap())))
        .unwrap();
    Validator::new(policy)
}

fn verify(xml: &str, at: &str) -> Value {
    let at: Timestamp = at.parse().unwrap();
    let report = validator().verify_xml(xml.as_bytes(), None, SignatureType::XadesEnveloped, at);
    serde_json::to_value(&report).unwrap()
}

fn level(report: &Value) -> Option<&str> {
    report["signedScope"][0]["level"].as_str()
}

fn acceptable(report: &Value) -> bool {
    report["opResult"]["resultStatus"].as_u64() == Some(0)
        && report["policy"]["resultStatus"]
            .as_u64()
            .is_some_and(|s| s < 2)
}

fn codes(report: &Value) -> Vec<u64> {
    let mut out = Vec::new();
    for part in [
        &report["policy"],
        &report["policy"]["signature"],
        &report["policy"]["certificate"],
    ] {
        if let Some(list) = part["resultList"].as_array() {
            out.extend(list.iter().filter_map(|r| r["code"].as_u64()));
        }
    }
    out
}

fn signed(dir: &Path) -> String {
    let xml = xmlsec_sign(
        dir,
        "invoice",
        &template(),
        false,
        &[
            ("Id", &format!("{XADES}:SignedProperties")),
            ("Id", &format!("{DS}:Signature")),
        ],
    );
    String::from_utf8(xml).unwrap()
}

#[test]
fn a_signature_timestamp_raises_b_b_to_b_t_and_proves_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let xml = signed(dir.path());

    let bb = verify(&xml, VALID_AT);
    assert!(acceptable(&bb), "{bb:#}");
    assert_eq!(level(&bb), Some("B-B"), "{bb:#}");

    let token = timestamp_token(dir.path(), &canonical_signature_value(&xml), "sigvalue");
    let stamped = with_timestamp(&xml, &token);
    let bt = verify(&stamped, VALID_AT);
    assert!(acceptable(&bt), "{bt:#}");
    assert_eq!(level(&bt), Some("B-T"), "{bt:#}");

    // After the signer certificate expired, the token's genTime is the
    // time of the path (policy time source `timestamp`).
    let late = verify(&stamped, EXPIRED_AT);
    assert!(acceptable(&late), "{late:#}");
    assert_eq!(level(&late), Some("B-T"));
    let unstamped_late = verify(&xml, EXPIRED_AT);
    assert!(!acceptable(&unstamped_late), "{unstamped_late:#}");
}

#[test]
fn a_timestamp_over_other_bytes_is_refused_and_proves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let xml = signed(dir.path());
    let mut other = canonical_signature_value(&xml);
    // One base64 character of the value changed: the token stamps other bytes.
    let i = other.iter().position(|&b| b == b'>').unwrap() + 1;
    other[i] = if other[i] == b'A' { b'B' } else { b'A' };
    let token = timestamp_token(dir.path(), &other, "other");
    let stamped = with_timestamp(&xml, &token);

    let report = verify(&stamped, VALID_AT);
    assert_eq!(level(&report), Some("B-B"), "{report:#}");
    // 30425: the SignatureTimeStamp is not valid over ds:SignatureValue.
    assert!(codes(&report).contains(&30425), "{report:#}");
    let late = verify(&stamped, EXPIRED_AT);
    assert!(
        !acceptable(&late),
        "a refused token rescues nothing: {late:#}"
    );
}

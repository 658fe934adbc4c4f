//! Detached XML signatures with the content streamed from a reader
//! (`Validator::verify_xml_streamed`, what `validate verify --content`
//! uses) against the same content given as bytes (`Validator::verify_xml`,
//! what the request uses): the same report, byte for byte, for content of
//! every size around the 1 MiB read chunk, valid or altered; a reader
//! positioned past a prefix; a read that fails; and a Reference whose
//! transforms need the content whole, within and beyond the XML size
//! limit. The signatures are made by `xmlsec1` (Debian package xmlsec1).

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use base64ct::{Base64, Encoding};
use validate::Timestamp;
use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::policy::ValidationPolicy;
use validate::read_certificates_strict;
use validate::report::ValidationReport;
use validate::request::SignatureType;
use validate::validator::Validator;
use validate::xades::{XmlCode, XmlOptions, verify_xml_streamed};

const AT: &str = "2030-01-01T00:00:00Z";
const MIB: usize = 1 << 20;

fn anchors() -> TrustStore {
    let root = std::fs::read(validate_tests::repo_root().join("examples/chain/root.pem")).unwrap();
    TrustStore::from_certificates(read_certificates_strict(&root).unwrap())
}

fn validator() -> Validator {
    Validator::new(ValidationPolicy::new("xml", anchors()))
}

fn at() -> Timestamp {
    AT.parse().unwrap()
}

fn json(report: &ValidationReport) -> String {
    serde_json::to_string(report).unwrap()
}

/// A detached signature over the file `name` in `dir` (with `transforms`
/// inside its Reference), signed by xmlsec1.
fn sign(dir: &Path, name: &str, transforms: &str) -> Vec<u8> {
    let template = format!(
        r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="{name}">{transforms}<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"#
    );
    validate_tests::xmlsec::xmlsec_sign(dir, &format!("{name}.sig"), &template, false, &[])
}

/// Bytes that differ at every offset of a chunk (no two chunks alike).
fn content(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i / MIB) as u8)
        .collect()
}

/// Verifies `xml` with `bytes` as bytes and as a stream; asserts the two
/// reports are equal and returns the streamed one.
fn both(validator: &Validator, xml: &[u8], bytes: &[u8]) -> ValidationReport {
    let kind = SignatureType::XadesDetached;
    let in_memory = validator.verify_xml(xml, Some(bytes), kind, at());
    let streamed = validator.verify_xml_streamed(xml, &mut Cursor::new(bytes), kind, at());
    assert_eq!(
        json(&streamed),
        json(&in_memory),
        "streamed and in-memory reports differ"
    );
    streamed
}

#[test]
fn streamed_content_gives_the_in_memory_report_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let validator = validator();
    for len in [0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB + 4097] {
        let name = format!("content-{len}.bin");
        let data = content(len);
        std::fs::write(dir.path().join(&name), &data).unwrap();
        let xml = sign(dir.path(), &name, "");
        let report = both(&validator, &xml, &data);
        assert!(report.is_acceptable(), "{len} bytes: {}", json(&report));
        let scope = serde_json::to_value(&report).unwrap();
        assert_eq!(
            scope["signedScope"][0]["signedNodes"][0]["node"],
            format!("detached content '{name}' ({len} bytes)"),
        );
        // One byte changed anywhere (first, middle, last) is refused both ways.
        for at_byte in [0, len / 2, len.saturating_sub(1)] {
            if len == 0 {
                break;
            }
            let mut altered = data.clone();
            altered[at_byte] ^= 1;
            let report = both(&validator, &xml, &altered);
            assert!(
                !report.is_acceptable(),
                "{len} bytes, byte {at_byte} changed"
            );
        }
        // One byte more or less is refused too.
        let mut longer = data.clone();
        longer.push(0);
        assert!(!both(&validator, &xml, &longer).is_acceptable());
        if len > 0 {
            assert!(!both(&validator, &xml, &data[..len - 1]).is_acceptable());
        }
    }
}

#[test]
fn the_stream_is_read_from_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let data = content(MIB + 10);
    std::fs::write(dir.path().join("doc.bin"), &data).unwrap();
    let xml = sign(dir.path(), "doc.bin", "");
    let mut framed = b"a prefix that is not signed".to_vec();
    let prefix = framed.len() as u64;
    framed.extend_from_slice(&data);
    let mut reader = Cursor::new(framed);
    reader.seek(SeekFrom::Start(prefix)).unwrap();
    let report =
        validator().verify_xml_streamed(&xml, &mut reader, SignatureType::XadesDetached, at());
    assert!(report.is_acceptable(), "{}", json(&report));
    reader.seek(SeekFrom::Start(0)).unwrap();
    let report =
        validator().verify_xml_streamed(&xml, &mut reader, SignatureType::XadesDetached, at());
    assert!(!report.is_acceptable(), "the prefix was skipped");
}

/// A reader whose reads fail once `fail_at` bytes have been read.
struct Failing {
    inner: Cursor<Vec<u8>>,
    fail_at: u64,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.inner.position() >= self.fail_at {
            return Err(std::io::Error::other("the disk went away"));
        }
        let room = (self.fail_at - self.inner.position()) as usize;
        let n = buf.len().min(room);
        self.inner.read(&mut buf[..n])
    }
}

impl Seek for Failing {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

fn context_verify(
    xml: &[u8],
    reader: &mut dyn validate::pdf::ReadSeek,
    options: &XmlOptions<'_>,
) -> Vec<XmlCode> {
    let anchors = anchors();
    let ctx = VerifyContext::new(&anchors, ValidationOptions::at(at()));
    let result = verify_xml_streamed(xml, reader, options, &ctx).unwrap();
    assert!(!result.valid);
    result
        .signatures
        .iter()
        .flat_map(|s| s.findings.iter().map(|f| f.code))
        .collect()
}

#[test]
fn a_read_that_fails_is_content_missing_never_a_shorter_digest() {
    let dir = tempfile::tempdir().unwrap();
    let data = content(3 * MIB);
    std::fs::write(dir.path().join("doc.bin"), &data).unwrap();
    let xml = sign(dir.path(), "doc.bin", "");
    for fail_at in [0, 100, MIB as u64 + 1, 2 * MIB as u64] {
        let mut reader = Failing {
            inner: Cursor::new(data.clone()),
            fail_at,
        };
        let codes = context_verify(&xml, &mut reader, &XmlOptions::default());
        assert!(
            codes.contains(&XmlCode::ContentMissing),
            "{fail_at}: {codes:?}"
        );
    }
}

#[test]
fn transforms_read_the_content_whole_within_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let decoded = content(MIB + 3);
    let text = Base64::encode_string(&decoded);
    std::fs::write(dir.path().join("doc.b64"), &text).unwrap();
    let base64 = r#"<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#base64"/></ds:Transforms>"#;
    let xml = sign(dir.path(), "doc.b64", base64);
    let report = both(&validator(), &xml, text.as_bytes());
    assert!(report.is_acceptable(), "{}", json(&report));
    let mut altered = text.clone().into_bytes();
    altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
    assert!(!both(&validator(), &xml, &altered).is_acceptable());

    // Beyond the limit the content is refused, not read into memory.
    let mut options = XmlOptions::default();
    options.limits.max_size = text.len() - 1;
    let codes = context_verify(&xml, &mut Cursor::new(text.as_bytes()), &options);
    assert!(codes.contains(&XmlCode::LimitExceeded), "{codes:?}");
    options.limits.max_size = text.len().max(xml.len());
    let anchors = anchors();
    let ctx = VerifyContext::new(&anchors, ValidationOptions::at(at()));
    let result =
        verify_xml_streamed(&xml, &mut Cursor::new(text.as_bytes()), &options, &ctx).unwrap();
    assert!(result.valid, "{:?}", result.findings);
}

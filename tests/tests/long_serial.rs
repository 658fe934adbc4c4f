//! Serial numbers far over RFC 5280 4.1.2.2's 20 octets: a leaf OpenSSL
//! signed with a 64 KiB serial (negative and positive; the DER of the
//! example leaf edited and re-signed with the example CA's key by
//! `openssl dgst`, checked by `openssl verify`) is handled by every
//! operation of `verify --type X509` and path validation, and reported: a
//! profile finding, and a report serial in linear hex form (decimal
//! conversion is quadratic; docs/report.md). Timing is a benchmark, not a
//! test: the CPU time before and after the fix is in docs/fuzzing.md.

use base64ct::{Base64, Encoding};
use validate::crypto::DefaultVerifier;
use validate::path::{CertificatePool, Purpose, TrustStore, ValidationOptions, validate_path};
use validate::policy::ValidationPolicy;
use validate::validator::Validator;
use validate::{Certificate, read_certificates_strict};
use validate_tests::der_tree::Node;
use validate_tests::{openssl, repo_root};

fn chain_file(name: &str) -> String {
    repo_root()
        .join("examples/chain")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The example leaf with `serial` as its serial number, re-signed by the
/// example intermediate CA (RSA, SHA-256) with OpenSSL.
fn leaf_with_serial(dir: &std::path::Path, serial: &[u8]) -> Vec<u8> {
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    openssl(&[
        "x509",
        "-in",
        &chain_file("leaf.pem"),
        "-outform",
        "DER",
        "-out",
        &p("leaf.der"),
    ])
    .unwrap();
    let mut cert = Node::parse(&std::fs::read(p("leaf.der")).unwrap());
    let tbs = &mut cert.children[0];
    assert_eq!(tbs.children[1].tag, 0x02, "serialNumber INTEGER");
    tbs.children[1].value = serial.to_vec();
    std::fs::write(p("tbs.der"), tbs.encode()).unwrap();
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        &chain_file("intermediate.key"),
        "-out",
        &p("sig.bin"),
        &p("tbs.der"),
    ])
    .unwrap();
    let mut bits = vec![0u8];
    bits.extend(std::fs::read(p("sig.bin")).unwrap());
    cert.children[2] = Node::primitive(0x03, &bits);
    let der = cert.encode();
    std::fs::write(p("long.der"), &der).unwrap();
    openssl(&[
        "verify",
        "-CAfile",
        &chain_file("root.pem"),
        "-untrusted",
        &chain_file("intermediate.pem"),
        "-attime",
        "1811808000",
        "-purpose",
        "any",
        &p("long.der"),
    ])
    .unwrap_or_else(|e| panic!("openssl verify of the re-signed leaf: {e}"));
    der
}

fn read(name: &str) -> Vec<Certificate> {
    read_certificates_strict(&std::fs::read(chain_file(name)).unwrap()).unwrap()
}

#[test]
fn a_64_kib_serial_is_handled_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let at = "2027-06-01T00:00:00Z".parse().unwrap();
    for negative in [true, false] {
        let mut serial = vec![0xAB; 64 * 1024];
        serial[0] = if negative { 0x80 } else { 0x7F };
        let der = leaf_with_serial(dir.path(), &serial);
        let leaf = Certificate::from_der(&der).unwrap();
        assert_eq!(leaf.serial().as_bytes(), serial.as_slice());

        // Path validation: valid under the RFC 5280 profile (a warning),
        // with the 4.1.2.2 finding.
        let mut options = ValidationOptions::at(at);
        options.purposes.push(Purpose::CodeSigning);
        let pool = CertificatePool::from_certificates(read("intermediate.pem"));
        let anchors = TrustStore::from_certificates(read("root.pem"));
        let path = validate_path(
            &leaf,
            &pool,
            &anchors,
            &options,
            &DefaultVerifier::default(),
        );
        assert!(path.valid, "{:?}", path.findings);
        let expected = if negative {
            "is negative"
        } else {
            "is 65536 octets, over 20"
        };
        assert!(
            path.findings
                .iter()
                .any(|f| f.detail.contains("serial number") && f.detail.contains(expected)),
            "the RFC 5280 4.1.2.2 finding: {:?}",
            path.findings
                .iter()
                .map(|f| &f.detail[..f.detail.len().min(80)])
                .collect::<Vec<_>>()
        );

        // The report (`verify --type X509`): the serial in hex after 0x.
        let mut policy = ValidationPolicy::new("long serial", anchors);
        policy.intermediates = pool;
        let request = serde_json::json!({"signatureType": "X509", "certificate": Base64::encode_string(&der)});
        let report = Validator::new(policy).validate_json(&request.to_string(), at);
        let json = serde_json::to_value(&report).unwrap();
        let reported = json["certificates"][0]["serialNumber"]
            .as_str()
            .unwrap()
            .to_string();
        let (prefix, first) = if negative {
            ("-0x", "7F5454")
        } else {
            ("0x", "7FABAB")
        };
        assert!(
            reported.starts_with(&format!("{prefix}{first}")),
            "{}",
            &reported[..16]
        );
        assert_eq!(reported.len(), prefix.len() + 2 * serial.len());
        assert_eq!(
            json["certificates"][0]["serialNumberH"]
                .as_str()
                .unwrap()
                .len(),
            usize::from(negative) + 2 * serial.len()
        );
    }
}

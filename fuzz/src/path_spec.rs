//! `cert_path`: a structure-aware target. An `arbitrary`-driven
//! description of a root, up to four CAs and a leaf (names, serials,
//! keys, issuers and extensions chosen by the fuzzer) is built and signed
//! with P-256 keys, so that inputs get past signature checks into path
//! building and RFC 5280 6.1 processing. A certificate may be corrupted
//! after signing: a path through it never validates.

use arbitrary::{Arbitrary, Unstructured};
use validate::Certificate;
use validate::path::{CertificatePool, Purpose, TrustStore, ValidationOptions, validate_path};

use crate::build;
use crate::fixtures::{CountingVerifier, at};

/// One certificate of the description.
#[derive(Arbitrary, Debug)]
pub struct CertSpec {
    serial: Vec<u8>,
    /// Index into the name table (a few names, so that issuers chain).
    subject: u8,
    /// Whose key signs it and whose name is its issuer (earlier certificates;
    /// the root signs itself).
    issuer: u8,
    key: u8,
    extensions: Vec<ExtSpec>,
    corrupt: Option<u16>,
}

/// An extension of a built certificate.
#[derive(Arbitrary, Debug)]
pub enum ExtSpec {
    /// basicConstraints (RFC 5280 4.2.1.9).
    BasicConstraints {
        ca: bool,
        path_len: Option<u8>,
        critical: bool,
    },
    /// keyUsage (4.2.1.3), the two octets of bits.
    KeyUsage { bits: u16, critical: bool },
    /// extKeyUsage (4.2.1.12) of the given id-kp arcs.
    ExtKeyUsage { arcs: Vec<u8>, critical: bool },
    /// subjectAltName (4.2.1.6) dNSName entries.
    DnsNames { names: Vec<String> },
    /// nameConstraints (4.2.1.10): permitted and excluded dNSName subtrees.
    NameConstraints {
        permitted: Vec<String>,
        excluded: Vec<String>,
    },
    /// certificatePolicies (4.2.1.4) of 2.5.29.32.0 or 1.3.6.1.4.1.N.
    Policies { arcs: Vec<u8> },
    /// policyConstraints (4.2.1.11).
    PolicyConstraints {
        require: Option<u8>,
        inhibit: Option<u8>,
    },
    /// Any other extension: a raw value under 1.3.6.1.4.1.99999.N.
    Raw {
        arc: u8,
        critical: bool,
        value: Vec<u8>,
    },
}

/// The whole description: the root first, the leaf last.
#[derive(Arbitrary, Debug)]
pub struct PathSpec {
    certs: Vec<CertSpec>,
    peer_name: Option<String>,
    code_signing: bool,
}

const NAMES: [&[u8]; 4] = [b"Fuzz Root", b"Fuzz CA 1", b"Fuzz CA 2", b"Fuzz Leaf"];

fn int(v: u8) -> Vec<u8> {
    if v < 0x80 {
        vec![0x02, 0x01, v]
    } else {
        vec![0x02, 0x02, 0, v]
    }
}

fn encode(ext: &ExtSpec) -> Vec<u8> {
    use crate::der::{seq, tlv};
    match ext {
        ExtSpec::BasicConstraints {
            ca,
            path_len,
            critical,
        } => {
            let mut body = Vec::new();
            if *ca {
                body.extend_from_slice(&[0x01, 0x01, 0xFF]);
            }
            if let Some(n) = path_len {
                body.extend(int(*n));
            }
            build::extension(&[0x55, 0x1D, 0x13], *critical, &tlv(0x30, &body))
        }
        ExtSpec::KeyUsage { bits, critical } => {
            let [a, b] = bits.to_be_bytes();
            build::extension(&[0x55, 0x1D, 0x0F], *critical, &[0x03, 0x03, 0x00, a, b])
        }
        ExtSpec::ExtKeyUsage { arcs, critical } => {
            let oids: Vec<Vec<u8>> = arcs
                .iter()
                .take(8)
                .map(|a| tlv(0x06, &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, a % 0x80]))
                .collect();
            build::extension(&[0x55, 0x1D, 0x25], *critical, &tlv(0x30, &oids.concat()))
        }
        ExtSpec::DnsNames { names } => {
            let gns: Vec<Vec<u8>> = names
                .iter()
                .take(16)
                .map(|n| tlv(0x82, n.as_bytes()))
                .collect();
            build::extension(&[0x55, 0x1D, 0x11], false, &tlv(0x30, &gns.concat()))
        }
        ExtSpec::NameConstraints {
            permitted,
            excluded,
        } => {
            let subtrees = |names: &[String]| -> Vec<u8> {
                names
                    .iter()
                    .take(16)
                    .flat_map(|n| seq(&[&tlv(0x82, n.as_bytes())]))
                    .collect()
            };
            let mut body = Vec::new();
            if !permitted.is_empty() {
                body.extend(tlv(0xA0, &subtrees(permitted)));
            }
            if !excluded.is_empty() {
                body.extend(tlv(0xA1, &subtrees(excluded)));
            }
            build::extension(&[0x55, 0x1D, 0x1E], true, &tlv(0x30, &body))
        }
        ExtSpec::Policies { arcs } => {
            let infos: Vec<Vec<u8>> = arcs
                .iter()
                .take(8)
                .map(|a| match a {
                    0 => seq(&[&[0x06, 0x04, 0x55, 0x1D, 0x20, 0x00]]),
                    n => seq(&[&tlv(0x06, &[0x2B, 0x06, 0x01, 0x04, 0x01, n % 0x80])]),
                })
                .collect();
            build::extension(&[0x55, 0x1D, 0x20], false, &tlv(0x30, &infos.concat()))
        }
        ExtSpec::PolicyConstraints { require, inhibit } => {
            let mut body = Vec::new();
            if let Some(r) = require {
                body.extend_from_slice(&[0x80, 0x01, r % 0x80]);
            }
            if let Some(i) = inhibit {
                body.extend_from_slice(&[0x81, 0x01, i % 0x80]);
            }
            build::extension(&[0x55, 0x1D, 0x24], true, &tlv(0x30, &body))
        }
        ExtSpec::Raw {
            arc,
            critical,
            value,
        } => build::extension(
            &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8D, 0x1F, arc % 0x80],
            *critical,
            value,
        ),
    }
}

/// `cert_path`: see the module documentation. Asserts: the signature
/// checks stay within the budget, and a valid path holds no certificate
/// corrupted after signing.
pub fn check_cert_path(data: &[u8]) {
    let Ok(spec) = PathSpec::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let specs: Vec<&CertSpec> = spec.certs.iter().take(6).collect();
    if specs.len() < 2 {
        return;
    }
    let mut ders: Vec<(Vec<u8>, bool)> = Vec::new();
    for (i, c) in specs.iter().enumerate() {
        let issuer = if i == 0 { 0 } else { usize::from(c.issuer) % i };
        let subject_name = build::name(&[(3, NAMES[usize::from(c.subject) % NAMES.len()])]);
        let issuer_spec = specs[issuer];
        let issuer_name = if i == 0 {
            subject_name.clone()
        } else {
            build::name(&[(3, NAMES[usize::from(issuer_spec.subject) % NAMES.len()])])
        };
        let serial: Vec<u8> = if c.serial.is_empty() {
            vec![1]
        } else {
            c.serial.iter().take(32).copied().collect()
        };
        let exts: Vec<Vec<u8>> = c.extensions.iter().take(8).map(encode).collect();
        let tbs = build::Tbs {
            serial: &serial,
            issuer: &issuer_name,
            subject: &subject_name,
            spki: build::spki(c.key),
            extensions: &exts,
        }
        .encode();
        let signer = if i == 0 { c.key } else { issuer_spec.key };
        ders.push((
            build::certificate(&tbs, build::key(signer), c.corrupt),
            c.corrupt.is_some(),
        ));
    }
    let certs: Vec<(Certificate, bool)> = ders
        .iter()
        .filter_map(|(d, bad)| Certificate::from_der(d).ok().map(|c| (c, *bad)))
        .collect();
    let Some(((leaf, _), rest)) = certs.split_last() else {
        return;
    };
    let Some(((root, _), middle)) = rest.split_first() else {
        return;
    };
    let anchors = TrustStore::from_certificates([root.clone()]);
    let pool = CertificatePool::from_certificates(middle.iter().map(|(c, _)| c.clone()));
    let mut options = ValidationOptions::at(at());
    options.peer_name = spec.peer_name.clone();
    if spec.code_signing {
        options.purposes.push(Purpose::CodeSigning);
    }
    let verifier = CountingVerifier::default();
    let result = validate_path(leaf, &pool, &anchors, &options, &verifier);
    assert!(
        verifier.count() <= crate::path_checks_bound(),
        "{} signature checks",
        verifier.count()
    );
    if result.valid {
        for cert in &result.chain {
            let corrupted = certs.iter().any(|(c, bad)| *bad && c.der() == cert.der());
            // The anchor's own signature is not checked (RFC 5280 6.1: a
            // trust anchor is trusted as configured).
            let is_anchor = cert.der() == root.der();
            assert!(
                !corrupted || is_anchor,
                "a corrupted certificate on a valid path"
            );
        }
    }
}

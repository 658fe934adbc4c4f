//! Certificates the checks build and sign themselves (ECDSA P-256 with
//! SHA-256, RFC 5758 3.2), so that a fuzzer-chosen name, extension or
//! serial reaches path validation behind a valid signature.

use std::sync::OnceLock;

use p256::ecdsa::{Signature, SigningKey};
use signature::Signer;

use crate::der::{seq, tlv};

/// ecdsa-with-SHA256 (RFC 5758 3.2), no parameters.
const ECDSA_SHA256: &[u8] = &[
    0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02,
];

/// How many fixed keys there are.
const KEYS: usize = 4;

fn keys() -> &'static [(SigningKey, Vec<u8>)] {
    static ALL: OnceLock<Vec<(SigningKey, Vec<u8>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        (0..KEYS as u8)
            .map(|i| {
                // Small scalars are valid private keys; the keys are for tests only.
                let mut bytes = [0u8; 32];
                bytes[31] = 1 + i;
                bytes[0] = 0x11;
                let key = match SigningKey::from_slice(&bytes) {
                    Ok(k) => k,
                    Err(e) => panic!("fixed P-256 key: {e}"),
                };
                let spki = spki_of(&key);
                (key, spki)
            })
            .collect()
    })
}

/// A fixed P-256 key, one of a few (`index` modulo their number), made once.
pub fn key(index: u8) -> &'static SigningKey {
    &keys()[usize::from(index) % KEYS].0
}

/// The SubjectPublicKeyInfo (RFC 5480 2) of [`key`]`(index)`.
pub fn spki(index: u8) -> &'static [u8] {
    &keys()[usize::from(index) % KEYS].1
}

fn spki_of(key: &SigningKey) -> Vec<u8> {
    let point = key.verifying_key().to_sec1_point(false);
    let alg = seq(&[
        &[0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01],
        &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07],
    ]);
    let mut bits = vec![0u8];
    bits.extend_from_slice(point.as_bytes());
    seq(&[&alg, &tlv(0x03, &bits)])
}

/// A Name of one RDN per `(oid arc of 2.5.4, UTF8String value)`.
pub fn name(attrs: &[(u8, &[u8])]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attrs
        .iter()
        .map(|(arc, value)| {
            let atv = seq(&[&[0x06, 0x03, 0x55, 0x04, *arc], &tlv(0x0C, value)]);
            tlv(0x31, &atv)
        })
        .collect();
    tlv(0x30, &rdns.concat())
}

/// One extension: `oid` its content octets, `value` the extnValue content.
pub fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let oid = tlv(0x06, oid);
    let value = tlv(0x04, value);
    if critical {
        seq(&[&oid, &[0x01, 0x01, 0xFF], &value])
    } else {
        seq(&[&oid, &value])
    }
}

/// The fields of a TBSCertificate (RFC 5280 4.1) the checks vary.
pub struct Tbs<'a> {
    /// The INTEGER content octets of the serial.
    pub serial: &'a [u8],
    /// Issuer Name, DER (any bytes: the fuzzer's).
    pub issuer: &'a [u8],
    /// Subject Name, DER (any bytes).
    pub subject: &'a [u8],
    /// SubjectPublicKeyInfo, DER.
    pub spki: &'a [u8],
    /// Extensions, each a DER Extension.
    pub extensions: &'a [Vec<u8>],
}

impl Tbs<'_> {
    /// The DER TBSCertificate: version 3, validity 2026-01-01 to 2036-01-01.
    pub fn encode(&self) -> Vec<u8> {
        let version = tlv(0xA0, &[0x02, 0x01, 0x02]);
        let validity = seq(&[&tlv(0x17, b"260101000000Z"), &tlv(0x17, b"360101000000Z")]);
        let serial = tlv(0x02, self.serial);
        let mut parts: Vec<&[u8]> = vec![
            &version,
            &serial,
            ECDSA_SHA256,
            self.issuer,
            &validity,
            self.subject,
            self.spki,
        ];
        let exts;
        if !self.extensions.is_empty() {
            exts = tlv(0xA3, &tlv(0x30, &self.extensions.concat()));
            parts.push(&exts);
        }
        seq(&parts)
    }
}

/// A Certificate over `tbs` signed by `key`; `corrupt` flips one byte of
/// the TBS after signing (an offset modulo its length), so the signature
/// no longer covers what the certificate says.
pub fn certificate(tbs: &[u8], key: &SigningKey, corrupt: Option<u16>) -> Vec<u8> {
    let signature: Signature = key.sign(tbs);
    let mut sig_bits = vec![0u8];
    sig_bits.extend_from_slice(signature.to_der().as_bytes());
    let mut tbs = tbs.to_vec();
    if let Some(at) = corrupt
        && !tbs.is_empty()
    {
        let i = usize::from(at) % tbs.len();
        tbs[i] ^= 0x01;
    }
    seq(&[&tbs, ECDSA_SHA256, &tlv(0x03, &sig_bits)])
}

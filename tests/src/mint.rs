//! A small certificate minter for tests that need many certificates fast
//! (e.g. a mesh of cross-signed CAs): P-256 keys derived from a seed,
//! ECDSA-SHA256 signatures, the TBSCertificate encoded with `der`'s derive.
//! Deterministic: the same inputs give the same bytes.

use std::str::FromStr;

use der::asn1::{BitString, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};
use p256::ecdsa::{DerSignature, SigningKey};
use signature::Signer;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::time::Time;

const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// A key pair with a name: what is needed to issue certificates.
pub struct Issuer {
    /// The subject DN, RFC 4514 (e.g. `CN=CA 1`).
    pub name: String,
    key: SigningKey,
    /// DER SubjectPublicKeyInfo.
    pub spki: SubjectPublicKeyInfoOwned,
    /// Key identifier (SHA-256 of the point, truncated to 20 octets).
    pub key_id: Vec<u8>,
}

impl Issuer {
    /// A P-256 key derived from `seed` (any seed gives a valid key).
    pub fn new(name: &str, seed: u64) -> Self {
        let mut secret = [0u8; 32];
        secret[0] = 1; // keeps the scalar non-zero and below the order
        secret[24..].copy_from_slice(&seed.to_be_bytes());
        let key = SigningKey::from_slice(&secret).expect("valid scalar");
        let point = key.verifying_key().to_sec1_point(false);
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: EC_PUBLIC_KEY,
                parameters: Some(der::Any::encode_from(&P256).expect("oid")),
            },
            subject_public_key: BitString::from_bytes(point.as_bytes()).expect("bit string"),
        };
        use sha2::Digest;
        let key_id = sha2::Sha256::digest(point.as_bytes())[..20].to_vec();
        Issuer {
            name: name.to_string(),
            key,
            spki,
            key_id,
        }
    }
}

#[derive(Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial: der::asn1::Uint,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

#[derive(Sequence)]
struct Validity {
    not_before: Time,
    not_after: Time,
}

#[derive(Sequence)]
struct Cert {
    tbs: der::asn1::Any,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// Issues a certificate for `subject` signed by `issuer`, valid 2020-2040,
/// with basicConstraints (critical), subject and authority key identifiers.
pub fn issue(subject: &Issuer, issuer: &Issuer, serial: u64, ca: bool) -> Vec<u8> {
    issue_with(subject, issuer, &Spec::new(serial, ca))
}

/// What [`issue_with`] puts in a certificate besides the names and key.
pub struct Spec {
    /// The serial number.
    pub serial: u64,
    /// basicConstraints cA.
    pub ca: bool,
    /// Include an authorityKeyIdentifier (default true).
    pub aki: bool,
    /// The issuer name written in the certificate, when not the signer's
    /// (a forged claim: the signature is still the signer's).
    pub issuer_name: Option<String>,
    /// Further extensions, in order.
    pub extensions: Vec<Extension>,
}

impl Spec {
    /// A CA or end-entity certificate with key identifiers and nothing else.
    pub fn new(serial: u64, ca: bool) -> Self {
        Spec {
            serial,
            ca,
            aki: true,
            issuer_name: None,
            extensions: Vec::new(),
        }
    }
}

/// An extension from its OID, criticality and DER value.
pub fn extension(oid: &str, critical: bool, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(value).expect("octets"),
    }
}

/// Issues a certificate for `subject` signed by `signer` as `spec` says.
pub fn issue_with(subject: &Issuer, signer: &Issuer, spec: &Spec) -> Vec<u8> {
    let issuer = signer;
    let ext = extension;
    let mut extensions = vec![
        ext(
            "2.5.29.19",
            true,
            BasicConstraints {
                ca: spec.ca,
                path_len_constraint: None,
            }
            .to_der()
            .expect("bc"),
        ),
        ext(
            "2.5.29.14",
            false,
            SubjectKeyIdentifier(OctetString::new(subject.key_id.clone()).expect("ski"))
                .to_der()
                .expect("ski"),
        ),
    ];
    if spec.aki {
        extensions.push(ext(
            "2.5.29.35",
            false,
            AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(issuer.key_id.clone()).expect("aki")),
                ..Default::default()
            }
            .to_der()
            .expect("aki"),
        ));
    }
    extensions.extend(spec.extensions.iter().cloned());
    let (serial, issuer_name) = (
        spec.serial,
        spec.issuer_name
            .clone()
            .unwrap_or_else(|| issuer.name.clone()),
    );
    let algorithm = AlgorithmIdentifierOwned {
        oid: ECDSA_SHA256,
        parameters: None,
    };
    let tbs = Tbs {
        version: 2,
        serial: der::asn1::Uint::new(&serial.to_be_bytes()).expect("serial"),
        signature: algorithm.clone(),
        issuer: Name::from_str(&issuer_name).expect("issuer name"),
        validity: Validity {
            not_before: Time::from_str("2020-01-01T00:00:00Z").expect("time"),
            not_after: Time::from_str("2040-01-01T00:00:00Z").expect("time"),
        },
        subject: Name::from_str(&subject.name).expect("subject name"),
        spki: subject.spki.clone(),
        extensions,
    }
    .to_der()
    .expect("tbs");
    let signature: DerSignature = issuer.key.sign(&tbs);
    Cert {
        tbs: der::asn1::Any::from_der(&tbs).expect("tbs any"),
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(signature.as_bytes()).expect("sig"),
    }
    .to_der()
    .expect("certificate")
}

#[derive(Sequence)]
struct TbsCrl {
    version: u8,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    this_update: Time,
    next_update: Time,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

/// A version 2 CRL in the name of `issuer_name`, signed by `signer`,
/// current 2020-2040, listing nothing, with an authorityKeyIdentifier of
/// the signer's key and cRLNumber `number` (RFC 5280 5.1, 5.2.1, 5.2.3).
pub fn crl(issuer_name: &str, signer: &Issuer, number: u64) -> Vec<u8> {
    let algorithm = AlgorithmIdentifierOwned {
        oid: ECDSA_SHA256,
        parameters: None,
    };
    let tbs = TbsCrl {
        version: 1,
        signature: algorithm.clone(),
        issuer: Name::from_str(issuer_name).expect("issuer name"),
        this_update: Time::from_str("2020-01-01T00:00:00Z").expect("time"),
        next_update: Time::from_str("2040-01-01T00:00:00Z").expect("time"),
        extensions: vec![
            extension(
                "2.5.29.35",
                false,
                AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(signer.key_id.clone()).expect("aki")),
                    ..Default::default()
                }
                .to_der()
                .expect("aki"),
            ),
            extension(
                "2.5.29.20",
                false,
                der::asn1::Uint::new(&number.to_be_bytes())
                    .expect("number")
                    .to_der()
                    .expect("number"),
            ),
        ],
    }
    .to_der()
    .expect("tbs");
    let signature: DerSignature = signer.key.sign(&tbs);
    Cert {
        tbs: der::asn1::Any::from_der(&tbs).expect("tbs any"),
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(signature.as_bytes()).expect("sig"),
    }
    .to_der()
    .expect("crl")
}

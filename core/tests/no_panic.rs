//! Property tests: arbitrary bytes as key, signature and parameters never
//! make verification panic; they only produce errors.

use der::Tag;
use der::asn1::AnyRef;
use proptest::prelude::*;
use spki::AlgorithmIdentifierRef;
use validate::crypto::{
    DefaultVerifier, PssParameters, SignatureAlgorithm, SignatureVerifier, SignerKey,
};

/// The signature algorithms we support, plus one we do not.
const SIG_OIDS: &[&str] = &[
    "1.2.840.113549.1.1.5",
    "1.2.840.113549.1.1.11",
    "1.2.840.113549.1.1.13",
    "1.2.840.113549.1.1.10",
    "1.2.840.10045.4.3.2",
    "1.2.840.10045.4.3.3",
    "1.2.840.10045.4.3.4",
    "1.3.101.112",
    "1.2.840.10040.4.3",
    "2.16.840.1.101.3.4.3.2",
    "1.2.840.113549.1.1.4",
];

/// SPKI algorithm identifiers (DER), with curve or NULL parameters where they belong.
const KEY_ALGS: &[&[u8]] = &[
    // rsaEncryption, NULL
    &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ],
    // id-RSASSA-PSS, no parameters
    &[
        0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
    ],
    // id-ecPublicKey, P-256
    &[
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ],
    // id-ecPublicKey, P-384
    &[
        0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81,
        0x04, 0x00, 0x22,
    ],
    // id-ecPublicKey, P-521
    &[
        0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81,
        0x04, 0x00, 0x23,
    ],
    // id-Ed25519
    &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70],
    // id-dsa, no parameters
    &[
        0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01,
    ],
];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
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

/// P-256 generator point, uncompressed: a valid public key for random signatures.
const P256_G: [u8; 65] = [
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40,
    0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2,
    0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
    0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51,
    0xf5,
];

/// A well-formed RSAPublicKey with a random odd modulus of 512..2100 bits and a plausible exponent.
fn rsa_key() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(any::<u8>(), 64..262),
        prop_oneof![Just(3u64), Just(65537u64), any::<u32>().prop_map(u64::from)],
    )
        .prop_map(|(mut n, e)| {
            n[0] |= 0x80;
            if let Some(last) = n.last_mut() {
                *last |= 1;
            }
            n.insert(0, 0);
            let mut e: Vec<u8> = e
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            if e.first().is_none_or(|b| b & 0x80 != 0) {
                e.insert(0, 0);
            }
            tlv(0x30, &[tlv(0x02, &n), tlv(0x02, &e)].concat())
        })
}

/// Random bytes, or a DER SEQUENCE of two random INTEGERs (ECDSA / DSA shaped).
fn signature_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (
            proptest::collection::vec(any::<u8>(), 1..70),
            proptest::collection::vec(any::<u8>(), 1..70)
        )
            .prop_map(|(r, s)| tlv(0x30, &[tlv(0x02, &r), tlv(0x02, &s)].concat())),
    ]
}

/// Random bytes, or a random sequence of DER INTEGERs (so RSA / DSA parsing gets past the framing).
fn key_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..200), 1..4).prop_map(
            |ints| {
                let body: Vec<u8> = ints.iter().flat_map(|i| tlv(0x02, i)).collect();
                tlv(0x30, &body)
            }
        ),
        proptest::collection::vec(any::<u8>(), 1..140).prop_map(|i| tlv(0x02, &i)),
        rsa_key(),
        Just(P256_G.to_vec()),
        proptest::collection::vec(any::<u8>(), 32..=32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn verification_never_panics(
        sig_oid in 0..SIG_OIDS.len(),
        key_alg in 0..KEY_ALGS.len(),
        key in key_bytes(),
        params in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        dsa_params in proptest::option::of(key_bytes()),
        message in proptest::collection::vec(any::<u8>(), 0..64),
        signature in signature_bytes(),
    ) {
        let spki = tlv(0x30, &[KEY_ALGS[key_alg].to_vec(), tlv(0x03, &[&[0u8][..], &key].concat())].concat());
        let Ok(mut signer) = SignerKey::from_der(&spki) else { return Ok(()) };
        let inherited;
        if let Some(p) = &dsa_params {
            inherited = p.get(2..).unwrap_or_default().to_vec();
            if let Ok(any) = AnyRef::new(Tag::Sequence, &inherited) {
                signer = signer.with_inherited_dsa_parameters(any);
            }
        }
        // verify_signature decodes and sizes the key as weak-key checks do.
        let params_any = params.as_deref().and_then(|p| AnyRef::new(Tag::Sequence, p).ok());
        let alg = AlgorithmIdentifierRef { oid: SIG_OIDS[sig_oid].parse().unwrap(), parameters: params_any };
        let _ = SignatureAlgorithm::from_identifier(&alg);
        if let Some(p) = params_any {
            let _ = PssParameters::from_params(p);
        }
        let result = DefaultVerifier::default().verify_signature(&alg, &signer, &message, &signature);
        prop_assert!(result.is_err());
    }

    #[test]
    fn arbitrary_spki_never_panics(der in proptest::collection::vec(any::<u8>(), 0..400), signature in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(signer) = SignerKey::from_der(&der) {
            // verify_signature decodes and sizes the key as weak-key checks do.
            for oid in SIG_OIDS {
                let alg = AlgorithmIdentifierRef { oid: oid.parse().unwrap(), parameters: None };
                let _ = DefaultVerifier::default().verify_signature(&alg, &signer, b"m", &signature);
            }
        }
    }
}

/// A positive DER INTEGER of exactly `len` bytes of magnitude (top bit set), optionally odd.
fn big(len: usize, odd: bool) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), len..=len).prop_map(move |mut v| {
        if let Some(first) = v.first_mut() {
            *first |= 0x80;
        }
        if odd && let Some(last) = v.last_mut() {
            *last |= 1;
        }
        v.insert(0, 0);
        tlv(0x02, &v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Structurally valid DSA keys (sizes the `dsa` crate accepts) with random
    /// values: composite p, q not dividing p - 1, random g, y and signature.
    #[test]
    fn random_dsa_domain_never_panics(
        (p, q) in prop_oneof![(big(128, true), big(20, false)), (big(256, true), big(32, false))],
        g in proptest::collection::vec(any::<u8>(), 1..128),
        y in proptest::collection::vec(any::<u8>(), 1..256),
        r in proptest::collection::vec(any::<u8>(), 1..33),
        s in proptest::collection::vec(any::<u8>(), 1..33),
        sha256 in any::<bool>(),
    ) {
        let g = tlv(0x02, &[&[0u8][..], &g].concat());
        let params = [p, q, g].concat();
        let alg = [
            tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]),
            tlv(0x30, &params),
        ]
        .concat();
        let y = tlv(0x02, &[&[0u8][..], &y].concat());
        let spki = tlv(0x30, &[tlv(0x30, &alg), tlv(0x03, &[&[0u8][..], &y].concat())].concat());
        let signer = SignerKey::from_der(&spki).expect("well-formed SPKI");
        // verify_signature decodes and sizes the key as weak-key checks do.
        let sig = tlv(0x30, &[tlv(0x02, &[&[0u8][..], &r].concat()), tlv(0x02, &[&[0u8][..], &s].concat())].concat());
        let oid = if sha256 { "2.16.840.1.101.3.4.3.2" } else { "1.2.840.10040.4.3" };
        let alg = AlgorithmIdentifierRef { oid: oid.parse().unwrap(), parameters: None };
        let result = DefaultVerifier::default().verify_signature(&alg, &signer, b"message", &sig);
        prop_assert!(result.is_err());
    }
}

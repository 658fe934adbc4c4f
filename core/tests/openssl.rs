//! Real keys, certificates and signatures made by the OpenSSL command line
//! in the test, verified by the default backend.

use std::path::PathBuf;
use std::process::Command;

use der::asn1::{AnyRef, BitStringRef, UintRef};
use der::{Decode, Encode, Reader, SliceReader};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use validate::crypto::{
    DefaultVerifier, NamedCurve, PublicKeyAlgorithm, SignatureAlgorithm, SignatureError,
    SignatureVerifier, SignerKey,
};

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("validate-crypto-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("the openssl command line tool is required by these tests");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).expect("read")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The three parts of a DER certificate, borrowed: TBS bytes exactly as signed,
/// signature algorithm, signature value.
fn split_certificate(der: &[u8]) -> (&[u8], AlgorithmIdentifierRef<'_>, &[u8]) {
    let mut r = SliceReader::new(der).unwrap();
    let parts = r
        .sequence(|r| {
            let tbs = r.tlv_bytes()?;
            let alg = AlgorithmIdentifierRef::decode(r)?;
            let sig = BitStringRef::decode(r)?;
            Ok::<_, der::Error>((tbs, alg, sig))
        })
        .unwrap();
    (parts.0, parts.1, parts.2.as_bytes().unwrap())
}

/// Make a self-signed certificate with `openssl req -x509 <args>` and verify
/// its signature over the TBS; return the decoded signature algorithm and key info.
fn check_self_signed(name: &str, args: &[&str]) -> (SignatureAlgorithm, PublicKeyAlgorithm, u32) {
    let scratch = Scratch::new(name);
    let mut all = vec![
        "req",
        "-x509",
        "-nodes",
        "-subj",
        "/CN=validate test",
        "-days",
        "2",
        "-keyout",
        "key.pem",
    ];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-outform", "DER", "-out", "cert.der"]);
    scratch.openssl(&all);
    let der = scratch.read("cert.der");

    let cert = x509_cert::Certificate::from_der(&der).expect("certificate");
    let key = SignerKey::from(cert.tbs_certificate().subject_public_key_info());
    let (tbs, alg, sig) = split_certificate(&der);
    let verifier = DefaultVerifier::default();
    verifier
        .verify_signature(&alg, &key, tbs, sig)
        .unwrap_or_else(|e| panic!("{name}: {e}"));

    // One flipped bit in the TBS, or in the signature, must not verify.
    let mut bad_tbs = tbs.to_vec();
    let last = bad_tbs.len() - 1;
    bad_tbs[last] ^= 1;
    assert_eq!(
        verifier.verify_signature(&alg, &key, &bad_tbs, sig),
        Err(SignatureError::InvalidSignature),
        "{name}: tampered TBS"
    );
    let mut bad_sig = sig.to_vec();
    let mid = bad_sig.len() / 2;
    bad_sig[mid] ^= 0x10;
    assert!(
        verifier
            .verify_signature(&alg, &key, tbs, &bad_sig)
            .is_err(),
        "{name}: tampered signature"
    );

    let info = key.info().expect("key info");
    (
        SignatureAlgorithm::from_identifier(&alg).unwrap(),
        info.algorithm,
        info.bits,
    )
}

#[test]
fn rsa_pkcs1v15_certificates() {
    use validate::crypto::DigestAlgorithm::*;
    for (md, digest) in [
        ("-sha1", Sha1),
        ("-sha224", Sha224),
        ("-sha256", Sha256),
        ("-sha384", Sha384),
        ("-sha512", Sha512),
    ] {
        let (alg, key, bits) = check_self_signed(&format!("rsa{md}"), &["-newkey", "rsa:2048", md]);
        assert_eq!(alg, SignatureAlgorithm::RsaPkcs1v15(digest));
        assert_eq!((key, bits), (PublicKeyAlgorithm::Rsa, 2048));
    }
    let (_, _, bits) = check_self_signed("rsa3072", &["-newkey", "rsa:3072", "-sha256"]);
    assert_eq!(bits, 3072);
}

#[test]
fn rsa_pss_certificates() {
    // rsaEncryption key, PSS signature; salt = digest length, maximum, and 0.
    for (name, md, salt, expect_salt) in [
        ("pss-digest", "-sha256", "digest", Some(32)),
        ("pss-max", "-sha256", "max", None),
        ("pss-zero", "-sha384", "0", Some(0)),
        ("pss-sha512", "-sha512", "64", Some(64)),
        ("pss-sha1", "-sha1", "20", Some(20)),
    ] {
        let salt_opt = format!("rsa_pss_saltlen:{salt}");
        let (alg, key, _) = check_self_signed(
            name,
            &[
                "-newkey",
                "rsa:2048",
                md,
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                &salt_opt,
            ],
        );
        let SignatureAlgorithm::RsaPss(params) = alg else {
            panic!("{name}: {alg:?}")
        };
        if let Some(s) = expect_salt {
            assert_eq!(params.salt_len, s, "{name}");
        }
        assert_eq!(key, PublicKeyAlgorithm::Rsa);
    }
    // id-RSASSA-PSS key (with parameters restricting it), PSS signature.
    let (alg, key, _) = check_self_signed(
        "pss-key",
        &[
            "-newkey",
            "rsa-pss",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-pkeyopt",
            "rsa_pss_keygen_md:sha256",
            "-pkeyopt",
            "rsa_pss_keygen_mgf1_md:sha256",
            "-pkeyopt",
            "rsa_pss_keygen_saltlen:32",
            "-sha256",
        ],
    );
    assert!(matches!(alg, SignatureAlgorithm::RsaPss(_)));
    assert_eq!(key, PublicKeyAlgorithm::RsaPss);

    // Without rsa_pss_keygen_mgf1_md OpenSSL keeps MGF1 with SHA-1 under a
    // SHA-256 message digest: rejected by design (docs/crypto.md).
    let scratch = Scratch::new("pss-mixed");
    scratch.openssl(&[
        "req",
        "-x509",
        "-nodes",
        "-subj",
        "/CN=mixed",
        "-keyout",
        "key.pem",
        "-newkey",
        "rsa-pss",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-pkeyopt",
        "rsa_pss_keygen_md:sha256",
        "-sha256",
        "-outform",
        "DER",
        "-out",
        "cert.der",
    ]);
    let der = scratch.read("cert.der");
    let cert = x509_cert::Certificate::from_der(&der).unwrap();
    let (tbs, alg, sig) = split_certificate(&der);
    assert!(matches!(
        DefaultVerifier::default().verify_signature(
            &alg,
            &SignerKey::from(cert.tbs_certificate().subject_public_key_info()),
            tbs,
            sig
        ),
        Err(SignatureError::InvalidParameters(_))
    ));
}

#[test]
fn ecdsa_certificates() {
    use validate::crypto::DigestAlgorithm::*;
    for (curve, md, digest, named, bits) in [
        ("P-256", "-sha256", Sha256, NamedCurve::P256, 256),
        ("P-256", "-sha1", Sha1, NamedCurve::P256, 256),
        ("P-384", "-sha384", Sha384, NamedCurve::P384, 384),
        ("P-384", "-sha256", Sha256, NamedCurve::P384, 384),
        ("P-384", "-sha1", Sha1, NamedCurve::P384, 384),
        ("P-521", "-sha512", Sha512, NamedCurve::P521, 521),
        ("P-521", "-sha224", Sha224, NamedCurve::P521, 521),
        ("P-521", "-sha256", Sha256, NamedCurve::P521, 521),
    ] {
        let curve_opt = format!("ec_paramgen_curve:{curve}");
        let (alg, key, key_bits) = check_self_signed(
            &format!("ec{curve}{md}"),
            &["-newkey", "ec", "-pkeyopt", &curve_opt, md],
        );
        assert_eq!(alg, SignatureAlgorithm::Ecdsa(digest));
        assert_eq!((key, key_bits), (PublicKeyAlgorithm::Ec(named), bits));
    }
}

#[test]
fn ed25519_certificate() {
    let (alg, key, _) = check_self_signed("ed25519", &["-newkey", "ed25519"]);
    assert_eq!(alg, SignatureAlgorithm::Ed25519);
    assert_eq!(key, PublicKeyAlgorithm::Ed25519);
}

#[test]
fn dsa_certificates_and_inherited_parameters() {
    use validate::crypto::DigestAlgorithm::*;
    let scratch = Scratch::new("dsa");
    // 1024/160 with SHA-1 as in PKITS, and 2048/256 with SHA-256.
    for (bits, qbits, md, digest) in [
        ("1024", "160", "-sha1", Sha1),
        ("2048", "256", "-sha256", Sha256),
    ] {
        let params = format!("dsa{bits}.pem");
        scratch.openssl(&[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DSA",
            "-pkeyopt",
            &format!("dsa_paramgen_bits:{bits}"),
            "-pkeyopt",
            &format!("dsa_paramgen_q_bits:{qbits}"),
            "-out",
            &params,
        ]);
        let newkey = format!("dsa:{}", scratch.path(&params).display());
        let (alg, key, key_bits) =
            check_self_signed(&format!("dsa{bits}"), &["-newkey", &newkey, md]);
        assert_eq!(alg, SignatureAlgorithm::Dsa(digest));
        assert_eq!(
            (key, key_bits.to_string()),
            (PublicKeyAlgorithm::Dsa, bits.to_string())
        );
    }

    // Parameter inheritance (RFC 3279 section 2.3.2): a key whose SPKI omits
    // the domain parameters verifies only with the issuer's parameters.
    scratch.openssl(&["genpkey", "-paramfile", "dsa1024.pem", "-out", "key.pem"]);
    scratch.openssl(&[
        "pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
    ]);
    std::fs::write(
        scratch.path("msg.txt"),
        b"signed by a DSA key without parameters",
    )
    .unwrap();
    scratch.openssl(&[
        "dgst", "-sha1", "-sign", "key.pem", "-out", "sig.der", "msg.txt",
    ]);
    let full_der = scratch.read("pub.der");
    let full = SubjectPublicKeyInfoRef::from_der(&full_der).unwrap();
    let issuer_params: AnyRef<'_> = full.algorithm.parameters.unwrap();
    let stripped = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: full.algorithm.oid,
            parameters: None,
        },
        subject_public_key: full.subject_public_key,
    };
    let stripped_der = stripped.to_der().unwrap();
    let msg = scratch.read("msg.txt");
    let sig = scratch.read("sig.der");
    let alg = AlgorithmIdentifierRef {
        oid: "1.2.840.10040.4.3".parse().unwrap(),
        parameters: None,
    };
    let verifier = DefaultVerifier::default();
    let bare = SignerKey::from_der(&stripped_der).unwrap();
    assert!(bare.needs_inherited_dsa_parameters());
    assert!(matches!(
        verifier.verify_signature(&alg, &bare, &msg, &sig),
        Err(SignatureError::InvalidParameters(_))
    ));
    let inherited = bare.clone().with_inherited_dsa_parameters(issuer_params);
    verifier
        .verify_signature(&alg, &inherited, &msg, &sig)
        .unwrap();
    assert_eq!(inherited.info().unwrap().bits, 1024);
    // Sanity: the signature really is DER (r, s).
    let mut r = SliceReader::new(&sig).unwrap();
    r.sequence(|r| {
        UintRef::decode(r)?;
        UintRef::decode(r)
    })
    .unwrap();
}

#[test]
fn mismatched_key_and_algorithm() {
    // An ECDSA signature algorithm with an RSA key, and PKCS #1 v1.5 with a PSS-only key.
    let scratch = Scratch::new("mismatch");
    scratch.openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "rsa.pem",
    ]);
    scratch.openssl(&[
        "pkey", "-in", "rsa.pem", "-pubout", "-outform", "DER", "-out", "rsa.der",
    ]);
    scratch.openssl(&[
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "pss.pem",
    ]);
    scratch.openssl(&[
        "pkey", "-in", "pss.pem", "-pubout", "-outform", "DER", "-out", "pss.der",
    ]);
    std::fs::write(scratch.path("m"), b"m").unwrap();
    scratch.openssl(&[
        "dgst", "-sha256", "-sign", "rsa.pem", "-out", "rsa.sig", "m",
    ]);
    let verifier = DefaultVerifier::default();
    let rsa_der = scratch.read("rsa.der");
    let rsa = SignerKey::from_der(&rsa_der).unwrap();
    let sig = scratch.read("rsa.sig");
    let pkcs1 = AlgorithmIdentifierRef {
        oid: "1.2.840.113549.1.1.11".parse().unwrap(),
        parameters: None,
    };
    verifier.verify_signature(&pkcs1, &rsa, b"m", &sig).unwrap();
    let ecdsa = AlgorithmIdentifierRef {
        oid: "1.2.840.10045.4.3.2".parse().unwrap(),
        parameters: None,
    };
    assert!(matches!(
        verifier.verify_signature(&ecdsa, &rsa, b"m", &sig),
        Err(SignatureError::InvalidParameters(_))
    ));
    let pss_der = scratch.read("pss.der");
    let pss_key = SignerKey::from_der(&pss_der).unwrap();
    assert_eq!(
        pss_key.info().unwrap().algorithm,
        PublicKeyAlgorithm::RsaPss
    );
    assert!(matches!(
        verifier.verify_signature(&pkcs1, &pss_key, b"m", &sig),
        Err(SignatureError::InvalidParameters(_))
    ));
}

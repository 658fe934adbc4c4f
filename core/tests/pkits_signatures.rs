//! Signature checks on NIST PKITS certificates (public domain, in
//! tests/conformance/pkits): RSA (4.1.1–4.1.3) and DSA
//! with parameter inheritance (4.1.4–4.1.6). Path building is not involved:
//! each certificate is checked against the issuer PKITS names for it.

use der::asn1::BitStringRef;
use der::{Decode, Reader, SliceReader};
use spki::AlgorithmIdentifierRef;
use validate::crypto::{DefaultVerifier, SignatureError, SignatureVerifier, SignerKey};

fn load(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/conformance/pkits/data/certs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Verify `subject`'s signature with `issuer`'s key, inheriting DSA parameters
/// from `params_from` when the issuer's key has none.
fn verify(subject: &str, issuer: &str, params_from: Option<&str>) -> Result<(), SignatureError> {
    let subject_der = load(subject);
    let issuer_der = load(issuer);
    let issuer_cert = x509_cert::Certificate::from_der(&issuer_der).unwrap();
    let params_der = params_from.map(load);
    let params_cert = params_der
        .as_ref()
        .map(|d| x509_cert::Certificate::from_der(d).unwrap());

    let mut key = SignerKey::from(issuer_cert.tbs_certificate().subject_public_key_info());
    if let Some(params) = params_cert.as_ref().and_then(|c| {
        c.tbs_certificate()
            .subject_public_key_info()
            .algorithm
            .parameters
            .as_ref()
    }) {
        key = key.with_inherited_dsa_parameters(params.into());
    }

    let mut r = SliceReader::new(&subject_der).unwrap();
    let (tbs, alg, sig) = r
        .sequence(|r| {
            Ok::<_, der::Error>((
                r.tlv_bytes()?,
                AlgorithmIdentifierRef::decode(r)?,
                BitStringRef::decode(r)?,
            ))
        })
        .unwrap();
    DefaultVerifier::default().verify_signature_bits(&alg, &key, tbs, sig)
}

#[test]
fn rsa_paths() {
    // 4.1.1 Valid Signatures Test1.
    verify("GoodCACert.crt", "TrustAnchorRootCertificate.crt", None).unwrap();
    verify("ValidCertificatePathTest1EE.crt", "GoodCACert.crt", None).unwrap();
    // 4.1.2 Invalid CA Signature Test2, 4.1.3 Invalid EE Signature Test3.
    assert_eq!(
        verify(
            "BadSignedCACert.crt",
            "TrustAnchorRootCertificate.crt",
            None
        ),
        Err(SignatureError::InvalidSignature)
    );
    assert_eq!(
        verify("InvalidEESignatureTest3EE.crt", "GoodCACert.crt", None),
        Err(SignatureError::InvalidSignature)
    );
}

#[test]
fn dsa_paths() {
    // 4.1.4 Valid DSA Signatures Test4: RSA anchor -> DSA CA -> EE.
    verify("DSACACert.crt", "TrustAnchorRootCertificate.crt", None).unwrap();
    verify("ValidDSASignaturesTest4EE.crt", "DSACACert.crt", None).unwrap();
    // 4.1.5 Valid DSA Parameter Inheritance Test5: the intermediate's key has
    // no parameters; they come from DSACACert.
    verify("DSAParametersInheritedCACert.crt", "DSACACert.crt", None).unwrap();
    assert!(matches!(
        verify(
            "ValidDSAParameterInheritanceTest5EE.crt",
            "DSAParametersInheritedCACert.crt",
            None
        ),
        Err(SignatureError::InvalidParameters(_))
    ));
    verify(
        "ValidDSAParameterInheritanceTest5EE.crt",
        "DSAParametersInheritedCACert.crt",
        Some("DSACACert.crt"),
    )
    .unwrap();
    // 4.1.6 Invalid DSA Signature Test6.
    assert_eq!(
        verify("InvalidDSASignatureTest6EE.crt", "DSACACert.crt", None),
        Err(SignatureError::InvalidSignature)
    );
}

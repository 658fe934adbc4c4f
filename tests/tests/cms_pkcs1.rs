//! Raw signatures (`verify_pkcs1`) made with `openssl dgst -sign` /
//! `openssl pkeyutl -sign` from the example keys: our verdict equals
//! `openssl dgst -verify` / `pkeyutl -verify` for every algorithm name, with
//! tampered data and mismatched names too.

use validate::Certificate;
use validate::cms::{CmsCode, SignatureStatus, VerifyContext, verify_pkcs1};
use validate::path::{CertificatePool, TrustStore, ValidationOptions};
use validate_tests::{openssl, repo_root};

fn chain(name: &str) -> String {
    repo_root()
        .join("examples/chain")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn load(path: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn raw_signatures_agree_with_openssl() {
    let dir = std::env::temp_dir().join(format!("validate-pkcs1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    std::fs::write(p("data"), b"raw signed data\n").unwrap();
    std::fs::write(p("other"), b"raw signed datA\n").unwrap();
    let anchors = TrustStore::from_certificates([load(&chain("root.pem"))]);
    let pool = CertificatePool::from_certificates([load(&chain("intermediate.pem"))]);
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
    )
    .with_intermediates(&pool);
    let rsa = load(&chain("leaf.pem"));
    let ec = load(&chain("leaf-ec.pem"));

    // (name, key, certificate, openssl dgst options)
    let cases: Vec<(&str, String, &Certificate, Vec<&str>)> = vec![
        ("SHA256withRSA", chain("leaf.key"), &rsa, vec!["-sha256"]),
        ("SHA1withRSA", chain("leaf.key"), &rsa, vec!["-sha1"]),
        ("SHA384withRSA", chain("leaf.key"), &rsa, vec!["-sha384"]),
        ("SHA512withRSA", chain("leaf.key"), &rsa, vec!["-sha512"]),
        (
            "RSASSA-PSS",
            chain("leaf.key"),
            &rsa,
            vec![
                "-sha256",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:32",
            ],
        ),
        (
            "SHA512withRSA/PSS",
            chain("leaf.key"),
            &rsa,
            vec![
                "-sha512",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:64",
            ],
        ),
        (
            "SHA256withECDSA",
            chain("leaf-ec.key"),
            &ec,
            vec!["-sha256"],
        ),
        (
            "SHA384withECDSA",
            chain("leaf-ec.key"),
            &ec,
            vec!["-sha384"],
        ),
        (
            "SHA512withECDSA",
            chain("leaf-ec.key"),
            &ec,
            vec!["-sha512"],
        ),
    ];
    for (name, key, cert, opts) in &cases {
        let sig = p(&format!("{name}.sig").replace('/', "_"));
        let data = p("data");
        let mut args = vec!["dgst"];
        args.extend(opts.iter().copied());
        args.extend(["-sign", key.as_str(), "-out", &sig, &data]);
        openssl(&args).unwrap();
        let signature = std::fs::read(&sig).unwrap();
        for (file, expect) in [("data", true), ("other", false)] {
            let content = std::fs::read(p(file)).unwrap();
            let r = verify_pkcs1(&content, &signature, cert, name, &ctx).unwrap();
            // OpenSSL's verdict with the certificate's public key.
            let pubkey = p("pub.pem");
            openssl(&[
                "x509",
                "-in",
                &chain(if cert.der() == rsa.der() {
                    "leaf.pem"
                } else {
                    "leaf-ec.pem"
                }),
                "-pubkey",
                "-noout",
                "-out",
                &pubkey,
            ])
            .unwrap();
            let target = p(file);
            let mut vargs = vec!["dgst"];
            vargs.extend(opts.iter().copied());
            vargs.extend(["-verify", pubkey.as_str(), "-signature", &sig, &target]);
            let theirs = openssl(&vargs).is_ok();
            assert_eq!(r.signature.is_valid(), theirs, "{name} over {file}");
            assert_eq!(r.valid, expect, "{name} over {file}: {:?}", r.findings);
            if !expect {
                assert_eq!(r.signature, SignatureStatus::Invalid);
                assert!(
                    r.findings
                        .iter()
                        .any(|f| f.code == CmsCode::SignatureInvalid)
                );
            }
            assert!(r.path.valid);
        }
    }

    // A PKCS#1 v1.5 name for a PSS signature, and a name for another key type.
    let pss = std::fs::read(p("RSASSA-PSS.sig")).unwrap();
    let data = std::fs::read(p("data")).unwrap();
    let r = verify_pkcs1(&data, &pss, &rsa, "SHA256withRSA", &ctx).unwrap();
    assert_eq!(r.signature, SignatureStatus::Invalid);
    let r = verify_pkcs1(&data, &pss, &rsa, "SHA256withECDSA", &ctx).unwrap();
    assert!(matches!(r.signature, SignatureStatus::NotChecked(_)));
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == CmsCode::AlgorithmUnsupported)
    );
    // SHA-1 is reported as weak.
    let sha1 = std::fs::read(p("SHA1withRSA.sig")).unwrap();
    let r = verify_pkcs1(&data, &sha1, &rsa, "sha1WithRSA", &ctx).unwrap();
    assert!(
        r.valid
            && r.findings
                .iter()
                .any(|f| f.code == CmsCode::WeakDigestAlgorithm)
    );
    // Unknown names are errors.
    assert!(verify_pkcs1(&data, &sha1, &rsa, "MD5withRSA", &ctx).is_err());

    // Ed25519: a self-signed certificate (fixed dates); pure signature over the data.
    let key = p("ed.key");
    let cert = p("ed.pem");
    let csr = p("ed.csr");
    openssl(&[
        "req", "-new", "-newkey", "ed25519", "-nodes", "-keyout", &key, "-subj", "/CN=Ed", "-out",
        &csr,
    ])
    .unwrap();
    std::fs::write(
        p("ed.cnf"),
        "[ed]\nbasicConstraints=critical,CA:true\nsubjectKeyIdentifier=hash\n",
    )
    .unwrap();
    validate_tests::issue_certificate(
        &csr,
        validate_tests::CertSigner::SelfSigned { key: &key },
        &p("ed.cnf"),
        "ed",
        "ed01",
        &cert,
    )
    .unwrap();
    let sig = p("ed.sig");
    openssl(&[
        "pkeyutl",
        "-sign",
        "-rawin",
        "-inkey",
        &key,
        "-in",
        &p("data"),
        "-out",
        &sig,
    ])
    .unwrap();
    let ed = load(&cert);
    let r = verify_pkcs1(&data, &std::fs::read(&sig).unwrap(), &ed, "Ed25519", &ctx).unwrap();
    assert!(r.signature.is_valid());
    assert!(!r.valid, "self-signed, not trusted");
    let _ = std::fs::remove_dir_all(&dir);
}

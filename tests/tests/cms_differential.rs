//! The differential test of issue 5: signatures made by the openssl CLI at
//! run time across RSA 2048 / 3072 / 4096, RSA-PSS keys, ECDSA P-256 /
//! P-384, SHA-1 / 256 / 384 / 512, attached and detached, with and without
//! signed attributes, one to three signers, and corruptions (a flipped
//! content byte, a flipped signature byte, an altered signed attribute, a
//! swapped certificate, an expired signer, a missing intermediate, a wrong
//! EKU). Our verdict must equal `openssl cms -verify` on every one; the
//! cases where we differ on purpose (a timestamp proving existence, ESS)
//! are in cms_openssl.rs and docs/cms.md.
//!
//! Signer certificates beyond examples/chain/ are issued at run time by the
//! example intermediate CA, in a temporary directory.

use validate::Timestamp;
use validate::cms::{VerifyContext, verify_signed_data};
use validate::path::{CertificatePool, Purpose, TrustStore, ValidationOptions};
use validate_tests::der_tree::Node;
use validate_tests::{openssl, repo_root};

const AT: i64 = 1_893_456_000; // 2030-01-01
const AFTER: i64 = 2_208_988_800; // 2040-01-01

struct Signer {
    name: String,
    cert: String,
    key: String,
}

struct Lab {
    dir: std::path::PathBuf,
}

impl Lab {
    fn p(&self, n: &str) -> String {
        self.dir.join(n).to_str().unwrap().to_string()
    }
    fn c(&self, n: &str) -> String {
        repo_root()
            .join("examples/chain")
            .join(n)
            .to_str()
            .unwrap()
            .to_string()
    }

    /// A code-signing certificate for a new key, issued by the example intermediate.
    fn issue(&self, name: &str, genpkey: &[&str], serial: &str, key_from: Option<&str>) -> Signer {
        let key = match key_from {
            Some(k) => k.to_string(),
            None => {
                let key = self.p(&format!("{name}.key"));
                let mut args = vec!["genpkey"];
                args.extend_from_slice(genpkey);
                args.extend(["-out", &key]);
                openssl(&args).unwrap();
                key
            }
        };
        let csr = self.p(&format!("{name}.csr"));
        let cert = self.p(&format!("{name}.pem"));
        openssl(&[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            &format!("/O=Example Software Ltd/CN={name}"),
            "-out",
            &csr,
        ])
        .unwrap();
        validate_tests::issue_certificate(
            &csr,
            validate_tests::CertSigner::Ca {
                cert: &self.c("intermediate.pem"),
                key: &self.c("intermediate.key"),
            },
            &self.p("ext.cnf"),
            "leaf",
            serial.trim_start_matches("0x"),
            &cert,
        )
        .unwrap();
        Signer {
            name: name.into(),
            cert,
            key,
        }
    }
}

struct Verdicts<'l> {
    checked: usize,
    lab: &'l Lab,
    anchors: TrustStore,
}

impl Verdicts<'_> {
    /// Both verifiers on `file` (DER); `purpose` as (OpenSSL, ours).
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        label: &str,
        file: &str,
        detached: Option<&str>,
        at: i64,
        purpose: (&str, Purpose),
        extra: Option<&str>,
        expect: bool,
    ) {
        let input = self.lab.p(file);
        let root = self.lab.c("root.pem");
        let at_s = at.to_string();
        let mut args = vec![
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            &input,
            "-CAfile",
            &root,
            "-purpose",
            purpose.0,
            "-attime",
            &at_s,
            "-out",
            "/dev/null",
        ];
        if let Some(d) = detached {
            args.extend(["-content", d]);
        }
        if let Some(e) = extra {
            args.extend(["-certfile", e]);
        }
        let theirs = openssl(&args).is_ok();
        let mut options = ValidationOptions::at(Timestamp::from_unix_seconds(at));
        options.purposes = vec![purpose.1];
        // SHA-1 signatures are compared as OpenSSL sees them (allowed).
        let extra_certs: Vec<validate::Certificate> = extra
            .map(|e| validate::read_certificates_strict(&std::fs::read(e).unwrap()).unwrap())
            .unwrap_or_default();
        let pool = CertificatePool::from_certificates(extra_certs);
        let ctx = VerifyContext::new(&self.anchors, options).with_intermediates(&pool);
        let data = std::fs::read(&input).unwrap();
        let ours = match detached {
            Some(d) => {
                let mut f = std::fs::File::open(d).unwrap();
                verify_signed_data(&data, Some(&mut f), &ctx).unwrap()
            }
            None => verify_signed_data(&data, None, &ctx).unwrap(),
        };
        assert_eq!(
            ours.valid,
            theirs,
            "{label}: ours {} OpenSSL {theirs}: {:#?}",
            ours.valid,
            ours.signers
                .iter()
                .map(|s| (&s.findings, s.path.as_ref().map(|p| &p.findings)))
                .collect::<Vec<_>>()
        );
        assert_eq!(ours.valid, expect, "{label}: expected {expect}");
        self.checked += 1;
    }
}

/// Flips one byte inside the first signed attribute value of signer 0 (the
/// content-type OID's last byte), keeping the structure.
fn alter_signed_attribute(der: &[u8]) -> Vec<u8> {
    let mut root = Node::parse(der);
    let si = root.signer_info_mut(0);
    let attrs = si.children.iter_mut().find(|c| c.tag == 0xa0).unwrap();
    // Find the signing-time attribute (1.2.840.113549.1.9.5) and change a digit.
    let st_oid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05];
    let attr = attrs
        .children
        .iter_mut()
        .find(|a| a.children[0].value == st_oid)
        .unwrap();
    let time = &mut attr.children[1].children[0].value;
    time[0] = if time[0] == b'3' { b'2' } else { b'3' };
    root.encode()
}

#[test]
fn two_hundred_signatures_agree_with_openssl() {
    let dir = std::env::temp_dir().join(format!("validate-cms-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lab = Lab { dir };
    std::fs::write(
        lab.p("ext.cnf"),
        "[leaf]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    std::fs::write(
        lab.p("content.bin"),
        b"Differential test content\n\x00\xff\r\n".repeat(50),
    )
    .unwrap();
    let mut flipped = std::fs::read(lab.p("content.bin")).unwrap();
    flipped[100] ^= 0x01;
    std::fs::write(lab.p("flipped.bin"), flipped).unwrap();

    let signers = vec![
        Signer {
            name: "rsa2048".into(),
            cert: lab.c("leaf.pem"),
            key: lab.c("leaf.key"),
        },
        Signer {
            name: "p256".into(),
            cert: lab.c("leaf-ec.pem"),
            key: lab.c("leaf-ec.key"),
        },
        lab.issue(
            "rsa3072",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
            "0x3072",
            None,
        ),
        lab.issue(
            "rsa4096",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
            "0x4096",
            None,
        ),
        lab.issue(
            "rsapss",
            &["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
            "0x9552",
            None,
        ),
        lab.issue(
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "0x0384",
            None,
        ),
    ];
    let anchors = TrustStore::from_certificates(
        validate::read_certificates_strict(&std::fs::read(lab.c("root.pem")).unwrap()).unwrap(),
    );
    let mut v = Verdicts {
        checked: 0,
        lab: &lab,
        anchors,
    };
    let p = |n: &str| lab.p(n);
    let content = p("content.bin");
    let flipped = p("flipped.bin");
    let inter = lab.c("intermediate.pem");
    let any = ("any", Purpose::Any);
    let mut n = 0usize;
    let mut sign = |args: &[&str]| -> String {
        n += 1;
        let out = p(&format!("s{n}.p7"));
        let mut all = vec![
            "cms", "-sign", "-binary", "-in", &content, "-outform", "DER", "-out", &out,
        ];
        all.extend_from_slice(args);
        openssl(&all).unwrap_or_else(|e| panic!("{all:?}: {e}"));
        out
    };
    let mut jobs: Vec<(String, String, bool, bool)> = Vec::new(); // (label, file, detached, expect)

    // The matrix: signer x digest x attached/detached x attributes.
    for s in &signers {
        for md in ["sha1", "sha224", "sha256", "sha384", "sha512"] {
            for detached in [true, false] {
                for noattr in [false, true] {
                    let mut args = vec![
                        "-signer",
                        &s.cert,
                        "-inkey",
                        &s.key,
                        "-certfile",
                        &inter,
                        "-md",
                        md,
                    ];
                    if !detached {
                        args.push("-nodetach");
                    }
                    if noattr {
                        args.push("-noattr");
                    }
                    // An id-RSASSA-PSS key signs with PSS padding only
                    // (RFC 4055 1.2); OpenSSL needs to be told.
                    if s.name == "rsapss" {
                        args.extend(["-keyopt", "rsa_padding_mode:pss"]);
                    }
                    let file = sign(&args);
                    jobs.push((
                        format!("{} {md} detached={detached} noattr={noattr}", s.name),
                        file,
                        detached,
                        true,
                    ));
                }
            }
        }
        // CAdES ESS signing-certificate-v2, subject key identifiers, BER (-stream).
        let pss: &[&str] = if s.name == "rsapss" {
            &["-keyopt", "rsa_padding_mode:pss"]
        } else {
            &[]
        };
        for (label, extra) in [
            (
                "cades sha256",
                &["-cades", "-md", "sha256", "-nodetach"][..],
            ),
            ("cades sha512 detached", &["-cades", "-md", "sha512"][..]),
            ("keyid", &["-keyid", "-nodetach"][..]),
            (
                "stream BER sha256",
                &["-stream", "-nodetach", "-md", "sha256"][..],
            ),
            (
                "stream BER sha384 noattr",
                &["-stream", "-nodetach", "-md", "sha384", "-noattr"][..],
            ),
        ] {
            // OpenSSL 3.0 cannot stream with PSS key options.
            if s.name == "rsapss" && extra.contains(&"-stream") {
                continue;
            }
            let args = [
                &[
                    "-signer",
                    s.cert.as_str(),
                    "-inkey",
                    &s.key,
                    "-certfile",
                    &inter,
                ][..],
                extra,
                pss,
            ]
            .concat();
            let file = sign(&args);
            jobs.push((
                format!("{} {label}", s.name),
                file,
                !extra.contains(&"-nodetach"),
                true,
            ));
        }
        // PSS padding with an rsaEncryption key.
        if s.name.starts_with("rsa2048") || s.name.starts_with("rsa3072") {
            for md in ["sha256", "sha512"] {
                let args = [
                    "-signer",
                    &s.cert,
                    "-inkey",
                    &s.key,
                    "-certfile",
                    &inter,
                    "-md",
                    md,
                    "-keyopt",
                    "rsa_padding_mode:pss",
                ];
                let file = sign(&args);
                jobs.push((format!("{} pss {md}", s.name), file, true, true));
            }
        }
    }
    // Without that option OpenSSL 3.0 labels a PSS key's signature
    // rsaEncryption: neither verifier accepts it.
    let file = sign(&[
        "-signer",
        &signers[4].cert,
        "-inkey",
        &signers[4].key,
        "-certfile",
        &inter,
        "-nodetach",
    ]);
    jobs.push((
        "rsapss key labelled rsaEncryption".into(),
        file,
        false,
        false,
    ));
    // Two and three signers.
    for (a, b, c) in [
        (0, 1, None),
        (2, 5, None),
        (0, 1, Some(3)),
        (3, 5, Some(2)),
        (1, 2, None),
        (3, 0, None),
        (5, 1, Some(0)),
        (2, 3, Some(1)),
        (1, 5, None),
        (0, 5, Some(3)),
    ] {
        let mut args = vec![
            "-signer",
            &signers[a].cert,
            "-inkey",
            &signers[a].key,
            "-signer",
            &signers[b].cert,
            "-inkey",
            &signers[b].key,
            "-certfile",
            &inter,
            "-nodetach",
        ];
        if let Some(c) = c {
            args.extend(["-signer", &signers[c].cert, "-inkey", &signers[c].key]);
        }
        let file = sign(&args);
        jobs.push((format!("signers {a},{b},{c:?}"), file, false, true));
    }
    for (i, (label, file, detached, expect)) in jobs.iter().enumerate() {
        let detached = detached.then_some(content.as_str());
        v.check(label, file, detached, AT, any, None, *expect);
        // Every third one again after expiry: both reject.
        if i % 3 == 0 && *expect {
            v.check(
                &format!("{label} expired"),
                file,
                detached,
                AFTER,
                any,
                None,
                false,
            );
        }
    }

    // Corruptions, per signer.
    for s in &signers {
        let mut base = vec![
            "-signer",
            s.cert.as_str(),
            "-inkey",
            &s.key,
            "-certfile",
            &inter,
        ];
        if s.name == "rsapss" {
            base.extend(["-keyopt", "rsa_padding_mode:pss"]);
        }
        // A flipped content byte (detached, with and without attributes).
        for noattr in [false, true] {
            let mut args = base.to_vec();
            if noattr {
                args.push("-noattr");
            }
            let file = sign(&args);
            v.check(
                &format!("{} flipped content noattr={noattr}", s.name),
                &file,
                Some(&flipped),
                AT,
                any,
                None,
                false,
            );
        }
        // A flipped signature byte (the last byte of the DER).
        let file = sign(&[&base[..], &["-nodetach"]].concat());
        let mut der = std::fs::read(&file).unwrap();
        let last = der.len() - 1;
        der[last] ^= 0x80;
        std::fs::write(&file, der).unwrap();
        v.check(
            &format!("{} flipped signature", s.name),
            &file,
            None,
            AT,
            any,
            None,
            false,
        );
        // An altered signed attribute (signing-time).
        let file = sign(&[&base[..], &["-nodetach"]].concat());
        let altered = alter_signed_attribute(&std::fs::read(&file).unwrap());
        std::fs::write(&file, altered).unwrap();
        v.check(
            &format!("{} altered signed attribute", s.name),
            &file,
            None,
            AT,
            any,
            None,
            false,
        );
        // A missing intermediate.
        let file = sign(&["-signer", &s.cert, "-inkey", &s.key, "-nodetach"]);
        v.check(
            &format!("{} missing intermediate", s.name),
            &file,
            None,
            AT,
            any,
            None,
            false,
        );
        // Expired: validated after every certificate's notAfter.
        let file = sign(&[&base[..], &["-nodetach"]].concat());
        v.check(
            &format!("{} expired", s.name),
            &file,
            None,
            AFTER,
            any,
            None,
            false,
        );
        // A wrong EKU: the signers are code-signing certificates, asked
        // for S/MIME signing (emailProtection).
        v.check(
            &format!("{} wrong EKU", s.name),
            &file,
            None,
            AT,
            ("smimesign", Purpose::EmailProtection),
            None,
            false,
        );
    }
    // A swapped certificate: an impostor with the signer's issuer and
    // serial but another key, given instead of the signer's certificate.
    let impostor = lab.issue(
        "impostor",
        &[],
        "0x00c0ffee0123456789",
        Some(&lab.c("leaf-ec.key")),
    );
    let with_impostor = p("impostor-chain.pem");
    // The message carries the intermediate (-certfile) but not the signer
    // (-nocerts); the verifiers get the signer apart (OpenSSL's -certfile is
    // for signer lookup only, not chain building).
    std::fs::write(&with_impostor, std::fs::read(&impostor.cert).unwrap()).unwrap();
    let file = sign(&[
        "-signer",
        &signers[0].cert,
        "-inkey",
        &signers[0].key,
        "-nocerts",
        "-certfile",
        &inter,
        "-nodetach",
    ]);
    v.check(
        "swapped certificate",
        &file,
        None,
        AT,
        any,
        Some(&with_impostor),
        false,
    );
    // And the genuine certificate given the same way: valid for both.
    let genuine = p("genuine-chain.pem");
    std::fs::write(&genuine, std::fs::read(&signers[0].cert).unwrap()).unwrap();
    v.check(
        "genuine certificate given apart",
        &file,
        None,
        AT,
        any,
        Some(&genuine),
        true,
    );

    println!(
        "{} verdicts agree with openssl cms -verify ({} signatures made)",
        v.checked, n
    );
    assert!(
        v.checked >= 250 && n >= 200,
        "{} verdicts, {n} signatures",
        v.checked
    );
    let _ = std::fs::remove_dir_all(&lab.dir);
    let _ = impostor.name;
}

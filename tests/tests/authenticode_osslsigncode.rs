//! PE32 and PE32+ images built by binutils for MinGW-w64 from
//! tests/codesign/pe/image.s, signed while the test runs by `osslsigncode`
//! (RFC 3161 and legacy timestamps from a TSA on 127.0.0.1 with a fixed
//! genTime, page hashes, nested signatures) with the example chain, then
//! tampered with. `osslsigncode verify` is the oracle for the image digest
//! and for the verdict on the untouched files. Validation at 2031-01-01.

use std::path::{Path, PathBuf};

use validate::authenticode::{
    AuthenticodeCode, AuthenticodeOptions, AuthenticodeResult, image_digest, verify_pe,
};
use validate::cms::VerifyContext;
use validate::crypto::DigestAlgorithm;
use validate::path::{TrustStore, ValidationOptions};
use validate_tests::codesign::{TsaServer, build_pe, osslsigncode};
use validate_tests::repo_root;

const AT: &str = "2031-01-01T00:00:00Z";
const AT_UNIX: &str = "1924992000";
/// Signing time given to osslsigncode (-time): 2030-06-01T00:00:00Z.
const SIGNED_UNIX: &str = "1906502400";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "validate-authenticode-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn chain(name: &str) -> String {
    repo_root()
        .join("examples/chain")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// Signs `input` into `output` with the example leaf and `extra` options.
fn sign(input: &Path, output: &Path, extra: &[&str]) {
    let d = output.parent().unwrap();
    let certs = d.join("certs.pem");
    let mut pem = std::fs::read(chain("leaf.pem")).unwrap();
    pem.extend(std::fs::read(chain("intermediate.pem")).unwrap());
    std::fs::write(&certs, pem).unwrap();
    let key = chain_key();
    let mut args = vec![
        "sign",
        "-certs",
        certs.to_str().unwrap(),
        "-key",
        &key,
        "-time",
        SIGNED_UNIX,
    ];
    args.extend_from_slice(extra);
    args.extend([
        "-in",
        input.to_str().unwrap(),
        "-out",
        output.to_str().unwrap(),
    ]);
    osslsigncode(&args).unwrap_or_else(|e| panic!("osslsigncode {args:?}: {e}"));
}

fn chain_key() -> String {
    chain("leaf.key")
}

fn anchors() -> TrustStore {
    TrustStore::from_certificates(
        validate::read_certificates_strict(&std::fs::read(chain("root.pem")).unwrap()).unwrap(),
    )
}

fn verify_bytes(bytes: &[u8], options: &AuthenticodeOptions) -> AuthenticodeResult {
    let anchors = anchors();
    let ctx = VerifyContext::new(&anchors, ValidationOptions::at(AT.parse().unwrap()));
    verify_pe(&mut std::io::Cursor::new(bytes.to_vec()), &ctx, options).unwrap()
}

fn verify(path: &Path) -> AuthenticodeResult {
    verify_bytes(
        &std::fs::read(path).unwrap(),
        &AuthenticodeOptions::default(),
    )
}

fn why(r: &AuthenticodeResult) -> String {
    let mut out = format!("{:?}\n", r.findings);
    for s in &r.signatures {
        out += &format!("signature {}: {:?}\n", s.index, s.findings);
        if let Some(c) = &s.cms {
            for si in &c.signers {
                out += &format!("  signer: {:?}\n", si.findings);
                for t in &si.timestamps {
                    out += &format!("  timestamp: {:?}\n", t.findings);
                }
            }
        }
    }
    out
}

fn codes(r: &AuthenticodeResult) -> Vec<AuthenticodeCode> {
    r.findings
        .iter()
        .chain(r.signatures.iter().flat_map(|s| s.findings.iter()))
        .map(|f| f.code)
        .collect()
}

/// `osslsigncode verify` against the example root at 2031-01-01.
fn oracle(path: &Path) -> Result<String, String> {
    osslsigncode(&[
        "verify",
        "-in",
        path.to_str().unwrap(),
        "-CAfile",
        &chain("root.pem"),
        "-TSA-CAfile",
        &chain("root.pem"),
        "-time",
        AT_UNIX,
    ])
}

/// The "Calculated message digest" lines osslsigncode prints.
fn oracle_digests(path: &Path) -> Vec<String> {
    let out = oracle(path).unwrap_or_else(|e| e);
    out.lines()
        .filter_map(|l| l.strip_prefix("Calculated message digest :"))
        .map(|d| d.trim().to_ascii_uppercase())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

#[test]
fn image_digest_equals_osslsigncode_for_pe32_and_pe32_plus() {
    let d = dir("digest");
    for plus in [false, true] {
        let exe = build_pe(&d, plus);
        for (h, alg) in [
            ("sha256", DigestAlgorithm::Sha256),
            ("sha1", DigestAlgorithm::Sha1),
            ("sha512", DigestAlgorithm::Sha512),
        ] {
            let out = d.join(format!("signed-{plus}-{h}.exe"));
            sign(&exe, &out, &["-h", h]);
            let ours = image_digest(&mut std::fs::File::open(&out).unwrap(), alg).unwrap();
            assert_eq!(oracle_digests(&out), [hex(&ours)], "PE32+ {plus}, {h}");
            let r = verify(&out);
            assert!(r.valid, "PE32+ {plus}, {h}: {}", why(&r));
            assert_eq!(r.pe32_plus, plus);
            oracle(&out).unwrap();
        }
    }
}

#[test]
fn rfc3161_and_legacy_timestamps_prove_the_time() {
    let d = dir("timestamps");
    let tsa = TsaServer::start(&d, "20300601000005Z");
    let exe = build_pe(&d, true);
    for (flag, rfc3161) in [("-ts", true), ("-t", false)] {
        let out = d.join(format!("ts{flag}.exe"));
        sign(&exe, &out, &["-h", "sha256", flag, &tsa.url]);
        let r = verify(&out);
        assert!(r.valid, "{flag}: {}", why(&r));
        let signer = &r.signatures[0].cms.as_ref().unwrap().signers[0];
        assert_eq!(signer.timestamps.len(), 1, "{flag}");
        let ts = &signer.timestamps[0];
        assert!(ts.valid, "{flag}: {:?}", ts.findings);
        assert_eq!(ts.tst_info.is_some(), rfc3161);
        assert_eq!(ts.gen_time.unwrap().to_string(), "2030-06-01T00:00:05Z");
        // After the signer's certificate expired (2036-11-21), the timestamp
        // keeps the signature valid.
        let anchors = anchors();
        let ctx = VerifyContext::new(
            &anchors,
            ValidationOptions::at("2040-01-01T00:00:00Z".parse().unwrap()),
        );
        let late = verify_pe(
            &mut std::fs::File::open(&out).unwrap(),
            &ctx,
            &AuthenticodeOptions::default(),
        )
        .unwrap();
        assert!(late.valid, "{flag} in 2040: {}", why(&late));
        oracle(&out).unwrap();
    }
    // Without a timestamp the same signature is not valid in 2040.
    let out = d.join("nots.exe");
    sign(&exe, &out, &["-h", "sha256"]);
    let anchors = anchors();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2040-01-01T00:00:00Z".parse().unwrap()),
    );
    assert!(
        !verify_pe(
            &mut std::fs::File::open(&out).unwrap(),
            &ctx,
            &AuthenticodeOptions::default()
        )
        .unwrap()
        .valid
    );
}

#[test]
fn page_hashes_verify_and_catch_a_changed_page() {
    let d = dir("pages");
    for plus in [false, true] {
        let exe = build_pe(&d, plus);
        for h in ["sha256", "sha1"] {
            let out = d.join(format!("ph-{plus}-{h}.exe"));
            sign(&exe, &out, &["-h", h, "-ph"]);
            oracle(&out).unwrap();
            let r = verify(&out);
            assert!(r.valid, "{plus} {h}: {}", why(&r));
            assert_eq!(r.signatures[0].page_hashes_match, Some(true), "{plus} {h}");
        }
    }
}

#[test]
fn nested_signatures_are_each_reported() {
    let d = dir("nested");
    let tsa = TsaServer::start(&d, "20300601000005Z");
    let exe = build_pe(&d, false);
    let first = d.join("first.exe");
    sign(&exe, &first, &["-h", "sha1", "-ts", &tsa.url]);
    let nested = d.join("nested.exe");
    sign(&first, &nested, &["-h", "sha256", "-nest", "-t", &tsa.url]);
    oracle(&nested).unwrap();
    let r = verify(&nested);
    assert!(r.valid, "{}", why(&r));
    assert_eq!(r.signatures.len(), 2);
    let algorithms: Vec<_> = r
        .signatures
        .iter()
        .map(|s| s.digest_algorithm.unwrap())
        .collect();
    assert_eq!(algorithms, [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256]);
    assert!(
        r.signatures
            .iter()
            .all(|s| s.valid && s.image_digest_matches)
    );
}

/// The offset and size of the certificate table, from its directory entry.
fn cert_table(bytes: &[u8]) -> (usize, usize, usize) {
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
    let magic = u16::from_le_bytes([bytes[pe + 24], bytes[pe + 25]]);
    let entry = pe + 24 + if magic == 0x20b { 112 } else { 96 } + 32;
    let at = u32::from_le_bytes(bytes[entry..entry + 4].try_into().unwrap()) as usize;
    let size = u32::from_le_bytes(bytes[entry + 4..entry + 8].try_into().unwrap()) as usize;
    (entry, at, size)
}

#[test]
fn tampered_files_give_the_expected_verdicts() {
    let d = dir("tamper");
    let exe = build_pe(&d, true);
    let signed = d.join("signed.exe");
    sign(&exe, &signed, &["-h", "sha256"]);
    let bytes = std::fs::read(&signed).unwrap();
    assert!(verify_bytes(&bytes, &AuthenticodeOptions::default()).valid);
    let strict = AuthenticodeOptions::default();
    let (entry, table, size) = cert_table(&bytes);
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;

    // One byte in a section (.text starts at 0x400 in this image).
    let mut m = bytes.clone();
    m[0x400 + 10] ^= 1;
    let r = verify_bytes(&m, &strict);
    assert!(
        !r.valid && codes(&r).contains(&AuthenticodeCode::ImageDigestMismatch),
        "{}",
        why(&r)
    );

    // One byte in the headers (the DOS stub), and in the section table.
    for at in [0x50, pe + 24 + 240 + 8] {
        let mut m = bytes.clone();
        m[at] ^= 1;
        let r = verify_bytes(&m, &strict);
        assert!(
            !r.valid && codes(&r).contains(&AuthenticodeCode::ImageDigestMismatch),
            "at {at}: {}",
            why(&r)
        );
    }

    // The CheckSum is not hashed: changing it keeps the signature valid.
    let mut m = bytes.clone();
    m[pe + 24 + 64] ^= 0xff;
    assert!(verify_bytes(&m, &strict).valid);

    // Hidden bytes in the certificate table after the signature
    // (CVE-2013-3900): the table and its WIN_CERTIFICATE grow by 16.
    let mut m = bytes.clone();
    m.extend_from_slice(b"hidden payload!!");
    let new_size = (size + 16) as u32;
    m[entry + 4..entry + 8].copy_from_slice(&new_size.to_le_bytes());
    let length = u32::from_le_bytes(m[table..table + 4].try_into().unwrap()) + 16;
    m[table..table + 4].copy_from_slice(&length.to_le_bytes());
    let r = verify_bytes(&m, &strict);
    assert!(
        !r.valid && codes(&r).contains(&AuthenticodeCode::HiddenCertificateTableData),
        "{}",
        why(&r)
    );
    let mut relaxed = strict;
    relaxed.strict_padding = false;
    let lenient = verify_bytes(&m, &relaxed);
    assert!(lenient.valid, "{}", why(&lenient));
    assert!(
        lenient
            .findings
            .iter()
            .any(|f| f.code == AuthenticodeCode::HiddenCertificateTableData && !f.is_error())
    );

    // Data appended after the certificate table.
    let mut m = bytes.clone();
    m.extend_from_slice(b"appended");
    let r = verify_bytes(&m, &strict);
    assert!(
        !r.valid && codes(&r).contains(&AuthenticodeCode::CertificateTableNotAtEnd),
        "{}",
        why(&r)
    );

    // No certificate table: not signed.
    let r = verify_bytes(&std::fs::read(&exe).unwrap(), &strict);
    assert!(!r.valid && codes(&r) == [AuthenticodeCode::NotSigned]);

    // Untrusted: no anchor.
    let ctx_anchors = TrustStore::new();
    let ctx = VerifyContext::new(&ctx_anchors, ValidationOptions::at(AT.parse().unwrap()));
    let r = verify_pe(&mut std::io::Cursor::new(bytes.clone()), &ctx, &strict).unwrap();
    assert!(!r.valid && codes(&r).contains(&AuthenticodeCode::SignatureInvalid));
}

/// Fields of the signature no signature covers and whose change does not
/// change what is verified: the SignedData digestAlgorithms sets (a list of
/// hints), the NULL parameters of digest and rsaEncryption algorithm
/// identifiers (ignored, as by OpenSSL), the type of the RFC 3161 timestamp
/// attribute (changed, the attribute is an unknown unsigned attribute and
/// the signature stands without a timestamp) and the tag around the
/// token's TSTInfo (digested as contents octets whatever the tag).
fn unsigned_fields(bytes: &[u8], table: usize) -> Vec<std::ops::Range<usize>> {
    let find = |pattern: &[u8]| -> Vec<usize> {
        (table..bytes.len().saturating_sub(pattern.len()))
            .filter(|&i| &bytes[i..i + pattern.len()] == pattern)
            .collect()
    };
    let sha256 = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    ];
    let rsa = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let ms_timestamp = [
        0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x03, 0x03, 0x01,
    ];
    let tst_info = [
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04,
    ];
    let mut out = Vec::new();
    for at in find(&[&[0x31, 0x0f, 0x30, 0x0d][..], &sha256].concat()) {
        out.push(at..at + 17);
    }
    for at in find(&[&[0x31, 0x0d, 0x30, 0x0b][..], &sha256[..11]].concat()) {
        out.push(at..at + 15);
    }
    for at in find(&sha256).into_iter().chain(find(&rsa)) {
        out.push(at + 11..at + 13);
    }
    for at in find(&ms_timestamp) {
        out.push(at..at + ms_timestamp.len());
    }
    for at in find(&tst_info) {
        let tag = at + tst_info.len() + 2;
        out.push(tag..tag + 1);
    }
    out
}

/// Every one-byte change of a signed, timestamped, page-hashed file is
/// refused: the image (but the CheckSum, which the image hash leaves
/// out), the certificate table, the SignedData, its certificates, signed
/// attributes, signature value and timestamp token, all but the fields of
/// [`unsigned_fields`].
#[test]
fn no_one_byte_mutant_is_accepted() {
    let d = dir("mutants");
    let tsa = TsaServer::start(&d, "20300601000005Z");
    let exe = build_pe(&d, false);
    let signed = d.join("signed.exe");
    sign(&exe, &signed, &["-h", "sha256", "-ph", "-ts", &tsa.url]);
    let bytes = std::fs::read(&signed).unwrap();
    let options = AuthenticodeOptions::default();
    assert!(verify_bytes(&bytes, &options).valid);
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
    let checksum = pe + 24 + 64..pe + 24 + 68;
    let anchors = anchors();
    // Certificate signature verdicts are memoised across mutants (the
    // validator's cache); each mutant still checks every signature value.
    let cache = std::sync::Arc::new(validate::path::SignatureCache::new(1024));
    let (_, table, _) = cert_table(&bytes);
    let unsigned = unsigned_fields(&bytes, table);
    let indices: Vec<usize> = (0..bytes.len())
        .filter(|i| !checksum.contains(i) && !unsigned.iter().any(|r| r.contains(i)))
        .collect();
    assert!(
        indices.len() + 80 > bytes.len(),
        "{} of {} bytes mutated",
        indices.len(),
        bytes.len()
    );
    let accepted: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = indices
            .chunks(indices.len().div_ceil(2))
            .map(|part| {
                let (bytes, anchors, cache) = (&bytes, &anchors, &cache);
                scope.spawn(move || {
                    let mut accepted = Vec::new();
                    for &i in part {
                        let mut m = bytes.clone();
                        m[i] ^= 0xff;
                        let mut o = ValidationOptions::at(AT.parse().unwrap());
                        o.signature_cache = Some(cache.clone());
                        let ctx = VerifyContext::new(anchors, o);
                        if let Ok(r) = verify_pe(&mut std::io::Cursor::new(m), &ctx, &options)
                            && r.valid
                        {
                            accepted.push(i);
                        }
                    }
                    accepted
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        accepted.is_empty(),
        "{} of {} mutants accepted at {accepted:?}",
        accepted.len(),
        bytes.len()
    );
}

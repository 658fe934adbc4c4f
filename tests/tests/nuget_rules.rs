//! NuGet packages built and signed while the test runs, one per package
//! signing rule: the zip written byte by byte (tests/src/codesign.rs), the
//! signature a CMS SignedData whose signed attributes we choose and whose
//! RSA signatures and RFC 3161 tokens OpenSSL makes (fixed genTime). A
//! well-formed package is valid and `openssl cms -verify` accepts its
//! signature; each rule-breaking package fails with its NU3xxx code; every
//! one-byte mutation of a valid package is refused.
//!
//! Chain: examples/chain (root P-256, intermediate and leaf RSA 2048,
//! valid 2026-11-24 to 2036-11-21) and tests/codesign/certs (make-certs.sh).
//! Validation at 2031-01-01; signatures made 2030-06-01.

use std::path::PathBuf;

use base64ct::{Base64, Encoding};
use validate::cms::VerifyContext;
use validate::nuget::{NuGetCode, NuGetSignatureType, PackageSignatureResult, verify_package};
use validate::path::{TrustStore, ValidationOptions};
use validate_tests::codesign::{
    Signer, ZipEntry, attribute, sha256, signed_data, signer_info, signer_info_with_signature,
    signing_certificate_v2, time, timestamp_token, zip,
};
use validate_tests::der_tree::{Node, oid};
use validate_tests::{openssl, repo_root};

const AT: &str = "2031-01-01T00:00:00Z";
const SIGNED: &str = "20300601000000Z";
const ORIGIN: &str = "1.2.840.113549.1.9.16.6.1";
const RECEIPT: &str = "1.2.840.113549.1.9.16.6.2";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("validate-nuget-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn example_der(name: &str) -> Vec<u8> {
    Signer::example(name).der()
}

/// A timestamp over the signature value.
#[derive(Clone)]
struct Ts {
    tsa: Signer,
    gen_time: &'static str,
    hash_oid: &'static str,
    wrong_imprint: bool,
    certs: bool,
}

impl Ts {
    fn good() -> Self {
        Ts {
            tsa: Signer::example("tsa"),
            gen_time: "20300601000001Z",
            hash_oid: SHA256,
            wrong_imprint: false,
            certs: true,
        }
    }
}

/// One signature's knobs.
#[derive(Clone)]
struct Sig {
    signer: Signer,
    commitment: Vec<&'static str>,
    signing_time: bool,
    ess: bool,
    v3_url: Option<&'static str>,
    owners: Option<Vec<&'static str>>,
    timestamp: Option<Ts>,
    corrupt: bool,
}

impl Sig {
    fn author() -> Self {
        Sig {
            signer: Signer::example("leaf"),
            commitment: vec![ORIGIN],
            signing_time: true,
            ess: true,
            v3_url: None,
            owners: None,
            timestamp: Some(Ts::good()),
            corrupt: false,
        }
    }
    fn repository(signer: Signer) -> Self {
        Sig {
            signer,
            commitment: vec![RECEIPT],
            v3_url: Some("https://api.example.test/v3/index.json"),
            owners: Some(vec!["Example"]),
            ..Sig::author()
        }
    }

    /// The signed attributes over `digest` (of the content or the
    /// countersigned signature value); content-type for primaries.
    fn attributes(&self, digest: &[u8], primary: bool) -> Vec<Node> {
        let mut a = vec![attribute(
            "1.2.840.113549.1.9.4",
            vec![Node::primitive(0x04, digest)],
        )];
        if primary {
            a.push(attribute(
                "1.2.840.113549.1.9.3",
                vec![oid("1.2.840.113549.1.7.1")],
            ));
        }
        if self.signing_time {
            a.push(attribute("1.2.840.113549.1.9.5", vec![time(SIGNED)]));
        }
        if self.ess {
            a.push(attribute(
                "1.2.840.113549.1.9.16.2.47",
                vec![signing_certificate_v2(&self.signer.der())],
            ));
        }
        if !self.commitment.is_empty() {
            let values = self
                .commitment
                .iter()
                .map(|c| Node::constructed(0x30, vec![oid(c)]))
                .collect();
            a.push(attribute("1.2.840.113549.1.9.16.2.16", values));
        }
        if let Some(url) = self.v3_url {
            a.push(attribute(
                "1.3.6.1.4.1.311.84.2.1.1.1",
                vec![Node::primitive(0x16, url.as_bytes())],
            ));
        }
        if let Some(owners) = &self.owners {
            let names = owners
                .iter()
                .map(|o| Node::primitive(0x0c, o.as_bytes()))
                .collect();
            a.push(attribute(
                "1.3.6.1.4.1.311.84.2.1.1.2",
                vec![Node::constructed(0x30, names)],
            ));
        }
        a
    }

    /// The SignerInfo; `countersignatures` go in its unsigned attributes.
    fn build(
        &self,
        digest: &[u8],
        primary: bool,
        countersignatures: &[Sig],
        d: &std::path::Path,
    ) -> Node {
        let attrs = self.attributes(digest, primary);
        let unsigned_attributes = |value: &[u8]| -> Vec<Node> {
            let mut u = Vec::new();
            if let Some(ts) = &self.timestamp {
                let imprint = if ts.wrong_imprint {
                    sha256(b"something else")
                } else if ts.hash_oid == SHA256 {
                    sha256(value)
                } else {
                    use sha1_by_openssl::sha1;
                    sha1(value)
                };
                let token =
                    timestamp_token(&ts.tsa, ts.hash_oid, &imprint, ts.gen_time, ts.certs, d);
                u.push(attribute(
                    "1.2.840.113549.1.9.16.2.14",
                    vec![Node::parse(&token)],
                ));
            }
            for cs in countersignatures {
                let counter = cs.build(&sha256(value), false, &[], d);
                u.push(attribute("1.2.840.113549.1.9.6", vec![counter]));
            }
            u
        };
        let signed = signer_info(&self.signer, attrs.clone(), Vec::new(), d);
        let mut value = signed.children[5].value.clone();
        if self.corrupt {
            value[10] ^= 0x55;
        }
        let unsigned = unsigned_attributes(&value);
        let mut sorted = attrs;
        sorted.sort_by_key(Node::encode);
        signer_info_with_signature(&self.signer, sorted, unsigned, &value)
    }
}

/// SHA-1 by OpenSSL (the one place a fixture needs it).
mod sha1_by_openssl {
    pub fn sha1(data: &[u8]) -> Vec<u8> {
        let d =
            std::env::temp_dir().join(format!("validate-nuget-sha1digest-{}", std::process::id()));
        std::fs::write(&d, data).unwrap();
        let out = validate_tests::openssl(&[
            "dgst",
            "-sha1",
            "-binary",
            "-out",
            &format!("{}.out", d.display()),
            d.to_str().unwrap(),
        ])
        .unwrap();
        let _ = out;
        std::fs::read(format!("{}.out", d.display())).unwrap()
    }
}

/// A whole package's knobs.
#[derive(Clone)]
struct Package {
    primary: Sig,
    countersignatures: Vec<Sig>,
    certificates: Vec<Vec<u8>>,
    /// Replaces the signature content text.
    content: Option<String>,
    hash_oid: &'static str,
    second_signer: bool,
    /// Changes the signature entry after building.
    entry: fn(&mut ZipEntry),
    /// Extra entries after the signature entry.
    after: Vec<ZipEntry>,
}

fn files() -> Vec<ZipEntry> {
    vec![
        ZipEntry::stored("Example.Package.nuspec", b"<?xml version=\"1.0\"?><package><metadata><id>Example.Package</id><version>1.0.0</version></metadata></package>\n"),
        ZipEntry::stored("lib/net8.0/Example.dll", &(0..600u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>()),
        ZipEntry::stored("[Content_Types].xml", b"<Types/>"),
    ]
}

impl Package {
    fn author() -> Self {
        let chain = vec![example_der("leaf"), example_der("intermediate")];
        let mut tsa_chain = chain.clone();
        tsa_chain.push(example_der("tsa"));
        Package {
            primary: Sig::author(),
            countersignatures: Vec::new(),
            certificates: chain,
            content: None,
            hash_oid: SHA256,
            second_signer: false,
            entry: |_| {},
            after: Vec::new(),
        }
    }

    fn build(&self, name: &str) -> Vec<u8> {
        let d = dir(name);
        let mut entries = files();
        entries.extend(self.after.iter().cloned());
        // The signed content is the package without its signature entry:
        // with the entry appended last, the unsigned archive itself.
        let unsigned = zip(&entries);
        let text = self.content.clone().unwrap_or_else(|| {
            format!(
                "Version:1\n\n{}-Hash:{}\n\n",
                self.hash_oid,
                Base64::encode_string(&sha256(&unsigned))
            )
        });
        let digest = sha256(text.as_bytes());
        let mut infos = vec![
            self.primary
                .build(&digest, true, &self.countersignatures, &d),
        ];
        if self.second_signer {
            infos.push(self.primary.build(&digest, true, &[], &d));
        }
        let mut certs = self.certificates.clone();
        for cs in &self.countersignatures {
            certs.push(cs.signer.der());
        }
        let p7s = signed_data(text.as_bytes(), &certs, infos);
        std::fs::write(d.join("signature.p7s"), &p7s).unwrap();
        let mut sig = ZipEntry::stored(".signature.p7s", &p7s);
        (self.entry)(&mut sig);
        let mut all = files();
        all.push(sig);
        all.extend(self.after.iter().cloned());
        zip(&all)
    }
}

fn anchors() -> TrustStore {
    TrustStore::from_certificates(
        validate::read_certificates_strict(
            &std::fs::read(repo_root().join("examples/chain/root.pem")).unwrap(),
        )
        .unwrap(),
    )
}

fn verify_at(bytes: &[u8], anchors: &TrustStore, at: &str) -> PackageSignatureResult {
    let ctx = VerifyContext::new(anchors, ValidationOptions::at(at.parse().unwrap()));
    verify_package(&mut std::io::Cursor::new(bytes.to_vec()), &ctx).unwrap()
}

fn verify(bytes: &[u8]) -> PackageSignatureResult {
    verify_at(bytes, &anchors(), AT)
}

/// The package fails with `code` among its findings and, in a detail, `nu`.
fn assert_fails(p: &Package, name: &str, code: NuGetCode) -> PackageSignatureResult {
    let r = verify(&p.build(name));
    assert_fails_result(&r, name, code);
    r
}

fn assert_fails_result(r: &PackageSignatureResult, name: &str, code: NuGetCode) {
    assert!(!r.valid, "{name}: accepted: {:#?}", r.findings);
    let f = r.findings.iter().find(|f| f.code == code);
    let f = f.unwrap_or_else(|| panic!("{name}: no {code:?}: {:#?}", r.findings));
    assert!(
        f.detail.starts_with(code.nuget_code()),
        "{name}: {}",
        f.detail
    );
}

#[test]
fn well_formed_author_package_is_valid_and_openssl_agrees() {
    let p = Package::author();
    let bytes = p.build("good");
    let r = verify(&bytes);
    assert!(r.valid, "{:#?}", r.findings);
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Author));
    assert!(r.content_hash_matches);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // OpenSSL verifies the same signature (not the package rules).
    let sig = std::env::temp_dir()
        .join(format!("validate-nuget-good-{}", std::process::id()))
        .join("signature.p7s");
    let root = repo_root().join("examples/chain/root.pem");
    openssl(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        sig.to_str().unwrap(),
        "-CAfile",
        root.to_str().unwrap(),
        "-purpose",
        "any",
        "-attime",
        "1924992000",
        "-out",
        "/dev/null",
    ])
    .unwrap();
}

#[test]
fn well_formed_repository_countersigned_package_is_valid() {
    let mut p = Package::author();
    p.countersignatures = vec![Sig::repository(Signer::example("leaf"))];
    let r = verify(&p.build("countersigned"));
    assert!(r.valid, "{:#?}", r.findings);
    assert_eq!(r.repository_countersignature, Some(0));
    assert_eq!(
        r.v3_service_index_url.as_deref(),
        Some("https://api.example.test/v3/index.json")
    );
    assert_eq!(r.package_owners, ["Example"]);
    let mut p = Package::author();
    p.primary = Sig::repository(Signer::example("leaf"));
    let r = verify(&p.build("repository"));
    assert!(r.valid, "{:#?}", r.findings);
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Repository));
}

#[test]
fn nu3004_unsigned_package() {
    let r = verify(&zip(&files()));
    assert_fails_result(&r, "unsigned", NuGetCode::NotSigned);
}

#[test]
fn nu3005_signature_entry_rules() {
    type Change = fn(&mut ZipEntry);
    let cases: [(&str, Change); 5] = [
        ("compressed", |e| e.method = 8),
        ("attributes", |e| e.external_attributes = 0o644 << 16),
        ("descriptor", |e| e.flags = 0x0008),
        ("encrypted", |e| e.flags = 0x0001),
        ("renamed", |e| e.name = b".Signature.p7s".to_vec()),
    ];
    for (name, change) in cases {
        let mut p = Package::author();
        p.entry = change;
        assert_fails(&p, name, NuGetCode::SignatureEntryInvalid);
    }
    let mut p = Package::author();
    p.after = vec![ZipEntry::stored(".signature.p7s", b"second")];
    assert_fails(&p, "twice", NuGetCode::SignatureEntryInvalid);
}

#[test]
fn nu3006_zip64() {
    let mut p = Package::author();
    // A Zip64 extended information extra field (APPNOTE 4.5.3) on an entry.
    let mut e = ZipEntry::stored("big.bin", b"x");
    e.extra = vec![0x01, 0x00, 0x08, 0x00, 1, 0, 0, 0, 0, 0, 0, 0];
    p.after = vec![e];
    assert_fails(&p, "zip64", NuGetCode::Zip64);
}

#[test]
fn nu3007_content_version() {
    let mut p = Package::author();
    p.content = Some(format!(
        "Version:2\n\n{SHA256}-Hash:{}\n\n",
        Base64::encode_string(&[0u8; 32])
    ));
    assert_fails(&p, "version", NuGetCode::ContentVersionUnsupported);
}

#[test]
fn nu3008_changed_package() {
    let p = Package::author();
    let mut bytes = p.build("changed");
    // One byte of the nuspec's data (after its 30-byte header and name).
    bytes[30 + "Example.Package.nuspec".len() + 5] ^= 0x20;
    let r = verify(&bytes);
    assert_fails_result(&r, "changed", NuGetCode::IntegrityCheckFailed);
}

#[test]
fn nu3009_two_primary_signatures() {
    let mut p = Package::author();
    p.second_signer = true;
    assert_fails(&p, "two", NuGetCode::NotOnePrimarySignature);
}

#[test]
fn nu3010_no_signing_certificate() {
    let mut p = Package::author();
    p.certificates = vec![example_der("intermediate")];
    assert_fails(&p, "nocert", NuGetCode::NoSigningCertificate);
}

#[test]
fn nu3011_signature_does_not_verify() {
    let mut p = Package::author();
    p.primary.corrupt = true;
    assert_fails(&p, "corrupt", NuGetCode::PrimarySignatureInvalid);
}

#[test]
fn nu3012_revoked_signer() {
    let d = dir("revoked");
    let crl = validate_tests::make_crl(
        &d,
        &repo_root().join("examples/chain/intermediate.pem"),
        &repo_root().join("examples/chain/intermediate.key"),
        Some("C0FFEE0123456789"),
    );
    let crl = validate::revocation::Crl::from_pem_or_der(&std::fs::read(crl).unwrap()).unwrap();
    let sources = validate::revocation::RevocationSources::new().with_crls([crl]);
    let anchors = anchors();
    let mut options = ValidationOptions::at(AT.parse().unwrap());
    options.revocation = validate::revocation::RevocationMode::Soft;
    let mut ctx = VerifyContext::new(&anchors, options);
    ctx.revocation = Some(&sources);
    let bytes = Package::author().build("revoked");
    let r = verify_package(&mut std::io::Cursor::new(bytes), &ctx).unwrap();
    assert_fails_result(&r, "revoked", NuGetCode::SignatureRevoked);
}

#[test]
fn nu3013_signature_algorithms() {
    let mut p = Package::author();
    p.primary.signer = Signer::example("leaf-ec");
    p.certificates = vec![example_der("leaf-ec"), example_der("intermediate")];
    assert_fails(&p, "ec", NuGetCode::CertificateAlgorithmUnsupported);
    let mut p = Package::author();
    p.primary.signer = Signer::fixture("sha1");
    p.certificates = vec![Signer::fixture("sha1").der(), example_der("intermediate")];
    assert_fails(&p, "sha1", NuGetCode::CertificateAlgorithmUnsupported);
}

#[test]
fn nu3014_short_key() {
    let mut p = Package::author();
    p.primary.signer = Signer::fixture("rsa1024");
    p.certificates = vec![
        Signer::fixture("rsa1024").der(),
        example_der("intermediate"),
    ];
    assert_fails(&p, "short", NuGetCode::KeyTooShort);
}

#[test]
fn nu3015_lifetime_signer() {
    let mut p = Package::author();
    p.primary.signer = Signer::fixture("lifetime");
    p.certificates = vec![
        Signer::fixture("lifetime").der(),
        example_der("intermediate"),
    ];
    assert_fails(&p, "lifetime", NuGetCode::LifetimeSigner);
}

#[test]
fn nu3016_package_hash_algorithm() {
    let mut p = Package::author();
    p.hash_oid = "1.3.14.3.2.26";
    assert_fails(&p, "sha1hash", NuGetCode::HashAlgorithmUnsupported);
}

#[test]
fn nu3017_not_yet_valid() {
    let mut p = Package::author();
    p.primary.timestamp = None;
    let r = verify_at(&p.build("early"), &anchors(), "2026-06-01T00:00:00Z");
    assert_fails_result(&r, "early", NuGetCode::CertificateNotYetValid);
}

#[test]
fn nu3018_untrusted_chain() {
    let r = verify_at(
        &Package::author().build("untrusted"),
        &TrustStore::new(),
        AT,
    );
    assert_fails_result(&r, "untrusted", NuGetCode::ChainBuildingFailed);
}

#[test]
fn nu3019_timestamp_imprint() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().wrong_imprint = true;
    assert_fails(&p, "imprint", NuGetCode::TimestampIntegrity);
}

#[test]
fn nu3020_timestamp_without_certificate() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().certs = false;
    assert_fails(&p, "tsanocert", NuGetCode::TimestampNoCertificate);
}

#[test]
fn nu3021_timestamp_signer_not_a_tsa() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().tsa = Signer::example("leaf");
    assert_fails(&p, "tsaeku", NuGetCode::TimestampInvalid);
}

#[test]
fn nu3024_timestamp_imprint_algorithm() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().hash_oid = "1.3.14.3.2.26";
    assert_fails(&p, "tssha1", NuGetCode::TimestampAlgorithmUnsupported);
}

#[test]
fn nu3025_timestamp_before_tsa_validity() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().gen_time = "20260101000000Z";
    assert_fails(&p, "tsearly", NuGetCode::TimestampCertificateNotYetValid);
}

#[test]
fn nu3027_no_timestamp_is_a_warning() {
    let mut p = Package::author();
    p.primary.timestamp = None;
    let r = verify(&p.build("nots"));
    assert!(r.valid, "{:#?}", r.findings);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == NuGetCode::NoTimestamp)
        .unwrap();
    assert!(!f.is_error() && f.detail.starts_with("NU3027"));
}

#[test]
fn nu3028_untrusted_timestamp() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().tsa = Signer::fixture("untrusted-tsa");
    assert_fails(&p, "tsauntrusted", NuGetCode::TimestampChainBuildingFailed);
}

#[test]
fn nu3031_repository_countersignature_invalid() {
    let mut p = Package::author();
    let mut cs = Sig::repository(Signer::example("leaf"));
    cs.corrupt = true;
    p.countersignatures = vec![cs];
    assert_fails(
        &p,
        "cscorrupt",
        NuGetCode::RepositoryCountersignatureInvalid,
    );
    let mut p = Package::author();
    let mut cs = Sig::repository(Signer::example("leaf"));
    cs.v3_url = Some("http://api.example.test/v3/index.json");
    p.countersignatures = vec![cs];
    assert_fails(&p, "cshttp", NuGetCode::RepositoryCountersignatureInvalid);
    let mut p = Package::author();
    let mut cs = Sig::repository(Signer::example("leaf"));
    cs.v3_url = None;
    p.countersignatures = vec![cs];
    assert_fails(&p, "csnourl", NuGetCode::RepositoryCountersignatureInvalid);
}

#[test]
fn nu3032_two_repository_countersignatures() {
    let mut p = Package::author();
    p.countersignatures = vec![
        Sig::repository(Signer::example("leaf")),
        Sig::repository(Signer::example("leaf")),
    ];
    assert_fails(&p, "cstwo", NuGetCode::MultipleRepositoryCountersignatures);
}

#[test]
fn nu3033_repository_countersignature_on_repository_signature() {
    let mut p = Package::author();
    p.primary = Sig::repository(Signer::example("leaf"));
    p.countersignatures = vec![Sig::repository(Signer::example("leaf"))];
    assert_fails(
        &p,
        "repocs",
        NuGetCode::RepositoryCountersignatureOnRepositorySignature,
    );
}

#[test]
fn nu3035_untrusted_repository_countersigner() {
    let mut p = Package::author();
    p.countersignatures = vec![Sig::repository(Signer::fixture("untrusted-repository"))];
    assert_fails(
        &p,
        "csuntrusted",
        NuGetCode::CountersignatureChainBuildingFailed,
    );
}

#[test]
fn nu3036_timestamp_after_tsa_validity() {
    let mut p = Package::author();
    p.primary.timestamp.as_mut().unwrap().gen_time = "20370101000000Z";
    assert_fails(&p, "tslate", NuGetCode::TimestampOutsideValidity);
}

#[test]
fn nu3037_expired_without_timestamp() {
    let mut p = Package::author();
    p.primary.timestamp = None;
    let r = verify_at(&p.build("expired"), &anchors(), "2037-01-01T00:00:00Z");
    assert_fails_result(&r, "expired", NuGetCode::SignatureExpired);
    // With the timestamp, the same package is valid after expiry.
    let r = verify_at(
        &Package::author().build("expiredts"),
        &anchors(),
        "2037-01-01T00:00:00Z",
    );
    assert!(r.valid, "{:#?}", r.findings);
}

#[test]
fn nu3000_signed_attribute_rules() {
    type Change = fn(&mut Sig);
    let cases: Vec<(&str, Change)> = vec![
        ("nosigningtime", |s| s.signing_time = false),
        ("noess", |s| s.ess = false),
        ("bothcommitments", |s| s.commitment = vec![ORIGIN, RECEIPT]),
        ("owners", |s| s.owners = Some(vec![""])),
    ];
    for (name, change) in cases {
        let mut p = Package::author();
        change(&mut p.primary);
        assert_fails(&p, name, NuGetCode::SignedAttributeInvalid);
    }
    let mut p = Package::author();
    p.primary = Sig::repository(Signer::example("leaf"));
    p.primary.v3_url = None;
    assert_fails(&p, "reponourl", NuGetCode::SignedAttributeInvalid);
    // No commitment type: NuGet's unknown signature type, a warning.
    let mut p = Package::author();
    p.primary.commitment = Vec::new();
    let r = verify(&p.build("unknown"));
    assert_eq!(r.signature_type, Some(NuGetSignatureType::Unknown));
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == NuGetCode::UnknownSignatureType && !f.is_error())
    );
}

/// Every one-byte change of a valid countersigned package is refused,
/// except in the signature entry's header fields no rule reads (version
/// made by / needed, modification time and date, internal attributes),
/// which NuGet leaves unsigned too.
#[test]
fn no_one_byte_mutant_is_accepted() {
    let mut p = Package::author();
    p.countersignatures = vec![Sig::repository(Signer::example("leaf"))];
    let bytes = p.build("mutants");
    assert!(verify(&bytes).valid);
    let name = b".signature.p7s";
    let at: Vec<usize> = (0..bytes.len() - name.len())
        .filter(|&i| &bytes[i..i + name.len()] == name)
        .collect();
    let (local_sig, cd_sig) = (at[0] - 30, at[at.len() - 1] - 46);
    let unread_local = [4usize, 5, 10, 11, 12, 13].map(|o| local_sig + o);
    let unread_central = [4usize, 5, 6, 7, 12, 13, 14, 15, 36, 37].map(|o| cd_sig + o);
    let anchors = anchors();
    let mut accepted = Vec::new();
    for i in 0..bytes.len() {
        if unread_local.contains(&i) || unread_central.contains(&i) {
            continue;
        }
        let mut m = bytes.clone();
        m[i] ^= 0xff;
        let ctx = VerifyContext::new(&anchors, ValidationOptions::at(AT.parse().unwrap()));
        if let Ok(r) = verify_package(&mut std::io::Cursor::new(m), &ctx)
            && r.valid
        {
            accepted.push(i);
        }
    }
    assert!(
        accepted.is_empty(),
        "{} of {} mutants accepted at {accepted:?}",
        accepted.len(),
        bytes.len()
    );
}

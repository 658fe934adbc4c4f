//! Long-term validation of PDFs (ETSI EN 319 142-1 5.4, 6.3): document
//! timestamps (ETSI.RFC3161) made by `openssl ts -reply` over the
//! ByteRange bytes with the example TSA (examples/chain/tsa.pem, issued by
//! the intermediate), and a DSS (certificates, CRLs from `openssl ca
//! -gencrl`, an OCSP response from `openssl ocsp`) in incremental updates
//! this test writes, so that B-T, B-LT and B-LTA are each shown, with the
//! must-fail variants: a timestamp over other bytes, a DSS CRL (in /CRLs
//! or only in a /VRI) revoking the signer.
//!
//! Every OpenSSL call runs under faketime at a fixed date, so the tokens,
//! CRLs and responses do not depend on the wall clock. The signer's
//! certificate is valid 2027-01-01 to 2028-01-01; the validation time is
//! 2030-01-01: only a document timestamp proving the signature existed
//! in 2027 keeps it valid. pdfsig (poppler) judges the signatures it can
//! (intact or not).

use std::path::{Path, PathBuf};
use std::process::Command;

use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::pdf::{
    ModificationLevel, PadesLevel, PdfCode, PdfOptions, PdfValidation, SignatureKind, verify_pdf,
};
use validate::revocation::{RevocationMode, RevocationSources};
use validate_tests::pdf::{Pdf, embed, fill_byte_range};

const SIGNED_AT: &str = "2027-06-01 00:00:00";
const TIMESTAMPED_AT: &str = "2027-06-02 00:00:00";
const DSS_AT: &str = "2027-06-03 00:00:00";
const ARCHIVED_AT: &str = "2027-06-04 00:00:00";
const VALIDATED_AT: &str = "2030-01-01T00:00:00Z";
/// The short-lived signer's serial (hex).
const SIGNER_SERIAL: &str = "5151";
const RESERVED: usize = 8192;

fn chain(name: &str) -> String {
    validate_tests::repo_root()
        .join("examples/chain")
        .join(name)
        .display()
        .to_string()
}

/// `openssl args` with the clock stopped at `time` (UTC; `-f` without
/// `@` freezes it, so a slow run still makes the same times).
fn openssl_at(time: &str, args: &[&str]) {
    let out = Command::new("faketime")
        .env("TZ", "UTC")
        .arg("-f")
        .arg(time)
        .arg("openssl")
        .args(args)
        .output()
        .expect("faketime and openssl run");
    assert!(
        out.status.success(),
        "openssl {args:?} at {time}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.make_signer();
        env
    }

    fn p(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A code-signing certificate from the example intermediate, valid
    /// 2027-01-01 to 2028-01-01, for the example leaf's key.
    fn make_signer(&self) {
        std::fs::write(
            self.p("signer.ext"),
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        )
        .unwrap();
        openssl_at(
            "2027-01-01 00:00:00",
            &[
                "req",
                "-new",
                "-key",
                &chain("leaf.key"),
                "-subj",
                "/C=GB/O=Example Software Ltd/CN=Short-lived Signer",
                "-out",
                &self.p("signer.csr"),
            ],
        );
        openssl_at(
            "2027-01-01 00:00:00",
            &[
                "x509",
                "-req",
                "-in",
                &self.p("signer.csr"),
                "-CA",
                &chain("intermediate.pem"),
                "-CAkey",
                &chain("intermediate.key"),
                "-set_serial",
                &format!("0x{SIGNER_SERIAL}"),
                "-days",
                "365",
                "-sha256",
                "-extfile",
                &self.p("signer.ext"),
                "-out",
                &self.p("signer.pem"),
            ],
        );
    }

    fn der_of_pem(&self, pem: &str, kind: &str) -> Vec<u8> {
        let out = self.p("conv.der");
        openssl_at(
            SIGNED_AT,
            &[kind, "-in", pem, "-outform", "DER", "-out", &out],
        );
        std::fs::read(out).unwrap()
    }

    /// A CRL of `ca` at `time`, listing `revoked` (serial, revocation date).
    fn crl(&self, name: &str, ca: &str, time: &str, revoked: Option<(&str, &str)>) -> Vec<u8> {
        let dir = self.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let index = match revoked {
            Some((serial, date)) => {
                format!("R\t280101000000Z\t{date},keyCompromise\t{serial}\tunknown\t/CN=x\n")
            }
            None => String::new(),
        };
        std::fs::write(dir.join("index.txt"), index).unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        std::fs::write(
            dir.join("ca.cnf"),
            format!(
                "[ca]\ndefault_ca = d\n[d]\ndatabase = {}\ncrlnumber = {}\ndefault_md = sha256\n",
                dir.join("index.txt").display(),
                dir.join("crlnumber").display()
            ),
        )
        .unwrap();
        let out = dir.join("crl.der");
        let pem = dir.join("crl.pem");
        openssl_at(
            time,
            &[
                "ca",
                "-gencrl",
                "-batch",
                "-crldays",
                "3650",
                "-config",
                &dir.join("ca.cnf").display().to_string(),
                "-keyfile",
                &chain(&format!("{ca}.key")),
                "-cert",
                &chain(&format!("{ca}.pem")),
                "-out",
                &pem.display().to_string(),
            ],
        );
        openssl_at(
            time,
            &[
                "crl",
                "-in",
                &pem.display().to_string(),
                "-outform",
                "DER",
                "-out",
                &out.display().to_string(),
            ],
        );
        std::fs::read(out).unwrap()
    }

    /// An OCSP response (good) for the signer from the intermediate at `time`.
    fn ocsp(&self, time: &str) -> Vec<u8> {
        std::fs::write(
            self.p("ocsp-index.txt"),
            format!("V\t280101000000Z\t\t{SIGNER_SERIAL}\tunknown\t/CN=Short-lived Signer\n"),
        )
        .unwrap();
        openssl_at(
            time,
            &[
                "ocsp",
                "-issuer",
                &chain("intermediate.pem"),
                "-cert",
                &self.p("signer.pem"),
                "-no_nonce",
                "-reqout",
                &self.p("ocsp.req"),
            ],
        );
        openssl_at(
            time,
            &[
                "ocsp",
                "-index",
                &self.p("ocsp-index.txt"),
                "-rsigner",
                &chain("intermediate.pem"),
                "-rkey",
                &chain("intermediate.key"),
                "-CA",
                &chain("intermediate.pem"),
                "-reqin",
                &self.p("ocsp.req"),
                "-respout",
                &self.p("ocsp.der"),
                "-ndays",
                "3650",
            ],
        );
        std::fs::read(self.p("ocsp.der")).unwrap()
    }

    /// An RFC 3161 token from the example TSA at `time` over `data`.
    fn timestamp(&self, time: &str, data: &[u8]) -> Vec<u8> {
        std::fs::write(self.p("ts.bin"), data).unwrap();
        std::fs::write(
            self.p("tsa.cnf"),
            format!(
                "[tsa]\ndefault_tsa = tsa1\n[tsa1]\nserial = {}\ncrypto_device = builtin\nsigner_cert = {}\ncerts = {}\nsigner_key = {}\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                self.p("tsaserial"),
                chain("tsa.pem"),
                chain("intermediate.pem"),
                chain("tsa.key")
            ),
        )
        .unwrap();
        openssl_at(
            time,
            &[
                "ts",
                "-query",
                "-data",
                &self.p("ts.bin"),
                "-sha256",
                "-cert",
                "-out",
                &self.p("ts.tsq"),
            ],
        );
        openssl_at(
            time,
            &[
                "ts",
                "-reply",
                "-config",
                &self.p("tsa.cnf"),
                "-queryfile",
                &self.p("ts.tsq"),
                "-token_out",
                "-out",
                &self.p("ts.tst"),
            ],
        );
        std::fs::read(self.p("ts.tst")).unwrap()
    }
}

/// The document being built: its bytes, and the catalog's fields and DSS.
struct Doc {
    pdf: Pdf,
    fields: Vec<u32>,
    dss: Option<u32>,
}

impl Doc {
    fn catalog(&mut self) {
        let fields: Vec<String> = self.fields.iter().map(|f| format!("{f} 0 R")).collect();
        let dss = self
            .dss
            .map(|d| format!(" /DSS {d} 0 R"))
            .unwrap_or_default();
        self.pdf.object(
            1,
            &format!(
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{}] /SigFlags 3 >>{dss} >>",
                fields.join(" ")
            ),
        );
    }

    fn next(&self) -> u32 {
        self.pdf.size
    }
}

/// A one-page document whose field Sig1 is signed at SIGNED_AT by the
/// short-lived signer (ETSI.CAdES.detached).
fn signed(env: &Env) -> Doc {
    let mut doc = Doc {
        pdf: Pdf::new(),
        fields: vec![4],
        dss: None,
    };
    doc.catalog();
    doc.pdf
        .object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    doc.pdf.object(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Annots [4 0 R] >>",
    );
    doc.pdf.object(
        4,
        "<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>",
    );
    doc.pdf.stream(6, "", b"0 0 m 300 300 l S");
    doc.pdf.signature_placeholder(5, "ETSI.CAdES.detached", "");
    doc.pdf.end_revision("");
    let (gap, tbs) = fill_byte_range(&mut doc.pdf.bytes);
    std::fs::write(env.p("tbs.bin"), &tbs).unwrap();
    openssl_at(
        SIGNED_AT,
        &[
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-md",
            "sha256",
            "-in",
            &env.p("tbs.bin"),
            "-signer",
            &env.p("signer.pem"),
            "-inkey",
            &chain("leaf.key"),
            "-certfile",
            &chain("intermediate.pem"),
            "-out",
            &env.p("sig.der"),
        ],
    );
    embed(
        &mut doc.pdf.bytes,
        gap,
        &std::fs::read(env.p("sig.der")).unwrap(),
    );
    doc
}

/// Appends a document timestamp at `time` in a new invisible field; with
/// `tamper` the token's imprint is over other bytes (one byte changed).
fn add_doc_timestamp(env: &Env, doc: &mut Doc, time: &str, tamper: bool) {
    let (field, sig) = (doc.next(), doc.next() + 1);
    doc.fields.push(field);
    doc.catalog();
    doc.pdf.object(
        field,
        &format!(
            "<< /FT /Sig /T (DocTS{field}) /V {sig} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"
        ),
    );
    doc.pdf.object(
        sig,
        &format!(
            "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange [0 {z} {z} {z}] /Contents <{c}> >>",
            z = "0".repeat(10),
            c = "0".repeat(RESERVED * 2)
        ),
    );
    doc.pdf.end_revision("");
    let (gap, mut tbs) = fill_byte_range(&mut doc.pdf.bytes);
    if tamper {
        tbs[20] ^= 0x01;
    }
    let token = env.timestamp(time, &tbs);
    embed(&mut doc.pdf.bytes, gap, &token);
}

/// What a DSS revision holds.
struct DssData {
    certs: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    ocsps: Vec<Vec<u8>>,
    /// Streams only in the signature's /VRI entry (CRLs).
    vri_crls: Vec<Vec<u8>>,
}

/// Appends a DSS revision.
fn add_dss(doc: &mut Doc, data: &DssData, signature_contents: &[u8]) {
    let refs = |list: &[Vec<u8>], doc: &mut Doc| -> String {
        list.iter()
            .map(|der| {
                let n = doc.next();
                doc.pdf.stream(n, "", der);
                format!("{n} 0 R")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let certs = refs(&data.certs, doc);
    let crls = refs(&data.crls, doc);
    let ocsps = refs(&data.ocsps, doc);
    let vri_crls = refs(&data.vri_crls, doc);
    let vri = if data.vri_crls.is_empty() {
        String::new()
    } else {
        // ETSI EN 319 142-1 5.4.2.3: the key is the uppercase hex SHA-1 of
        // the signature's /Contents value.
        let key = sha1_hex(signature_contents);
        format!(" /VRI << /{key} << /CRL [{vri_crls}] >> >>")
    };
    let dss = doc.next();
    doc.pdf.object(
        dss,
        &format!("<< /Type /DSS /Certs [{certs}] /CRLs [{crls}] /OCSPs [{ocsps}]{vri} >>"),
    );
    doc.dss = Some(dss);
    doc.catalog();
    doc.pdf.end_revision("");
}

fn sha1_hex(data: &[u8]) -> String {
    let out = Command::new("openssl")
        .args(["dgst", "-sha1", "-r"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write as _;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout)[..40].to_uppercase()
}

/// The first signature's /Contents as written (with its zero padding:
/// the VRI key hashes the whole string value).
fn first_contents(bytes: &[u8]) -> Vec<u8> {
    let marker = b"/Contents <";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap()
        + marker.len();
    let end = bytes[at..].iter().position(|&b| b == b'>').unwrap() + at;
    (at..end)
        .step_by(2)
        .map(|i| u8::from_str_radix(std::str::from_utf8(&bytes[i..i + 2]).unwrap(), 16).unwrap())
        .collect()
}

/// Everything for B-LT: the signer, TSA and intermediate certificates,
/// the intermediate's CRL (revoking the signer when `revoked`), the
/// root's CRL, an OCSP response for the signer.
fn dss_data(env: &Env, revoked: bool, in_vri: bool) -> DssData {
    dss_data_revoked_on(env, revoked.then_some("270501000000Z"), DSS_AT, in_vri)
}

/// [`dss_data`] with the signer revoked on `date` (CRL date format) by a
/// CRL issued at `crl_time`.
fn dss_data_revoked_on(env: &Env, date: Option<&str>, crl_time: &str, in_vri: bool) -> DssData {
    let revoked = date.is_some();
    let revocation = date.map(|d| (SIGNER_SERIAL, d));
    let intermediate_crl = env.crl("crl-i", "intermediate", crl_time, revocation);
    let root_crl = env.crl("crl-r", "root", DSS_AT, None);
    let mut data = DssData {
        certs: vec![
            env.der_of_pem(&env.p("signer.pem"), "x509"),
            env.der_of_pem(&chain("intermediate.pem"), "x509"),
            env.der_of_pem(&chain("tsa.pem"), "x509"),
        ],
        crls: vec![root_crl],
        ocsps: if revoked {
            Vec::new()
        } else {
            vec![env.ocsp(DSS_AT)]
        },
        vri_crls: Vec::new(),
    };
    if in_vri {
        data.vri_crls.push(intermediate_crl);
    } else {
        data.crls.push(intermediate_crl);
    }
    data
}

fn anchors() -> TrustStore {
    let root = std::fs::read(chain("root.pem")).unwrap();
    TrustStore::from_certificates(validate::read_certificates_strict(&root).unwrap())
}

/// Verifies at 2030 offline with revocation `mode` and no sources but the
/// file's DSS.
fn check(bytes: &[u8], mode: RevocationMode) -> PdfValidation {
    let anchors = anchors();
    let mut options = ValidationOptions::at(VALIDATED_AT.parse().unwrap());
    options.revocation = mode;
    options.offline = true;
    let sources = RevocationSources::new();
    let mut ctx = VerifyContext::new(&anchors, options);
    ctx.revocation = Some(&sources);
    verify_pdf(
        &mut std::io::Cursor::new(bytes.to_vec()),
        &ctx,
        &PdfOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}

fn errors(v: &PdfValidation, i: usize) -> String {
    let s = &v.signatures[i];
    let mut out: Vec<String> = s
        .findings
        .iter()
        .map(|f| format!("{:?}: {}", f.code, f.detail))
        .collect();
    if let Some(c) = &s.cms {
        for signer in &c.signers {
            out.extend(
                signer
                    .findings
                    .iter()
                    .map(|f| format!("{:?}: {}", f.code, f.detail)),
            );
        }
    }
    out.join("\n")
}

/// pdfsig's lines about signature `n` (1-based).
fn pdfsig(dir: &Path, bytes: &[u8], n: usize) -> String {
    let path: PathBuf = dir.join("pdfsig.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdfsig")
        .arg("-nocert")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = text
        .find(&format!("Signature #{n}:"))
        .unwrap_or_else(|| panic!("{text}"));
    let rest = &text[start + 4..];
    let end = rest.find("Signature #").map_or(rest.len(), |e| e);
    rest[..end].to_string()
}

#[test]
fn without_a_timestamp_the_expired_signer_fails() {
    let env = Env::new();
    let doc = signed(&env);
    let v = check(&doc.pdf.bytes, RevocationMode::None);
    let s = &v.signatures[0];
    assert!(!s.valid, "the signer expired in 2028");
    assert_eq!(s.timestamp, None);
    assert!(pdfsig(env.path(), &doc.pdf.bytes, 1).contains("Signature is Valid."));
}

#[test]
fn b_t_document_timestamp_keeps_the_expired_signer_valid() {
    let env = Env::new();
    let mut doc = signed(&env);
    add_doc_timestamp(&env, &mut doc, TIMESTAMPED_AT, false);
    let v = check(&doc.pdf.bytes, RevocationMode::None);
    assert_eq!(v.signatures.len(), 2);
    let (s, ts) = (&v.signatures[0], &v.signatures[1]);
    assert_eq!(ts.kind, SignatureKind::DocumentTimestamp);
    assert!(ts.valid, "{}", errors(&v, 1));
    assert!(s.valid, "valid through the timestamp: {}", errors(&v, 0));
    assert_eq!(s.timestamp, Some("2027-06-02T00:00:00Z".parse().unwrap()));
    assert_eq!(s.pades_level, Some(PadesLevel::BT));
    assert_eq!(s.modification_level, ModificationLevel::LtaUpdates);
    let path_time = s.cms.as_ref().unwrap().signers[0].path_time;
    assert_eq!(path_time, "2027-06-02T00:00:00Z".parse().unwrap());
    assert!(pdfsig(env.path(), &doc.pdf.bytes, 1).contains("Signature is Valid."));
}

#[test]
fn timestamp_over_other_bytes_fails() {
    let env = Env::new();
    let mut doc = signed(&env);
    add_doc_timestamp(&env, &mut doc, TIMESTAMPED_AT, true);
    let v = check(&doc.pdf.bytes, RevocationMode::None);
    let (s, ts) = (&v.signatures[0], &v.signatures[1]);
    assert!(!ts.valid);
    assert!(
        ts.findings
            .iter()
            .any(|f| f.code == PdfCode::DocTimestampInvalid),
        "{}",
        errors(&v, 1)
    );
    // No valid proof of existence: the expired signer is not valid.
    assert!(!s.valid);
    assert_eq!(s.pades_level, None);
    assert!(pdfsig(env.path(), &doc.pdf.bytes, 1).contains("Signature is Valid."));
}

#[test]
fn b_lt_and_b_lta_with_the_dss_as_the_only_revocation_source() {
    let env = Env::new();
    let mut doc = signed(&env);
    add_doc_timestamp(&env, &mut doc, TIMESTAMPED_AT, false);
    // Hard revocation checking offline without a DSS: no status for the
    // signer, so not valid.
    let v = check(&doc.pdf.bytes, RevocationMode::Hard);
    assert!(!v.signatures[0].valid, "hard mode needs revocation data");
    let contents = first_contents(&doc.pdf.bytes);
    add_dss(&mut doc, &dss_data(&env, false, false), &contents);
    let v = check(&doc.pdf.bytes, RevocationMode::Hard);
    let s = &v.signatures[0];
    assert!(
        s.valid,
        "the DSS answers for every certificate: {}",
        errors(&v, 0)
    );
    assert_eq!(s.pades_level, Some(PadesLevel::BLt));
    assert_eq!(s.modification_level, ModificationLevel::LtaUpdates);
    // B-LTA: a document timestamp after the DSS.
    add_doc_timestamp(&env, &mut doc, ARCHIVED_AT, false);
    let v = check(&doc.pdf.bytes, RevocationMode::Hard);
    let s = &v.signatures[0];
    assert!(s.valid, "{}", errors(&v, 0));
    assert_eq!(s.pades_level, Some(PadesLevel::BLta));
    assert!(v.signatures[2].valid, "{}", errors(&v, 2));
    assert!(pdfsig(env.path(), &doc.pdf.bytes, 1).contains("Signature is Valid."));
}

#[test]
fn dss_crl_revoking_the_signer_fails() {
    for in_vri in [false, true] {
        let env = Env::new();
        let mut doc = signed(&env);
        add_doc_timestamp(&env, &mut doc, TIMESTAMPED_AT, false);
        let contents = first_contents(&doc.pdf.bytes);
        add_dss(&mut doc, &dss_data(&env, true, in_vri), &contents);
        add_doc_timestamp(&env, &mut doc, ARCHIVED_AT, false);
        for mode in [RevocationMode::Soft, RevocationMode::Hard] {
            let v = check(&doc.pdf.bytes, mode);
            let s = &v.signatures[0];
            assert!(
                !s.valid,
                "revoked on 2027-05-01 (VRI only: {in_vri}, {mode:?})"
            );
            assert!(
                s.findings
                    .iter()
                    .any(|f| f.code == PdfCode::RevokedBeforeProof),
                "{}",
                errors(&v, 0)
            );
            assert_eq!(s.pades_level, None);
        }
        // pdfsig judges the signature bytes only: intact.
        assert!(pdfsig(env.path(), &doc.pdf.bytes, 1).contains("Signature is Valid."));
    }
}

#[test]
fn signer_revoked_after_the_timestamp_stays_valid() {
    // Revoked on 2027-06-15, after the document timestamp of 2027-06-02
    // (ETSI EN 319 102-1 5.6.2.4: the signature existed before): valid,
    // with the revocation recorded.
    let env = Env::new();
    let mut doc = signed(&env);
    add_doc_timestamp(&env, &mut doc, TIMESTAMPED_AT, false);
    let contents = first_contents(&doc.pdf.bytes);
    add_dss(
        &mut doc,
        &dss_data_revoked_on(&env, Some("270615000000Z"), "2027-07-01 00:00:00", false),
        &contents,
    );
    let v = check(&doc.pdf.bytes, RevocationMode::Hard);
    let s = &v.signatures[0];
    assert!(s.valid, "{}", errors(&v, 0));
    assert!(
        s.findings
            .iter()
            .any(|f| f.code == PdfCode::RevokedAfterProof),
        "{}",
        errors(&v, 0)
    );
    assert_eq!(s.pades_level, Some(PadesLevel::BLt));
}

//! Encrypted signed PDFs for the tests: a one-page document encrypted by
//! qpdf, then signed in an incremental update whose strings are encrypted
//! with the file key qpdf reports (`--show-encryption-key`), the
//! signature's /Contents left in clear (ISO 32000-2 7.6.1).

use std::path::Path;
use std::process::Command;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use md5::{Digest, Md5};
use rc4::{KeyInit, Rc4, StreamCipher};

use crate::pdf::{Pdf, sign};

/// The user password of the files made here.
pub const USER: &str = "user-secret";
/// Their owner password.
pub const OWNER: &str = "owner-secret";

fn qpdf(args: &[&str]) -> String {
    let out = Command::new("qpdf").args(args).output().expect("qpdf runs");
    // qpdf exits 3 for warnings; the output is still written.
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "qpdf {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How qpdf encrypted the file.
struct Encryption {
    key: Vec<u8>,
    method: String,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

impl Encryption {
    /// ISO 32000-1 7.6.2: `text` as the encrypted string of object `num`
    /// (generation 0), as a hex string token.
    fn string(&self, num: u32, text: &[u8]) -> String {
        let object_key = |salt: &[u8]| {
            let mut h = Md5::new();
            h.update(&self.key);
            h.update(&num.to_le_bytes()[..3]);
            h.update([0u8, 0]);
            h.update(salt);
            h.finalize()[..(self.key.len() + 5).min(16)].to_vec()
        };
        let iv = [0x5au8; 16];
        let out = match self.method.as_str() {
            "AESv3" => {
                let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(&self.key, &iv)
                    .unwrap()
                    .encrypt_padded_vec::<Pkcs7>(text);
                [iv.to_vec(), ct].concat()
            }
            "AESv2" => {
                let ct = cbc::Encryptor::<aes::Aes128>::new_from_slices(&object_key(b"sAlT"), &iv)
                    .unwrap()
                    .encrypt_padded_vec::<Pkcs7>(text);
                [iv.to_vec(), ct].concat()
            }
            "RC4" => {
                let mut data = text.to_vec();
                Rc4::new_from_slice(&object_key(b""))
                    .unwrap()
                    .apply_keystream(&mut data);
                data
            }
            other => panic!("method {other}"),
        };
        format!("<{}>", hex(&out))
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let to = text[from..].find(end).unwrap() + from;
    &text[from..to]
}

/// An unsigned one-page document (catalog 1, pages 2, page 3, content 4).
fn base(dir: &Path) -> std::path::PathBuf {
    let mut pdf = Pdf::new();
    pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R >>",
    );
    pdf.stream(4, "", b"BT /F1 24 Tf 20 150 Td (Pay 100 EUR) Tj ET");
    pdf.end_revision("");
    let path = dir.join("base.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    path
}

/// `base` encrypted by qpdf with `args`, then signed (field Sig1) in an
/// incremental update; returns the signed bytes.
pub fn encrypt_then_sign(dir: &Path, args: &[&str]) -> Vec<u8> {
    let input = base(dir);
    let enc = dir.join("enc.pdf");
    // qpdf's writing options go before --encrypt, its key options after.
    let (writing, key): (Vec<&str>, Vec<&str>) =
        args.iter().partition(|a| a.starts_with("--object-streams"));
    let mut a = vec!["--static-id", "--allow-weak-crypto"];
    a.extend(writing);
    a.extend(["--encrypt", USER, OWNER]);
    a.extend(key);
    a.push("--");
    let (i, o) = (input.display().to_string(), enc.display().to_string());
    a.push(&i);
    a.push(&o);
    qpdf(&a);
    let pw = format!("--password={USER}");
    let shown = qpdf(&["--show-encryption-key", "--show-encryption", &pw, &o]);
    let encryption = Encryption {
        key: (0..)
            .step_by(2)
            .map_while(|k| between(&shown, "Encryption key = ", "\n").get(k..k + 2))
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect(),
        // R2 and R3 print no method: RC4 (ISO 32000-1 7.6.2).
        method: if shown.contains("string encryption method: ") {
            between(&shown, "string encryption method: ", "\n").to_string()
        } else {
            "RC4".to_string()
        },
    };
    let trailer = qpdf(&["--show-object=trailer", &pw, &o]);
    let root: u32 = between(&trailer, "/Root ", " ").parse().unwrap();
    let size: u32 = between(&trailer, "/Size ", " ").parse().unwrap();
    let encrypt_ref = between(&trailer, "/Encrypt ", " R");
    let id = between(&trailer, "/ID [", "]");
    let pages = qpdf(&["--show-pages", &pw, &o]);
    let page: u32 = between(&pages, "page 1: ", " ").parse().unwrap();
    let catalog = qpdf(&[&format!("--show-object={root}"), &pw, &o]);
    let page_dict = qpdf(&[&format!("--show-object={page}"), &pw, &o]);
    let bytes = std::fs::read(&enc).unwrap();
    let tail = String::from_utf8_lossy(&bytes[bytes.len() - 40..]).into_owned();
    let last_xref: usize = between(&tail, "startxref", "%%EOF").trim().parse().unwrap();

    let (field, signature) = (size, size + 1);
    let mut pdf = Pdf::resume(bytes, last_xref, size);
    let open = |d: &str| d.trim().trim_end_matches(">>").to_string();
    pdf.object(
        root,
        &format!(
            "{} /AcroForm << /Fields [{field} 0 R] /SigFlags 3 >> >>",
            open(&catalog)
        ),
    );
    pdf.object(
        page,
        &format!("{} /Annots [{field} 0 R] >>", open(&page_dict)),
    );
    pdf.object(
        field,
        &format!(
            "<< /FT /Sig /T {} /V {signature} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P {page} 0 R >>",
            encryption.string(field, b"Sig1")
        ),
    );
    pdf.signature_placeholder_dated(
        signature,
        "ETSI.CAdES.detached",
        &encryption.string(signature, b"D:20260101000000Z"),
        "",
    );
    pdf.end_revision(&format!("/Encrypt {encrypt_ref} R /ID [{id}]"));
    sign(&mut pdf, dir);
    pdf.bytes
}

/// pdfsig's verdict on the signature and the field name it reads (it
/// decrypts /T with the user password).
pub fn pdfsig(dir: &Path, bytes: &[u8]) -> String {
    let path = dir.join("signed.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdfsig")
        .args(["-nocert", "-upw", USER])
        .arg(&path)
        .output()
        .expect("pdfsig runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

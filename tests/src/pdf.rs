//! A small PDF writer for the PAdES tests: a one-page document with a
//! signature field, signed over its ByteRange with `openssl cms -sign`,
//! and incremental updates appended after it (the attacks).

use std::fmt::Write as _;
use std::path::Path;

/// Width of each ByteRange number, so the dictionary does not move when
/// the numbers are filled in.
const NUM: usize = 10;
/// Bytes reserved for the DER signature (hex doubles it).
const RESERVED: usize = 8192;

/// The bytes of a PDF under construction and the offset of each object.
pub struct Pdf {
    pub bytes: Vec<u8>,
    /// Offsets of the objects written since the last xref section.
    pending: Vec<(u32, usize)>,
    /// Offset of the last xref section.
    last_xref: Option<usize>,
    pub size: u32,
}

impl Pdf {
    pub fn new() -> Self {
        Pdf {
            bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            pending: Vec::new(),
            last_xref: None,
            size: 1,
        }
    }

    /// Continues the file `bytes` (an incremental update): its last xref
    /// section is at `last_xref` and its trailer's /Size is `size`.
    pub fn resume(bytes: Vec<u8>, last_xref: usize, size: u32) -> Self {
        Pdf {
            bytes,
            pending: Vec::new(),
            last_xref: Some(last_xref),
            size,
        }
    }

    /// Writes `num 0 obj body endobj`.
    pub fn object(&mut self, num: u32, body: &str) -> usize {
        self.object_bytes(num, body.as_bytes())
    }

    pub fn object_bytes(&mut self, num: u32, body: &[u8]) -> usize {
        let at = self.bytes.len();
        self.bytes
            .extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        self.bytes.extend_from_slice(body);
        self.bytes.extend_from_slice(b"\nendobj\n");
        self.pending.push((num, at));
        self.size = self.size.max(num + 1);
        at
    }

    /// A stream object.
    pub fn stream(&mut self, num: u32, dict: &str, data: &[u8]) -> usize {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object_bytes(num, &body)
    }

    /// Ends a revision: an xref table of the objects written since the
    /// last one, the trailer (with /Prev), startxref and %%EOF.
    pub fn end_revision(&mut self, trailer_extra: &str) {
        let at = self.bytes.len();
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort();
        let mut x = String::from("xref\n");
        if self.last_xref.is_none() {
            x.push_str("0 1\n0000000000 65535 f \n");
        }
        for (num, off) in &pending {
            let _ = write!(x, "{num} 1\n{off:010} 00000 n \n");
        }
        let prev = self
            .last_xref
            .map(|p| format!(" /Prev {p}"))
            .unwrap_or_default();
        let _ = write!(
            x,
            "trailer\n<< /Size {} /Root 1 0 R{prev} {trailer_extra} >>\nstartxref\n{at}\n%%EOF\n",
            self.size
        );
        self.bytes.extend_from_slice(x.as_bytes());
        self.last_xref = Some(at);
    }

    /// A signature dictionary with placeholders, as object `num`.
    pub fn signature_placeholder(&mut self, num: u32, sub_filter: &str, extra: &str) -> usize {
        self.signature_placeholder_dated(num, sub_filter, "(D:20260101000000Z)", extra)
    }

    /// A signature dictionary with placeholders whose /M is the string
    /// token `date` (encrypted files write it encrypted).
    pub fn signature_placeholder_dated(
        &mut self,
        num: u32,
        sub_filter: &str,
        date: &str,
        extra: &str,
    ) -> usize {
        let placeholder = format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /{sub_filter} /M {date} {extra}/ByteRange [0 {z} {z} {z}] /Contents <{c}> >>",
            z = "0".repeat(NUM),
            c = "0".repeat(RESERVED * 2)
        );
        self.object(num, &placeholder)
    }
}

impl Default for Pdf {
    fn default() -> Self {
        Self::new()
    }
}

/// The ByteRange gap of the last /Contents placeholder: `(b, c)`.
pub fn placeholder_gap(bytes: &[u8]) -> (usize, usize) {
    let marker = b"/Contents <";
    let pos = bytes
        .windows(marker.len())
        .rposition(|w| w == marker)
        .expect("a /Contents placeholder");
    let b = pos + marker.len() - 1;
    let end = bytes[b..].iter().position(|&x| x == b'>').unwrap() + b + 1;
    (b, end)
}

/// Fills the last ByteRange placeholder with `[0 b c len-c]` and returns
/// the bytes to sign.
pub fn fill_byte_range(bytes: &mut [u8]) -> ((usize, usize), Vec<u8>) {
    let (b, c) = placeholder_gap(bytes);
    let len = bytes.len();
    let marker = b"/ByteRange [0 ";
    let pos = bytes
        .windows(marker.len())
        .rposition(|w| w == marker)
        .unwrap()
        + marker.len();
    let text = format!("{b:0w$} {c:0w$} {:0w$}", len - c, w = NUM);
    bytes[pos..pos + text.len()].copy_from_slice(text.as_bytes());
    let mut signed = bytes[..b].to_vec();
    signed.extend_from_slice(&bytes[c..]);
    ((b, c), signed)
}

/// Signs `data` with `openssl cms -sign -binary -outform DER` (detached),
/// with the example leaf certificate and its intermediate.
pub fn openssl_sign(dir: &Path, data: &[u8], extra: &[&str]) -> Vec<u8> {
    let chain = crate::repo_root().join("examples/chain");
    let input = dir.join("tbs.bin");
    let out = dir.join("sig.der");
    std::fs::write(&input, data).unwrap();
    let mut args: Vec<String> = vec![
        "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-in",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    args.push(input.display().to_string());
    args.push("-signer".into());
    args.push(chain.join("leaf.pem").display().to_string());
    args.push("-inkey".into());
    args.push(chain.join("leaf.key").display().to_string());
    args.push("-certfile".into());
    args.push(chain.join("intermediate.pem").display().to_string());
    args.push("-out".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::openssl(&refs).unwrap_or_else(|e| panic!("openssl cms -sign: {e}"));
    std::fs::read(&out).unwrap()
}

/// Writes `der` as hex into the gap `(b, c)` (zero padded).
pub fn embed(bytes: &mut [u8], gap: (usize, usize), der: &[u8]) {
    let hex: String = der.iter().map(|x| format!("{x:02X}")).collect();
    assert!(
        hex.len() <= gap.1 - gap.0 - 2,
        "signature larger than the reserved space"
    );
    bytes[gap.0 + 1..gap.0 + 1 + hex.len()].copy_from_slice(hex.as_bytes());
}

/// Signs the last placeholder of `pdf` (which must end the file).
pub fn sign(pdf: &mut Pdf, dir: &Path) -> (usize, usize) {
    let (gap, tbs) = fill_byte_range(&mut pdf.bytes);
    let der = openssl_sign(dir, &tbs, &[]);
    embed(&mut pdf.bytes, gap, &der);
    gap
}

/// A one-page document whose field `Sig1` is signed (revision 0), with
/// page content `content`. Objects: 1 catalog, 2 pages, 3 page, 4 field
/// and widget, 5 signature, 6 content, 7 font.
pub fn signed_document(dir: &Path, content: &str) -> Pdf {
    let mut pdf = Pdf::new();
    pdf.object(
        1,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
    );
    pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [4 0 R] >>",
    );
    pdf.object(
        4,
        "<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>",
    );
    pdf.stream(6, "", content.as_bytes());
    pdf.object(7, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    pdf.signature_placeholder(5, "adbe.pkcs7.detached", "");
    pdf.end_revision("");
    sign(&mut pdf, dir);
    pdf
}

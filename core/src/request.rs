//! The validation request of `signature-validation-service.txt`.

use base64ct::{Base64, Encoding};
use serde::Deserialize;

use crate::cms::CmsShape;

/// The request fields, names as in the seed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidationRequest {
    /// `CAdES`, `CAdES-Multiple`, `CAdES-Implicit`, `CAdES-Explicit`,
    /// `XAdES-Enveloped`, `XAdES-Detached`, `PAdES`, `P7B`, `X509`, `PKCS1`
    /// (case-insensitive).
    pub signature_type: String,
    /// The signed text (detached content), plain or base64 per `signedTextPack`.
    #[serde(default)]
    pub signed_text: Option<String>,
    /// `BASE64` or `BASE64-<charset>`: `signedText` is base64 of the signed
    /// bytes (already in that character set).
    #[serde(default)]
    pub signed_text_pack: Option<String>,
    /// The signature (or, for P7B / X509, the certificates), base64.
    #[serde(default)]
    pub signature: Option<String>,
    /// A certificate, base64 (required for PKCS1).
    #[serde(default)]
    pub certificate: Option<String>,
    /// The PKCS#1 algorithm name (required for PKCS1).
    #[serde(default)]
    pub algorithm: Option<String>,
    /// The PDF file, base64 (PAdES).
    #[serde(default)]
    pub pdf_file: Option<String>,
    /// The PDF file name (PAdES).
    #[serde(default)]
    pub pdf_filename: Option<String>,
    /// The PDF password (PAdES).
    #[serde(default)]
    pub pdf_password: Option<String>,
}

/// The signature types of the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureType {
    /// CMS Advanced Signature (detached or attached, one or more signers).
    Cades,
    /// Same as CAdES, several signers.
    CadesMultiple,
    /// CAdES with the data embedded.
    CadesImplicit,
    /// CAdES without the signed data inside (same as CAdES).
    CadesExplicit,
    /// XAdES (or plain XML-DSig) enveloped: the signature signs the document element holding it.
    XadesEnveloped,
    /// XAdES (or plain XML-DSig) detached: the caller gives the signed content.
    XadesDetached,
    /// PDF Advanced Signature.
    Pades,
    /// A PKCS#7 certificate bundle: validate the certificates only.
    P7b,
    /// One or more X.509 certificates: validate the certificates only.
    X509,
    /// A raw PKCS#1 signature with a certificate and an algorithm.
    Pkcs1,
    /// A signed NuGet package (`signature`: the `.nupkg`, base64).
    NuGet,
    /// An Authenticode-signed PE file (`signature`: the file, base64).
    Authenticode,
}

impl SignatureType {
    /// Every type, in the seed's order.
    pub const ALL: [SignatureType; 12] = [
        SignatureType::Cades,
        SignatureType::CadesMultiple,
        SignatureType::CadesImplicit,
        SignatureType::CadesExplicit,
        SignatureType::XadesEnveloped,
        SignatureType::XadesDetached,
        SignatureType::Pades,
        SignatureType::P7b,
        SignatureType::X509,
        SignatureType::Pkcs1,
        SignatureType::NuGet,
        SignatureType::Authenticode,
    ];

    /// Parses the seed's names, case-insensitively and otherwise exactly
    /// (no trimming: `" P7B"` is not a type).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
    }

    /// The seed's name (the report's `policy.signature.type`).
    pub fn name(self) -> &'static str {
        match self {
            SignatureType::Cades => "CAdES",
            SignatureType::CadesMultiple => "CAdES-Multiple",
            SignatureType::CadesImplicit => "CAdES-Implicit",
            SignatureType::CadesExplicit => "CAdES-Explicit",
            SignatureType::XadesEnveloped => "XAdES-Enveloped",
            SignatureType::XadesDetached => "XAdES-Detached",
            SignatureType::Pades => "PAdES",
            SignatureType::P7b => "P7B",
            SignatureType::X509 => "X509",
            SignatureType::Pkcs1 => "PKCS1",
            SignatureType::NuGet => "NuGet",
            SignatureType::Authenticode => "Authenticode",
        }
    }
}

impl SignatureType {
    /// Detects the type of a signature or certificate file from its
    /// structure alone: a zip archive holding `.signature.p7s` is NuGet, a
    /// PE image (`MZ`, then `PE\0\0` where the DOS header points) is
    /// Authenticode, an XML document is XAdES-Enveloped (XAdES-Detached
    /// with detached content), a CMS SignedData with signers is CAdES
    /// (CAdES-Explicit when the content comes separately), a SignedData
    /// without signers is P7B, certificates are X509; `Ok(None)` for
    /// anything else. A CMS ContentInfo that is not a well-formed SignedData
    /// is an `Err`: it is never validated as something weaker.
    ///
    /// ```
    /// use validate::request::SignatureType;
    /// let p7s = std::fs::read("../examples/signatures/detached.p7s").unwrap();
    /// assert_eq!(SignatureType::detect(&p7s, true).unwrap(), Some(SignatureType::CadesExplicit));
    /// assert!(SignatureType::detect(&p7s[..p7s.len() - 2], true).is_err());
    /// ```
    pub fn detect(input: &[u8], detached_content: bool) -> crate::Result<Option<SignatureType>> {
        if let Some(kind) = SignatureType::detect_code_signing(&mut std::io::Cursor::new(input)) {
            return Ok(Some(kind));
        }
        // An XML document: an XML signature (docs/xades.md).
        if crate::xml::looks_like_xml(input) {
            return Ok(Some(if detached_content {
                SignatureType::XadesDetached
            } else {
                SignatureType::XadesEnveloped
            }));
        }
        match crate::cms::cms_shape(input)? {
            Some(CmsShape::Signature { .. }) if detached_content => {
                Ok(Some(SignatureType::CadesExplicit))
            }
            Some(CmsShape::Signature { .. }) => Ok(Some(SignatureType::Cades)),
            Some(_) => Ok(Some(SignatureType::P7b)),
            None => Ok(crate::cert::read_certificates(input)
                .ok()
                .filter(|entries| entries.iter().any(Result::is_ok))
                .map(|_| SignatureType::X509)),
        }
    }
}

impl SignatureType {
    /// NuGet for a zip archive with a `.signature.p7s` entry, Authenticode
    /// for a PE image; `None` otherwise. Reads only what it needs of `file`
    /// (the zip's central directory, the PE headers), from any position.
    ///
    /// ```
    /// use validate::request::SignatureType;
    /// let mut exe = std::io::Cursor::new(b"MZ not really".to_vec());
    /// assert_eq!(SignatureType::detect_code_signing(&mut exe), None);
    /// ```
    pub fn detect_code_signing(file: &mut dyn crate::pdf::ReadSeek) -> Option<SignatureType> {
        use std::io::SeekFrom;
        let mut head = [0u8; 4];
        file.seek(SeekFrom::Start(0)).ok()?;
        let n = file.read(&mut head).ok()?;
        if crate::nuget::looks_like_zip(&head[..n]) && crate::nuget::is_signed_package(file) {
            return Some(SignatureType::NuGet);
        }
        crate::authenticode::is_pe(file).then_some(SignatureType::Authenticode)
    }
}

impl ValidationRequest {
    /// The signed bytes: `signedText` decoded per `signedTextPack` (UTF-8
    /// bytes of the text when no pack is given). `Err` names the field.
    pub fn signed_bytes(&self) -> Result<Option<Vec<u8>>, String> {
        let Some(text) = &self.signed_text else {
            return Ok(None);
        };
        match self.signed_text_pack.as_deref().map(str::trim) {
            None | Some("") => Ok(Some(text.as_bytes().to_vec())),
            Some(pack)
                if pack.eq_ignore_ascii_case("BASE64")
                    || pack.to_ascii_uppercase().starts_with("BASE64-") =>
            {
                decode_base64(text, "signedText").map(Some)
            }
            Some(other) => Err(format!(
                "signedTextPack '{other}' is not BASE64 or BASE64-<charset>"
            )),
        }
    }
}

/// Decodes base64 that may be wrapped in lines or PEM armour-free text.
/// Unwrapped text (the usual request field) is decoded in place; wrapped
/// text is compacted byte-wise first (removing ASCII bytes keeps UTF-8
/// valid), never char by char: fields of tens of megabytes pass here.
pub(crate) fn decode_base64(text: &str, field: &str) -> Result<Vec<u8>, String> {
    let invalid = |e: &dyn std::fmt::Display| format!("{field} is not valid base64: {e}");
    if !text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Base64::decode_vec(text).map_err(|e| invalid(&e));
    }
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let compact = std::str::from_utf8(&compact).map_err(|e| invalid(&e))?;
    Base64::decode_vec(compact).map_err(|e| invalid(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_and_without_line_breaks() {
        assert_eq!(decode_base64("aGVsbG8=", "f").unwrap(), b"hello");
        assert_eq!(decode_base64(" aGVs\r\nbG8=\n", "f").unwrap(), b"hello");
        let err = decode_base64("aGVs bG8", "signedText").unwrap_err();
        assert!(err.starts_with("signedText is not valid base64"), "{err}");
        assert!(decode_base64("a\u{e9}GVsbG8=", "f").is_err());
    }

    #[test]
    fn signed_text_packs() {
        let mut r = ValidationRequest {
            signed_text: Some("aGVsbG8=".into()),
            signed_text_pack: Some("BASE64-ISO-8859-1".into()),
            ..Default::default()
        };
        assert_eq!(r.signed_bytes().unwrap().unwrap(), b"hello");
        r.signed_text_pack = None;
        assert_eq!(r.signed_bytes().unwrap().unwrap(), b"aGVsbG8=");
        r.signed_text_pack = Some("UTF-16".into());
        assert!(r.signed_bytes().unwrap_err().contains("signedTextPack"));
        r.signed_text_pack = Some("BASE64".into());
        r.signed_text = Some("***".into());
        assert!(
            r.signed_bytes()
                .unwrap_err()
                .contains("signedText is not valid base64")
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err =
            serde_json::from_str::<ValidationRequest>(r#"{"signatureType":"X509","sig":"x"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("sig"));
    }
}

//! Recognising the encoding of a CMS message (DER/BER, PEM, or bare
//! base64) and what its ContentInfo holds, from its structure alone.

use std::borrow::Cow;

use base64ct::{Base64, Encoding};

use super::asn1::{self, SignedData};
use super::ber;
use super::tlv::tag;
use crate::cert::{looks_like_pem, pem_blocks};
use crate::error::{Error, Result};

/// PEM labels of a CMS / PKCS #7 message (RFC 7468 9 names `CMS` and
/// `PKCS7`; OpenSSL also writes `PKCS #7 SIGNED DATA`).
const LABELS: [&str; 3] = ["PKCS7", "CMS", "PKCS #7 SIGNED DATA"];

/// The binary encoding of a message, and how leniently it was read.
pub(crate) struct Decoded<'a> {
    /// The BER or DER element.
    pub der: Cow<'a, [u8]>,
    /// ASCII white space after the element that was ignored (a newline a
    /// text tool appended to a DER file), in bytes; 0 when there was none.
    pub trailing_whitespace: usize,
}

/// The binary (BER or DER) encoding of the message in `input`.
pub(crate) fn decode_input(input: &[u8]) -> Result<Decoded<'_>> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    if input.first() == Some(&tag::SEQUENCE) {
        return Ok(split_trailing_whitespace(Cow::Borrowed(input)));
    }
    if looks_like_pem(input) {
        let mut found = Vec::new();
        for (index, block) in pem_blocks(input).into_iter().enumerate() {
            if LABELS.contains(&block.label.as_str()) {
                return block
                    .der
                    .map(|der| Decoded {
                        der: Cow::Owned(der),
                        trailing_whitespace: 0,
                    })
                    .map_err(|reason| Error::Pem {
                        index,
                        label: block.label,
                        reason,
                    });
            }
            found.push(block.label);
        }
        return Err(Error::invalid(
            "CMS message",
            format!(
                "no PKCS7 or CMS PEM block (found: {})",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
        ));
    }
    // Bare base64 (as in request fields and S/MIME bodies).
    let text: Vec<u8> = input
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if text
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
    {
        let text = std::str::from_utf8(&text).unwrap_or_default();
        let der = Base64::decode_vec(text).map_err(|e| {
            Error::invalid(
                "CMS message",
                format!("neither DER nor PEM, and bad base64: {e}"),
            )
        })?;
        if der.first() == Some(&tag::SEQUENCE) {
            return Ok(split_trailing_whitespace(Cow::Owned(der)));
        }
    }
    Err(Error::invalid(
        "CMS message",
        format!(
            "neither DER/BER (first byte 0x{:02X}, not a SEQUENCE), PEM nor base64",
            input.first().copied().unwrap_or(0)
        ),
    ))
}

/// Drops ASCII white space after the first element, and only that: any
/// other trailing byte stays and fails the parse.
fn split_trailing_whitespace(der: Cow<'_, [u8]>) -> Decoded<'_> {
    let trailing = match ber::element_len(&der) {
        Ok(len) if der[len..].iter().all(u8::is_ascii_whitespace) => der.len() - len,
        _ => 0,
    };
    let der = match der {
        Cow::Borrowed(b) => Cow::Borrowed(&b[..b.len() - trailing]),
        Cow::Owned(mut v) => {
            v.truncate(v.len() - trailing);
            Cow::Owned(v)
        }
    };
    Decoded {
        der,
        trailing_whitespace: trailing,
    }
}

/// What a CMS ContentInfo holds, decided from its structure alone: a
/// signature is never read as something weaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CmsShape {
    /// A SignedData with at least one SignerInfo: a signature.
    Signature {
        /// The number of SignerInfos.
        signers: usize,
    },
    /// A SignedData without SignerInfos: a certificate (and CRL) bundle,
    /// the "degenerate case" of RFC 5652 5.1 (`.p7b` files).
    CertificatesOnly,
}

/// What the CMS message in `input` (DER, BER, PEM or base64) is.
///
/// `Ok(None)` when the input is not a CMS ContentInfo at all (it may be
/// certificates). A ContentInfo is a SEQUENCE whose first element is an
/// OBJECT IDENTIFIER (a Certificate's is a SEQUENCE), or a `PKCS7` / `CMS`
/// PEM block. `Err` when the input is a ContentInfo but not a well-formed
/// SignedData: such input is refused, never validated as something less.
///
/// ```
/// use validate::cms::{cms_shape, CmsShape};
/// let p7s = std::fs::read("../examples/signatures/detached.p7s").unwrap();
/// assert_eq!(cms_shape(&p7s).unwrap(), Some(CmsShape::Signature { signers: 1 }));
/// let pem = std::fs::read("../examples/chain/chain.pem").unwrap();
/// assert_eq!(cms_shape(&pem).unwrap(), None);
/// // A SignedData that does not parse is refused, not read as certificates.
/// assert!(cms_shape(&p7s[..p7s.len() - 1]).is_err());
/// ```
pub fn cms_shape(input: &[u8]) -> Result<Option<CmsShape>> {
    let Ok(decoded) = decode_input(input) else {
        // Not CMS in any encoding (certificates in PEM, other data).
        return Ok(None);
    };
    if ber::first_inner_tag(&decoded.der) != Some(tag::OID) {
        return Ok(None);
    }
    let der = ber::normalise(&decoded.der).map_err(|e| Error::der("CMS ContentInfo", e))?;
    let sd = parse_signed_data(&der)?;
    Ok(Some(if sd.signer_infos.is_empty() {
        CmsShape::CertificatesOnly
    } else {
        CmsShape::Signature {
            signers: sd.signer_infos.len(),
        }
    }))
}

/// Reads the SignedData of a DER-shaped ContentInfo; the error names it.
pub(crate) fn parse_signed_data(der: &[u8]) -> Result<SignedData<'_>> {
    asn1::content_info(der).map_err(|e| Error::der("CMS SignedData", e))
}

/// The certificates of a PKCS#7 / CMS bundle (BER or DER, one ContentInfo
/// of type signedData), as `(their DER encodings, number of SignerInfos,
/// whether the element was BER rather than DER)`.
/// Entries of the certificate set that are not X.509 certificates
/// (attribute certificates, other formats) are skipped. `Err` when the
/// element is not a well-formed SignedData.
pub(crate) fn bundle_certificates(element: &[u8]) -> Result<(Vec<Vec<u8>>, usize, bool)> {
    let der = ber::normalise(element).map_err(|e| Error::der("PKCS#7 bundle", e))?;
    let sd = asn1::content_info(&der).map_err(|e| Error::der("PKCS#7 bundle", e))?;
    let certificates = sd
        .certificates
        .iter()
        .filter(|c| c.tag == tag::SEQUENCE)
        .map(|c| c.raw.to_vec())
        .collect();
    let ber = matches!(der, Cow::Owned(_));
    Ok((certificates, sd.signer_infos.len(), ber))
}

/// The encapsulated content of a CMS SignedData in any accepted encoding
/// (`None` when detached or not a SignedData): what an adbe.pkcs7.sha1 PDF
/// signature signs, the SHA-1 digest of the ByteRange.
pub(crate) fn encapsulated_content(input: &[u8]) -> Option<Vec<u8>> {
    let decoded = decode_input(input).ok()?;
    let der = ber::normalise(&decoded.der).ok()?;
    let sd = asn1::content_info(&der).ok()?;
    sd.econtent.map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(input: &[u8]) -> Vec<u8> {
        decode_input(input).unwrap().der.into_owned()
    }

    #[test]
    fn encodings() {
        assert_eq!(der(&[0x30, 0x00]), &[0x30, 0x00]);
        let pem = b"-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n";
        assert_eq!(der(pem), &[0x30, 0x00]);
        assert_eq!(der(b" MAA=\n"), &[0x30, 0x00]);
        assert!(matches!(decode_input(b"  \n"), Err(Error::Empty)));
        let other = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert!(
            decode_input(other)
                .err()
                .unwrap()
                .to_string()
                .contains("CERTIFICATE")
        );
        assert!(decode_input(b"hello world!").is_err());
        assert!(decode_input(b"AAAA").is_err());
    }

    #[test]
    fn trailing_whitespace_only_is_dropped() {
        let d = decode_input(&[0x30, 0x00, b'\r', b'\n']).unwrap();
        assert_eq!(
            (d.der.as_ref(), d.trailing_whitespace),
            (&[0x30, 0x00][..], 2)
        );
        // Other trailing bytes are kept, so the strict parse refuses them.
        let d = decode_input(&[0x30, 0x00, 0x00]).unwrap();
        assert_eq!((d.der.len(), d.trailing_whitespace), (3, 0));
    }

    #[test]
    fn shapes() {
        let p7s = include_bytes!("../../../examples/signatures/detached.p7s");
        assert_eq!(
            cms_shape(p7s).unwrap(),
            Some(CmsShape::Signature { signers: 1 })
        );
        let chain = include_bytes!("../../../examples/chain/chain.pem");
        assert_eq!(cms_shape(chain).unwrap(), None);
        // A ContentInfo of another type is not read as anything.
        let enveloped = super::super::tlv::encode(
            tag::SEQUENCE,
            &super::super::tlv::encode(tag::OID, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 7, 3]),
        );
        assert!(cms_shape(&enveloped).is_err());
    }
}

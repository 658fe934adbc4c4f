//! Recognising the encoding of a CMS message: DER/BER, PEM, or bare base64.

use std::borrow::Cow;

use base64ct::{Base64, Encoding};

use crate::cert::{looks_like_pem, pem_blocks};
use crate::error::{Error, Result};

/// PEM labels of a CMS / PKCS #7 message (RFC 7468 9 names `CMS` and
/// `PKCS7`; OpenSSL also writes `PKCS #7 SIGNED DATA`).
const LABELS: [&str; 3] = ["PKCS7", "CMS", "PKCS #7 SIGNED DATA"];

/// The binary (BER or DER) encoding of the message in `input`.
pub(crate) fn decode_input(input: &[u8]) -> Result<Cow<'_, [u8]>> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    if input.first() == Some(&0x30) {
        return Ok(Cow::Borrowed(input));
    }
    if looks_like_pem(input) {
        let mut found = Vec::new();
        for (index, block) in pem_blocks(input).into_iter().enumerate() {
            if LABELS.contains(&block.label.as_str()) {
                return block.der.map(Cow::Owned).map_err(|reason| Error::Pem {
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
        if der.first() == Some(&0x30) {
            return Ok(Cow::Owned(der));
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

/// The number of SignerInfos of a CMS SignedData in any accepted encoding;
/// `None` when the input is not a SignedData. Used to tell a signature from
/// a certs-only PKCS#7 bundle (which has none).
pub fn signer_count(input: &[u8]) -> Option<usize> {
    let der = decode_input(input).ok()?;
    let der = super::ber::normalise(&der).ok()?;
    super::asn1::content_info(&der)
        .ok()
        .map(|sd| sd.signer_infos.len())
}

/// The encapsulated content of a CMS SignedData in any accepted encoding
/// (`None` when detached or not a SignedData): what an adbe.pkcs7.sha1 PDF
/// signature signs, the SHA-1 digest of the ByteRange.
pub(crate) fn encapsulated_content(input: &[u8]) -> Option<Vec<u8>> {
    let der = decode_input(input).ok()?;
    let der = super::ber::normalise(&der).ok()?;
    let sd = super::asn1::content_info(&der).ok()?;
    sd.econtent.map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode_input(&[0x30, 0x00]).unwrap().as_ref(), &[0x30, 0x00]);
        let pem = b"-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n";
        assert_eq!(decode_input(pem).unwrap().as_ref(), &[0x30, 0x00]);
        assert_eq!(decode_input(b" MAA=\n").unwrap().as_ref(), &[0x30, 0x00]);
        assert!(matches!(decode_input(b"  \n"), Err(Error::Empty)));
        let other = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert!(
            decode_input(other)
                .unwrap_err()
                .to_string()
                .contains("CERTIFICATE")
        );
        assert!(decode_input(b"hello world!").is_err());
        assert!(decode_input(b"AAAA").is_err());
    }
}

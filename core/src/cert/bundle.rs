//! Reading certificates from files as people have them: one DER
//! certificate, PEM with any number of blocks and text between them,
//! concatenated DER, or a PKCS#7 / CMS certs-only bundle (`.p7b`), in DER or
//! in a PEM `PKCS7` block.

use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber, asn1::ObjectIdentifier};

use super::certificate::Certificate;
use super::pem;
use crate::error::{Error, Result};

/// Largest input accepted by [`read_certificates`], in bytes (64 MiB: far
/// above any real bundle; the Mozilla root store is about 300 KiB).
pub const MAX_BUNDLE_SIZE: usize = 64 * 1024 * 1024;

/// id-signedData (RFC 5652 5.1).
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// PEM labels that hold one certificate (OpenSSL also reads the older
/// `X509 CERTIFICATE` label).
const CERTIFICATE_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];
/// PEM labels that hold a PKCS#7 / CMS bundle.
const PKCS7_LABELS: [&str; 2] = ["PKCS7", "CMS"];

/// Reads every certificate of the input, each on its own: a certificate
/// that fails to parse is an `Err` naming its index ([`Error::InBundle`])
/// and does not hide the others.
///
/// The outer `Err` is for input that holds no certificate at all (empty,
/// oversized, only other PEM blocks, or bytes that are neither PEM nor DER).
///
/// ```
/// let pem = std::fs::read("../examples/chain/chain.pem").unwrap();
/// let certs = validate::read_certificates(&pem).unwrap();
/// assert_eq!(certs.len(), 3);
/// assert!(certs.iter().all(|c| c.is_ok()));
/// ```
pub fn read_certificates(input: &[u8]) -> Result<Vec<Result<Certificate>>> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    if input.len() > MAX_BUNDLE_SIZE {
        return Err(Error::TooLarge {
            what: "a certificate file",
            size: input.len(),
            limit: MAX_BUNDLE_SIZE,
        });
    }
    let entries = if pem::looks_like_pem(input) {
        from_pem(input)?
    } else {
        from_der_sequence(input)?
    };
    // An index only helps when there is more than one entry.
    if entries.len() == 1 {
        return Ok(entries);
    }
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            entry.map_err(|source| Error::InBundle {
                index,
                source: Box::new(source),
            })
        })
        .collect())
}

/// Like [`read_certificates`], but the first bad certificate fails the whole input.
pub fn read_certificates_strict(input: &[u8]) -> Result<Vec<Certificate>> {
    read_certificates(input)?.into_iter().collect()
}

fn from_pem(input: &[u8]) -> Result<Vec<Result<Certificate>>> {
    let mut entries = Vec::new();
    let mut other_labels = Vec::new();
    for (index, block) in pem::blocks(input).into_iter().enumerate() {
        let is_cert = CERTIFICATE_LABELS.contains(&block.label.as_str());
        let is_pkcs7 = PKCS7_LABELS.contains(&block.label.as_str());
        if !is_cert && !is_pkcs7 {
            other_labels.push(block.label);
            continue;
        }
        let der = match block.der {
            Ok(der) => der,
            Err(reason) => {
                entries.push(Err(Error::Pem {
                    index,
                    label: block.label,
                    reason,
                }));
                continue;
            }
        };
        if is_cert {
            entries.push(Certificate::from_der(&der));
        } else {
            match pkcs7_certificates(&der) {
                Ok(certs) => entries.extend(certs.into_iter().map(Certificate::from_der)),
                Err(e) => entries.push(Err(e)),
            }
        }
    }
    if entries.is_empty() {
        return Err(Error::NoCertificate {
            found: other_labels,
        });
    }
    Ok(entries)
}

/// Splits binary input into top-level DER elements; each is a certificate
/// or a PKCS#7 bundle. Input that does not start with a DER SEQUENCE is not
/// certificate data at all; later bytes that cannot be framed end the input
/// with an error entry.
fn from_der_sequence(input: &[u8]) -> Result<Vec<Result<Certificate>>> {
    if input.first() != Some(&0x30) {
        return Err(Error::invalid(
            "certificate file",
            format!(
                "neither PEM (no '-----BEGIN' line) nor DER (first byte is 0x{:02X}, not a SEQUENCE)",
                input.first().copied().unwrap_or(0)
            ),
        ));
    }
    let mut entries = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let element = match split_tlv(rest) {
            Ok((element, tail)) => {
                rest = tail;
                element
            }
            Err(e) => {
                entries.push(Err(Error::der("certificate file", e)));
                break;
            }
        };
        if is_content_info(element) {
            match pkcs7_certificates(element) {
                Ok(certs) => entries.extend(certs.into_iter().map(Certificate::from_der)),
                Err(e) => entries.push(Err(e)),
            }
        } else {
            entries.push(Certificate::from_der(element));
        }
    }
    Ok(entries)
}

/// The first complete TLV of `input` and what follows it.
fn split_tlv(input: &[u8]) -> der::Result<(&[u8], &[u8])> {
    let mut reader = SliceReader::new(input)?;
    let element = reader.tlv_bytes()?;
    Ok((element, &input[element.len()..]))
}

/// True when the element is a ContentInfo: SEQUENCE { OBJECT IDENTIFIER, ... }
/// (a Certificate starts with SEQUENCE { SEQUENCE ... }).
fn is_content_info(element: &[u8]) -> bool {
    let Ok(mut reader) = SliceReader::new(element) else {
        return false;
    };
    Header::decode(&mut reader).is_ok_and(|h| h.tag() == Tag::Sequence)
        && Tag::peek(&reader).is_ok_and(|t| t == Tag::ObjectIdentifier)
}

/// The raw certificates of a certs-only PKCS#7 / CMS SignedData
/// (RFC 5652 5.1: `certificates [0] IMPLICIT CertificateSet`), in order.
/// Other certificate choices (attribute certificates, ...) are skipped.
fn pkcs7_certificates(der: &[u8]) -> Result<Vec<&[u8]>> {
    let what = "PKCS#7 bundle";
    let err = |e: der::Error| Error::der(what, e);
    let mut reader = SliceReader::new(der).map_err(err)?;
    let certs = reader
        .sequence(|content_info| {
            let content_type = ObjectIdentifier::decode(content_info)?;
            if content_type != SIGNED_DATA {
                return Ok(None);
            }
            let explicit = Header::decode(content_info)?;
            content_info.read_nested(explicit.length(), |inner| {
                inner.sequence(|signed_data| {
                    // version, digestAlgorithms, encapContentInfo
                    for _ in 0..3 {
                        signed_data.tlv_bytes()?;
                    }
                    let mut certs = Vec::new();
                    if Tag::peek(signed_data)?
                        == (Tag::ContextSpecific {
                            constructed: true,
                            number: TagNumber(0),
                        })
                    {
                        let set = Header::decode(signed_data)?;
                        signed_data.read_nested(set.length(), |set| {
                            while !set.is_finished() {
                                let choice = set.tlv_bytes()?;
                                if choice.first() == Some(&0x30) {
                                    certs.push(choice);
                                }
                            }
                            Ok::<_, der::Error>(())
                        })?;
                    }
                    // crls and signerInfos follow; a certs-only bundle has no
                    // signers, and nothing of them is needed here.
                    while !signed_data.is_finished() {
                        signed_data.tlv_bytes()?;
                    }
                    Ok(Some(certs))
                })
            })
        })
        .map_err(err)?;
    reader.finish().map_err(err)?;
    match certs {
        Some(certs) => Ok(certs),
        None => Err(Error::invalid(
            what,
            "content type is not signedData (RFC 5652 5.1)",
        )),
    }
}

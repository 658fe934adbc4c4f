//! Reading certificates from files as people have them: one DER
//! certificate, PEM with any number of blocks and text between them,
//! concatenated DER, or a PKCS#7 / CMS certs-only bundle (`.p7b`), in DER or
//! in a PEM `PKCS7` block.

use super::certificate::Certificate;
use super::pem;
use crate::error::{Error, Result};

/// Largest input accepted by [`read_certificates`], in bytes (64 MiB: far
/// above any real bundle; the Mozilla root store is about 300 KiB).
pub const MAX_BUNDLE_SIZE: usize = 64 * 1024 * 1024;

/// PEM labels that hold one certificate (OpenSSL also reads the older
/// `X509 CERTIFICATE` label).
const CERTIFICATE_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];
/// PEM labels that hold a PKCS#7 / CMS bundle.
const PKCS7_LABELS: [&str; 2] = ["PKCS7", "CMS"];

/// How an input departed from a strict encoding while it was read. Each
/// is reported where the caller has a report (the validator makes them
/// warnings); the CLI prints them on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputDeviation {
    /// ASCII white space after the last DER element (a newline a text
    /// tool appended) was ignored.
    TrailingWhitespace {
        /// How many bytes.
        bytes: usize,
    },
    /// A PKCS#7 bundle is BER-encoded (indefinite lengths or constructed
    /// strings, as some CAs publish their roots); it was read as BER.
    BerBundle,
    /// A PKCS#7 element is a SignedData with SignerInfos, not a
    /// certificates-only bundle: its certificates were read, its
    /// signatures were not checked.
    SignaturesNotChecked {
        /// The number of SignerInfos left unchecked.
        signers: usize,
    },
}

impl std::fmt::Display for InputDeviation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputDeviation::TrailingWhitespace { bytes } => {
                write!(f, "{bytes} bytes of white space after the DER were ignored")
            }
            InputDeviation::BerBundle => f.write_str("the PKCS#7 bundle is BER, not DER"),
            InputDeviation::SignaturesNotChecked { signers } => write!(
                f,
                "the PKCS#7 data is a SignedData with {signers} signer(s): only its certificates were read, its signatures were not checked"
            ),
        }
    }
}

/// What [`read_bundle`] found: every certificate on its own, and how the
/// input departed from a strict encoding.
#[derive(Debug)]
#[non_exhaustive]
pub struct CertificateBundle {
    /// Each certificate, or why it failed (naming its index in the bundle
    /// when there are several).
    pub certificates: Vec<Result<Certificate>>,
    /// Lenient readings, in input order.
    pub deviations: Vec<InputDeviation>,
}

/// Reads every certificate of the input, each on its own: a certificate
/// that fails to parse is an `Err` naming its index ([`Error::InBundle`])
/// and does not hide the others.
///
/// The outer `Err` is for input that holds no certificate at all (empty,
/// oversized, only other PEM blocks, or bytes that are neither PEM nor DER)
/// and for a PKCS#7 element that is not a well-formed SignedData (a broken
/// signature is never read as a bundle).
///
/// ```
/// let pem = std::fs::read("../examples/chain/chain.pem").unwrap();
/// let certs = validate::read_certificates(&pem).unwrap();
/// assert_eq!(certs.len(), 3);
/// assert!(certs.iter().all(|c| c.is_ok()));
/// ```
pub fn read_certificates(input: &[u8]) -> Result<Vec<Result<Certificate>>> {
    read_bundle(input).map(|bundle| bundle.certificates)
}

/// Like [`read_certificates`], but the first bad certificate fails the whole input.
pub fn read_certificates_strict(input: &[u8]) -> Result<Vec<Certificate>> {
    read_certificates(input)?.into_iter().collect()
}

/// [`read_certificates`] with the deviations it tolerated.
///
/// ```
/// use validate::cert::{read_bundle, InputDeviation};
/// let pem = std::fs::read("../examples/chain/root.pem").unwrap();
/// let mut der = validate::Certificate::from_pem(&pem).unwrap().der().to_vec();
/// der.push(b'\n');
/// let bundle = read_bundle(&der).unwrap();
/// assert_eq!(bundle.certificates.len(), 1);
/// assert_eq!(bundle.deviations, [InputDeviation::TrailingWhitespace { bytes: 1 }]);
/// ```
pub fn read_bundle(input: &[u8]) -> Result<CertificateBundle> {
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
    let mut bundle = CertificateBundle {
        certificates: Vec::new(),
        deviations: Vec::new(),
    };
    if pem::looks_like_pem(input) {
        from_pem(input, &mut bundle)?;
    } else {
        from_der_sequence(input, &mut bundle)?;
    }
    // An index only helps when there is more than one entry.
    if bundle.certificates.len() > 1 {
        bundle.certificates = std::mem::take(&mut bundle.certificates)
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                entry.map_err(|source| Error::InBundle {
                    index,
                    source: Box::new(source),
                })
            })
            .collect();
    }
    Ok(bundle)
}

fn from_pem(input: &[u8], bundle: &mut CertificateBundle) -> Result<()> {
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
                bundle.certificates.push(Err(Error::Pem {
                    index,
                    label: block.label,
                    reason,
                }));
                continue;
            }
        };
        if is_cert {
            bundle.certificates.push(Certificate::from_der(&der));
        } else {
            pkcs7(&der, bundle)?;
        }
    }
    if bundle.certificates.is_empty() {
        return Err(Error::NoCertificate {
            found: other_labels,
        });
    }
    Ok(())
}

/// Splits binary input into top-level elements (framed as BER, so that a
/// BER bundle frames too); each is a certificate or a PKCS#7 bundle. Input
/// that does not start with a SEQUENCE is not certificate data at all;
/// white space after the last element is tolerated (a deviation); other
/// bytes that cannot be framed end the input with an error entry.
fn from_der_sequence(input: &[u8], bundle: &mut CertificateBundle) -> Result<()> {
    if input.first() != Some(&0x30) {
        return Err(Error::invalid(
            "certificate file",
            format!(
                "neither PEM (no '-----BEGIN' line) nor DER (first byte is 0x{:02X}, not a SEQUENCE)",
                input.first().copied().unwrap_or(0)
            ),
        ));
    }
    let mut rest = input;
    while !rest.is_empty() {
        if rest.iter().all(u8::is_ascii_whitespace) {
            bundle
                .deviations
                .push(InputDeviation::TrailingWhitespace { bytes: rest.len() });
            break;
        }
        let element = match crate::cms::ber::element_len(rest) {
            Ok(len) => {
                let (element, tail) = rest.split_at(len);
                rest = tail;
                element
            }
            Err(e) => {
                bundle
                    .certificates
                    .push(Err(Error::der("certificate file", e)));
                break;
            }
        };
        if crate::cms::ber::first_inner_tag(element) == Some(0x06) {
            pkcs7(element, bundle)?;
        } else {
            bundle.certificates.push(Certificate::from_der(element));
        }
    }
    Ok(())
}

/// The certificates of a PKCS#7 / CMS element (RFC 5652 5.1:
/// `certificates [0] IMPLICIT CertificateSet`), in order; other certificate
/// choices (attribute certificates, ...) are skipped. A malformed
/// SignedData fails the whole input.
fn pkcs7(element: &[u8], bundle: &mut CertificateBundle) -> Result<()> {
    let (certificates, signers, ber) = crate::cms::bundle_certificates(element)?;
    if ber {
        bundle.deviations.push(InputDeviation::BerBundle);
    }
    if signers > 0 {
        bundle
            .deviations
            .push(InputDeviation::SignaturesNotChecked { signers });
    }
    bundle
        .certificates
        .extend(certificates.iter().map(|der| Certificate::from_der(der)));
    Ok(())
}

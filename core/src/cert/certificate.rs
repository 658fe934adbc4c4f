//! The parsed X.509 certificate (RFC 5280 4.1).
//!
//! Parsing is strict DER for the structure and lenient where real
//! certificates are sloppy and OpenSSL still loads them: any serial length
//! or sign, any version number, and validity times that do not follow RFC
//! 5280 4.1.2.5 (kept as [`ValidityTime::Malformed`], never valid at any time).

use std::ops::Range;

use der::{
    Decode, Header, Reader, Sequence, SliceReader, Tag, Tagged,
    asn1::{Any, BitString, Int, ObjectIdentifier},
};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::name::Name;

use super::extensions::{Extension, ExtensionValue, KeyUsage, oid};
use super::name::DistinguishedName;
use super::public_key::PublicKeyInfo;
use super::serial::SerialNumber;
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Largest certificate accepted, in bytes. Real certificates stay under
/// 64 KiB; the limit only stops absurd inputs from costing memory and time.
pub const MAX_CERTIFICATE_SIZE: usize = 1024 * 1024;

/// A validity bound as encoded in the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidityTime {
    /// A well-formed UTCTime or GeneralizedTime.
    Time(Timestamp),
    /// A time that does not parse; the encoded text is kept for reports.
    Malformed {
        /// The encoded characters, lossily converted to text.
        encoded: String,
    },
}

impl ValidityTime {
    /// The instant, when the encoding is well formed.
    pub fn time(&self) -> Option<Timestamp> {
        match self {
            ValidityTime::Time(t) => Some(*t),
            ValidityTime::Malformed { .. } => None,
        }
    }
}

/// An X.509 certificate: parsed fields plus the original bytes.
///
/// ```
/// use validate::Certificate;
/// let pem = include_str!("../../../examples/chain/leaf.pem");
/// let cert = Certificate::from_pem(pem.as_bytes()).unwrap();
/// assert_eq!(cert.subject().to_string(), "CN=Example Code Signing,O=Example Software Ltd,C=GB");
/// assert_eq!(cert.version(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    version: u32,
    serial: SerialNumber,
    tbs_signature_algorithm: AlgorithmIdentifierOwned,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: Vec<u8>,
    issuer: DistinguishedName,
    subject: DistinguishedName,
    not_before: ValidityTime,
    not_after: ValidityTime,
    public_key: PublicKeyInfo,
    extensions: Vec<Extension>,
    sha256: [u8; 32],
    sha1: [u8; 20],
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
#[derive(Sequence)]
struct CertificateAsn1 {
    tbs: TbsAsn1,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// TBSCertificate (RFC 5280 4.1), with the lenient field types described in
/// the module documentation.
#[derive(Sequence)]
struct TbsAsn1 {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<u32>,
    serial: Int,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: ValidityAsn1,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitString>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitString>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<x509_cert::ext::Extension>>,
}

#[derive(Sequence)]
struct ValidityAsn1 {
    not_before: Any,
    not_after: Any,
}

impl Certificate {
    /// Parses one DER-encoded certificate; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.is_empty() {
            return Err(Error::Empty);
        }
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(Error::TooLarge {
                what: "a certificate",
                size: der.len(),
                limit: MAX_CERTIFICATE_SIZE,
            });
        }
        let asn1 = CertificateAsn1::from_der(der).map_err(|e| Error::der("Certificate", e))?;
        let tbs = tbs_range(der).map_err(|e| Error::der("Certificate", e))?;
        let t = asn1.tbs;
        if t.version == Some(0) {
            // X.690 11.5: DER omits a value equal to its DEFAULT; RFC 5280
            // 4.1: `version [0] EXPLICIT Version DEFAULT v1`. An explicit v1
            // is BER, and a strict decoder re-encodes different bytes than
            // the issuer signed (BoringSSL refuses it too).
            return Err(Error::Der {
                what: "Certificate",
                detail: "version v1 is encoded explicitly; DER omits a DEFAULT value (X.690 11.5, RFC 5280 4.1)".into(),
            });
        }
        let extensions = t
            .extensions
            .unwrap_or_default()
            .into_iter()
            .map(|e| Extension::decode(e.extn_id, e.critical, e.extn_value.into_bytes().into_vec()))
            .collect();
        Ok(Certificate {
            tbs,
            // RFC 5280 4.1.2.1: the encoded value is the version minus one.
            version: t.version.unwrap_or(0).saturating_add(1),
            serial: SerialNumber::from_bytes(t.serial.as_bytes().to_vec()),
            tbs_signature_algorithm: t.signature,
            signature_algorithm: asn1.signature_algorithm,
            signature: asn1.signature.raw_bytes().to_vec(),
            issuer: DistinguishedName::from_name(&t.issuer, "Certificate issuer")?,
            subject: DistinguishedName::from_name(&t.subject, "Certificate subject")?,
            not_before: validity_time(&t.validity.not_before),
            not_after: validity_time(&t.validity.not_after),
            public_key: PublicKeyInfo::new(t.subject_public_key_info)?,
            extensions,
            sha256: Sha256::digest(der).into(),
            sha1: Sha1::digest(der).into(),
            der: der.to_vec(),
        })
    }

    /// Parses the first certificate of PEM text (see [`crate::read_certificates`]
    /// for bundles).
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        super::bundle::read_certificates(pem)?
            .into_iter()
            .next()
            .ok_or(Error::NoCertificate { found: Vec::new() })?
    }

    /// The certificate's DER encoding, exactly as given.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The DER of the TBSCertificate: the bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// The X.509 version (1, 2 or 3; other values appear in broken certificates).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The serial number.
    pub fn serial(&self) -> &SerialNumber {
        &self.serial
    }

    /// The outer signatureAlgorithm.
    pub fn signature_algorithm(&self) -> &AlgorithmIdentifierOwned {
        &self.signature_algorithm
    }

    /// The signature field inside the TBSCertificate; RFC 5280 4.1.1.2 says
    /// it must equal [`Self::signature_algorithm`].
    pub fn tbs_signature_algorithm(&self) -> &AlgorithmIdentifierOwned {
        &self.tbs_signature_algorithm
    }

    /// The signatureValue bits.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The issuer name.
    pub fn issuer(&self) -> &DistinguishedName {
        &self.issuer
    }

    /// The subject name.
    pub fn subject(&self) -> &DistinguishedName {
        &self.subject
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> &ValidityTime {
        &self.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> &ValidityTime {
        &self.not_after
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKeyInfo {
        &self.public_key
    }

    /// Every extension, in certificate order.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// The first extension with the given OID.
    pub fn extension(&self, oid: &ObjectIdentifier) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.oid() == *oid)
    }

    /// SHA-256 of the DER.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// SHA-1 of the DER (the .NET thumbprint).
    pub fn sha1(&self) -> &[u8; 20] {
        &self.sha1
    }

    /// True when subject and issuer are the same name (RFC 5280 6.1:
    /// "self-issued"), compared on their encodings.
    pub fn is_self_issued(&self) -> bool {
        self.subject.der() == self.issuer.der()
    }

    /// The subjectKeyIdentifier, when present and well formed.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        match self.extension(&oid::SUBJECT_KEY_IDENTIFIER)?.value() {
            ExtensionValue::SubjectKeyIdentifier(id) => Some(id),
            _ => None,
        }
    }

    /// The keyIdentifier of the authorityKeyIdentifier, when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        match self.extension(&oid::AUTHORITY_KEY_IDENTIFIER)?.value() {
            ExtensionValue::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.as_bytes())
            }
            _ => None,
        }
    }

    /// The keyUsage bits, when the extension is present and well formed.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        match self.extension(&oid::KEY_USAGE)?.value() {
            ExtensionValue::KeyUsage(ku) => Some(*ku),
            _ => None,
        }
    }

    /// Why this certificate's key may not verify signatures on data
    /// (CMS signers, timestamp tokens, OCSP responses), or `None` when it
    /// may. RFC 5280 4.2.1.3: such signatures need digitalSignature or
    /// nonRepudiation (contentCommitment) when keyUsage is present; a
    /// keyUsage that does not decode allows nothing.
    ///
    /// ```
    /// let pem = std::fs::read("../examples/chain/leaf.pem").unwrap();
    /// let leaf = validate::Certificate::from_pem(&pem).unwrap();
    /// assert_eq!(leaf.key_usage_forbids_signing(), None);
    /// ```
    pub fn key_usage_forbids_signing(&self) -> Option<String> {
        let ext = self.extension(&oid::KEY_USAGE)?;
        let ExtensionValue::KeyUsage(ku) = ext.value() else {
            return Some("its keyUsage extension does not decode (RFC 5280 4.2.1.3)".into());
        };
        if ku.bits() & (KeyUsage::DIGITAL_SIGNATURE | KeyUsage::NON_REPUDIATION) != 0 {
            return None;
        }
        Some(format!(
            "its keyUsage ({}) asserts neither digitalSignature nor nonRepudiation (RFC 5280 4.2.1.3)",
            ku.names().join(", ")
        ))
    }
}

/// The byte range of the TBSCertificate inside the Certificate.
fn tbs_range(der: &[u8]) -> der::Result<Range<usize>> {
    let mut reader = SliceReader::new(der)?;
    let _outer = Header::decode(&mut reader)?;
    let start = usize::try_from(reader.position())?;
    let tbs = reader.tlv_bytes()?;
    Ok(start..start + tbs.len())
}

/// Reads a UTCTime or GeneralizedTime (RFC 5280 4.1.2.5) leniently: seconds
/// may be missing and an offset may replace `Z`, as OpenSSL allows; anything
/// else is kept as malformed.
pub(crate) fn validity_time(any: &Any) -> ValidityTime {
    let bytes = any.value();
    let parsed = match any.tag() {
        Tag::UtcTime => parse_asn1_time(bytes, 2),
        Tag::GeneralizedTime => parse_asn1_time(bytes, 4),
        _ => None,
    };
    match parsed {
        Some(t) => ValidityTime::Time(t),
        None => ValidityTime::Malformed {
            encoded: format!("{}: {}", any.tag(), String::from_utf8_lossy(bytes)),
        },
    }
}

pub(crate) fn parse_asn1_time(b: &[u8], year_digits: usize) -> Option<Timestamp> {
    use crate::time::digits;
    let (year, rest) = b.split_at_checked(year_digits)?;
    let year = i64::from(digits(year)?);
    // RFC 5280 4.1.2.5.1: UTCTime YY >= 50 is 19YY, otherwise 20YY.
    let year = match year_digits {
        2 if year >= 50 => 1900 + year,
        2 => 2000 + year,
        _ => year,
    };
    let field = |i: usize| rest.get(i..i + 2).and_then(digits);
    let (month, day, hour, minute) = (field(0)?, field(2)?, field(4)?, field(6)?);
    let mut rest = rest.get(8..)?;
    let mut second = 0;
    if rest.first().is_some_and(u8::is_ascii_digit) {
        second = rest.get(0..2).and_then(digits)?;
        rest = &rest[2..];
        if year_digits == 4 && rest.first() == Some(&b'.') {
            let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            rest = &rest[1 + frac..];
        }
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let off = i64::from(digits(&[*h1, *h2])? * 3600 + digits(&[*m1, *m2])? * 60);
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let local = Timestamp::from_civil(year, month, day, hour, minute, second)?;
    Some(Timestamp::from_unix_seconds(local.unix_seconds() - offset))
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asn1_time_forms() {
        let t = |s: &str, n| parse_asn1_time(s.as_bytes(), n).map(|t| t.to_string());
        assert_eq!(
            t("491231235959Z", 2).as_deref(),
            Some("2049-12-31T23:59:59Z")
        );
        assert_eq!(
            t("500101000000Z", 2).as_deref(),
            Some("1950-01-01T00:00:00Z")
        );
        assert_eq!(t("1101010000Z", 2).as_deref(), Some("2011-01-01T00:00:00Z"));
        assert_eq!(
            t("110101020000+0200", 2).as_deref(),
            Some("2011-01-01T00:00:00Z")
        );
        assert_eq!(
            t("20500101000000.5Z", 4).as_deref(),
            Some("2050-01-01T00:00:00Z")
        );
        // The badasn1time.pem case: a four-digit year in a UTCTime.
        assert_eq!(t("19020701025736Z", 2), None);
        assert_eq!(t("", 2), None);
        assert_eq!(t("991332000000Z", 2), None);
    }
}

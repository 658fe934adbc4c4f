//! Certificate extensions (RFC 5280 4.2): typed where recognised, raw bytes
//! always.
//!
//! An extension whose value does not decode is kept as
//! [`ExtensionValue::Malformed`] with the reason, so that a certificate with
//! one bad extension still parses (as it does in OpenSSL) and path validation
//! can reject it with a precise finding.

use der::{Decode, asn1::ObjectIdentifier};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, InhibitAnyPolicy, IssuerAltName, NameConstraints,
    PolicyConstraints, PolicyMappings, SubjectAltName, SubjectKeyIdentifier,
};

/// Extension OIDs this crate recognises (RFC 5280 4.2.1 and 4.2.2).
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// 2.5.29.14 subjectKeyIdentifier (RFC 5280 4.2.1.2).
    pub const SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
    /// 2.5.29.15 keyUsage (RFC 5280 4.2.1.3).
    pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
    /// 2.5.29.17 subjectAltName (RFC 5280 4.2.1.6).
    pub const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
    /// 2.5.29.18 issuerAltName (RFC 5280 4.2.1.7).
    pub const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
    /// 2.5.29.19 basicConstraints (RFC 5280 4.2.1.9).
    pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
    /// 2.5.29.30 nameConstraints (RFC 5280 4.2.1.10).
    pub const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
    /// 2.5.29.31 cRLDistributionPoints (RFC 5280 4.2.1.13).
    pub const CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
    /// 2.5.29.32 certificatePolicies (RFC 5280 4.2.1.4).
    pub const CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
    /// 2.5.29.33 policyMappings (RFC 5280 4.2.1.5).
    pub const POLICY_MAPPINGS: Oid = Oid::new_unwrap("2.5.29.33");
    /// 2.5.29.35 authorityKeyIdentifier (RFC 5280 4.2.1.1).
    pub const AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.35");
    /// 2.5.29.36 policyConstraints (RFC 5280 4.2.1.11).
    pub const POLICY_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.36");
    /// 2.5.29.37 extKeyUsage (RFC 5280 4.2.1.12).
    pub const EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
    /// 2.5.29.54 inhibitAnyPolicy (RFC 5280 4.2.1.14).
    pub const INHIBIT_ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.54");
    /// 1.3.6.1.5.5.7.1.1 authorityInfoAccess (RFC 5280 4.2.2.1).
    pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
}

/// Key usage bits in .NET `X509KeyUsageFlags` layout, which is the first
/// two octets of the DER BIT STRING read little-endian: `digitalSignature`
/// (bit 0) is 0x80, `decipherOnly` (bit 8) is 0x8000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// digitalSignature (RFC 5280 bit 0).
    pub const DIGITAL_SIGNATURE: u16 = 0x80;
    /// nonRepudiation / contentCommitment (bit 1).
    pub const NON_REPUDIATION: u16 = 0x40;
    /// keyEncipherment (bit 2).
    pub const KEY_ENCIPHERMENT: u16 = 0x20;
    /// dataEncipherment (bit 3).
    pub const DATA_ENCIPHERMENT: u16 = 0x10;
    /// keyAgreement (bit 4).
    pub const KEY_AGREEMENT: u16 = 0x08;
    /// keyCertSign (bit 5).
    pub const KEY_CERT_SIGN: u16 = 0x04;
    /// cRLSign (bit 6).
    pub const CRL_SIGN: u16 = 0x02;
    /// encipherOnly (bit 7).
    pub const ENCIPHER_ONLY: u16 = 0x01;
    /// decipherOnly (bit 8).
    pub const DECIPHER_ONLY: u16 = 0x8000;

    /// .NET names and values, in ascending value order (the order in which
    /// .NET's `Enum.ToString` lists set flags).
    pub const NAMES: [(u16, &'static str); 9] = [
        (Self::ENCIPHER_ONLY, "EncipherOnly"),
        (Self::CRL_SIGN, "CrlSign"),
        (Self::KEY_CERT_SIGN, "KeyCertSign"),
        (Self::KEY_AGREEMENT, "KeyAgreement"),
        (Self::DATA_ENCIPHERMENT, "DataEncipherment"),
        (Self::KEY_ENCIPHERMENT, "KeyEncipherment"),
        (Self::NON_REPUDIATION, "NonRepudiation"),
        (Self::DIGITAL_SIGNATURE, "DigitalSignature"),
        (Self::DECIPHER_ONLY, "DecipherOnly"),
    ];

    /// The .NET names of the set flags, in [`Self::NAMES`] order.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(bit, _)| self.contains(*bit))
            .map(|(_, name)| *name)
            .collect()
    }

    /// The flags as a .NET `X509KeyUsageFlags` value.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// True when every bit of `flags` is set.
    pub fn contains(self, flags: u16) -> bool {
        self.0 & flags == flags
    }

    /// Decodes the extension value: a BIT STRING (RFC 5280 4.2.1.3).
    fn from_der(value: &[u8]) -> der::Result<Self> {
        let bits = der::asn1::BitStringRef::from_der(value)?;
        let raw = bits.raw_bytes();
        let first = raw.first().copied().unwrap_or(0);
        let second = raw.get(1).copied().unwrap_or(0) & 0x80;
        Ok(KeyUsage(u16::from(first) | (u16::from(second) << 8)))
    }
}

/// A decoded extension value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtensionValue {
    /// basicConstraints (RFC 5280 4.2.1.9).
    BasicConstraints(BasicConstraints),
    /// keyUsage (RFC 5280 4.2.1.3).
    KeyUsage(KeyUsage),
    /// extKeyUsage (RFC 5280 4.2.1.12): purpose OIDs.
    ExtendedKeyUsage(Vec<ObjectIdentifier>),
    /// subjectKeyIdentifier (RFC 5280 4.2.1.2): the key identifier octets.
    SubjectKeyIdentifier(Vec<u8>),
    /// authorityKeyIdentifier (RFC 5280 4.2.1.1).
    AuthorityKeyIdentifier(AuthorityKeyIdentifier),
    /// subjectAltName (RFC 5280 4.2.1.6).
    SubjectAltName(SubjectAltName),
    /// issuerAltName (RFC 5280 4.2.1.7).
    IssuerAltName(IssuerAltName),
    /// nameConstraints (RFC 5280 4.2.1.10).
    NameConstraints(NameConstraints),
    /// certificatePolicies (RFC 5280 4.2.1.4).
    CertificatePolicies(CertificatePolicies),
    /// policyMappings (RFC 5280 4.2.1.5).
    PolicyMappings(PolicyMappings),
    /// policyConstraints (RFC 5280 4.2.1.11).
    PolicyConstraints(PolicyConstraints),
    /// inhibitAnyPolicy (RFC 5280 4.2.1.14): SkipCerts.
    InhibitAnyPolicy(u32),
    /// cRLDistributionPoints (RFC 5280 4.2.1.13).
    CrlDistributionPoints(CrlDistributionPoints),
    /// authorityInfoAccess (RFC 5280 4.2.2.1).
    AuthorityInfoAccess(AuthorityInfoAccessSyntax),
    /// An extension type this crate does not interpret.
    Unrecognized,
    /// A recognised type whose value does not decode; the reason says why.
    Malformed(String),
}

/// One extension of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    oid: ObjectIdentifier,
    critical: bool,
    value_der: Vec<u8>,
    value: ExtensionValue,
}

impl Extension {
    pub(crate) fn decode(oid: ObjectIdentifier, critical: bool, value_der: Vec<u8>) -> Self {
        let value = decode_value(&oid, &value_der);
        Extension {
            oid,
            critical,
            value_der,
            value,
        }
    }

    /// The extension's OID (extnID).
    pub fn oid(&self) -> ObjectIdentifier {
        self.oid
    }

    /// The critical flag.
    pub fn critical(&self) -> bool {
        self.critical
    }

    /// The extnValue octets (the DER of the extension's own structure).
    pub fn value_der(&self) -> &[u8] {
        &self.value_der
    }

    /// The decoded value.
    pub fn value(&self) -> &ExtensionValue {
        &self.value
    }
}

fn decode_value(oid: &ObjectIdentifier, der: &[u8]) -> ExtensionValue {
    let decoded = match *oid {
        oid::BASIC_CONSTRAINTS => {
            BasicConstraints::from_der(der).map(ExtensionValue::BasicConstraints)
        }
        oid::KEY_USAGE => KeyUsage::from_der(der).map(ExtensionValue::KeyUsage),
        oid::EXTENDED_KEY_USAGE => {
            ExtendedKeyUsage::from_der(der).map(|e| ExtensionValue::ExtendedKeyUsage(e.0))
        }
        oid::SUBJECT_KEY_IDENTIFIER => SubjectKeyIdentifier::from_der(der)
            .map(|s| ExtensionValue::SubjectKeyIdentifier(s.0.as_bytes().to_vec())),
        oid::AUTHORITY_KEY_IDENTIFIER => {
            AuthorityKeyIdentifier::from_der(der).map(ExtensionValue::AuthorityKeyIdentifier)
        }
        oid::SUBJECT_ALT_NAME => SubjectAltName::from_der(der).map(ExtensionValue::SubjectAltName),
        oid::ISSUER_ALT_NAME => IssuerAltName::from_der(der).map(ExtensionValue::IssuerAltName),
        oid::NAME_CONSTRAINTS => {
            NameConstraints::from_der(der).map(ExtensionValue::NameConstraints)
        }
        oid::CERTIFICATE_POLICIES => {
            CertificatePolicies::from_der(der).map(ExtensionValue::CertificatePolicies)
        }
        oid::POLICY_MAPPINGS => PolicyMappings::from_der(der).map(ExtensionValue::PolicyMappings),
        oid::POLICY_CONSTRAINTS => {
            PolicyConstraints::from_der(der).map(ExtensionValue::PolicyConstraints)
        }
        oid::INHIBIT_ANY_POLICY => {
            InhibitAnyPolicy::from_der(der).map(|i| ExtensionValue::InhibitAnyPolicy(i.0))
        }
        oid::CRL_DISTRIBUTION_POINTS => {
            CrlDistributionPoints::from_der(der).map(ExtensionValue::CrlDistributionPoints)
        }
        oid::AUTHORITY_INFO_ACCESS => {
            AuthorityInfoAccessSyntax::from_der(der).map(ExtensionValue::AuthorityInfoAccess)
        }
        _ => return ExtensionValue::Unrecognized,
    };
    decoded.unwrap_or_else(|e| ExtensionValue::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_uses_dotnet_layout() {
        // BIT STRING, 1 unused bit: digitalSignature | keyCertSign | cRLSign
        let ku = KeyUsage::from_der(&[0x03, 0x02, 0x01, 0x86]).unwrap();
        assert_eq!(ku.bits(), 0x86);
        assert!(ku.contains(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_CERT_SIGN));
        // decipherOnly is bit 8: second octet's top bit.
        let ku = KeyUsage::from_der(&[0x03, 0x03, 0x07, 0x00, 0x80]).unwrap();
        assert_eq!(ku.bits(), KeyUsage::DECIPHER_ONLY);
    }

    #[test]
    fn malformed_recognised_extension_keeps_reason() {
        let ext = Extension::decode(oid::BASIC_CONSTRAINTS, true, vec![0x04, 0x00]);
        assert!(matches!(ext.value(), ExtensionValue::Malformed(r) if !r.is_empty()));
        let ext = Extension::decode(ObjectIdentifier::new_unwrap("1.2.3.4"), false, vec![1]);
        assert_eq!(ext.value(), &ExtensionValue::Unrecognized);
    }
}

//! Distinguished-name comparison, the one place for it: RFC 5280 7.1 (and
//! 4.1.2.4, which sends issuer and subject comparison there) asks that
//! names be compared after the string preparation of RFC 4518. Used for
//! chaining issuer to subject (the pool index), for CRL issuers,
//! certificateIssuer entries and distribution point names (RFC 5280 6.3.3),
//! for OCSP responder names (RFC 6960 4.2.2.2) and for directoryName name
//! constraints (RFC 5280 4.2.1.10).
//!
//! The preparation is RFC 4518 simplified: a string value of any string type
//! (PrintableString, UTF8String, BMPString, ...) is compared by its text,
//! case-folded, with leading and trailing white space removed and inner
//! runs collapsed to one space (RFC 4518 2.6); a value that is not a string
//! is compared by its DER. The attributes of a multi-valued RDN are
//! compared as a set (X.501 9.3).

use crate::cert::{DistinguishedName, NameAttribute};

/// One attribute value in comparison form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ValueKey {
    /// A string value, prepared (RFC 4518 2.6, simplified).
    Text(String),
    /// Any other value, by its DER.
    Der(Vec<u8>),
}

/// One RDN in comparison form: (attribute type OID content octets, value),
/// sorted, so that the order of a multi-valued RDN does not matter.
pub(crate) type RdnKey = Vec<(Vec<u8>, ValueKey)>;

/// A distinguished name in the form RFC 5280 7.1 compares: equal keys are
/// matching names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NameKey(Vec<RdnKey>);

impl NameKey {
    /// The comparison form of `name`.
    pub(crate) fn of(name: &DistinguishedName) -> Self {
        NameKey(
            name.rdns()
                .iter()
                .map(|rdn| {
                    let mut attrs: RdnKey = rdn
                        .iter()
                        .map(|a| (a.oid().as_bytes().to_vec(), value_key(a)))
                        .collect();
                    attrs.sort();
                    attrs
                })
                .collect(),
        )
    }

    /// True when the first RDNs of `self` are those of `base` (RFC 5280
    /// 4.2.1.10: a directoryName lies in a subtree when the subtree's name is
    /// a prefix of it).
    pub(crate) fn starts_with(&self, base: &NameKey) -> bool {
        self.0.starts_with(&base.0)
    }
}

fn value_key(attr: &NameAttribute) -> ValueKey {
    match attr.text() {
        Some(text) => ValueKey::Text(fold(text)),
        None => ValueKey::Der(attr.value_der().to_vec()),
    }
}

/// RFC 4518 2.6 insignificant space handling and case folding, simplified:
/// white space trimmed and collapsed to one space, then lowercase.
pub(crate) fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(der: &[u8]) -> DistinguishedName {
        use der::Decode;
        let name = x509_cert::name::Name::from_der(der).unwrap();
        DistinguishedName::from_name(&name, "test").unwrap()
    }

    /// SEQUENCE OF SET OF one (OID, value) with the given string tag.
    fn name(rdns: &[&[(&[u8], u8, &str)]]) -> Vec<u8> {
        let tlv = |tag: u8, body: &[u8]| {
            let mut out = vec![tag, body.len() as u8];
            out.extend_from_slice(body);
            out
        };
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, tag, value) in *rdn {
                let mut atv = tlv(0x06, oid);
                atv.extend(tlv(*tag, value.as_bytes()));
                set.extend(tlv(0x30, &atv));
            }
            seq.extend(tlv(0x31, &set));
        }
        tlv(0x30, &seq)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];

    #[test]
    fn fold_is_rfc4518_insignificant_space_and_case() {
        assert_eq!(fold("  Example   CA  Inc "), "example ca inc");
        assert_eq!(fold("ÉCOLE"), "école");
    }

    #[test]
    fn string_types_case_and_space_do_not_matter_but_order_of_rdns_does() {
        let printable = dn(&name(&[&[(CN, 0x13, "Example  CA")]]));
        let utf8 = dn(&name(&[&[(CN, 0x0c, " example ca ")]]));
        assert_eq!(NameKey::of(&printable), NameKey::of(&utf8));
        let two = dn(&name(&[&[(O, 0x0c, "Org")], &[(CN, 0x0c, "CA")]]));
        let swapped = dn(&name(&[&[(CN, 0x0c, "CA")], &[(O, 0x0c, "Org")]]));
        assert_ne!(NameKey::of(&two), NameKey::of(&swapped));
        // A multi-valued RDN is a set.
        let ab = dn(&name(&[&[(O, 0x0c, "Org"), (CN, 0x0c, "CA")]]));
        let ba = dn(&name(&[&[(CN, 0x0c, "CA"), (O, 0x0c, "Org")]]));
        assert_eq!(NameKey::of(&ab), NameKey::of(&ba));
        // Prefixes, for directoryName subtrees.
        let org = dn(&name(&[&[(O, 0x0c, "ORG")]]));
        assert!(NameKey::of(&two).starts_with(&NameKey::of(&org)));
        assert!(!NameKey::of(&swapped).starts_with(&NameKey::of(&org)));
    }

    #[test]
    fn text_that_looks_like_an_encoding_does_not_collide() {
        // The old string keys joined "oid=value" with '+' and showed
        // non-string values as "#HEX": a value could imitate either.
        let plus = dn(&name(&[&[(CN, 0x0c, "a+2.5.4.10=b")]]));
        let two = dn(&name(&[&[(CN, 0x0c, "a"), (O, 0x0c, "b")]]));
        assert_ne!(NameKey::of(&plus), NameKey::of(&two));
    }
}

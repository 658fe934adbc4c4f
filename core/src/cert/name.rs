//! Distinguished names (RFC 5280 4.1.2.4) as ordered attribute lists and as
//! RFC 4514 strings.
//!
//! The string form follows RFC 4514 exactly as OpenSSL prints it with
//! `-nameopt RFC2253,-esc_msb`: last RDN first, `,` between RDNs and `+`
//! inside a multi-valued RDN, OpenSSL's short attribute names, UTF-8 values
//! with RFC 4514 2.4 escaping, and `#` followed by the hex DER of a value that
//! is not a string or whose attribute type has no name.

use std::fmt::{self, Write as _};

use der::{Encode, Tag, Tagged, asn1::ObjectIdentifier};
use x509_cert::name::Name;

use crate::error::Error;

/// One attribute of a name, e.g. `CN=example.com`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameAttribute {
    oid: ObjectIdentifier,
    /// The decoded value when it is of a string type (UTF8String,
    /// PrintableString, BMPString, ...); `None` for other types (e.g. BIT STRING).
    text: Option<String>,
    /// The value's DER encoding, tag included.
    value_der: Vec<u8>,
}

/// A distinguished name: relative distinguished names in encoding order
/// (most significant first, usually `C` before `CN`), each a set of attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DistinguishedName {
    rdns: Vec<Vec<NameAttribute>>,
    der: Vec<u8>,
}

impl NameAttribute {
    /// The attribute type OID.
    pub fn oid(&self) -> ObjectIdentifier {
        self.oid
    }

    /// OpenSSL's short name for the attribute type (`CN`, `O`, `emailAddress`, ...),
    /// or `None` for a type without one.
    pub fn short_name(&self) -> Option<&'static str> {
        short_name(&self.oid)
    }

    /// The value as text, when it is of a string type.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The value's DER encoding, tag included.
    pub fn value_der(&self) -> &[u8] {
        &self.value_der
    }

    /// The key used in RFC 4514 strings and in the report's `parsedDN`: the
    /// short name, or the dotted OID.
    pub fn key(&self) -> String {
        self.short_name()
            .map_or_else(|| self.oid.to_string(), str::to_string)
    }
}

impl DistinguishedName {
    /// Decodes a name from its x509-cert form, keeping the DER encoding for
    /// exact comparison (RFC 5280 7.1 name chaining compares after
    /// normalisation; the path builder does that on top of this type).
    pub(crate) fn from_name(name: &Name, what: &'static str) -> Result<Self, Error> {
        let der = name.to_der().map_err(|e| Error::der(what, e))?;
        let mut rdns = Vec::with_capacity(name.len());
        for rdn in name.iter_rdn() {
            let mut attrs = Vec::with_capacity(rdn.len());
            for atv in rdn.iter() {
                let text = decode_text(&atv.value).map_err(|rule| {
                    Error::invalid(what, format!("attribute {}: {rule}", atv.oid))
                })?;
                let value_der = atv.value.to_der().map_err(|e| Error::der(what, e))?;
                attrs.push(NameAttribute {
                    oid: atv.oid,
                    text,
                    value_der,
                });
            }
            rdns.push(attrs);
        }
        Ok(DistinguishedName { rdns, der })
    }

    /// The relative distinguished names in encoding order.
    pub fn rdns(&self) -> &[Vec<NameAttribute>] {
        &self.rdns
    }

    /// Every attribute in encoding order; repeated types (e.g. several `OU`)
    /// keep their order.
    pub fn attributes(&self) -> impl Iterator<Item = &NameAttribute> {
        self.rdns.iter().flatten()
    }

    /// Text values of every attribute of the given type, in encoding order.
    pub fn values_of(&self, oid: &ObjectIdentifier) -> impl Iterator<Item = &str> {
        self.attributes()
            .filter(move |a| a.oid == *oid)
            .filter_map(NameAttribute::text)
    }

    /// The DER encoding of the name.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// True for the empty name (no RDN).
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }
}

/// RFC 4514 string, e.g. `CN=Example CA,O=Example\, Inc.,C=US`.
impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rdn) in self.rdns.iter().rev().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            for (j, attr) in rdn.iter().enumerate() {
                if j > 0 {
                    f.write_char('+')?;
                }
                write_attribute(f, attr)?;
            }
        }
        Ok(())
    }
}

fn write_attribute(f: &mut fmt::Formatter<'_>, attr: &NameAttribute) -> fmt::Result {
    match (attr.short_name(), &attr.text) {
        (Some(name), Some(text)) => {
            write!(f, "{name}=")?;
            write_escaped(f, text)
        }
        // RFC 4514 2.4: a value of a type without a string form, or of an
        // attribute type without a name, is '#' and the hex of its BER.
        (name, _) => {
            match name {
                Some(name) => write!(f, "{name}=#")?,
                None => write!(f, "{}=#", attr.oid)?,
            }
            attr.value_der.iter().try_for_each(|b| write!(f, "{b:02X}"))
        }
    }
}

// RFC 4514 2.4 escaping, as OpenSSL's esc_2253 | esc_ctrl does it.
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            '#' if i == 0 => f.write_str("\\#")?,
            ' ' if i == 0 || i == last => f.write_str("\\ ")?,
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => write!(f, "\\{c}")?,
            '\u{0}'..='\u{1f}' | '\u{7f}' => write!(f, "\\{:02X}", c as u32)?,
            _ => f.write_char(c)?,
        }
    }
    Ok(())
}

/// Decodes an attribute value of a string type; `None` for other universal
/// types; tags of other classes are rejected, as OpenSSL does. (`der` cannot
/// decode the UniversalString and GraphicString tags at all, so names using
/// them fail earlier, in DER decoding.)
fn decode_text(value: &der::Any) -> Result<Option<String>, String> {
    let bytes = value.value();
    let tag = value.tag();
    let text = match tag {
        Tag::Utf8String => String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("UTF8String is not valid UTF-8 ({e})"))?,
        // One byte per character; OpenSSL reads T61String as Latin-1 too.
        Tag::PrintableString
        | Tag::Ia5String
        | Tag::TeletexString
        | Tag::VideotexString
        | Tag::VisibleString
        | Tag::GeneralString
        | Tag::NumericString => bytes.iter().map(|&b| char::from(b)).collect(),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return Err("BMPString has an odd number of bytes".into());
            }
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|_| "BMPString holds an unpaired surrogate".to_string())?
        }
        Tag::Application { .. } | Tag::ContextSpecific { .. } | Tag::Private { .. } => {
            return Err(format!("value has non-universal tag {tag}"));
        }
        _ => return Ok(None),
    };
    Ok(Some(text))
}

/// OpenSSL's short names (`OBJ_nid2sn`) of the attribute types seen in
/// certificate names.
fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    const NAMES: &[(ObjectIdentifier, &str)] = &[
        (named("2.5.4.3"), "CN"),
        (named("2.5.4.4"), "SN"),
        (named("2.5.4.5"), "serialNumber"),
        (named("2.5.4.6"), "C"),
        (named("2.5.4.7"), "L"),
        (named("2.5.4.8"), "ST"),
        (named("2.5.4.9"), "street"),
        (named("2.5.4.10"), "O"),
        (named("2.5.4.11"), "OU"),
        (named("2.5.4.12"), "title"),
        (named("2.5.4.13"), "description"),
        (named("2.5.4.15"), "businessCategory"),
        (named("2.5.4.16"), "postalAddress"),
        (named("2.5.4.17"), "postalCode"),
        (named("2.5.4.18"), "postOfficeBox"),
        (named("2.5.4.19"), "physicalDeliveryOfficeName"),
        (named("2.5.4.20"), "telephoneNumber"),
        (named("2.5.4.41"), "name"),
        (named("2.5.4.42"), "GN"),
        (named("2.5.4.43"), "initials"),
        (named("2.5.4.44"), "generationQualifier"),
        (named("2.5.4.45"), "x500UniqueIdentifier"),
        (named("2.5.4.46"), "dnQualifier"),
        (named("2.5.4.65"), "pseudonym"),
        (named("2.5.4.72"), "role"),
        (named("2.5.4.51"), "houseIdentifier"),
        (named("2.5.4.54"), "dmdName"),
        (named("2.5.4.97"), "organizationIdentifier"),
        (named("1.2.840.113549.1.9.1"), "emailAddress"),
        (named("1.2.840.113549.1.9.2"), "unstructuredName"),
        (named("1.2.840.113549.1.9.8"), "unstructuredAddress"),
        (named("0.9.2342.19200300.100.1.1"), "UID"),
        (named("0.9.2342.19200300.100.1.25"), "DC"),
        (named("1.3.6.1.4.1.311.60.2.1.1"), "jurisdictionL"),
        (named("1.3.6.1.4.1.311.60.2.1.2"), "jurisdictionST"),
        (named("1.3.6.1.4.1.311.60.2.1.3"), "jurisdictionC"),
        // Russian identifiers (GOST R 34.10 certificates).
        (named("1.2.643.3.131.1.1"), "INN"),
        (named("1.2.643.100.1"), "OGRN"),
        (named("1.2.643.100.3"), "SNILS"),
        (named("1.2.643.100.5"), "OGRNIP"),
    ];
    const fn named(dotted: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(dotted)
    }
    NAMES.iter().find(|(o, _)| o == oid).map(|(_, name)| *name)
}

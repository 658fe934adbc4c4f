//! Name comparison for revocation: CRL issuers, certificateIssuer entries
//! and distribution point names.
//!
//! Directory names are compared as RFC 5280 7.1 asks, by the one
//! comparison of the crate (`path/name_match.rs`), the one the path builder
//! chains names with. General names other than directory names are
//! compared by value: URIs exactly, anything else by DER.

use der::{Decode, Encode};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::name::{Name, RelativeDistinguishedName};

use crate::cert::DistinguishedName;
pub(crate) use crate::path::NameKey;

/// A general name in comparable form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum GeneralNameKey {
    /// directoryName.
    Directory(NameKey),
    /// uniformResourceIdentifier, exactly as encoded.
    Uri(String),
    /// Any other form, by its DER.
    Other(Vec<u8>),
}

impl GeneralNameKey {
    /// The comparable form of a general name; `None` when a directory name
    /// holds an attribute value this crate cannot read.
    pub(crate) fn of(name: &GeneralName) -> Option<Self> {
        Some(match name {
            GeneralName::DirectoryName(dn) => GeneralNameKey::Directory(NameKey::of(
                &DistinguishedName::from_name(dn, "name").ok()?,
            )),
            GeneralName::UniformResourceIdentifier(uri) => {
                GeneralNameKey::Uri(uri.as_str().to_string())
            }
            other => GeneralNameKey::Other(other.to_der().ok()?),
        })
    }

    /// The directory name, when this is one.
    pub(crate) fn directory(&self) -> Option<&NameKey> {
        match self {
            GeneralNameKey::Directory(key) => Some(key),
            _ => None,
        }
    }
}

/// Comparable forms of a list of general names (unreadable ones dropped).
pub(crate) fn general_names(names: &[GeneralName]) -> Vec<GeneralNameKey> {
    names.iter().filter_map(GeneralNameKey::of).collect()
}

/// The names of a DistributionPointName (RFC 5280 4.2.1.13): the fullName,
/// or the nameRelativeToCRLIssuer appended to `relative_to` (the CRL issuer's
/// name).
pub(crate) fn distribution_point_names(
    name: &DistributionPointName,
    relative_to: &DistinguishedName,
) -> Vec<GeneralNameKey> {
    match name {
        DistributionPointName::FullName(names) => general_names(names),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            relative_name(relative_to, rdn).into_iter().collect()
        }
    }
}

fn relative_name(
    base: &DistinguishedName,
    rdn: &RelativeDistinguishedName,
) -> Option<GeneralNameKey> {
    let base = Name::from_der(base.der()).ok()?;
    let mut rdns = base.as_ref().clone();
    rdns.push(rdn.clone());
    let full = Name::from_der(&rdns.to_der().ok()?).ok()?;
    GeneralNameKey::of(&GeneralName::DirectoryName(full))
}

/// True when the two lists share a name.
pub(crate) fn any_common(a: &[GeneralNameKey], b: &[GeneralNameKey]) -> bool {
    a.iter().any(|x| b.contains(x))
}

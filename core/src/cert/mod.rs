//! X.509 certificates: parsing (DER, PEM, bundles), names, serial numbers,
//! extensions and public keys.

mod bundle;
mod certificate;
pub(crate) mod extensions;
mod name;
mod pem;
pub(crate) mod public_key;
mod serial;

pub use bundle::{
    CertificateBundle, InputDeviation, MAX_BUNDLE_SIZE, read_bundle, read_certificates,
    read_certificates_strict,
};
pub use certificate::{Certificate, MAX_CERTIFICATE_SIZE, ValidityTime};
pub(crate) use certificate::{parse_asn1_time, validity_time};
pub use extensions::{Extension, ExtensionValue, KeyUsage};
pub use name::{DistinguishedName, NameAttribute};
pub(crate) use pem::{blocks as pem_blocks, looks_like_pem};
pub use public_key::PublicKeyInfo;
pub(crate) use serial::hex_upper;
pub use serial::{MAX_DECIMAL_SERIAL_OCTETS, SerialNumber};

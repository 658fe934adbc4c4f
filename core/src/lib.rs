//! `validate`: validation of X.509 certificates and digital signatures.
//!
//! Read certificates in any common encoding and produce the certificate
//! records of the certificates table:
//!
//! ```
//! use validate::{read_certificates, CertificateRecord};
//!
//! let pem = std::fs::read("../examples/chain/chain.pem").unwrap();
//! for cert in read_certificates(&pem).unwrap() {
//!     let cert = cert.unwrap();
//!     let record = CertificateRecord::from_certificate(&cert);
//!     println!("{} {}", record.fingerprint, record.subject);
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod authenticode;
pub mod cert;
pub mod cms;
pub mod crypto;
mod error;
mod limits;
pub mod nuget;
pub mod path;
pub mod pdf;
pub mod policy;
pub mod record;
pub mod report;
pub mod request;
pub mod revocation;
mod time;
pub mod validator;
pub mod xades;
mod xml;

/// Internals reachable only for this repository's conformance tests and
/// fuzz targets (W3C canonicalization vectors need the canonicalizer
/// itself). Not part of the API: hidden from the documentation, and free
/// to change in any release.
#[doc(hidden)]
pub mod testing {
    pub use crate::xml::{C14nMethod, canonicalize};
}

// The few names every user needs sit at the root; the rest of the surface
// is in the modules above, one path per item.
pub use cert::{Certificate, read_certificates, read_certificates_strict};
pub use error::{Error, Result};
pub use limits::read_limited;
pub use record::CertificateRecord;
pub use time::Timestamp;

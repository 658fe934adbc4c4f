//! CMS SignedData verification (RFC 5652), RFC 3161 timestamps over
//! signatures, and raw (PKCS #1 style) signatures.
//!
//! * [`verify_signed_data`]: every signer of a SignedData in DER, BER or PEM,
//!   attached or detached content (streamed from a reader); signed
//!   attributes, ESS signing-certificate(-v2), countersignatures, timestamps
//!   and the signer paths. Result: [`SignedDataResult`] with one
//!   [`SignerResult`] per signer.
//! * [`verify_pkcs1`]: a bare signature value with a certificate and an
//!   algorithm name.
//! * Findings carry [`CmsCode`]s (30200-30299), listed in `docs/cms.md`.

mod asn1;
mod attributes;
pub(crate) mod ber;
mod context;
mod findings;
mod input;
mod pkcs1;
pub(crate) mod raw;
mod result;
mod timestamp;
pub(crate) mod tlv;
mod verify;

pub use attributes::{EssBinding, SignedAttributesInfo};
pub use context::{Limits, VerifyContext};
pub use findings::{CmsCode, CmsFinding, Severity};
pub(crate) use input::bundle_certificates;
pub(crate) use input::encapsulated_content;
pub use input::{CmsShape, cms_shape};
pub(crate) use pkcs1::pss_params;
pub use pkcs1::{RawSignatureResult, verify_pkcs1};
pub use result::{
    SignatureStatus, SignedDataResult, SignerIdentifier, SignerResult, TimestampResult, TstInfo,
};
pub use timestamp::{verify_timestamp_token, verify_timestamp_token_with};
pub use verify::verify_signed_data;

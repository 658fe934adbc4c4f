//! Certification paths (RFC 5280 section 6): trust store, path building,
//! validation rules, findings and chain status.

mod budget;
mod builder;
mod cache;
mod dns_name;
mod findings;
mod hostname;
mod name_constraints;
mod name_match;
mod options;
mod policy_tree;
mod process;
mod profile;
mod recover;
mod result;
mod revocation;
mod status;
mod store;

pub use budget::Budget;
pub(crate) use budget::Meter;
pub use builder::{validate_path, validate_path_with_revocation};
pub use cache::SignatureCache;
pub use findings::{Finding, ResultCode, Severity};
pub(crate) use name_match::NameKey;
pub use options::{ANY_EXTENDED_KEY_USAGE, Profile, Purpose, ValidationOptions};
pub use result::PathValidation;
pub use status::{ChainStatusFlags, EndCertificateStatus};
pub use store::{CertificatePool, TrustStore};

//! Certification paths: status of a validated chain.

mod status;

pub use status::{ChainStatusFlags, EndCertificateStatus};

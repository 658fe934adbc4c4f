//! Certification paths: status of a validated chain.

// Wired in by the path builder.
#[allow(dead_code)]
mod hostname;
// Wired in by the path builder.
#[allow(dead_code)]
mod name_constraints;
mod status;

pub use status::{ChainStatusFlags, EndCertificateStatus};

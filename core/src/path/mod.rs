//! Certification paths: status of a validated chain.

#[allow(dead_code)] // wired in by the path builder
mod policy_tree;
mod status;

pub use status::{ChainStatusFlags, EndCertificateStatus};

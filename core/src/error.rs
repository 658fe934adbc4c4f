//! The library's error type: input that could not be processed.
//!
//! A certificate that is expired, untrusted or revoked is *not* an error: it
//! is a finding, reported in a validation result. `Error` is only for input
//! the library cannot read (malformed DER, no certificate in a file, a size
//! over a limit) and always says which input and why.

use std::fmt;

/// Why an input could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds no bytes at all (or only whitespace).
    #[error("input is empty")]
    Empty,

    /// The input is larger than the limit for its kind.
    #[error("input is {size} bytes or more, over the limit of {limit} bytes for {what}")]
    TooLarge {
        /// What was being read (e.g. "a certificate bundle").
        what: &'static str,
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// A PEM block is malformed (missing END line, bad base64, ...).
    #[error("PEM block {index} ({label}): {reason}")]
    Pem {
        /// Zero-based index of the PEM block in the input.
        index: usize,
        /// The block's label, e.g. `CERTIFICATE`.
        label: String,
        /// What is wrong with it.
        reason: String,
    },

    /// DER decoding failed.
    #[error("{what}: malformed DER: {detail}")]
    Der {
        /// The structure being decoded (e.g. "Certificate", "PKCS#7 bundle").
        what: &'static str,
        /// The decoder's description of the problem, with its position.
        detail: String,
    },

    /// A structure decoded but breaks a rule that makes it unusable.
    #[error("{what}: {rule}")]
    Invalid {
        /// The structure (e.g. "Certificate subject").
        what: &'static str,
        /// The rule it breaks, citing the standard where there is one.
        rule: String,
    },

    /// The input holds no certificate.
    #[error("no certificate found{}", found_suffix(.found))]
    NoCertificate {
        /// The kinds of objects that were found instead (PEM labels), if any.
        found: Vec<String>,
    },

    /// One certificate in a bundle failed; the index says which one.
    #[error("certificate {index} of the bundle: {source}")]
    InBundle {
        /// Zero-based position of the certificate in the bundle.
        index: usize,
        /// Why it failed.
        source: Box<Error>,
    },
}

fn found_suffix(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!(" (found: {})", found.join(", "))
    }
}

impl Error {
    /// A DER decoding error for the named structure.
    pub(crate) fn der(what: &'static str, err: impl fmt::Display) -> Self {
        Error::Der {
            what,
            detail: err.to_string(),
        }
    }

    /// A rule violation for the named structure.
    pub(crate) fn invalid(what: &'static str, rule: impl Into<String>) -> Self {
        Error::Invalid {
            what,
            rule: rule.into(),
        }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

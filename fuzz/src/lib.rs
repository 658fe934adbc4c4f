//! The fuzz targets' checks, in one place: each target in `fuzz_targets/`
//! calls one `check_*` function, and `tests/replay.rs` calls the same
//! function on every file of the target's corpus (`corpus/<target>/`), so
//! the normal test command guards every input the fuzzers found without
//! fuzzing. See `docs/fuzzing.md`.
//!
//! A check asserts what must hold, not only that nothing panics: parts of
//! a parsed DER structure re-encode to the bytes they came from; a mutant
//! of a committed OpenSSL-signed fixture in its signed bytes never
//! validates; signature checks stay within the budget.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod build;
mod checks;
pub mod der;
pub mod fixtures;
pub mod mutant;
mod path_spec;

pub use checks::*;
pub use mutant::check_cms_mutant;
pub use path_spec::check_cert_path;

/// A target's check: panics when the input breaks a property.
pub type Check = fn(&[u8]);

/// Every target: its name (the `fuzz_targets/<name>.rs` binary and the
/// `corpus/<name>/` folder) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("certificate_der", check_certificate_der),
    ("certificate_pem", check_certificate_pem),
    ("bundle", check_bundle),
    ("name", check_name),
    ("general_name", check_general_name),
    ("crl", check_crl),
    ("ocsp_response", check_ocsp_response),
    ("ocsp_request", check_ocsp_request),
    ("cms_der", check_cms_der),
    ("cms_ber", check_cms_ber),
    ("cms_mutant", check_cms_mutant),
    ("timestamp", check_timestamp),
    ("pkcs1", check_pkcs1),
    ("request_json", check_request_json),
    ("policy_json", check_policy_json),
    ("archive_entry", check_archive_entry),
    ("archive_query", check_archive_query),
    ("cert_path", check_cert_path),
];

//! C functions for code-signing formats: NuGet packages, Authenticode PE
//! files, and the certificates table of signed files.

use std::ffi::{c_char, c_int};

use crate::{ValidateValidator, api, bytes, codesign_api, optional_str, string_out, validator_arg};

/// Verifies a signed NuGet package or an Authenticode-signed PE file
/// (`file`, `file_len` bytes; told apart by their structure) with the
/// validator's policy at `at` (null: now). `*out_result` receives the
/// seed's report JSON.
///
/// # Safety
/// As for `validate_verify_cms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn validate_verify_code_signing(
    validator: *const ValidateValidator,
    file: *const u8,
    file_len: usize,
    at: *const c_char,
    out_result: *mut *mut c_char,
) -> c_int {
    // SAFETY: arguments as promised by the caller.
    unsafe {
        string_out(out_result, || {
            let v = validator_arg(validator)?;
            let file = bytes(file, file_len, "the signed file")?;
            let at = api::parse_time(optional_str(at, "the time")?)?;
            codesign_api::verify_code_signing(&v.inner, file, at)
        })
    }
}

/// The certificate records (a JSON array, the certificates table's rows)
/// of every certificate the signatures of `file` reference (a NuGet
/// package, a PE file or a CMS signature), validated with the validator's
/// policy at `at` (null: now), into `*out_result`.
///
/// # Safety
/// As for `validate_verify_cms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn validate_signature_records(
    validator: *const ValidateValidator,
    file: *const u8,
    file_len: usize,
    at: *const c_char,
    out_result: *mut *mut c_char,
) -> c_int {
    // SAFETY: arguments as promised by the caller.
    unsafe {
        string_out(out_result, || {
            let v = validator_arg(validator)?;
            let file = bytes(file, file_len, "the signed file")?;
            let at = api::parse_time(optional_str(at, "the time")?)?;
            codesign_api::signature_records(&v.inner, file, at)
        })
    }
}

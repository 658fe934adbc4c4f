//! C functions that take many inputs in one call and work on every core:
//! the reports come back as one JSON array, in input order, each equal to
//! what the one-input function gives.

use std::ffi::{c_char, c_int};

use crate::api::{BindError, BindResult, ValidateStatus};
use crate::{
    ValidateValidator, api, bytes, null, optional_str, required_str, string_out, validator_arg,
};

/// Most inputs one call takes (a larger batch is refused, not truncated).
const MAX_BATCH: usize = 1 << 24;

fn check_count(count: usize) -> BindResult<()> {
    if count > MAX_BATCH {
        return Err(BindError::new(
            ValidateStatus::InvalidArgument,
            format!("the batch holds {count} inputs, more than {MAX_BATCH}"),
        ));
    }
    Ok(())
}

/// `count` entries of a C array; null only when `count` is 0.
///
/// # Safety
/// When non-null, `ptr` points to `count` readable `T`s valid for `'a`.
unsafe fn array<'a, T>(ptr: *const T, count: usize, what: &str) -> BindResult<&'a [T]> {
    if ptr.is_null() {
        return if count == 0 { Ok(&[]) } else { Err(null(what)) };
    }
    // SAFETY: non-null, and the caller promises `count` readable entries.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// Verifies `count` CMS SignedData at once, on every core, each exactly as
/// `validate_verify_cms` does: `signatures[i]` (`signature_lens[i]` bytes)
/// with the detached content `contents[i]` (`content_lens[i]` bytes;
/// `contents` may be null for all-attached signatures, and an entry null
/// with length 0 for one). `*out_reports` receives a JSON array of the
/// seed's reports, in input order.
///
/// # Safety
/// `signatures` and `signature_lens` point to `count` entries (or are null
/// when `count` is 0); `contents` and `content_lens` likewise or are null;
/// every buffer points to its length of readable bytes; other pointers as
/// for `validate_verify_cms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn validate_verify_cms_many(
    validator: *const ValidateValidator,
    count: usize,
    signatures: *const *const u8,
    signature_lens: *const usize,
    contents: *const *const u8,
    content_lens: *const usize,
    at: *const c_char,
    out_reports: *mut *mut c_char,
) -> c_int {
    // SAFETY: arguments as promised by the caller.
    unsafe {
        string_out(out_reports, || {
            let v = validator_arg(validator)?;
            check_count(count)?;
            let signatures = array(signatures, count, "the signatures")?;
            let signature_lens = array(signature_lens, count, "the signature lengths")?;
            let (contents, content_lens) = if contents.is_null() && content_lens.is_null() {
                (None, None)
            } else {
                (
                    Some(array(contents, count, "the contents")?),
                    Some(array(content_lens, count, "the content lengths")?),
                )
            };
            let mut inputs = Vec::with_capacity(count);
            for i in 0..count {
                let signature = bytes(signatures[i], signature_lens[i], "a signature")?;
                let content = match (contents, content_lens) {
                    (Some(c), Some(l)) if !(c[i].is_null() && l[i] == 0) => {
                        Some(bytes(c[i], l[i], "a content")?)
                    }
                    _ => None,
                };
                inputs.push(vcore::validator::CmsInput::new(signature, content));
            }
            let at = api::parse_time(optional_str(at, "the time")?)?;
            api::verify_cms_many(&v.inner, &inputs, at)
        })
    }
}

/// Validates `count` requests in the seed's JSON shape at once, on every
/// core, each exactly as `validate_request` does. `*out_reports` receives
/// a JSON array of the seed's reports, in input order.
///
/// # Safety
/// `requests` points to `count` NUL-terminated strings (or is null when
/// `count` is 0); other pointers as for `validate_request`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn validate_request_many(
    validator: *const ValidateValidator,
    count: usize,
    requests: *const *const c_char,
    at: *const c_char,
    out_reports: *mut *mut c_char,
) -> c_int {
    // SAFETY: arguments as promised by the caller.
    unsafe {
        string_out(out_reports, || {
            let v = validator_arg(validator)?;
            check_count(count)?;
            let pointers = array(requests, count, "the requests")?;
            let texts = pointers
                .iter()
                .map(|p| required_str(*p, "a request"))
                .collect::<BindResult<Vec<&str>>>()?;
            let at = api::parse_time(optional_str(at, "the time")?)?;
            api::validate_request_many(&v.inner, &texts, at)
        })
    }
}

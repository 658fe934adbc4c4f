//! The shared binding layer for code-signing formats (compiled into the C
//! library and the Python module beside `api.rs`): thin calls of the
//! `Validator` methods that return JSON.

use std::io::Cursor;

use vcore::Timestamp;
use vcore::request::SignatureType;
use vcore::validator::Validator;

use crate::api::{BindError, BindResult, ValidateStatus};

fn json(value: &impl serde::Serialize) -> BindResult<String> {
    serde_json::to_string(value)
        .map_err(|e| BindError::new(ValidateStatus::Panic, format!("serialising JSON: {e}")))
}

/// Verifies a signed NuGet package or an Authenticode-signed PE file (told
/// apart by their structure) with `validator` at `at`: the seed's report JSON.
pub fn verify_code_signing(
    validator: &Validator,
    file: &[u8],
    at: Timestamp,
) -> BindResult<String> {
    let mut cursor = Cursor::new(file);
    match SignatureType::detect_code_signing(&mut cursor) {
        Some(SignatureType::NuGet) => json(&validator.verify_nuget(&mut cursor, at)),
        Some(_) => json(&validator.verify_authenticode(&mut cursor, at)),
        None => Err(BindError::new(
            ValidateStatus::InvalidInput,
            "the file is neither a signed NuGet package (a zip with .signature.p7s) nor a PE file",
        )),
    }
}

/// The certificate records (a JSON array) of every certificate the
/// signatures of `file` (NuGet package, PE file or CMS signature) reference.
pub fn signature_records(validator: &Validator, file: &[u8], at: Timestamp) -> BindResult<String> {
    json(&validator.signature_records(&mut Cursor::new(file), at)?)
}

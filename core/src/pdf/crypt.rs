//! Encrypted files (ISO 32000-1 7.6).

use super::document::Document;
use super::findings::{PdfCode, PdfError, PdfResult};

/// Opens an encrypted file with `password`; `Ok(false)` when the file is
/// not encrypted.
pub(crate) fn unlock(doc: &mut Document<'_>, _password: Option<&[u8]>) -> PdfResult<bool> {
    if doc.trailer(doc.last()).get(b"Encrypt").is_none() {
        return Ok(false);
    }
    Err(PdfError {
        code: PdfCode::EncryptionUnsupported,
        detail: "encrypted PDFs are not read yet".into(),
    })
}

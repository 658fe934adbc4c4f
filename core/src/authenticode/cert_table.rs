//! The attribute certificate table (PE format, "The Attribute Certificate
//! Table"; Authenticode PE format): WIN_CERTIFICATE entries, each
//! `dwLength` (u32, header included), `wRevision` (0x0200),
//! `wCertificateType` (0x0002, PKCS #7 SignedData) and the DER, aligned to
//! 8 bytes. Windows reads the first entry; everything after its DER must be
//! zero padding of fewer than 8 bytes (the CVE-2013-3900 rule), and the
//! table must end the file.

use std::io::SeekFrom;

use super::AuthenticodeOptions;
use super::findings::{AuthenticodeCode, AuthenticodeFinding};
use super::pe::PeLayout;
use crate::error::{Error, Result};
use crate::path::Severity;
use crate::pdf::ReadSeek;

/// Largest certificate table read: real ones (a signature with nested
/// signatures and timestamps) are under 64 KiB; 16 MiB bounds the read.
const MAX_TABLE: u64 = 16 * 1024 * 1024;
const WIN_CERT_REVISION_2_0: u16 = 0x0200;
const WIN_CERT_TYPE_PKCS_SIGNED_DATA: u16 = 0x0002;

/// The primary signature's DER, with findings for the table's breaches;
/// `None` (with a finding) when no signature can be read from it.
pub(crate) fn read(
    r: &mut dyn ReadSeek,
    layout: &PeLayout,
    (start, size): (u64, u64),
    options: &AuthenticodeOptions,
    findings: &mut Vec<AuthenticodeFinding>,
) -> Result<Option<Vec<u8>>> {
    let malformed = |findings: &mut Vec<AuthenticodeFinding>, why: String| {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::CertificateTableMalformed,
            why,
        ));
        Ok(None)
    };
    if start + size != layout.file_len {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::CertificateTableNotAtEnd,
            format!(
                "{} bytes follow the certificate table ({size} bytes at {start}); they are neither hashed nor signed",
                layout.file_len - start - size
            ),
        ));
    }
    if size > MAX_TABLE {
        return malformed(
            findings,
            format!("a {size}-byte certificate table is over the {MAX_TABLE} byte limit"),
        );
    }
    if size < 8 {
        return malformed(
            findings,
            format!("a {size}-byte certificate table holds no WIN_CERTIFICATE"),
        );
    }
    let mut table = vec![0u8; size as usize];
    r.seek(SeekFrom::Start(start))
        .and_then(|_| r.read_exact(&mut table))
        .map_err(|e| Error::invalid("PE file", format!("reading the certificate table: {e}")))?;
    let length = u32::from_le_bytes([table[0], table[1], table[2], table[3]]) as usize;
    let revision = u16::from_le_bytes([table[4], table[5]]);
    let kind = u16::from_le_bytes([table[6], table[7]]);
    if length < 8 || length > table.len() {
        return malformed(
            findings,
            format!("WIN_CERTIFICATE dwLength {length} does not fit the {size}-byte table"),
        );
    }
    if revision != WIN_CERT_REVISION_2_0 || kind != WIN_CERT_TYPE_PKCS_SIGNED_DATA {
        return malformed(
            findings,
            format!(
                "WIN_CERTIFICATE revision 0x{revision:04x} type 0x{kind:04x}, not 0x0200 / 0x0002 (PKCS #7 SignedData)"
            ),
        );
    }
    let content = &table[8..length];
    let der_len = match crate::cms::ber::element_len(content) {
        Ok(n) => n,
        Err(e) => {
            return malformed(
                findings,
                format!("the WIN_CERTIFICATE does not hold one DER element: {e}"),
            );
        }
    };
    let after = &table[8 + der_len..];
    if after.len() >= 8 || after.iter().any(|&b| b != 0) {
        let mut f = AuthenticodeFinding::new(
            AuthenticodeCode::HiddenCertificateTableData,
            format!(
                "{} bytes ({} not zero) follow the signature in the certificate table; at most 7 zero bytes of padding are allowed (CVE-2013-3900)",
                after.len(),
                after.iter().filter(|&&b| b != 0).count()
            ),
        );
        if !options.strict_padding {
            f.severity = Severity::Warning;
        }
        findings.push(f);
    }
    Ok(Some(content[..der_len].to_vec()))
}

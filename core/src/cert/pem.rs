//! PEM blocks (RFC 7468), read as leniently as OpenSSL reads them: text
//! between blocks is ignored, RFC 1421 headers (`Proc-Type: ...`) inside a
//! block are skipped, and base64 lines may have any width.

use base64ct::{Base64, Encoding};

/// One `-----BEGIN label----- ... -----END label-----` block.
#[derive(Debug)]
pub(crate) struct PemBlock {
    /// The label, e.g. `CERTIFICATE`.
    pub label: String,
    /// The decoded bytes, or why they could not be decoded.
    pub der: Result<Vec<u8>, String>,
}

/// True when the input holds at least one PEM begin line.
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    input.windows(BEGIN.len()).any(|w| w == BEGIN)
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";

/// Every PEM block of the input, in order.
pub(crate) fn blocks(input: &[u8]) -> Vec<PemBlock> {
    let text = String::from_utf8_lossy(input);
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix(DASHES))
        else {
            continue;
        };
        let label = label.to_string();
        let mut body = String::new();
        let mut ended = false;
        let mut in_headers = true;
        let mut last_was_header = false;
        for line in lines.by_ref() {
            if let Some(end) = line.strip_prefix(END) {
                ended = end.strip_suffix(DASHES) == Some(label.as_str());
                break;
            }
            // RFC 1421 4.4: encapsulated headers come first, "Name: value",
            // continued on lines that start with white space, then a blank line.
            if in_headers {
                if line.contains(':') || (last_was_header && line.is_empty()) {
                    last_was_header = line.contains(':');
                    continue;
                }
                in_headers = false;
            }
            body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
        }
        let der = if !ended {
            Err(format!("no matching '-----END {label}-----' line"))
        } else if body.is_empty() {
            Err("the block holds no data".to_string())
        } else {
            Base64::decode_vec(&body).map_err(|e| format!("invalid base64: {e}"))
        };
        out.push(PemBlock { label, der });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_around_and_headers_inside_blocks() {
        let input = b"junk before\n-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: x\n\nAAEC\nAw==\n-----END CERTIFICATE-----\nmiddle\n-----BEGIN X509 CRL-----\nBAU=\n-----END X509 CRL-----\n";
        assert!(looks_like_pem(input));
        let b = blocks(input);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "CERTIFICATE");
        assert_eq!(b[0].der.as_deref(), Ok(&[0u8, 1, 2, 3][..]));
        assert_eq!(b[1].label, "X509 CRL");
        assert_eq!(b[1].der.as_deref(), Ok(&[4u8, 5][..]));
    }

    #[test]
    fn unterminated_and_bad_base64_are_reported() {
        let b = blocks(b"-----BEGIN CERTIFICATE-----\nAAEC\n");
        assert!(b[0].der.as_ref().unwrap_err().contains("END CERTIFICATE"));
        let b = blocks(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assert!(b[0].der.as_ref().unwrap_err().contains("base64"));
    }
}

//! A few lines of DER (X.690) for the checks: writing a TLV, and walking
//! the TLVs of a fixture to find its signed bytes.

/// Encodes one TLV with a definite length (X.690 8.1.3, shortest form).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of the concatenated `parts`.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// One TLV found in a buffer: tag, where its content starts and ends, and
/// where the whole TLV ends.
#[derive(Clone, Copy, Debug)]
pub struct Tlv {
    /// The identifier octet (single-octet tags only).
    pub tag: u8,
    /// Offset of the TLV's first byte.
    pub start: usize,
    /// Offset of the content's first byte.
    pub content: usize,
    /// Offset just past the content.
    pub end: usize,
}

/// Reads the TLV at `at` of `buf` (DER: definite lengths only).
pub fn read(buf: &[u8], at: usize) -> Option<Tlv> {
    let tag = *buf.get(at)?;
    let first = *buf.get(at + 1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*buf.get(at + 2 + i)?);
        }
        (len, 2 + n)
    };
    let content = at + header;
    let end = content.checked_add(len)?;
    (end <= buf.len()).then_some(Tlv {
        tag,
        start: at,
        content,
        end,
    })
}

/// The TLVs directly inside `outer`.
pub fn children(buf: &[u8], outer: Tlv) -> Vec<Tlv> {
    let mut out = Vec::new();
    let mut at = outer.content;
    while at < outer.end {
        match read(buf, at) {
            Some(t) => {
                at = t.end;
                out.push(t);
            }
            None => break,
        }
    }
    out
}

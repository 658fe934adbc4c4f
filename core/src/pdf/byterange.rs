//! A signature's ByteRange and /Contents (ISO 32000-1 12.8.1): the four
//! integers, the gap that must be exactly the /Contents string, coverage of
//! the revisions, and the value inside /Contents with its zero padding.

use super::document::Document;
use super::findings::{PdfCode, PdfFinding};
use super::object::{Dict, Object, PdfString};
use super::result::Coverage;

/// The two signed segments `(offset, length)`.
pub(crate) type Segments = [(u64, u64); 2];

/// The ByteRange read strictly: `[0 b c d]`, four direct non-negative
/// integers, `c >= b + 2` (the gap holds at least `<>`), `c + d` inside the file.
pub(crate) fn byte_range(
    sig: &Dict,
    file_len: u64,
    findings: &mut Vec<PdfFinding>,
) -> (Vec<i64>, Option<Segments>) {
    let raw: Vec<i64> = match sig.get(b"ByteRange") {
        Some(Object::Array(a)) => a.iter().map(|o| o.as_int().unwrap_or(-1)).collect(),
        _ => Vec::new(),
    };
    let fail = |findings: &mut Vec<PdfFinding>, why: String| {
        findings.push(PdfFinding::new(PdfCode::ByteRangeInvalid, why));
    };
    let ints_ok = matches!(sig.get(b"ByteRange"), Some(Object::Array(a)) if a.iter().all(|o| matches!(o, Object::Int(_))));
    if raw.len() != 4 || !ints_ok {
        fail(
            findings,
            format!(
                "/ByteRange {raw:?}: ISO 32000-1 12.8.1 asks for four integers [0 b c d] (two segments)"
            ),
        );
        return (raw, None);
    }
    let (a, b, c, d) = (raw[0], raw[1], raw[2], raw[3]);
    let checks = [
        (a == 0, "the first segment does not start at byte 0"),
        (b >= 0 && c >= 0 && d >= 0, "a negative offset or length"),
        (
            c >= b.saturating_add(2),
            "the gap is smaller than '<>' or the segments overlap",
        ),
        (
            c.checked_add(d)
                .and_then(|e| u64::try_from(e).ok())
                .is_some_and(|e| e <= file_len),
            "the second segment runs past the end of the file",
        ),
    ];
    if let Some((_, why)) = checks.iter().find(|(ok, _)| !ok) {
        fail(
            findings,
            format!("/ByteRange [{a} {b} {c} {d}] in a file of {file_len} bytes: {why}"),
        );
        return (raw, None);
    }
    (raw, Some([(0, b as u64), (c as u64, d as u64)]))
}

/// The gap must be exactly the `<hex>` token of this dictionary's /Contents.
pub(crate) fn check_gap(
    contents: &PdfString,
    segments: &Segments,
    findings: &mut Vec<PdfFinding>,
) -> bool {
    let gap = (segments[0].1, segments[1].0);
    if !contents.hex || contents.span != gap {
        findings.push(PdfFinding::new(
            PdfCode::ContentsGapMismatch,
            format!(
                "the ByteRange gap is bytes {}-{} but /Contents is a {} string at bytes {}-{} (ISO 32000-1 12.8.1)",
                gap.0,
                gap.1,
                if contents.hex { "hexadecimal" } else { "literal" },
                contents.span.0,
                contents.span.1
            ),
        ));
        return false;
    }
    true
}

/// Coverage and the signed revision: the revision whose `%%EOF` the
/// signed bytes end at.
pub(crate) fn coverage(doc: &Document<'_>, segments: &Segments) -> (Coverage, Option<usize>) {
    let end = segments[1].0 + segments[1].1;
    let last = doc.last();
    for (i, r) in doc.revisions.iter().enumerate() {
        if end == r.end || end == r.end_with_eol {
            let whole = i == last && (end == doc.source.len || r.end_with_eol == doc.source.len);
            return (
                if whole {
                    Coverage::EntireFile
                } else {
                    Coverage::EntireRevision
                },
                Some(i),
            );
        }
    }
    (Coverage::ContiguousBlockFromStart, None)
}

/// The BER/DER value at the start of /Contents and the zero padding after
/// it; anything else after it is refused.
pub(crate) fn contents_value<'a>(
    bytes: &'a [u8],
    findings: &mut Vec<PdfFinding>,
) -> Option<&'a [u8]> {
    let Some(len) = ber_length(bytes, 0) else {
        findings.push(PdfFinding::new(
            PdfCode::ContentsMalformed,
            format!(
                "/Contents ({} bytes) does not start with a complete BER value",
                bytes.len()
            ),
        ));
        return None;
    };
    let rest = &bytes[len..];
    if rest.iter().any(|b| *b != 0) {
        findings.push(PdfFinding::new(
            PdfCode::ContentsMalformed,
            format!(
                "/Contents holds {} bytes after its {len}-byte value that are not zero padding",
                rest.len()
            ),
        ));
        return None;
    }
    if !rest.is_empty() {
        findings.push(PdfFinding::new(
            PdfCode::ContentsPadded,
            format!("{len}-byte value followed by {} zero bytes", rest.len()),
        ));
    }
    Some(&bytes[..len])
}

/// The length of the BER element at the start of `data` (definite or
/// indefinite length, X.690 8.1.3), nesting bounded.
fn ber_length(data: &[u8], depth: usize) -> Option<usize> {
    if depth > 32 {
        return None;
    }
    let first = *data.first()?;
    let mut pos = 1;
    if first & 0x1f == 0x1f {
        loop {
            let b = *data.get(pos)?;
            pos += 1;
            if pos > 6 {
                return None;
            }
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let lb = *data.get(pos)?;
    pos += 1;
    if lb == 0x80 {
        // Indefinite: constructed only, contents up to an end-of-contents.
        if first & 0x20 == 0 {
            return None;
        }
        loop {
            let rest = data.get(pos..)?;
            if rest.starts_with(&[0, 0]) {
                return Some(pos + 2);
            }
            pos += ber_length(rest, depth + 1)?;
        }
    }
    let len = if lb < 0x80 {
        usize::from(lb)
    } else {
        let n = usize::from(lb & 0x7f);
        if n > 8 {
            return None;
        }
        let v = data
            .get(pos..pos + n)?
            .iter()
            .fold(0u64, |a, b| (a << 8) | u64::from(*b));
        pos += n;
        usize::try_from(v).ok()?
    };
    let end = pos.checked_add(len)?;
    (end <= data.len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ber_lengths_and_padding() {
        assert_eq!(ber_length(&[0x30, 0x03, 2, 1, 5, 0, 0], 0), Some(5));
        assert_eq!(ber_length(&[0x30, 0x80, 2, 1, 5, 0, 0, 0, 0], 0), Some(7));
        assert_eq!(ber_length(&[0x30, 0x05, 2, 1], 0), None);
        let mut f = Vec::new();
        assert_eq!(
            contents_value(&[0x05, 0x00, 0, 0, 0], &mut f),
            Some(&[5u8, 0][..])
        );
        assert_eq!(f[0].code, PdfCode::ContentsPadded);
        let mut f = Vec::new();
        assert_eq!(contents_value(&[0x05, 0x00, 0, 1], &mut f), None);
        assert_eq!(f[0].code, PdfCode::ContentsMalformed);
    }

    #[test]
    fn byte_ranges() {
        let dict = |v: Vec<i64>| {
            Dict(vec![(
                b"ByteRange".to_vec(),
                Object::Array(v.into_iter().map(Object::Int).collect()),
            )])
        };
        let mut f = Vec::new();
        assert!(
            byte_range(&dict(vec![0, 10, 20, 5]), 25, &mut f)
                .1
                .is_some()
        );
        for bad in [
            vec![0, 10, 20],
            vec![1, 10, 20, 5],
            vec![0, 10, 11, 5],
            vec![0, 10, 20, 6],
            vec![0, -1, 20, 5],
            vec![0, 10, 20, 5, 0],
        ] {
            let mut f = Vec::new();
            assert!(
                byte_range(&dict(bad.clone()), 25, &mut f).1.is_none(),
                "{bad:?}"
            );
            assert_eq!(f[0].code, PdfCode::ByteRangeInvalid);
        }
    }
}

//! Cross-reference sections (ISO 32000-1 7.5.4 tables, 7.5.8 streams) and
//! the revisions they make (7.5.6 incremental updates): each revision's
//! sections, trailer, byte span and the objects it lists. Nothing is
//! repaired: a section that is not where `startxref` or `/Prev` says is an
//! error.

use std::collections::BTreeMap;

use super::filter::{DecodeBudget, decode};
use super::findings::{PdfError, PdfResult};
use super::lexer::{Lexer, Syntax, is_white};
use super::limits::PdfLimits;
use super::object::{Dict, Object};
use super::source::Source;

/// Where an object of a revision lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XrefEntry {
    /// Free (deleted) in this revision.
    Free,
    /// At a byte offset, with a generation.
    InUse { offset: u64, generation: u16 },
    /// The `index`th object of object stream `stream` (7.5.7).
    Compressed { stream: u32, index: u32 },
}

/// One revision: the original document or one incremental update.
#[derive(Debug, Clone)]
pub(crate) struct Revision {
    /// Its trailer (the xref stream dictionary for a stream).
    pub trailer: Dict,
    /// First byte of the update (0 for the original document).
    pub start: u64,
    /// One past the `%%EOF` that closes it (end-of-line marker excluded).
    pub end: u64,
    /// `end` with the end-of-line marker after `%%EOF`, when there is one.
    pub end_with_eol: u64,
    /// The objects its sections list.
    pub entries: BTreeMap<u32, XrefEntry>,
}

pub(crate) fn syntax(e: Syntax, what: &str) -> PdfError {
    match e {
        Syntax::Incomplete => PdfError::malformed(format!("{what}: truncated")),
        Syntax::Bad(at, why) => PdfError::malformed(format!("{what}: at byte {at}: {why}")),
        Syntax::TooDeep(at) => PdfError::limit(format!("{what}: at byte {at}: nested too deep")),
    }
}

/// A parser over the file from `offset`, growing its window until the
/// parse completes or the budget says stop.
pub(crate) fn with_window<T>(
    source: &Source<'_>,
    offset: u64,
    limits: &PdfLimits,
    what: &str,
    mut parse: impl FnMut(&mut Lexer<'_>) -> Result<T, Syntax>,
) -> PdfResult<T> {
    let mut size = 16 * 1024usize;
    loop {
        let data = source.read_at(offset, size)?;
        let at_eof = offset + data.len() as u64 >= source.len;
        let mut lexer = Lexer::new(&data, offset, at_eof, limits.max_depth);
        match parse(&mut lexer) {
            Err(Syntax::Incomplete) if !at_eof => {
                if size >= limits.max_object_size {
                    return Err(PdfError::limit(format!(
                        "{what} at byte {offset} is larger than {} bytes",
                        limits.max_object_size
                    )));
                }
                size = (size * 4).min(limits.max_object_size);
            }
            other => return other.map_err(|e| syntax(e, what)),
        }
    }
}

/// What one section gives: its entries, trailer, where it ends, and
/// whether it is a stream.
struct Section {
    entries: BTreeMap<u32, XrefEntry>,
    trailer: Dict,
    end: u64,
    stream: bool,
}

/// Reads every revision from the last `startxref` back through `/Prev`.
/// Revisions come oldest first.
pub(crate) fn read_revisions(
    source: &Source<'_>,
    limits: &PdfLimits,
    budget: &DecodeBudget,
) -> PdfResult<Vec<Revision>> {
    // ISO 32000-1 7.5.2: the file starts with %PDF-.
    let head = source.read_at(0, 8)?;
    if !head.starts_with(b"%PDF-") {
        return Err(PdfError::malformed(
            "the file does not start with %PDF- (ISO 32000-1 7.5.2)",
        ));
    }
    let last = last_startxref(source)?;
    let mut revisions: Vec<Revision> = Vec::new();
    let mut next = Some(last);
    let mut seen = std::collections::HashSet::new();
    let mut total_entries = 0usize;
    while let Some(offset) = next {
        if !seen.insert(offset) {
            return Err(PdfError::malformed(format!(
                "the /Prev chain returns to the section at byte {offset}"
            )));
        }
        if revisions.len() >= limits.max_revisions {
            return Err(PdfError::limit(format!(
                "more than {} revisions",
                limits.max_revisions
            )));
        }
        let mut section = read_section(source, offset, limits, budget)?;
        // 7.5.8.4: a hybrid file's table names an xref stream holding the
        // objects older readers do not see; the table's entries come first.
        if !section.stream
            && let Some(stm) = section.trailer.get(b"XRefStm")
        {
            let stm = stm
                .as_int()
                .and_then(|v| u64::try_from(v).ok())
                .ok_or_else(|| PdfError::malformed("/XRefStm is not an offset"))?;
            let extra = read_section(source, stm, limits, budget)?;
            if !extra.stream {
                return Err(PdfError::malformed(format!(
                    "/XRefStm {stm} is not a cross-reference stream"
                )));
            }
            for (num, e) in extra.entries {
                section.entries.entry(num).or_insert(e);
            }
        }
        total_entries += section.entries.len();
        if total_entries > limits.max_objects {
            return Err(PdfError::limit(format!(
                "more than {} cross-reference entries",
                limits.max_objects
            )));
        }
        let prev = match section.trailer.get(b"Prev") {
            None => None,
            Some(o) => Some(
                o.as_int()
                    .and_then(|v| u64::try_from(v).ok())
                    .filter(|&v| v < source.len)
                    .ok_or_else(|| {
                        PdfError::malformed(format!(
                            "/Prev of the section at byte {offset} is not an offset in the file"
                        ))
                    })?,
            ),
        };
        // Annex F: a linearized file's first-page section (near the start)
        // has /Prev pointing forward to the main section, which ends the
        // original document; both make revision 0.
        if let Some(p) = prev
            && p > offset
        {
            let main = read_section(source, p, limits, budget)?;
            if main.trailer.get(b"Prev").is_some() || !seen.insert(p) {
                return Err(PdfError::malformed(format!(
                    "/Prev of the section at byte {offset} points forward to byte {p}, which is not the last section of a linearized file"
                )));
            }
            for (num, e) in main.entries {
                section.entries.entry(num).or_insert(e);
            }
            let (end, end_with_eol) = revision_end(source, main.end, offset)?;
            revisions.push(Revision {
                trailer: section.trailer,
                start: 0,
                end,
                end_with_eol,
                entries: section.entries,
            });
            next = None;
            continue;
        }
        let (end, end_with_eol) = revision_end(source, section.end, offset)?;
        revisions.push(Revision {
            trailer: section.trailer,
            start: 0,
            end,
            end_with_eol,
            entries: section.entries,
        });
        next = prev;
    }
    revisions.reverse();
    // 7.5.6: each update is appended after the previous revision.
    for i in 0..revisions.len() {
        let start = if i == 0 {
            0
        } else {
            revisions[i - 1].end_with_eol
        };
        let r = &revisions[i];
        if i > 0 && r.end <= revisions[i - 1].end {
            return Err(PdfError::malformed(format!(
                "revision {i} ends at byte {} but revision {} ends at byte {}: the /Prev chain is out of file order",
                r.end,
                i - 1,
                revisions[i - 1].end
            )));
        }
        for (num, e) in &r.entries {
            if let XrefEntry::InUse { offset, .. } = e
                && *offset >= r.end
            {
                return Err(PdfError::malformed(format!(
                    "revision {i} places object {num} at byte {offset}, outside the bytes 0-{} that make the revision",
                    r.end
                )));
            }
        }
        revisions[i].start = start;
    }
    Ok(revisions)
}

/// The offset the last `startxref` gives (7.5.5: `startxref`, the offset,
/// `%%EOF` on the last line; only white space may follow).
fn last_startxref(source: &Source<'_>) -> PdfResult<u64> {
    let tail_len = 1024u64.min(source.len);
    let tail = source.read_at(source.len - tail_len, tail_len as usize)?;
    let trimmed = tail.len() - tail.iter().rev().take_while(|b| is_white(**b)).count();
    if !tail[..trimmed].ends_with(b"%%EOF") {
        return Err(PdfError::malformed(
            "the file does not end with %%EOF (ISO 32000-1 7.5.5)",
        ));
    }
    let pos = find_last(&tail[..trimmed], b"startxref").ok_or_else(|| {
        PdfError::malformed("no startxref in the last 1024 bytes (ISO 32000-1 7.5.5)")
    })?;
    let mut l = Lexer::new(&tail[pos + 9..trimmed - 5], 0, true, 1);
    let offset = l
        .unsigned("startxref")
        .map_err(|e| syntax(e, "startxref"))?;
    if !l.rest().iter().all(|b| is_white(*b)) {
        return Err(PdfError::malformed(
            "bytes other than white space between the startxref offset and %%EOF",
        ));
    }
    if offset >= source.len {
        return Err(PdfError::malformed(format!(
            "startxref {offset} is past the end of the file ({} bytes)",
            source.len
        )));
    }
    Ok(offset)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// After a section ending at `after`: `startxref`, the section's own
/// offset `own`, `%%EOF`. Returns the end of `%%EOF` without and with the
/// end-of-line marker after it.
fn revision_end(source: &Source<'_>, after: u64, own: u64) -> PdfResult<(u64, u64)> {
    let data = source.read_at(after, 256)?;
    let mut l = Lexer::new(&data, after, true, 1);
    let what = format!("the startxref after the section at byte {own}");
    l.keyword(b"startxref").map_err(|e| syntax(e, &what))?;
    let offset = l.unsigned("startxref").map_err(|e| syntax(e, &what))?;
    // A linearized file's first-page trailer may say 0 (Annex F.3.4).
    if offset != own && offset != 0 {
        return Err(PdfError::malformed(format!(
            "{what} says {offset}: each revision's startxref names its own section"
        )));
    }
    let rest = l.rest();
    let skip = rest.iter().take_while(|b| is_white(**b)).count();
    if !rest[skip..].starts_with(b"%%EOF") {
        return Err(PdfError::malformed(format!(
            "{what} is not followed by %%EOF"
        )));
    }
    let end = l.offset() + skip as u64 + 5;
    let tail = &rest[skip + 5..];
    let eol = if tail.starts_with(b"\r\n") {
        2
    } else if tail.first().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        1
    } else {
        0
    };
    Ok((end, end + eol))
}

fn read_section(
    source: &Source<'_>,
    offset: u64,
    limits: &PdfLimits,
    budget: &DecodeBudget,
) -> PdfResult<Section> {
    let head = source.read_at(offset, 4)?;
    if head == b"xref" {
        read_table(source, offset, limits)
    } else {
        read_stream_section(source, offset, limits, budget)
    }
}

/// A cross-reference table (7.5.4) and its trailer (7.5.5).
fn read_table(source: &Source<'_>, offset: u64, limits: &PdfLimits) -> PdfResult<Section> {
    let what = format!("the cross-reference table at byte {offset}");
    with_window(source, offset, limits, &what, |l| {
        l.keyword(b"xref")?;
        let mut entries = BTreeMap::new();
        loop {
            if l.try_keyword(b"trailer")? {
                break;
            }
            let first = l.unsigned("subsection start")?;
            let count = l.unsigned("subsection count")?;
            if count > limits.max_objects as u64 || first + count > u64::from(u32::MAX) {
                return Err(Syntax::Bad(
                    l.offset(),
                    format!("subsection of {count} entries"),
                ));
            }
            // 7.5.4: one end of line, then 20-byte entries.
            l.skip_white()?;
            for i in 0..count {
                let rest = l.rest();
                if rest.len() < 20 {
                    return Err(Syntax::Incomplete);
                }
                let e = &rest[..20];
                let eol_ok = matches!(&e[18..20], b" \n" | b" \r" | b"\r\n");
                let digits = |r: std::ops::Range<usize>| {
                    e[r.clone()]
                        .iter()
                        .all(u8::is_ascii_digit)
                        .then(|| e[r].iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0')))
                };
                let (Some(off), Some(generation)) = (digits(0..10), digits(11..16)) else {
                    return Err(Syntax::Bad(l.offset(), "malformed xref entry".into()));
                };
                if e[10] != b' ' || e[16] != b' ' || !eol_ok {
                    return Err(Syntax::Bad(
                        l.offset(),
                        "xref entry is not 20 bytes 'nnnnnnnnnn ggggg n EOL'".into(),
                    ));
                }
                let num = (first + i) as u32;
                let entry = match e[17] {
                    b'n' => XrefEntry::InUse {
                        offset: off,
                        generation: u16::try_from(generation)
                            .map_err(|_| Syntax::Bad(l.offset(), "generation over 65535".into()))?,
                    },
                    b'f' => XrefEntry::Free,
                    _ => return Err(Syntax::Bad(l.offset(), "xref entry type not n or f".into())),
                };
                // 7.5.4: object 0 is the head of the free list.
                if num != 0 || entry != XrefEntry::Free {
                    entries.insert(num, entry);
                }
                l.pos += 20;
            }
        }
        let trailer = match l.object()? {
            Object::Dict(d) => d,
            other => {
                return Err(Syntax::Bad(
                    l.offset(),
                    format!("trailer is a {}", other.kind()),
                ));
            }
        };
        Ok(Section {
            entries,
            trailer,
            end: l.offset(),
            stream: false,
        })
    })
}

/// A cross-reference stream (7.5.8): `N G obj << /Type /XRef ... >> stream`.
fn read_stream_section(
    source: &Source<'_>,
    offset: u64,
    limits: &PdfLimits,
    budget: &DecodeBudget,
) -> PdfResult<Section> {
    let what = format!("the cross-reference stream at byte {offset}");
    let (dict, data_offset) = with_window(source, offset, limits, &what, |l| {
        l.unsigned("object number")?;
        l.unsigned("generation")?;
        l.keyword(b"obj")?;
        let dict = match l.object()? {
            Object::Dict(d) => d,
            other => return Err(Syntax::Bad(l.offset(), format!("a {}", other.kind()))),
        };
        l.keyword(b"stream")?;
        let data = l.stream_start()?;
        Ok((dict, data))
    })?;
    if dict.name(b"Type") != Some(b"XRef") {
        return Err(PdfError::malformed(format!(
            "{what}: neither a table (xref) nor a stream of /Type /XRef"
        )));
    }
    // 7.5.8.2: the xref stream dictionary's values are direct.
    let length = dict
        .get(b"Length")
        .and_then(Object::as_int)
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| PdfError::malformed(format!("{what}: /Length is not a direct integer")))?;
    if data_offset + length > source.len || length > limits.max_object_size as u64 {
        return Err(PdfError::malformed(format!(
            "{what}: /Length {length} runs past the file or the budget"
        )));
    }
    let raw = source.read_at(data_offset, length as usize)?;
    let end_at = data_offset + length;
    let end = with_window(source, end_at, limits, &what, |l| {
        l.keyword(b"endstream")?;
        l.keyword(b"endobj")?;
        Ok(l.offset())
    })?;
    let data = decode(&dict, &raw, limits, budget)?;
    let ints = |key: &[u8]| -> PdfResult<Vec<u64>> {
        match dict.get(key) {
            Some(Object::Array(a)) => a
                .iter()
                .map(|o| o.as_int().and_then(|v| u64::try_from(v).ok()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    PdfError::malformed(format!(
                        "{what}: /{} holds a non-integer",
                        String::from_utf8_lossy(key)
                    ))
                }),
            None => Ok(Vec::new()),
            Some(_) => Err(PdfError::malformed(format!(
                "{what}: /{} is not an array",
                String::from_utf8_lossy(key)
            ))),
        }
    };
    let w = ints(b"W")?;
    if w.len() != 3 || w.iter().any(|&x| x > 8) {
        return Err(PdfError::malformed(format!(
            "{what}: /W is not three widths of 0-8 bytes"
        )));
    }
    let size = dict
        .get(b"Size")
        .and_then(Object::as_int)
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| PdfError::malformed(format!("{what}: /Size missing")))?;
    let mut index = ints(b"Index")?;
    if index.is_empty() {
        index = vec![0, size];
    }
    if !index.len().is_multiple_of(2) {
        return Err(PdfError::malformed(format!(
            "{what}: /Index has an odd length"
        )));
    }
    let row = (w[0] + w[1] + w[2]) as usize;
    let total: u64 = index.chunks(2).map(|p| p[1]).sum();
    if row == 0
        || total > limits.max_objects as u64
        || (total as usize).saturating_mul(row) > data.len()
    {
        return Err(PdfError::malformed(format!(
            "{what}: {total} entries of {row} bytes but {} bytes of data",
            data.len()
        )));
    }
    let field = |bytes: &[u8]| bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let mut entries = BTreeMap::new();
    let mut pos = 0usize;
    for pair in index.chunks(2) {
        for i in 0..pair[1] {
            let r = &data[pos..pos + row];
            pos += row;
            let (a, rest) = r.split_at(w[0] as usize);
            let (b, c) = rest.split_at(w[1] as usize);
            // 7.5.8.3 table 18: a missing type field means type 1.
            let kind = if w[0] == 0 { 1 } else { field(a) };
            let num = u32::try_from(pair[0] + i)
                .map_err(|_| PdfError::malformed(format!("{what}: object number too large")))?;
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => XrefEntry::InUse {
                    offset: field(b),
                    generation: u16::try_from(field(c)).map_err(|_| {
                        PdfError::malformed(format!("{what}: generation over 65535"))
                    })?,
                },
                2 => XrefEntry::Compressed {
                    stream: u32::try_from(field(b)).map_err(|_| {
                        PdfError::malformed(format!("{what}: stream number too large"))
                    })?,
                    index: u32::try_from(field(c))
                        .map_err(|_| PdfError::malformed(format!("{what}: index too large")))?,
                },
                // 7.5.8.3: other types are references to the null object.
                _ => XrefEntry::Free,
            };
            if num != 0 || entry != XrefEntry::Free {
                entries.insert(num, entry);
            }
        }
    }
    Ok(Section {
        entries,
        trailer: dict,
        end,
        stream: true,
    })
}

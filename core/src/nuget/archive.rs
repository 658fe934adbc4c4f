//! The zip structure of a signed package and its signed content.
//!
//! The archive is opened with the `zip` crate (which reads the entries and
//! checks the signature entry's CRC); the package hash needs the exact
//! bytes of every header with some fields changed, which no crate gives,
//! so a walk of our own reads the central directory records and local
//! headers and must agree with the crate on every entry's offsets.
//!
//! The signed content (NuGet package signing specification, "signed
//! package content"; the NuGet client's `SignedPackageArchiveUtility`):
//! the archive as if the signature entry were removed: the bytes before
//! the first entry, every other entry (local header, data, descriptor) in
//! file order, every other central directory record in directory order with
//! its local header offset moved as the removal moves it, and the end of
//! central directory record with one entry fewer, the signature record's
//! size taken from the directory size and the signature entry's size from
//! the directory offset.

use std::io::{Read, SeekFrom};

use super::findings::{NuGetCode, NuGetFinding};
use crate::crypto::DigestAlgorithm;
use crate::error::{Error, Result};
use crate::pdf::ReadSeek;

/// The signature entry's name (package signing specification).
pub(crate) const SIGNATURE_NAME: &str = ".signature.p7s";

const EOCD_SIGNATURE: u32 = 0x0605_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
/// APPNOTE 4.3.16: the end record is 22 bytes plus a comment of at most 65,535.
const EOCD_SIZE: usize = 22;
const CENTRAL_FIXED: usize = 46;
const LOCAL_FIXED: usize = 30;
/// Largest central directory read: 65,535 entries (the most a non-Zip64
/// archive holds) with 1 KiB of name, extra field and comment each.
const MAX_CENTRAL_DIRECTORY: u64 = 64 * 1024 * 1024;
/// Largest signature entry: real ones (author and repository signatures
/// with two timestamps) are under 20 KiB; 16 MiB leaves room for long chains.
pub(crate) const MAX_SIGNATURE_SIZE: u64 = 16 * 1024 * 1024;

/// One entry as both its headers describe it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// File name bytes, from the central record.
    pub name: Vec<u8>,
    /// Offset of the central directory record.
    pub central_position: u64,
    /// The central record's bytes (fixed part, name, extra, comment).
    pub central: Vec<u8>,
    /// Offset of the local header.
    pub local_offset: u64,
    /// The local header's fixed part, name and extra field.
    pub local: Vec<u8>,
    /// Bytes from this local header to the next one (or the directory).
    pub total_size: u64,
}

impl Entry {
    fn u16_central(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.central[at], self.central[at + 1]])
    }
    fn u32_central(&self, at: usize) -> u32 {
        le32(&self.central[at..])
    }
    fn u16_local(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.local[at], self.local[at + 1]])
    }
    fn u32_local(&self, at: usize) -> u32 {
        le32(&self.local[at..])
    }
}

/// The archive's layout.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Entries in local header order.
    pub entries: Vec<Entry>,
    /// The end record and its comment.
    pub eocd: Vec<u8>,
    /// Index in `entries` of the one `.signature.p7s`, when there is exactly one.
    pub signature: Option<usize>,
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn bad(rule: impl Into<String>) -> Error {
    Error::invalid("NuGet package (zip)", rule)
}

fn read_at(r: &mut dyn ReadSeek, offset: u64, len: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    r.seek(SeekFrom::Start(offset))
        .and_then(|_| r.read_exact(&mut buf))
        .map_err(|e| bad(format!("reading {len} bytes at offset {offset}: {e}")))?;
    Ok(buf)
}

/// Reads the layout; rule breaks of the signature entry become findings,
/// and Zip64 (which signed packages may not use, NU3006) a finding and
/// `Ok(None)`. Anything that is not a well-formed single-disk zip is an `Err`.
pub(crate) fn read_layout(
    r: &mut dyn ReadSeek,
    findings: &mut Vec<NuGetFinding>,
) -> Result<Option<Layout>> {
    let file_len = r
        .seek(SeekFrom::End(0))
        .map_err(|e| bad(format!("seek: {e}")))?;
    if file_len < EOCD_SIZE as u64 {
        return Err(bad(format!(
            "{file_len} bytes is too short for a zip archive"
        )));
    }
    let tail_len = file_len.min((EOCD_SIZE + 65_535) as u64) as usize;
    let tail_start = file_len - tail_len as u64;
    let tail = read_at(r, tail_start, tail_len)?;
    // APPNOTE 4.3.16: the end record whose comment runs to the end of the file.
    let at = (0..=tail_len - EOCD_SIZE)
        .rev()
        .find(|&i| {
            le32(&tail[i..]) == EOCD_SIGNATURE
                && i + EOCD_SIZE + usize::from(u16::from_le_bytes([tail[i + 20], tail[i + 21]]))
                    == tail_len
        })
        .ok_or_else(|| {
            bad("no end of central directory record (APPNOTE 4.3.16): not a zip archive")
        })?;
    let eocd = tail[at..].to_vec();
    let eocd_offset = tail_start + at as u64;
    let field16 = |o: usize| u16::from_le_bytes([eocd[o], eocd[o + 1]]);
    let (disk, cd_disk, on_disk, total) = (field16(4), field16(6), field16(8), field16(10));
    let central_size = u64::from(le32(&eocd[12..]));
    let central_offset = u64::from(le32(&eocd[16..]));
    let zip64_locator =
        eocd_offset >= 20 && le32(&read_at(r, eocd_offset - 20, 4)?) == ZIP64_LOCATOR_SIGNATURE;
    if zip64_locator
        || total == 0xFFFF
        || on_disk == 0xFFFF
        || central_size == 0xFFFF_FFFF
        || central_offset == 0xFFFF_FFFF
    {
        findings.push(NuGetFinding::new(
            NuGetCode::Zip64,
            "the archive has a Zip64 end of central directory (APPNOTE 4.3.14); signed packages may not be Zip64",
        ));
        return Ok(None);
    }
    if disk != 0 || cd_disk != 0 || on_disk != total {
        return Err(bad(format!(
            "multi-disk archive (disk {disk}, directory disk {cd_disk}, {on_disk} of {total} entries on this disk)"
        )));
    }
    if central_offset + central_size != eocd_offset {
        return Err(bad(format!(
            "the central directory ({central_size} bytes at {central_offset}) does not end where its end record starts ({eocd_offset})"
        )));
    }
    if central_size > MAX_CENTRAL_DIRECTORY {
        return Err(bad(format!(
            "central directory of {central_size} bytes is over the {MAX_CENTRAL_DIRECTORY} byte limit"
        )));
    }
    let central = read_at(r, central_offset, central_size as usize)?;
    let mut entries = Vec::with_capacity(usize::from(total));
    let mut pos = 0usize;
    for i in 0..usize::from(total) {
        if pos + CENTRAL_FIXED > central.len() || le32(&central[pos..]) != CENTRAL_SIGNATURE {
            return Err(bad(format!(
                "central directory record {i} is missing or truncated"
            )));
        }
        let f16 =
            |o: usize| usize::from(u16::from_le_bytes([central[pos + o], central[pos + o + 1]]));
        let (name_len, extra_len, comment_len) = (f16(28), f16(30), f16(32));
        let size = CENTRAL_FIXED + name_len + extra_len + comment_len;
        if pos + size > central.len() {
            return Err(bad(format!(
                "central directory record {i} runs past the directory"
            )));
        }
        let record = central[pos..pos + size].to_vec();
        let local_offset = u64::from(le32(&record[42..]));
        let extra = &record[CENTRAL_FIXED + name_len..CENTRAL_FIXED + name_len + extra_len];
        if le32(&record[20..]) == 0xFFFF_FFFF
            || le32(&record[24..]) == 0xFFFF_FFFF
            || local_offset == 0xFFFF_FFFF
            || has_zip64_extra(extra)
        {
            findings.push(NuGetFinding::new(
                NuGetCode::Zip64,
                format!("central directory record {i} uses Zip64 fields (APPNOTE 4.5.3)"),
            ));
            return Ok(None);
        }
        if local_offset >= central_offset {
            return Err(bad(format!(
                "entry {i}'s local header offset {local_offset} is not before the central directory"
            )));
        }
        entries.push(Entry {
            name: record[CENTRAL_FIXED..CENTRAL_FIXED + name_len].to_vec(),
            central_position: central_offset + pos as u64,
            central: record,
            local_offset,
            local: Vec::new(),
            total_size: 0,
        });
        pos += size;
    }
    if pos != central.len() {
        return Err(bad(format!(
            "{} bytes of the central directory are not in any record",
            central.len() - pos
        )));
    }
    entries.sort_by_key(|e| e.local_offset);
    for i in 0..entries.len() {
        let next = entries
            .get(i + 1)
            .map_or(central_offset, |n| n.local_offset);
        let e = &mut entries[i];
        if next == e.local_offset {
            return Err(bad(format!(
                "two entries share the local header offset {next}"
            )));
        }
        let fixed = read_at(r, e.local_offset, LOCAL_FIXED)?;
        if le32(&fixed) != LOCAL_SIGNATURE {
            return Err(bad(format!(
                "no local file header at offset {}",
                e.local_offset
            )));
        }
        let name_len = usize::from(u16::from_le_bytes([fixed[26], fixed[27]]));
        let extra_len = usize::from(u16::from_le_bytes([fixed[28], fixed[29]]));
        let header_len = (LOCAL_FIXED + name_len + extra_len) as u64;
        let data = u64::from(le32(&fixed[18..]));
        e.total_size = next - e.local_offset;
        if header_len + data > e.total_size {
            return Err(bad(format!(
                "the entry at offset {} ({} header and {data} data bytes) overlaps the next one at {next}",
                e.local_offset, header_len
            )));
        }
        e.local = read_at(r, e.local_offset, header_len as usize)?;
    }
    let signature = signature_entry(&entries, findings);
    Ok(Some(Layout {
        entries,
        eocd,
        signature,
    }))
}

/// APPNOTE 4.5.3: the Zip64 extended information extra field, header 0x0001.
fn has_zip64_extra(mut extra: &[u8]) -> bool {
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        if id == 0x0001 {
            return true;
        }
        extra = extra.get(4 + len..).unwrap_or(&[]);
    }
    false
}

/// The one signature entry, checked against the package signing rules
/// (NuGet's NU3005 cases); `None` with a finding when it breaks one.
fn signature_entry(entries: &[Entry], findings: &mut Vec<NuGetFinding>) -> Option<usize> {
    let exact: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].name == SIGNATURE_NAME.as_bytes())
        .collect();
    let lookalikes: Vec<String> = entries
        .iter()
        .filter(|e| {
            e.name != SIGNATURE_NAME.as_bytes()
                && (e.name.eq_ignore_ascii_case(SIGNATURE_NAME.as_bytes())
                    || e.name.ends_with(b"/.signature.p7s"))
        })
        .map(|e| String::from_utf8_lossy(&e.name).into_owned())
        .collect();
    if !lookalikes.is_empty() {
        findings.push(NuGetFinding::new(
            NuGetCode::SignatureEntryInvalid,
            format!(
                "entries named like the signature file but not exactly '{SIGNATURE_NAME}' at the root: {}",
                lookalikes.join(", ")
            ),
        ));
    }
    match exact.len() {
        0 => {
            findings.push(NuGetFinding::new(
                NuGetCode::NotSigned,
                format!("the package has no '{SIGNATURE_NAME}' entry"),
            ));
            return None;
        }
        1 => {}
        n => {
            findings.push(NuGetFinding::new(
                NuGetCode::SignatureEntryInvalid,
                format!("the package has {n} '{SIGNATURE_NAME}' entries; exactly one is allowed"),
            ));
            return None;
        }
    }
    let index = exact[0];
    let e = &entries[index];
    let mut problems = Vec::new();
    let flags = (e.u16_central(8), e.u16_local(6));
    for (header, f) in [("central", flags.0), ("local", flags.1)] {
        // APPNOTE 4.4.4: of the general purpose flags only bit 11 (UTF-8
        // names) may be set: no encryption (bits 0, 6, 13), no data
        // descriptor (bit 3), no compression options.
        if f & !0x0800 != 0 {
            problems.push(format!(
                "{header} header flags 0x{f:04x}: only bit 11 (UTF-8) may be set"
            ));
        }
    }
    let method = (e.u16_central(10), e.u16_local(8));
    if method != (0, 0) {
        problems.push(format!(
            "compression methods {} / {}, not 0 (stored)",
            method.0, method.1
        ));
    }
    let central = (e.u32_central(16), e.u32_central(20), e.u32_central(24));
    let local = (e.u32_local(14), e.u32_local(18), e.u32_local(22));
    if central != local {
        problems.push(format!(
            "local header (crc {:08x}, sizes {} / {}) differs from its central record (crc {:08x}, sizes {} / {})",
            local.0, local.1, local.2, central.0, central.1, central.2
        ));
    }
    if central.1 != central.2 {
        problems.push(format!(
            "compressed size {} differs from uncompressed size {}",
            central.1, central.2
        ));
    }
    let disk = e.u16_central(34);
    if disk != 0 {
        problems.push(format!("disk number start {disk}, not 0"));
    }
    let external = e.u32_central(38);
    if external != 0 {
        problems.push(format!("external file attributes 0x{external:08x}, not 0"));
    }
    let local_name = &e.local[LOCAL_FIXED..LOCAL_FIXED + usize::from(e.u16_local(26))];
    if local_name != e.name.as_slice() {
        problems.push(format!(
            "local header name '{}' differs from the central record's",
            String::from_utf8_lossy(local_name)
        ));
    }
    let expected = e.local.len() as u64 + u64::from(central.1);
    if e.total_size != expected {
        problems.push(format!(
            "the entry spans {} bytes, not its header and data's {expected}",
            e.total_size
        ));
    }
    if u64::from(central.1) > MAX_SIGNATURE_SIZE {
        problems.push(format!(
            "{} bytes is over the {MAX_SIGNATURE_SIZE} byte limit for a signature",
            central.1
        ));
    }
    if problems.is_empty() {
        Some(index)
    } else {
        findings.push(NuGetFinding::new(
            NuGetCode::SignatureEntryInvalid,
            format!("the '{SIGNATURE_NAME}' entry: {}", problems.join("; ")),
        ));
        None
    }
}

/// Streams bytes `[from, to)` of `r` into `hasher`.
fn hash_range(
    r: &mut dyn ReadSeek,
    from: u64,
    to: u64,
    hasher: &mut dyn FnMut(&[u8]),
) -> Result<()> {
    r.seek(SeekFrom::Start(from))
        .map_err(|e| bad(format!("seek: {e}")))?;
    let mut left = to - from;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        r.read_exact(&mut buf[..n])
            .map_err(|e| bad(format!("reading at {}: {e}", to - left)))?;
        hasher(&buf[..n]);
        left -= n as u64;
    }
    Ok(())
}

/// The hash of the signed content (see the module comment) with `algorithm`.
pub(crate) fn content_hash(
    r: &mut dyn ReadSeek,
    layout: &Layout,
    signature: usize,
    algorithm: DigestAlgorithm,
) -> Result<Vec<u8>> {
    let mut h = algorithm.hasher();
    let mut feed = |b: &[u8]| h.update(b);
    let sig = &layout.entries[signature];
    let start = layout.entries[0].local_offset;
    hash_range(r, 0, start, &mut feed)?;
    // Offsets as if the signature entry were gone: each entry follows the
    // previous one from offset 0 (the NuGet client's rule).
    let mut moved: Vec<(usize, i64)> = Vec::new();
    let mut previous_end: i64 = 0;
    for (i, e) in layout.entries.iter().enumerate() {
        if i == signature {
            continue;
        }
        hash_range(r, e.local_offset, e.local_offset + e.total_size, &mut feed)?;
        let change = previous_end - e.local_offset as i64;
        previous_end = e.local_offset as i64 + e.total_size as i64 + change;
        moved.push((i, change));
    }
    moved.sort_by_key(|(i, _)| layout.entries[*i].central_position);
    for (i, change) in moved {
        let record = &layout.entries[i].central;
        feed(&record[..42]);
        let offset = (i64::from(le32(&record[42..])) + change) as u32;
        feed(&offset.to_le_bytes());
        feed(&record[CENTRAL_FIXED..]);
    }
    let eocd = &layout.eocd;
    feed(&eocd[..8]);
    for at in [8, 10] {
        let n = u16::from_le_bytes([eocd[at], eocd[at + 1]]).wrapping_sub(1);
        feed(&n.to_le_bytes());
    }
    let size = le32(&eocd[12..]).wrapping_sub(sig.central.len() as u32);
    feed(&size.to_le_bytes());
    let offset = le32(&eocd[16..]).wrapping_sub(sig.total_size as u32);
    feed(&offset.to_le_bytes());
    feed(&eocd[20..]);
    Ok(h.finalize())
}

/// Opens the archive with the `zip` crate, checks that it sees the same
/// entries at the same offsets as our walk, and reads the signature
/// entry's bytes (the crate checks their CRC-32).
pub(crate) fn read_signature(
    r: &mut dyn ReadSeek,
    layout: &Layout,
    signature: usize,
) -> Result<Vec<u8>> {
    r.seek(SeekFrom::Start(0))
        .map_err(|e| bad(format!("seek: {e}")))?;
    let mut archive =
        zip::ZipArchive::new(&mut *r).map_err(|e| bad(format!("the zip reader: {e}")))?;
    if archive.len() != layout.entries.len() {
        return Err(bad(format!(
            "the zip reader sees {} entries, the central directory walk {}",
            archive.len(),
            layout.entries.len()
        )));
    }
    let mut offsets: Vec<(u64, u64)> = layout
        .entries
        .iter()
        .map(|e| (e.central_position, e.local_offset))
        .collect();
    offsets.sort_unstable();
    let mut seen = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let f = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("entry {i}: {e}")))?;
        seen.push((f.central_header_start(), f.header_start()));
    }
    seen.sort_unstable();
    if seen != offsets {
        return Err(bad(
            "the zip reader and the central directory walk disagree on the entries' offsets",
        ));
    }
    let sig = &layout.entries[signature];
    let size = u64::from(le32(&sig.central[24..]));
    let mut file = archive
        .by_name(SIGNATURE_NAME)
        .map_err(|e| bad(format!("{SIGNATURE_NAME}: {e}")))?;
    if file.header_start() != sig.local_offset {
        return Err(bad(format!(
            "{SIGNATURE_NAME}: the zip reader found another entry"
        )));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    (&mut file)
        .take(size)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("{SIGNATURE_NAME}: {e}")))?;
    // Reading to the end makes the crate compare the CRC-32.
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)
        .map_err(|e| bad(format!("{SIGNATURE_NAME}: {e}")))?;
    if !rest.is_empty() || bytes.len() as u64 != size {
        return Err(bad(format!(
            "{SIGNATURE_NAME}: size differs from its headers"
        )));
    }
    Ok(bytes)
}

/// True when `head` (the first bytes of a file) starts a zip archive.
pub(crate) fn looks_like_zip(head: &[u8]) -> bool {
    head.len() >= 4 && (le32(head) == LOCAL_SIGNATURE || le32(head) == EOCD_SIGNATURE)
}

/// Whether the file holds a root `.signature.p7s` entry, judged from its
/// central directory (for type detection; `false` when it does not read).
pub(crate) fn has_signature_entry(r: &mut dyn ReadSeek) -> bool {
    let mut findings = Vec::new();
    match read_layout(r, &mut findings) {
        Ok(Some(l)) => l
            .entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(SIGNATURE_NAME.as_bytes())),
        // A Zip64 package with a signature entry is still a signed package
        // (that NU3006 rejects).
        Ok(None) => findings.iter().any(|f| f.code == NuGetCode::Zip64),
        Err(_) => false,
    }
}

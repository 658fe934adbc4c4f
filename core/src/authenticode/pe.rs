//! The layout of a PE file that Authenticode needs (Microsoft, "Windows
//! Authenticode Portable Executable Signature Format", and the PE format
//! specification): where the checksum and the certificate table's data
//! directory entry are, the headers' size, the sections' raw data, and the
//! certificate table. Read with the `object` crate through a `Read + Seek`
//! cache (only the headers are read); the hashing is ours (image_hash.rs).

use object::LittleEndian as LE;
use object::pe;
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader};

use crate::error::{Error, Result};
use crate::pdf::ReadSeek;

/// The parts of a PE file the image hash and the signature need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeLayout {
    pub file_len: u64,
    /// PE32+ (64-bit optional header).
    pub pe32_plus: bool,
    /// Offset of the optional header's CheckSum (4 bytes).
    pub checksum_offset: u64,
    /// Offset of the certificate table's data directory entry (8 bytes).
    pub cert_directory_offset: u64,
    /// SizeOfHeaders.
    pub size_of_headers: u64,
    /// Sections with raw data: (PointerToRawData, SizeOfRawData), in
    /// section table order (page hashes follow it).
    pub table_sections: Vec<(u64, u64)>,
    /// SectionAlignment: the page size of page hashes.
    pub section_alignment: u64,
    /// The certificate table (file offset, size) when the directory names one.
    pub cert_table: Option<(u64, u64)>,
}

fn bad(rule: impl Into<String>) -> Error {
    Error::invalid("PE file", rule)
}

/// Reads the layout; `Err` when the file is not a PE image (no `MZ`, no
/// `PE\0\0`, a header the `object` crate refuses) or its sections or
/// certificate table lie outside the file.
pub(crate) fn read_layout(r: &mut dyn ReadSeek) -> Result<PeLayout> {
    let cache = object::ReadCache::new(&mut *r);
    let data = &cache;
    let file_len = object::ReadRef::len(data).map_err(|()| bad("cannot read the file length"))?;
    let dos = pe::ImageDosHeader::parse(data).map_err(|e| bad(format!("DOS header: {e}")))?;
    let nt_offset = u64::from(dos.nt_headers_offset());
    let magic = object::read::pe::optional_header_magic(data)
        .map_err(|e| bad(format!("NT headers at {nt_offset}: {e}")))?;
    match magic {
        pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC => {
            layout::<pe::ImageNtHeaders32>(data, nt_offset, file_len, false)
        }
        pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC => {
            layout::<pe::ImageNtHeaders64>(data, nt_offset, file_len, true)
        }
        other => Err(bad(format!(
            "optional header magic 0x{other:04x} is neither PE32 nor PE32+"
        ))),
    }
}

fn layout<Nt: ImageNtHeaders>(
    data: &object::ReadCache<&mut dyn ReadSeek>,
    nt_offset: u64,
    file_len: u64,
    pe32_plus: bool,
) -> Result<PeLayout> {
    let mut offset = nt_offset;
    let (nt, directories) =
        Nt::parse(data, &mut offset).map_err(|e| bad(format!("NT headers: {e}")))?;
    let optional = nt.optional_header();
    // PE format: Signature (4), COFF file header (20), then the optional header.
    let optional_offset = nt_offset + 4 + 20;
    // Optional header: CheckSum at 64 in both forms; the data directories
    // start at 96 (PE32) or 112 (PE32+), 8 bytes each, the certificate
    // table (IMAGE_DIRECTORY_ENTRY_SECURITY) is the fifth.
    let checksum_offset = optional_offset + 64;
    let directories_offset = optional_offset + if pe32_plus { 112 } else { 96 };
    let cert_directory_offset = directories_offset + 8 * pe::IMAGE_DIRECTORY_ENTRY_SECURITY as u64;
    if optional.number_of_rva_and_sizes() <= pe::IMAGE_DIRECTORY_ENTRY_SECURITY as u32 {
        return Err(bad(format!(
            "{} data directories: there is no certificate table entry",
            optional.number_of_rva_and_sizes()
        )));
    }
    let size_of_headers = u64::from(optional.size_of_headers());
    if size_of_headers < cert_directory_offset + 8 || size_of_headers > file_len {
        return Err(bad(format!(
            "SizeOfHeaders {size_of_headers} does not hold the headers (directory entry at {cert_directory_offset}) within the file of {file_len} bytes"
        )));
    }
    let table = nt
        .sections(data, offset)
        .map_err(|e| bad(format!("section table: {e}")))?;
    let mut sections = Vec::with_capacity(table.len());
    for (i, s) in table.iter().enumerate() {
        let start = u64::from(s.pointer_to_raw_data.get(LE));
        let size = u64::from(s.size_of_raw_data.get(LE));
        if size == 0 {
            continue;
        }
        if start.checked_add(size).is_none_or(|end| end > file_len) {
            return Err(bad(format!(
                "section {i}'s raw data ({size} bytes at {start}) runs past the end of the file ({file_len})"
            )));
        }
        sections.push((start, size));
    }
    let table_sections = sections;
    let cert_table = directories
        .get(pe::IMAGE_DIRECTORY_ENTRY_SECURITY)
        .map(|d| {
            (
                u64::from(d.virtual_address.get(LE)),
                u64::from(d.size.get(LE)),
            )
        })
        .filter(|&(offset, size)| offset != 0 || size != 0);
    if let Some((start, size)) = cert_table
        && start.checked_add(size).is_none_or(|end| end > file_len)
    {
        return Err(bad(format!(
            "the certificate table ({size} bytes at {start}) runs past the end of the file ({file_len})"
        )));
    }
    Ok(PeLayout {
        file_len,
        pe32_plus,
        checksum_offset,
        cert_directory_offset,
        size_of_headers,
        table_sections,
        section_alignment: u64::from(optional.section_alignment()),
        cert_table,
    })
}

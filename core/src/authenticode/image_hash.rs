//! The Authenticode image hash (Microsoft, "Windows Authenticode Portable
//! Executable Signature Format", "Calculating the PE Image Hash"): the
//! file up to the certificate table without the CheckSum field and the
//! certificate table's directory entry. The specification describes it as
//! the headers, then each section's raw data in file order, then the data
//! after the last section; that is the same bytes when the sections follow
//! the headers and each other, as linkers lay them out. Where they do not
//! (UPX-packed files whose first section starts inside SizeOfHeaders),
//! signtool and Windows hash the file in one run, as osslsigncode does, and
//! so do we: no byte before the table is left out of the hash.
//!
//! Page hashes (SpcPeImagePageHashes v1 SHA-1, v2 SHA-256): one entry per
//! SectionAlignment-sized page, `(offset u32 LE, hash)`: the headers page
//! (the headers without the same two fields, zero-padded to a page), each
//! section's pages in section table order (the last zero-padded), then the
//! end of the last section with a zero hash.

use std::io::{Read, SeekFrom};

use super::pe::PeLayout;
use crate::crypto::{DigestAlgorithm, Hasher, hash_reader};
use crate::error::{Error, Result};
use crate::pdf::ReadSeek;

fn io(e: std::io::Error) -> Error {
    Error::invalid("PE file", format!("read error: {e}"))
}

/// The image digests for `algorithms`, in one pass over the file (read
/// and hashed at once by [`hash_reader`], so a large file costs about its
/// hashing time).
pub(crate) fn image_digests(
    r: &mut dyn ReadSeek,
    layout: &PeLayout,
    algorithms: &[DigestAlgorithm],
) -> Result<Vec<(DigestAlgorithm, Vec<u8>)>> {
    let image_end = layout
        .cert_table
        .map_or(layout.file_len, |(start, _)| start);
    if image_end < layout.size_of_headers {
        return Err(Error::invalid(
            "PE file",
            format!(
                "the certificate table at {image_end} starts inside the headers ({} bytes)",
                layout.size_of_headers
            ),
        ));
    }
    let ranges = [
        (0, layout.checksum_offset),
        (layout.checksum_offset + 4, layout.cert_directory_offset),
        (layout.cert_directory_offset + 8, image_end),
    ];
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| a.hasher()).collect();
    let mut image = Ranges {
        r,
        ranges: ranges.into_iter(),
        left: 0,
    };
    hash_reader(&mut image, &mut hashers).map_err(io)?;
    Ok(algorithms
        .iter()
        .copied()
        .zip(hashers.into_iter().map(Hasher::finalize))
        .collect())
}

/// The bytes of a file's `(from, to)` ranges one after the other, as one
/// stream; a file that ends inside a range is an `UnexpectedEof` error.
struct Ranges<'r, I> {
    r: &'r mut dyn ReadSeek,
    ranges: I,
    left: u64,
}

impl<I: Iterator<Item = (u64, u64)>> Read for Ranges<'_, I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.left == 0 {
            let Some((from, to)) = self.ranges.next() else {
                return Ok(0);
            };
            self.r.seek(SeekFrom::Start(from))?;
            self.left = to.saturating_sub(from);
        }
        let n = usize::try_from(self.left).map_or(buf.len(), |left| left.min(buf.len()));
        let got = self.r.read(&mut buf[..n])?;
        if got == 0 && n > 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "the file ends {} bytes before the end of the image",
                    self.left
                ),
            ));
        }
        self.left -= got as u64;
        Ok(got)
    }
}

/// The page hash table of the image with `algorithm` (see the module comment).
pub(crate) fn page_hashes(
    r: &mut dyn ReadSeek,
    layout: &PeLayout,
    algorithm: DigestAlgorithm,
) -> Result<Vec<u8>> {
    let page = layout.section_alignment;
    // SectionAlignment at least a 512-byte FileAlignment, at most 4 MiB
    // (large pages), and a headers page that holds the headers.
    if !(512..=4 * 1024 * 1024).contains(&page) || layout.size_of_headers > page {
        return Err(Error::invalid(
            "PE file",
            format!(
                "SectionAlignment {page} cannot hold page hashes (headers {})",
                layout.size_of_headers
            ),
        ));
    }
    let mut table = Vec::new();
    let mut read = |from: u64, len: u64| -> Result<Vec<u8>> {
        let mut b = vec![0u8; len as usize];
        r.seek(SeekFrom::Start(from)).map_err(io)?;
        r.read_exact(&mut b).map_err(io)?;
        Ok(b)
    };
    let headers = read(0, layout.size_of_headers)?;
    let mut h = algorithm.hasher();
    h.update(&headers[..layout.checksum_offset as usize]);
    h.update(&headers[layout.checksum_offset as usize + 4..layout.cert_directory_offset as usize]);
    h.update(&headers[layout.cert_directory_offset as usize + 8..]);
    h.update(&vec![0u8; (page - layout.size_of_headers) as usize]);
    table.extend(0u32.to_le_bytes());
    table.extend(h.finalize());
    let mut last = 0u64;
    for &(start, size) in &layout.table_sections {
        let mut at = 0;
        while at < size {
            let n = page.min(size - at);
            let mut bytes = read(start + at, n)?;
            bytes.resize(page as usize, 0);
            table.extend(((start + at) as u32).to_le_bytes());
            table.extend(algorithm.digest(&bytes));
            at += page;
        }
        last = start + size;
    }
    table.extend((last as u32).to_le_bytes());
    table.extend(vec![0u8; algorithm.output_len()]);
    Ok(table)
}

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

use std::io::SeekFrom;

use super::pe::PeLayout;
use crate::crypto::DigestAlgorithm;
use crate::error::{Error, Result};
use crate::pdf::ReadSeek;

/// Read buffer: 1 MiB keeps syscalls few on large images.
const CHUNK: usize = 1 << 20;

fn io(e: std::io::Error) -> Error {
    Error::invalid("PE file", format!("read error: {e}"))
}

/// The image digests for `algorithms`, in one pass over the file. Reading
/// and hashing overlap: this thread reads the next chunk while a scoped
/// thread hashes the last one (two 1 MiB buffers go back and forth), so a
/// large file costs about its hashing time.
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
    let mut hashers: Vec<_> = algorithms.iter().map(|a| (*a, a.hasher())).collect();
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<(Vec<u8>, usize)>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    for _ in 0..2 {
        // Cannot fail: the channel holds two buffers.
        let _ = empty_tx.send(vec![0u8; CHUNK]);
    }
    std::thread::scope(|scope| {
        let hashing = scope.spawn(move || {
            for (buf, n) in full_rx {
                for (_, h) in &mut hashers {
                    h.update(&buf[..n]);
                }
                if empty_tx.send(buf).is_err() {
                    break;
                }
            }
            hashers
        });
        let read = (|| -> Result<()> {
            for (from, to) in ranges {
                r.seek(SeekFrom::Start(from)).map_err(io)?;
                let mut left = to - from;
                while left > 0 {
                    let mut buf = empty_rx
                        .recv()
                        .map_err(|_| Error::invalid("PE file", "the hashing thread stopped"))?;
                    let n = left.min(CHUNK as u64) as usize;
                    r.read_exact(&mut buf[..n]).map_err(io)?;
                    full_tx
                        .send((buf, n))
                        .map_err(|_| Error::invalid("PE file", "the hashing thread stopped"))?;
                    left -= n as u64;
                }
            }
            Ok(())
        })();
        drop(full_tx);
        let hashers = hashing
            .join()
            .map_err(|_| Error::invalid("PE file", "the hashing thread panicked"))?;
        read?;
        Ok(hashers
            .into_iter()
            .map(|(a, h)| (a, h.finalize()))
            .collect())
    })
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

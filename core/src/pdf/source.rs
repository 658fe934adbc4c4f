//! Random access to the file through the caller's `Read + Seek`, in cached
//! 64 KiB blocks: the file is never loaded whole.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use super::findings::{PdfError, PdfResult};

/// Anything the reader can read from.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

const BLOCK: u64 = 64 * 1024;
/// 64 blocks: 4 MiB of cache, enough for the objects of the last revisions
/// and the xref sections, whatever the file size.
const CACHED_BLOCKS: usize = 64;

struct Inner<'r> {
    reader: &'r mut dyn ReadSeek,
    blocks: HashMap<u64, std::rc::Rc<Vec<u8>>>,
    order: std::collections::VecDeque<u64>,
}

/// The file.
pub(crate) struct Source<'r> {
    inner: RefCell<Inner<'r>>,
    /// Its length in bytes.
    pub len: u64,
}

fn io(e: std::io::Error) -> PdfError {
    PdfError::malformed(format!("read error: {e}"))
}

impl<'r> Source<'r> {
    pub fn new(reader: &'r mut dyn ReadSeek) -> PdfResult<Self> {
        let len = reader.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Source {
            inner: RefCell::new(Inner {
                reader,
                blocks: HashMap::new(),
                order: std::collections::VecDeque::new(),
            }),
            len,
        })
    }

    fn block(&self, index: u64) -> PdfResult<std::rc::Rc<Vec<u8>>> {
        let mut inner = self.inner.borrow_mut();
        if let Some(b) = inner.blocks.get(&index) {
            return Ok(b.clone());
        }
        let start = index * BLOCK;
        let size = BLOCK.min(self.len.saturating_sub(start)) as usize;
        let mut buf = vec![0u8; size];
        inner.reader.seek(SeekFrom::Start(start)).map_err(io)?;
        inner.reader.read_exact(&mut buf).map_err(io)?;
        let block = std::rc::Rc::new(buf);
        if inner.order.len() >= CACHED_BLOCKS
            && let Some(old) = inner.order.pop_front()
        {
            inner.blocks.remove(&old);
        }
        inner.order.push_back(index);
        inner.blocks.insert(index, block.clone());
        Ok(block)
    }

    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    pub fn read_at(&self, offset: u64, len: usize) -> PdfResult<Vec<u8>> {
        let end = offset.saturating_add(len as u64).min(self.len);
        let mut out = Vec::with_capacity(end.saturating_sub(offset) as usize);
        let mut pos = offset;
        while pos < end {
            let index = pos / BLOCK;
            let block = self.block(index)?;
            let from = (pos - index * BLOCK) as usize;
            let to = ((end - index * BLOCK) as usize).min(block.len());
            out.extend_from_slice(&block[from..to]);
            pos = index * BLOCK + to as u64;
        }
        Ok(out)
    }

    /// Streams `[offset, offset + len)` to `sink` in 1 MiB reads, past the
    /// cache (for hashing the signed bytes).
    pub fn stream_range(
        &self,
        offset: u64,
        len: u64,
        sink: &mut dyn FnMut(&[u8]),
    ) -> std::io::Result<()> {
        let mut inner = self.inner.borrow_mut();
        inner.reader.seek(SeekFrom::Start(offset))?;
        let mut buf = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            inner.reader.read_exact(&mut buf[..want])?;
            sink(&buf[..want]);
            left -= want as u64;
        }
        Ok(())
    }

    /// A reader over the two ByteRange segments, in order.
    pub fn segments(&self, segments: [(u64, u64); 2]) -> SegmentReader<'_, 'r> {
        SegmentReader {
            source: self,
            segments,
            current: 0,
            pos: segments[0].0,
        }
    }
}

/// `Read` over the signed bytes of a signature, straight from the file.
pub(crate) struct SegmentReader<'s, 'r> {
    source: &'s Source<'r>,
    segments: [(u64, u64); 2],
    current: usize,
    pos: u64,
}

impl Read for SegmentReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current < 2 {
            let (start, len) = self.segments[self.current];
            let end = start + len;
            if self.pos < end {
                let n = (buf.len() as u64).min(end - self.pos) as usize;
                let mut inner = self.source.inner.borrow_mut();
                inner.reader.seek(SeekFrom::Start(self.pos))?;
                inner.reader.read_exact(&mut buf[..n])?;
                self.pos += n as u64;
                return Ok(n);
            }
            self.current += 1;
            if self.current < 2 {
                self.pos = self.segments[1].0;
            }
        }
        Ok(0)
    }
}

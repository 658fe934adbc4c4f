//! The detached content of References outside the document (XML-DSig
//! 4.4.3.1): bytes in memory, or a seekable reader streamed into the
//! digest so that a detached document of any size is never held whole.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, SeekFrom};

use super::findings::{XmlCode, XmlFinding};
use crate::crypto::{Hasher, hash_reader};
use crate::pdf::ReadSeek;

/// Where the detached content comes from.
pub(crate) enum Detached<'e> {
    /// The caller's bytes.
    Bytes(&'e [u8]),
    /// The caller's reader, read from `start` (its position when given)
    /// to its end for every Reference.
    Reader {
        reader: RefCell<&'e mut dyn ReadSeek>,
        start: u64,
    },
}

impl<'e> Detached<'e> {
    /// The content of `reader` from its current position to its end.
    pub(crate) fn reader(reader: &'e mut dyn ReadSeek) -> std::io::Result<Self> {
        let start = reader.stream_position()?;
        Ok(Detached::Reader {
            reader: RefCell::new(reader),
            start,
        })
    }

    /// Feeds the whole content to `hasher` (a Reference without
    /// transforms: the octets are digested as they are, XML-DSig 4.3.3.2).
    /// Returns the content's length.
    pub(crate) fn digest_into(&self, hasher: &mut Hasher) -> Result<u64, XmlFinding> {
        match self {
            Detached::Bytes(bytes) => {
                hasher.update(bytes);
                Ok(bytes.len() as u64)
            }
            Detached::Reader { reader, start } => {
                let mut reader = reader.borrow_mut();
                rewind(&mut **reader, *start)?;
                hash_reader(&mut **reader, std::slice::from_mut(hasher)).map_err(read_error)
            }
        }
    }

    /// The whole content in memory, for transforms that need it (base64,
    /// or parsing it as XML); a reader longer than `max_size` bytes is
    /// refused rather than held.
    pub(crate) fn bytes(&self, max_size: usize) -> Result<Cow<'_, [u8]>, XmlFinding> {
        match self {
            Detached::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            Detached::Reader { reader, start } => {
                let mut reader = reader.borrow_mut();
                rewind(&mut **reader, *start)?;
                let mut bytes = Vec::new();
                let limit = u64::try_from(max_size)
                    .unwrap_or(u64::MAX)
                    .saturating_add(1);
                Read::take(&mut **reader, limit)
                    .read_to_end(&mut bytes)
                    .map_err(read_error)?;
                if bytes.len() > max_size {
                    return Err(XmlFinding::new(
                        XmlCode::LimitExceeded,
                        format!(
                            "the detached content is over {max_size} bytes, the most a Reference with transforms may read into memory"
                        ),
                    ));
                }
                Ok(Cow::Owned(bytes))
            }
        }
    }
}

fn rewind(reader: &mut dyn ReadSeek, start: u64) -> Result<(), XmlFinding> {
    reader
        .seek(SeekFrom::Start(start))
        .map(|_| ())
        .map_err(read_error)
}

fn read_error(e: std::io::Error) -> XmlFinding {
    XmlFinding::new(
        XmlCode::ContentMissing,
        format!("the detached content cannot be read: {e}"),
    )
}

//! Reading an input with its size limit checked while reading: a reader
//! that never ends (`/dev/zero`, a hostile peer) costs at most the limit
//! plus one byte, never memory without bound.

use std::io::Read;

use crate::error::{Error, Result};

/// Reads `reader` to its end, refusing an input over `limit` bytes with
/// [`Error::TooLarge`] naming `what`; at most `limit + 1` bytes are read.
///
/// ```
/// let err = validate::read_limited(std::io::repeat(0), 1024, "a certificate file").unwrap_err();
/// assert!(err.to_string().contains("over the limit of 1024 bytes for a certificate file"));
/// assert_eq!(validate::read_limited(&b"abc"[..], 3, "x").unwrap(), b"abc");
/// ```
pub fn read_limited(reader: impl Read, limit: usize, what: &'static str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| Error::invalid(what, format!("read error: {e}")))?;
    if out.len() > limit {
        return Err(Error::TooLarge {
            what,
            size: out.len(),
            limit,
        });
    }
    Ok(out)
}

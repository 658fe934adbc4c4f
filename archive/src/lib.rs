//! The archive of code-signing operations (seed `codesign-archive-api.txt`,
//! `POST Codesign/RetrieveArchiveEntries`) on an embedded SQLite database.
//!
//! - [`ArchiveEntry`]: one signing operation, JSON names as in the seed.
//! - [`Archive`]: the store — [`Archive::open`], [`Archive::record`],
//!   [`Archive::record_batch`], [`Archive::retrieve`].
//! - [`ArchiveRequest`] / [`ArchiveResponse`]: the seed's request and 200 body;
//!   [`BadRequest`]: its 400 body.
//! - [`Caller`] / [`Role`]: who asks, and what they may see.
//!
//! The semantics decisions (wildcards, case, time bounds, page limits, roles)
//! are written down in `docs/archive.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod caller;
mod entry;
mod error;
mod filter;
mod query;
mod storage;
mod timestamp;

pub use caller::{CODESIGN_MANAGE_SCOPE, Caller, Role, UnknownRole};
pub use entry::{ArchiveEntry, ClientInterface, InvalidClientInterface};
pub use error::{ArchiveError, BadRequest};
pub use filter::{
    ArchiveFilter, ArchiveRequest, ArchiveResponse, DEFAULT_PAGE_SIZE, MAX_DNS_PER_LIST,
    MAX_PAGE_SIZE,
};
pub use storage::{Archive, BULK_MIN_ENTRIES, Batch};
pub use timestamp::{Timestamp, TimestampError};

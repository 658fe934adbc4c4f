//! placeholder

pub mod archive;
pub use archive::{Archive, ArchiveEntry};

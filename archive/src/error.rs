//! Errors of the archive: the seed's 400 body and the library error.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The seed's HTTP 400 body: `{"error": ..., "error_description": ...}`.
///
/// `error` is the reason; `error_description` says how to fix the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRequest {
    /// The reason for the error.
    pub error: String,
    /// Additional information about how to retry the request.
    pub error_description: String,
}

impl BadRequest {
    pub(crate) fn new(error: impl Into<String>, error_description: impl Into<String>) -> Self {
        BadRequest {
            error: error.into(),
            error_description: error_description.into(),
        }
    }
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.error, self.error_description)
    }
}

impl std::error::Error for BadRequest {}

/// Why an archive operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The request is invalid (HTTP 400 in the seed); the body says why.
    #[error("bad request: {0}")]
    BadRequest(BadRequest),
    /// The caller's token lacks the `Codesign:Manage` scope.
    #[error("the token lacks the Codesign:Manage scope required to retrieve archive entries")]
    MissingScope,
    /// An entry cannot be stored as it is.
    #[error("archive entry field {field}: {reason}")]
    InvalidEntry {
        /// The seed name of the offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry's `ArchiveEntryId` is already in the archive.
    #[error("ArchiveEntryId {0} is already recorded")]
    DuplicateId(i64),
    /// The database was written by a newer version of this library.
    #[error("archive schema version {found} is newer than the {supported} this library knows")]
    UnsupportedSchema {
        /// The database's `user_version`.
        found: i64,
        /// The newest schema version this library migrates to.
        supported: i64,
    },
    /// A stored row holds a value no entry can have (the file was edited or damaged).
    #[error("archive entry {id}: stored {column} is invalid")]
    CorruptRow {
        /// The entry's id.
        id: i64,
        /// The column holding the bad value.
        column: &'static str,
    },
    /// The SQLite in use lacks something the archive relies on.
    #[error("SQLite does not provide {0}, which the archive relies on")]
    SqliteFeature(&'static str),
    /// SQLite failed (I/O, locking, a damaged file, ...).
    #[error("archive storage: {0}")]
    Storage(#[from] rusqlite::Error),
}

impl From<BadRequest> for ArchiveError {
    fn from(value: BadRequest) -> Self {
        ArchiveError::BadRequest(value)
    }
}

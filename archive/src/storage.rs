//! The SQLite store: schema migrations, connection settings, writes and reads.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{
    CachedStatement, Connection, ErrorCode, OpenFlags, OptionalExtension, Row, params_from_iter,
};

use super::caller::Caller;
use super::entry::{ArchiveEntry, ClientInterface};
use super::error::ArchiveError;
use super::filter::{ArchiveRequest, ArchiveResponse};
use super::query::Where;
use super::timestamp::Timestamp;

/// Schema migrations; migration `i` brings `PRAGMA user_version` from `i` to
/// `i + 1`. Append only: never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: the dictionary, the entry table and the indexes for the seed's filters.
    "-- Every distinct text of the repetitive fields (users, hosts, DNs, library
    -- names and versions, hashes of signing applications, ...) once. Rows hold
    -- its id: rows and index keys stay small, index builds compare integers,
    -- and a wildcard on such a field scans the dictionary, not the entries.
    CREATE TABLE text_value (
        id INTEGER PRIMARY KEY,
        value TEXT NOT NULL UNIQUE
    ) STRICT;
    -- One row per signing operation. INTEGER columns named after text fields
    -- are text_value ids; artifact and command, unique per operation, are
    -- stored inline.
    CREATE TABLE archive_entry (
        id INTEGER PRIMARY KEY,          -- ArchiveEntryId (the rowid)
        ts INTEGER NOT NULL,             -- Timestamp: microseconds since 1970 UTC
        application_hash INTEGER NOT NULL,
        artifact TEXT NOT NULL,
        authenticated_user INTEGER NOT NULL,
        client_interface INTEGER NOT NULL,
        client_library_location INTEGER NOT NULL,
        client_library_name INTEGER NOT NULL,
        client_library_version INTEGER NOT NULL,
        client_mechanism INTEGER NOT NULL,
        command TEXT NOT NULL,
        environment INTEGER NOT NULL,
        event_id INTEGER NOT NULL,
        executable INTEGER NOT NULL,
        executable_location INTEGER NOT NULL,
        flow INTEGER NOT NULL,
        grouping_number INTEGER NOT NULL,
        ip_address INTEGER NOT NULL,
        key_type INTEGER NOT NULL,
        key_vault_id INTEGER NOT NULL,
        machine INTEGER NOT NULL,
        mechanism INTEGER NOT NULL,
        platform INTEGER NOT NULL,
        project INTEGER NOT NULL,
        remote_account INTEGER NOT NULL
    ) STRICT;
    -- Results are ordered by (ts, id); an index on (x, ts) also carries the
    -- rowid, so an equality match on x pages in order without a sort.
    -- The time window and the unfiltered listing.
    CREATE INDEX archive_entry_ts ON archive_entry (ts);
    -- Auditor scoping, ProjectDN / ProjectDNs.
    CREATE INDEX archive_entry_project ON archive_entry (project, ts);
    -- EnvironmentDN / EnvironmentDNs.
    CREATE INDEX archive_entry_environment ON archive_entry (environment, ts);
    -- Who signed: AuthenticatedUser (seed example 2).
    CREATE INDEX archive_entry_user ON archive_entry (authenticated_user, ts);
    -- From where: IPAddress.
    CREATE INDEX archive_entry_ip ON archive_entry (ip_address, ts);
    -- With what: ClientLibraryName (seed example 3).
    CREATE INDEX archive_entry_library ON archive_entry (client_library_name, ts);
    -- What was signed: Artifact (the forensic look-up of one binary).
    CREATE INDEX archive_entry_artifact ON archive_entry (artifact);",
];

/// The entry columns in `ArchiveEntry` order, dictionary ids resolved.
const SELECT_COLUMNS: &str = "id, ts, \
    (SELECT value FROM text_value WHERE id = application_hash), artifact, \
    (SELECT value FROM text_value WHERE id = authenticated_user), client_interface, \
    (SELECT value FROM text_value WHERE id = client_library_location), \
    (SELECT value FROM text_value WHERE id = client_library_name), \
    (SELECT value FROM text_value WHERE id = client_library_version), client_mechanism, \
    command, (SELECT value FROM text_value WHERE id = environment), event_id, \
    (SELECT value FROM text_value WHERE id = executable), \
    (SELECT value FROM text_value WHERE id = executable_location), \
    (SELECT value FROM text_value WHERE id = flow), grouping_number, \
    (SELECT value FROM text_value WHERE id = ip_address), \
    (SELECT value FROM text_value WHERE id = key_type), key_vault_id, \
    (SELECT value FROM text_value WHERE id = machine), mechanism, \
    (SELECT value FROM text_value WHERE id = platform), \
    (SELECT value FROM text_value WHERE id = project), \
    (SELECT value FROM text_value WHERE id = remote_account)";

const INSERT: &str = "INSERT INTO archive_entry (id, ts, application_hash, artifact, \
    authenticated_user, client_interface, client_library_location, client_library_name, \
    client_library_version, client_mechanism, command, environment, event_id, executable, \
    executable_location, flow, grouping_number, ip_address, key_type, key_vault_id, machine, \
    mechanism, platform, project, remote_account) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
    ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

const FIND_TEXT: &str = "SELECT id FROM text_value WHERE value = ?1";
const ADD_TEXT: &str = "INSERT INTO text_value (value) VALUES (?1)";

/// How long a connection waits for another writer's lock before failing.
/// Writers hold the lock for one transaction; WAL readers never wait.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page cache per connection, in KiB (SQLite's negative `cache_size`). Bulk
/// imports touch one page per index per row; 64 MiB keeps the index pages of
/// about a million entries in memory.
const CACHE_KIB: i64 = 64 * 1024;

/// Page size of a new archive file. 16 KiB pages hold more index keys per
/// page than SQLite's 4 KiB default, which measured ~20% faster imports with
/// seven indexes; an existing file keeps its page size.
const PAGE_SIZE: i64 = 16 * 1024;

/// Page cache while a bulk batch rebuilds its indexes, in KiB. SQLite's
/// sorter keeps runs of up to this size in memory and merges them; 4 MiB
/// runs (SQLite's minimum at 16 KiB pages) sorted faster than 16-64 MiB
/// ones, which miss the CPU caches. With the helper threads below: 0.9 s
/// instead of 1.9 s per index of a million entries on the development
/// machine (docs/archive.md).
const SORT_CACHE_KIB: i64 = 4 * 1024;

/// Helper threads SQLite's sorter may use while a bulk batch rebuilds its
/// indexes: runs are sorted and merged beside the thread that reads the
/// table. At most 8 (SQLite's compile-time limit).
fn sorter_threads() -> i64 {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8) as i64)
}

/// A batch expected to hold at least this many entries, and at least as many
/// as the archive already holds, rebuilds the secondary indexes at commit
/// instead of updating them row by row (see [`Archive::batch_sized`]).
pub const BULK_MIN_ENTRIES: u64 = 10_000;

/// An archive of code-signing operations in one SQLite file.
///
/// The file is opened in WAL mode, so readers (other `Archive`s on the same
/// file, in this or another process) see the last committed state and never
/// block the writer. `synchronous = FULL`: a committed entry survives a crash
/// of the process and of the machine. One `Archive` is one connection: it is
/// `Send`; open one per thread.
///
/// ```
/// use validate_archive::{Archive, ArchiveEntry, ArchiveRequest, Caller, Role, CODESIGN_MANAGE_SCOPE};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let mut archive = Archive::open(dir.path().join("archive.db"))?;
///
/// let mut entry = ArchiveEntry::new("2022-11-28T22:44:18Z".parse()?);
/// entry.client_library_name = "pkcs11".into();
/// entry.project = "\\VED\\Code Signing\\Projects\\White List".into();
/// let id = archive.record(&entry)?;
///
/// let admin = Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE);
/// let request = ArchiveRequest::from_json(r#"{"ArchiveFilter": {"ClientLibraryName": "pkcs%"}}"#)?;
/// let response = archive.retrieve(&admin, &request)?;
/// assert_eq!(response.total_count, 1);
/// assert_eq!(response.archive_results[0].archive_entry_id, Some(id));
///
/// // An auditor of another project sees nothing, whatever it asks for.
/// let auditor = Caller::new(Role::CodeSigningAuditor)
///     .with_scope(CODESIGN_MANAGE_SCOPE)
///     .auditing("\\VED\\Code Signing\\Projects\\Testing");
/// assert_eq!(archive.retrieve(&auditor, &ArchiveRequest::default())?.total_count, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Archive {
    conn: Connection,
}

impl Archive {
    /// Opens (creating if needed) the archive at `path` and migrates its
    /// schema to the newest version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ArchiveError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        Archive::setup(conn)
    }

    /// An archive in memory, gone when dropped (tests and examples).
    pub fn open_in_memory() -> Result<Self, ArchiveError> {
        Archive::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self, ArchiveError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Takes effect only on a file with no pages yet.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        // WAL: readers see a consistent snapshot while a writer imports. An
        // in-memory database answers "memory"; that is fine.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        // The seed's patterns match case-sensitively, like exact equality; with
        // this setting SQLite's LIKE does so too (and may use the index).
        conn.pragma_update(None, "case_sensitive_like", true)?;
        let folds: bool = conn.query_row("SELECT 'a' LIKE 'A'", [], |r| r.get(0))?;
        if folds {
            return Err(ArchiveError::SqliteFeature("PRAGMA case_sensitive_like"));
        }
        let mut archive = Archive { conn };
        archive.migrate()?;
        Ok(archive)
    }

    /// Applies the migrations the file has not seen, each in its own transaction.
    fn migrate(&mut self) -> Result<(), ArchiveError> {
        let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        // A current file needs no write lock: opening it must not wait for
        // (or block) a writer that is importing.
        if self.schema_version()? == supported {
            return Ok(());
        }
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version > supported {
                return Err(ArchiveError::UnsupportedSchema {
                    found: version,
                    supported,
                });
            }
            let Some(step) = usize::try_from(version)
                .ok()
                .and_then(|v| MIGRATIONS.get(v))
            else {
                return Ok(());
            };
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64, ArchiveError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Records one entry in its own transaction and returns its id: the
    /// entry's `ArchiveEntryId` if set, else the next id after the largest.
    pub fn record(&mut self, entry: &ArchiveEntry) -> Result<i64, ArchiveError> {
        let mut batch = self.batch()?;
        let id = batch.add(entry)?;
        batch.commit()?;
        Ok(id)
    }

    /// Records entries in one transaction: all of them, or (on an error) none.
    /// Returns their ids in order.
    ///
    /// Large batches take the bulk path of [`Archive::batch_sized`], sized by
    /// the iterator's `size_hint`.
    pub fn record_batch<E>(
        &mut self,
        entries: impl IntoIterator<Item = E>,
    ) -> Result<Vec<i64>, ArchiveError>
    where
        E: std::borrow::Borrow<ArchiveEntry>,
    {
        let entries = entries.into_iter();
        let expected = u64::try_from(entries.size_hint().0).unwrap_or(u64::MAX);
        let mut batch = self.batch_sized(expected)?;
        let ids = entries
            .map(|e| batch.add(e.borrow()))
            .collect::<Result<Vec<_>, _>>()?;
        batch.commit()?;
        Ok(ids)
    }

    /// Starts a write transaction for adding entries one at a time (for a
    /// stream whose entries may fail to parse). Nothing is visible to readers
    /// before [`Batch::commit`]; dropping the batch rolls it back.
    pub fn batch(&mut self) -> Result<Batch<'_>, ArchiveError> {
        self.batch_sized(0)
    }

    /// Like [`Archive::batch`], for about `expected` entries. When `expected`
    /// is at least [`BULK_MIN_ENTRIES`] and at least the number of entries
    /// already stored, the secondary indexes are dropped inside the
    /// transaction and rebuilt by [`Batch::commit`]: building an index by one
    /// sort is much cheaper than inserting into seven B-trees row by row.
    /// Readers keep using the indexes of their own snapshot; a rollback
    /// restores them with everything else.
    pub fn batch_sized(&mut self, expected: u64) -> Result<Batch<'_>, ArchiveError> {
        // IMMEDIATE takes the write lock now, waiting up to BUSY_TIMEOUT for
        // another writer, instead of failing later when upgrading.
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut batch = Batch {
            conn: &self.conn,
            insert: None,
            open: true,
            rebuild: Vec::new(),
            texts: HashMap::default(),
        };
        if expected >= BULK_MIN_ENTRIES {
            let stored: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM archive_entry", [], |r| r.get(0))?;
            if expected >= u64::try_from(stored).unwrap_or(u64::MAX) {
                batch.rebuild = drop_indexes(&self.conn)?;
            }
        }
        batch.insert = Some(self.conn.prepare_cached(INSERT)?);
        Ok(batch)
    }

    /// Answers a `RetrieveArchiveEntries` request as `caller`.
    ///
    /// Requires the `Codesign:Manage` scope. The count and the page are read
    /// from one snapshot, so `TotalCount` agrees with the page even while
    /// another connection writes.
    pub fn retrieve(
        &self,
        caller: &Caller,
        request: &ArchiveRequest,
    ) -> Result<ArchiveResponse, ArchiveError> {
        if !caller.has_manage_scope() {
            return Err(ArchiveError::MissingScope);
        }
        request.validate()?;
        let offset = request.offset().unwrap_or(i64::MAX);
        let w = Where::build(caller, &request.filter);
        let where_sql = w.sql();
        let tx = self.conn.unchecked_transaction()?;
        let total: i64 = tx
            .prepare_cached(&format!(
                "SELECT count(*) FROM archive_entry WHERE {where_sql}"
            ))?
            .query_row(params_from_iter(w.params()), |r| r.get(0))?;
        let mut params = w.params().to_vec();
        params.push(i64::from(request.page_size).into());
        params.push(offset.into());
        let mut page = tx.prepare_cached(&format!(
            "SELECT {SELECT_COLUMNS} FROM archive_entry WHERE {where_sql} \
             ORDER BY ts, id LIMIT ? OFFSET ?"
        ))?;
        let mut rows = page.query(params_from_iter(params))?;
        let mut results = Vec::new();
        while let Some(row) = rows.next()? {
            results.push(entry_from_row(row)?);
        }
        drop(rows);
        drop(page);
        tx.finish()?;
        Ok(ArchiveResponse {
            archive_results: results,
            page_number: request.page,
            success: true,
            total_count: u64::try_from(total).unwrap_or(0),
        })
    }
}

/// An open write transaction; see [`Archive::batch`].
pub struct Batch<'a> {
    conn: &'a Connection,
    insert: Option<CachedStatement<'a>>,
    open: bool,
    /// `CREATE INDEX` statements to run at commit (bulk batches).
    rebuild: Vec<String>,
    /// Dictionary ids seen or added in this transaction.
    texts: HashMap<String, i64, foldhash::fast::RandomState>,
}

/// Drops the table's secondary indexes, returning the SQL that recreates them.
fn drop_indexes(conn: &Connection) -> Result<Vec<String>, ArchiveError> {
    let indexes: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND tbl_name = 'archive_entry' AND sql IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut rebuild = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        // `name` comes from the schema itself; quote it as an identifier.
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}

impl std::fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("open", &self.open)
            .field("bulk", &!self.rebuild.is_empty())
            .finish()
    }
}

impl Batch<'_> {
    /// Adds one entry and returns its id (see [`Archive::record`]).
    pub fn add(&mut self, entry: &ArchiveEntry) -> Result<i64, ArchiveError> {
        if let Some(id) = entry.archive_entry_id.filter(|id| *id < 1) {
            return Err(ArchiveError::InvalidEntry {
                field: "ArchiveEntryId",
                reason: format!("{id} is not a positive integer"),
            });
        }
        let e = entry;
        let application_hash = self.text_id(&e.application_hash)?;
        let authenticated_user = self.text_id(&e.authenticated_user)?;
        let client_library_location = self.text_id(&e.client_library_location)?;
        let client_library_name = self.text_id(&e.client_library_name)?;
        let client_library_version = self.text_id(&e.client_library_version)?;
        let environment = self.text_id(&e.environment)?;
        let executable = self.text_id(&e.executable)?;
        let executable_location = self.text_id(&e.executable_location)?;
        let flow = self.text_id(&e.flow)?;
        let ip_address = self.text_id(&e.ip_address)?;
        let key_type = self.text_id(&e.key_type)?;
        let machine = self.text_id(&e.machine)?;
        let platform = self.text_id(&e.platform)?;
        let project = self.text_id(&e.project)?;
        let remote_account = self.text_id(&e.remote_account)?;
        let Some(insert) = self.insert.as_mut() else {
            return Err(ArchiveError::SqliteFeature("a prepared INSERT"));
        };
        let result = insert.execute(rusqlite::params![
            e.archive_entry_id,
            e.timestamp.unix_micros(),
            application_hash,
            e.artifact,
            authenticated_user,
            e.client_interface.code(),
            client_library_location,
            client_library_name,
            client_library_version,
            e.client_mechanism,
            e.command,
            environment,
            e.event_id,
            executable,
            executable_location,
            flow,
            e.grouping,
            ip_address,
            key_type,
            e.key_vault_id,
            machine,
            e.mechanism,
            platform,
            project,
            remote_account,
        ]);
        match result {
            Ok(_) => Ok(self.conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.code == ErrorCode::ConstraintViolation =>
            {
                Err(ArchiveError::DuplicateId(
                    entry.archive_entry_id.unwrap_or_default(),
                ))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The dictionary id of `text`, added if new.
    fn text_id(&mut self, text: &str) -> Result<i64, ArchiveError> {
        if let Some(id) = self.texts.get(text) {
            return Ok(*id);
        }
        let found: Option<i64> = self
            .conn
            .prepare_cached(FIND_TEXT)?
            .query_row([text], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                self.conn.prepare_cached(ADD_TEXT)?.execute([text])?;
                self.conn.last_insert_rowid()
            }
        };
        self.texts.insert(text.to_owned(), id);
        Ok(id)
    }

    /// Commits every added entry at once.
    pub fn commit(mut self) -> Result<(), ArchiveError> {
        self.insert = None;
        // On an error `self` is dropped still open, which rolls back.
        let rebuild = std::mem::take(&mut self.rebuild);
        if !rebuild.is_empty() {
            self.conn.pragma_update(None, "threads", sorter_threads())?;
            self.conn
                .pragma_update(None, "cache_size", -SORT_CACHE_KIB)?;
            let built = rebuild
                .iter()
                .try_for_each(|sql| self.conn.execute_batch(sql));
            // The connection's settings come back whether or not the build worked.
            self.conn.pragma_update(None, "threads", 0)?;
            self.conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
            built?;
        }
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if self.open {
            self.insert = None;
            // Nothing to report from a destructor; an error here leaves the
            // transaction to SQLite, which rolls it back on close.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

fn entry_from_row(row: &Row<'_>) -> Result<ArchiveEntry, ArchiveError> {
    let id: i64 = row.get(0)?;
    let timestamp = Timestamp::from_unix_micros(row.get(1)?)
        .ok_or(ArchiveError::CorruptRow { id, column: "ts" })?;
    let client_interface =
        ClientInterface::try_from(row.get::<_, i64>(5)?).map_err(|_| ArchiveError::CorruptRow {
            id,
            column: "client_interface",
        })?;
    Ok(ArchiveEntry {
        archive_entry_id: Some(id),
        timestamp,
        application_hash: row.get(2)?,
        artifact: row.get(3)?,
        authenticated_user: row.get(4)?,
        client_interface,
        client_library_location: row.get(6)?,
        client_library_name: row.get(7)?,
        client_library_version: row.get(8)?,
        client_mechanism: row.get(9)?,
        command: row.get(10)?,
        environment: row.get(11)?,
        event_id: row.get(12)?,
        executable: row.get(13)?,
        executable_location: row.get(14)?,
        flow: row.get(15)?,
        grouping: row.get(16)?,
        ip_address: row.get(17)?,
        key_type: row.get(18)?,
        key_vault_id: row.get(19)?,
        machine: row.get(20)?,
        mechanism: row.get(21)?,
        platform: row.get(22)?,
        project: row.get(23)?,
        remote_account: row.get(24)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(archive: &Archive, name: &str) -> i64 {
        archive
            .conn
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    }

    fn index_count(archive: &Archive) -> i64 {
        archive
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'archive_entry'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_bulk_batch_gives_back_the_connection_settings() {
        let mut archive = Archive::open_in_memory().unwrap();
        let indexes = index_count(&archive);
        let entries: Vec<ArchiveEntry> = (0..BULK_MIN_ENTRIES as i64)
            .map(|i| ArchiveEntry::new(Timestamp::from_unix_micros(i * 1_000_000).unwrap()))
            .collect();
        let mut batch = archive.batch_sized(BULK_MIN_ENTRIES).unwrap();
        assert!(!batch.rebuild.is_empty(), "a bulk batch drops its indexes");
        for e in &entries {
            batch.add(e).unwrap();
        }
        batch.commit().unwrap();
        // The sorter settings of the rebuild are gone: queries get the full
        // page cache again and no helper threads.
        assert_eq!(pragma(&archive, "cache_size"), -CACHE_KIB);
        assert_eq!(pragma(&archive, "threads"), 0);
        assert_eq!(index_count(&archive), indexes);
    }
}

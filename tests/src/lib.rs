//! Cross-crate tests live in tests/tests/; this library holds their shared fixtures.

use validate::archive::{ArchiveEntry, Timestamp};

/// 2022-11-18T00:00:00Z in microseconds since the epoch.
pub const ARCHIVE_START_MICROS: i64 = 1_668_729_600_000_000;

/// The `i`th entry of a deterministic test archive: entry `i` has id `i + 1`
/// when imported into an empty archive, a timestamp `i` seconds after
/// 2022-11-18T00:00:00Z, and fields derived from `i`.
pub fn numbered_entry(i: u64) -> ArchiveEntry {
    let secs = i64::try_from(i).unwrap_or(i64::MAX);
    let ts = Timestamp::from_unix_micros(ARCHIVE_START_MICROS + secs * 1_000_000)
        .unwrap_or_else(|| panic!("entry {i} is out of the timestamp range"));
    let mut e = ArchiveEntry::new(ts);
    e.command = format!("/opt/venafi/codesign/bin/pkcs11config sign -file /tmp/{i}.out");
    e.artifact = format!("artifact-{i}");
    e.client_library_name = ["pkcs11", "csp", "gpg"][(i % 3) as usize].to_owned();
    e.project = format!("\\VED\\Code Signing\\Projects\\P{}", i % 4);
    e.event_id = i64::try_from(i).unwrap_or(i64::MAX);
    e
}

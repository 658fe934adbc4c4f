//! RetrieveArchiveEntries semantics against a real SQLite archive: every
//! filter key, wildcards, literal metacharacters, paging, order and scoping.

use serde_json::{Value, json};
use validate_archive::{
    Archive, ArchiveEntry, ArchiveError, ArchiveRequest, ArchiveResponse, CODESIGN_MANAGE_SCOPE,
    Caller, ClientInterface, Role, Timestamp,
};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn admin() -> Caller {
    Caller::new(Role::CodeSigningAdministrator).with_scope(CODESIGN_MANAGE_SCOPE)
}

fn retrieve(archive: &Archive, caller: &Caller, body: Value) -> ArchiveResponse {
    let request = ArchiveRequest::from_value(&body).unwrap();
    archive.retrieve(caller, &request).unwrap()
}

/// The ids of every matching entry (all pages), and TotalCount.
fn ids(archive: &Archive, caller: &Caller, filter: Value) -> Vec<i64> {
    let body = json!({"ArchiveFilter": filter, "PageSize": 1000});
    let r = retrieve(archive, caller, body);
    assert_eq!(r.total_count as usize, r.archive_results.len());
    assert!(r.success);
    r.archive_results
        .iter()
        .map(|e| e.archive_entry_id.unwrap())
        .collect()
}

/// An entry whose every field holds a "base" value no filter below targets.
fn base(id: i64) -> ArchiveEntry {
    let mut e = ArchiveEntry::new(ts("2022-11-18T12:00:00Z"));
    e.archive_entry_id = Some(id);
    e.application_hash = "base-hash".into();
    e.artifact = "base-artifact".into();
    e.authenticated_user = "local:{base}".into();
    e.client_interface = ClientInterface::Unknown;
    e.client_library_location = "/base/lib".into();
    e.client_library_name = "base-lib".into();
    e.client_library_version = "1.0".into();
    e.client_mechanism = 1;
    e.command = "base command".into();
    e.environment = "\\VED\\Env\\Base".into();
    e.event_id = 1;
    e.executable = "base-exe".into();
    e.executable_location = "/base/bin".into();
    e.flow = "\\VED\\Flow\\Base".into();
    e.grouping = 1;
    e.ip_address = "10.0.0.1".into();
    e.key_type = "RSA 2048".into();
    e.key_vault_id = 1;
    e.machine = "base-machine".into();
    e.mechanism = 1;
    e.platform = "base-platform".into();
    e.project = "\\VED\\Project\\Base".into();
    e.remote_account = "base-account".into();
    e
}

type Setter = fn(&mut ArchiveEntry, &str);

/// Every string key: (filter key, how to set the matching entry field).
const STRING_KEYS: &[(&str, Setter)] = &[
    ("ApplicationHash", |e, v| e.application_hash = v.into()),
    ("Artifact", |e, v| e.artifact = v.into()),
    ("AuthenticatedUser", |e, v| e.authenticated_user = v.into()),
    ("ClientLibraryName", |e, v| e.client_library_name = v.into()),
    ("ClientLibraryVersion", |e, v| {
        e.client_library_version = v.into()
    }),
    ("Command", |e, v| e.command = v.into()),
    ("EnvironmentDN", |e, v| e.environment = v.into()),
    ("ExecutableLocation", |e, v| {
        e.executable_location = v.into()
    }),
    ("Executable", |e, v| e.executable = v.into()),
    ("FlowDN", |e, v| e.flow = v.into()),
    ("IPAddress", |e, v| e.ip_address = v.into()),
    ("KeyType", |e, v| e.key_type = v.into()),
    ("Machine", |e, v| e.machine = v.into()),
    ("ProjectDN", |e, v| e.project = v.into()),
    ("RemoteAccount", |e, v| e.remote_account = v.into()),
];

type IntSetter = fn(&mut ArchiveEntry, i64);

const INTEGER_KEYS: &[(&str, IntSetter)] = &[
    ("ClientInterface", |e, v| {
        e.client_interface = ClientInterface::try_from(v).unwrap()
    }),
    ("ClientMechanism", |e, v| e.client_mechanism = v),
    ("EventId", |e, v| e.event_id = v),
    ("Grouping", |e, v| e.grouping = v),
    ("KeyVaultId", |e, v| e.key_vault_id = v),
    ("Mechanism", |e, v| e.mechanism = v),
];

/// Base entries 1..=3, then for every key two entries with the key's target
/// value (ids 100 + 10k + 1 and + 2), each differing from base only there.
fn keyed_archive() -> Archive {
    let mut entries = vec![base(1), base(2), base(3)];
    for (k, (key, set)) in STRING_KEYS.iter().enumerate() {
        for n in 1..=2 {
            let mut e = base(100 + 10 * k as i64 + n);
            set(&mut e, &format!("target-{key}"));
            entries.push(e);
        }
    }
    for (k, (_, set)) in INTEGER_KEYS.iter().enumerate() {
        for n in 1..=2 {
            let mut e = base(500 + 10 * k as i64 + n);
            set(&mut e, 5);
            entries.push(e);
        }
    }
    let mut archive = Archive::open_in_memory().unwrap();
    archive.record_batch(&entries).unwrap();
    archive
}

#[test]
fn every_string_key_alone() {
    let archive = keyed_archive();
    for (k, (key, _)) in STRING_KEYS.iter().enumerate() {
        let first = 100 + 10 * k as i64;
        let found = ids(&archive, &admin(), json!({ *key: format!("target-{key}") }));
        assert_eq!(found, vec![first + 1, first + 2], "{key}");
        // A value no entry has matches nothing.
        assert!(
            ids(&archive, &admin(), json!({ *key: "absent" })).is_empty(),
            "{key}"
        );
    }
}

#[test]
fn every_integer_key_alone() {
    let archive = keyed_archive();
    for (k, (key, _)) in INTEGER_KEYS.iter().enumerate() {
        let first = 500 + 10 * k as i64;
        assert_eq!(
            ids(&archive, &admin(), json!({ *key: 5 })),
            vec![first + 1, first + 2],
            "{key}"
        );
        assert!(
            ids(&archive, &admin(), json!({ *key: 6 })).is_empty(),
            "{key}"
        );
    }
}

#[test]
fn dn_lists_match_any_of_their_dns() {
    let archive = keyed_archive();
    let p = STRING_KEYS
        .iter()
        .position(|(k, _)| *k == "ProjectDN")
        .unwrap() as i64;
    let e = STRING_KEYS
        .iter()
        .position(|(k, _)| *k == "EnvironmentDN")
        .unwrap() as i64;
    let found = ids(
        &archive,
        &admin(),
        json!({"ProjectDNs": ["target-ProjectDN", "\\VED\\Project\\Nowhere"]}),
    );
    assert_eq!(found, vec![101 + 10 * p, 102 + 10 * p]);
    let found = ids(
        &archive,
        &admin(),
        json!({"EnvironmentDNs": ["target-EnvironmentDN"]}),
    );
    assert_eq!(found, vec![101 + 10 * e, 102 + 10 * e]);
    // Any of several DNs, and wildcards inside a list.
    let found = ids(
        &archive,
        &admin(),
        json!({"ProjectDNs": ["target-ProjectDN", "\\VED\\Project\\Ba%"]}),
    );
    assert_eq!(found.len(), archive_len(&archive));
    // A list combines with the other keys (AND).
    let found = ids(
        &archive,
        &admin(),
        json!({"ProjectDNs": ["target-ProjectDN", "\\VED\\Project\\Base"], "Machine": "target-Machine"}),
    );
    let m = STRING_KEYS
        .iter()
        .position(|(k, _)| *k == "Machine")
        .unwrap() as i64;
    assert_eq!(found, vec![101 + 10 * m, 102 + 10 * m]);
    // ProjectDN and ProjectDNs both apply.
    let found = ids(
        &archive,
        &admin(),
        json!({"ProjectDNs": ["target-ProjectDN"], "ProjectDN": "\\VED\\Project\\Base"}),
    );
    assert!(found.is_empty());
}

fn archive_len(archive: &Archive) -> usize {
    retrieve(archive, &admin(), json!({})).total_count as usize
}

#[test]
fn keys_combine_with_and() {
    let mut archive = Archive::open_in_memory().unwrap();
    let mut entries = Vec::new();
    for (id, user, ip, key) in [
        (1, "u1", "172.17.24.80", "RSA 2048"),
        (2, "u1", "172.17.24.80", "ECDSA P256"),
        (3, "u1", "172.17.24.81", "RSA 2048"),
        (4, "u2", "172.17.24.80", "RSA 2048"),
    ] {
        let mut e = base(id);
        e.authenticated_user = user.into();
        e.ip_address = ip.into();
        e.key_type = key.into();
        e.event_id = id;
        entries.push(e);
    }
    archive.record_batch(&entries).unwrap();
    let a = admin();
    assert_eq!(
        ids(&archive, &a, json!({"AuthenticatedUser": "u1"})),
        [1, 2, 3]
    );
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"AuthenticatedUser": "u1", "IPAddress": "172.17.24.80"})
        ),
        [1, 2]
    );
    // The seed's second example: user, IP address and key type together.
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"AuthenticatedUser": "u1", "IPAddress": "172.17.24.80", "KeyType": "RSA 2048"})
        ),
        [1]
    );
    assert_eq!(
        ids(&archive, &a, json!({"KeyType": "RSA 2048", "EventId": 4})),
        [4]
    );
    assert!(ids(&archive, &a, json!({"KeyType": "RSA 2048", "EventId": 2})).is_empty());
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"IPAddress": "172.17.24.8%", "KeyType": "RSA%", "AuthenticatedUser": "u%"})
        ),
        [1, 3, 4]
    );
}

#[test]
fn time_window_bounds_are_inclusive() {
    let mut archive = Archive::open_in_memory().unwrap();
    let times = [
        "2022-11-17T23:59:59.999999Z",
        "2022-11-18T00:00:00Z",
        "2022-11-18T22:44:12Z",
        "2022-11-19T23:59:59Z",
        "2022-11-19T23:59:59.000001Z",
        "2022-11-20T01:00:00+02:00", // 2022-11-19T23:00:00Z
    ];
    let entries: Vec<_> = times
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut e = base(i as i64 + 1);
            e.timestamp = ts(t);
            e.event_id = i as i64 + 1;
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    let a = admin();
    // The seed's first example.
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampAfter": "2022-11-18T00:00:00Z", "TimestampBefore": "2022-11-19T23:59:59Z"})
        ),
        [2, 3, 6, 4]
    );
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampAfter": "2022-11-19T23:59:59Z"})
        ),
        [4, 5]
    );
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampBefore": "2022-11-18T00:00:00Z"})
        ),
        [1, 2]
    );
    // Offsets are converted to UTC.
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampBefore": "2022-11-18T01:00:00+01:00"})
        ),
        [1, 2]
    );
    // An empty window is empty, not an error.
    assert!(ids(&archive, &a, json!({"TimestampAfter": "2022-11-20T00:00:00Z", "TimestampBefore": "2022-11-18T00:00:00Z"})).is_empty());
    // Time combines with other keys.
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampAfter": "2022-11-18T00:00:00Z", "EventId": 1})
        ),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(
            &archive,
            &a,
            json!({"TimestampAfter": "2022-11-18T00:00:00Z", "EventId": 5})
        ),
        [5]
    );
    // Results come back in UTC.
    let r = retrieve(
        &archive,
        &a,
        json!({"ArchiveFilter": {"EventId": 1}, "PageSize": 1}),
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["ArchiveResults"][0]["Timestamp"],
        "2022-11-17T23:59:59.999999Z"
    );
}

fn commands_archive(commands: &[&str]) -> Archive {
    let mut archive = Archive::open_in_memory().unwrap();
    let entries: Vec<_> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut e = base(i as i64 + 1);
            e.command = (*c).to_owned();
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    archive
}

fn commands(archive: &Archive, pattern: &str) -> Vec<i64> {
    ids(archive, &admin(), json!({ "Command": pattern }))
}

#[test]
fn wildcards_at_start_middle_and_end() {
    let archive = commands_archive(&[
        "sign -file a.out",   // 1
        "sign -file b.out",   // 2
        "verify -file a.out", // 3
        "sign",               // 4
        "",                   // 5
        "SIGN -file a.out",   // 6
    ]);
    assert_eq!(commands(&archive, "sign%"), [1, 2, 4]);
    assert_eq!(commands(&archive, "%a.out"), [1, 3, 6]);
    assert_eq!(commands(&archive, "sign%a.out"), [1]);
    assert_eq!(commands(&archive, "%-file%"), [1, 2, 3, 6]);
    assert_eq!(commands(&archive, "%i%n%"), [1, 2, 4]);
    assert_eq!(commands(&archive, "%"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(commands(&archive, "%%"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(commands(&archive, "sign%%"), [1, 2, 4]);
    // Without % the match is exact.
    assert_eq!(commands(&archive, "sign"), [4]);
    assert_eq!(commands(&archive, ""), [5]);
    assert!(commands(&archive, "sign -file").is_empty());
    // Case-sensitive, with and without wildcards.
    assert_eq!(commands(&archive, "SIGN%"), [6]);
    assert_eq!(commands(&archive, "SIGN -file a.out"), [6]);
    assert!(commands(&archive, "Sign%").is_empty());
}

#[test]
fn literal_percent_and_underscore_in_data() {
    let archive = commands_archive(&[
        "a_b",   // 1
        "axb",   // 2
        "a%b",   // 3
        "a%_b",  // 4
        "100%",  // 5
        "100",   // 6
        "a\\_b", // 7: a backslash, an underscore
        "A_B",   // 8
    ]);
    // `_` is literal: it matches only an underscore, exact or in a pattern.
    assert_eq!(commands(&archive, "a_b"), [1]);
    assert_eq!(commands(&archive, "%_b"), [1, 4, 7]);
    assert_eq!(commands(&archive, "a_%"), [1]);
    // Data holding `%` is found exactly when the pattern's `%` spans it.
    assert_eq!(commands(&archive, "a%b"), [1, 2, 3, 4, 7]);
    assert_eq!(commands(&archive, "100%"), [5, 6]);
    assert_eq!(commands(&archive, "%\\_%"), [7]);
    assert_eq!(commands(&archive, "a\\_b"), [7]);
    assert_eq!(commands(&archive, "a\\%"), [7]);
}

#[test]
fn sql_metacharacters_are_data() {
    let values = [
        "'; DROP TABLE archive_entry; --",
        "\" OR 1=1 --",
        "x' OR '1'='1",
        "/* comment */",
        "semi;colon",
        "[abc]*?",
        "back\\slash",
        "tab\tnew\nline",
        "unicode ü 署名",
    ];
    let archive = commands_archive(&values);
    for (i, v) in values.iter().enumerate() {
        assert_eq!(commands(&archive, v), [i as i64 + 1], "{v:?}");
        let r = retrieve(&archive, &admin(), json!({"ArchiveFilter": {"Command": v}}));
        assert_eq!(r.archive_results[0].command, *v);
    }
    assert!(commands(&archive, "' OR 1=1 --").is_empty());
    // The injection attempt is a suffix pattern, matching only the entry ending so.
    assert_eq!(commands(&archive, "%' OR '1'='1"), [3]);
    assert_eq!(commands(&archive, "%'%"), [1, 3]);
    // GLOB metacharacters are plain characters.
    assert!(commands(&archive, "[a-c]%").is_empty());
    assert_eq!(commands(&archive, "[abc]%"), [6]);
    // Nothing was dropped or altered.
    assert_eq!(archive_len(&archive), values.len());
}

#[test]
fn paging_through_the_last_page_and_beyond() {
    let mut archive = Archive::open_in_memory().unwrap();
    // 23 entries; timestamps collide in pairs and ids are given out of order,
    // so the order must come from (Timestamp, ArchiveEntryId).
    let entries: Vec<_> = (0..23)
        .map(|i| {
            let mut e = base(100 - i);
            e.timestamp =
                Timestamp::from_unix_micros(1_668_729_600_000_000 + (i / 2) * 1_000_000).unwrap();
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    let mut expected: Vec<(i64, i64)> = entries
        .iter()
        .map(|e| (e.timestamp.unix_micros(), e.archive_entry_id.unwrap()))
        .collect();
    expected.sort();
    let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();

    let mut seen = Vec::new();
    for page in 1..=5u64 {
        let r = retrieve(&archive, &admin(), json!({"PageSize": 5, "Page": page}));
        assert_eq!(r.page_number, page);
        assert_eq!(r.total_count, 23);
        assert_eq!(r.archive_results.len(), if page < 5 { 5 } else { 3 });
        seen.extend(
            r.archive_results
                .iter()
                .map(|e| e.archive_entry_id.unwrap()),
        );
    }
    assert_eq!(seen, expected);
    for page in [6u64, 7, 1_000_000] {
        let r = retrieve(&archive, &admin(), json!({"PageSize": 5, "Page": page}));
        assert!(r.archive_results.is_empty());
        assert_eq!(r.total_count, 23);
        assert_eq!(r.page_number, page);
        assert!(r.success);
    }
    // Defaults: page 1 of 50 holds everything.
    let r = retrieve(&archive, &admin(), json!({}));
    assert_eq!((r.page_number, r.archive_results.len()), (1, 23));
    // The seed's third example shape: 5 per page, page 10, over 60 pkcs11 entries.
    let mut archive = Archive::open_in_memory().unwrap();
    let entries: Vec<_> = (1..=60)
        .map(|id| {
            let mut e = base(id);
            e.client_library_name = "pkcs11".into();
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    let r = retrieve(
        &archive,
        &admin(),
        json!({"ArchiveFilter": {"ClientLibraryName": "pkcs11"}, "PageSize": 5, "Page": 10}),
    );
    let got: Vec<i64> = r
        .archive_results
        .iter()
        .map(|e| e.archive_entry_id.unwrap())
        .collect();
    assert_eq!(got, [46, 47, 48, 49, 50]);
    assert_eq!(r.total_count, 60);
}

#[test]
fn response_has_the_seed_shape() {
    let mut archive = Archive::open_in_memory().unwrap();
    archive.record(&base(281_672)).unwrap();
    let r = retrieve(&archive, &admin(), json!({}));
    let v = serde_json::to_value(&r).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["ArchiveResults", "PageNumber", "Success", "TotalCount"]
    );
    assert_eq!(v["Success"], true);
    let item = v["ArchiveResults"][0].as_object().unwrap();
    assert_eq!(item.len(), 25);
    assert_eq!(item["ArchiveEntryId"], 281_672);
    assert_eq!(item["IPAddress"], "10.0.0.1");
    // Stored entries come back equal to what was recorded.
    assert_eq!(r.archive_results[0], base(281_672));
}

fn scoped_archive() -> Archive {
    let mut archive = Archive::open_in_memory().unwrap();
    let entries: Vec<_> = (1..=12)
        .map(|id| {
            let mut e = base(id);
            e.project =
                ["\\VED\\P\\A", "\\VED\\P\\B", "\\VED\\P\\A\\Sub"][(id % 3) as usize].into();
            e.machine = format!("m{}", id % 2);
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    archive
}

#[test]
fn auditors_see_only_their_projects() {
    let archive = scoped_archive();
    // Project by id % 3: 0 -> A, 1 -> B, 2 -> A\Sub.
    let a_ids = [3, 6, 9, 12];
    let auditor = Caller::new(Role::CodeSigningAuditor)
        .with_scope(CODESIGN_MANAGE_SCOPE)
        .auditing("\\VED\\P\\A");
    assert_eq!(ids(&archive, &auditor, json!({})), a_ids);
    // TotalCount counts only visible entries, across pages.
    let r = retrieve(&archive, &auditor, json!({"PageSize": 1}));
    assert_eq!(r.total_count, 4);
    assert_eq!(r.archive_results.len(), 1);
    // No filter widens what the auditor sees.
    assert!(ids(&archive, &auditor, json!({"ProjectDN": "\\VED\\P\\B"})).is_empty());
    assert_eq!(ids(&archive, &auditor, json!({"ProjectDN": "%"})), a_ids);
    assert_eq!(
        ids(&archive, &auditor, json!({"ProjectDN": "\\VED\\P\\A%"})),
        a_ids
    );
    assert_eq!(
        ids(
            &archive,
            &auditor,
            json!({"ProjectDNs": ["\\VED\\P\\B", "%"]})
        ),
        a_ids
    );
    assert_eq!(ids(&archive, &auditor, json!({"Machine": "%"})), a_ids);
    assert_eq!(ids(&archive, &auditor, json!({"Machine": "m0"})), [6, 12]);
    // The sub-project is a different project.
    let sub = Caller::new(Role::CodeSigningAuditor)
        .with_scope(CODESIGN_MANAGE_SCOPE)
        .auditing("\\VED\\P\\A\\Sub")
        .auditing("\\VED\\P\\B");
    assert_eq!(ids(&archive, &sub, json!({})), [1, 2, 4, 5, 7, 8, 10, 11]);
    // An auditor of nothing sees nothing; a wildcard DN is not a scope.
    let none = Caller::new(Role::CodeSigningAuditor).with_scope(CODESIGN_MANAGE_SCOPE);
    assert!(ids(&archive, &none, json!({})).is_empty());
    let pattern = none.clone().auditing("%");
    assert!(ids(&archive, &pattern, json!({})).is_empty());
    // Other roles see everything; an auditor-of list does not limit them.
    for role in [
        Role::CodeSigningAdministrator,
        Role::TppAuditor,
        Role::TppMasterAdmin,
    ] {
        let c = Caller::new(role)
            .with_scope(CODESIGN_MANAGE_SCOPE)
            .auditing("\\VED\\P\\A");
        assert_eq!(ids(&archive, &c, json!({})).len(), 12, "{role}");
    }
}

#[test]
fn the_manage_scope_is_required() {
    let archive = scoped_archive();
    for caller in [
        Caller::new(Role::TppMasterAdmin),
        Caller::new(Role::CodeSigningAdministrator).with_scope("codesign"),
        Caller::new(Role::CodeSigningAdministrator).with_scope("certificate:manage"),
    ] {
        let err = archive
            .retrieve(&caller, &ArchiveRequest::default())
            .unwrap_err();
        assert!(matches!(err, ArchiveError::MissingScope), "{err}");
    }
    let lower = Caller::new(Role::TppAuditor).with_scope("codesign:manage");
    assert_eq!(
        archive
            .retrieve(&lower, &ArchiveRequest::default())
            .unwrap()
            .total_count,
        12
    );
}

#[test]
fn requests_built_in_code_are_validated() {
    let archive = scoped_archive();
    for request in [
        ArchiveRequest {
            page: 0,
            ..ArchiveRequest::default()
        },
        ArchiveRequest {
            page_size: 0,
            ..ArchiveRequest::default()
        },
        ArchiveRequest {
            page_size: 1001,
            ..ArchiveRequest::default()
        },
    ] {
        let err = archive.retrieve(&admin(), &request).unwrap_err();
        assert!(matches!(err, ArchiveError::BadRequest(_)), "{err}");
    }
    let max = ArchiveRequest {
        page_size: 1000,
        ..ArchiveRequest::default()
    };
    assert_eq!(
        archive
            .retrieve(&admin(), &max)
            .unwrap()
            .archive_results
            .len(),
        12
    );
}

#[test]
fn ids_batches_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut archive = Archive::open(&path).unwrap();
    assert_eq!(archive.schema_version().unwrap(), 1);
    let mut e = base(10);
    assert_eq!(archive.record(&e).unwrap(), 10);
    e.archive_entry_id = None;
    assert_eq!(
        archive.record(&e).unwrap(),
        11,
        "the next id after the largest"
    );
    // A duplicate id fails, and the whole batch with it.
    let batch = [base(20), base(10), base(21)];
    let err = archive.record_batch(&batch).unwrap_err();
    assert!(matches!(err, ArchiveError::DuplicateId(10)), "{err}");
    assert_eq!(archive_len(&archive), 2);
    let err = archive.record(&base(0)).unwrap_err();
    assert!(
        matches!(
            err,
            ArchiveError::InvalidEntry {
                field: "ArchiveEntryId",
                ..
            }
        ),
        "{err}"
    );
    // A dropped batch is rolled back.
    {
        let mut batch = archive.batch().unwrap();
        batch.add(&base(30)).unwrap();
    }
    assert_eq!(archive_len(&archive), 2);
    assert_eq!(
        archive.record_batch([base(20), base(21)]).unwrap(),
        [20, 21]
    );
    drop(archive);
    // Reopening keeps the data and does not re-run migrations.
    let archive = Archive::open(&path).unwrap();
    assert_eq!(archive_len(&archive), 4);
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(archive);
    // A file from a newer schema is refused, not damaged.
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Archive::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            ArchiveError::UnsupportedSchema {
                found: 99,
                supported: 1
            }
        ),
        "{err}"
    );
}

fn index_count(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'archive_entry'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn bulk_batches_rebuild_their_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.db");
    let mut archive = Archive::open(&path).unwrap();
    let indexes = index_count(&path);
    assert!(indexes >= 5, "{indexes}");
    let n = validate_archive::BULK_MIN_ENTRIES;
    let entries: Vec<_> = (0..n).map(validate_tests::numbered_entry).collect();
    // A failing bulk batch (the last entry reuses id 1) leaves nothing behind
    // and the indexes in place.
    let mut failing = entries.clone();
    failing.push({
        let mut e = base(1);
        e.archive_entry_id = Some(1);
        e
    });
    assert!(matches!(
        archive.record_batch(&failing),
        Err(ArchiveError::DuplicateId(1))
    ));
    assert_eq!(index_count(&path), indexes);
    assert_eq!(archive_len(&archive), 0);
    // A successful one commits every entry and rebuilds every index.
    let recorded = archive.record_batch(&entries).unwrap();
    assert_eq!(recorded.len() as u64, n);
    assert_eq!(index_count(&path), indexes);
    let plan: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM archive_entry WHERE client_library_name = 'csp'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("archive_entry_library"), "{plan}");
    assert_eq!(
        ids(
            &archive,
            &admin(),
            json!({"ClientLibraryName": "gpg", "TimestampBefore": "2022-11-18T00:00:10Z"})
        ),
        [3, 6, 9]
    );
    assert_eq!(archive_len(&archive) as u64, n);
}

/// Text fields kept in the dictionary (e.g. `Machine`) and inline (`Command`,
/// `Artifact`) take different SQL paths; both must give the same answers.
#[test]
fn dictionary_and_inline_fields_match_alike() {
    let values = ["a_b", "axb", "a%b", "A_B", "a\\_b", "x' OR '1'='1", ""];
    let mut archive = Archive::open_in_memory().unwrap();
    let entries: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut e = base(i as i64 + 1);
            e.machine = (*v).to_owned();
            e.command = (*v).to_owned();
            e.artifact = (*v).to_owned();
            e.key_type = (*v).to_owned();
            e
        })
        .collect();
    archive.record_batch(&entries).unwrap();
    for (pattern, expected) in [
        ("a_b", vec![1]),
        ("%_b", vec![1, 5]),
        ("a%b", vec![1, 2, 3, 5]),
        ("A%", vec![4]),
        ("%'1", vec![6]),
        ("%'1'", vec![]),
        ("", vec![7]),
        ("%", vec![1, 2, 3, 4, 5, 6, 7]),
        ("a\\_b", vec![5]),
        ("b", vec![]),
    ] {
        for key in ["Machine", "Command", "Artifact", "KeyType"] {
            assert_eq!(
                ids(&archive, &admin(), json!({ key: pattern })),
                expected,
                "{key} {pattern:?}"
            );
        }
    }
}

/// All keys at once: only the base entries match every one; each keyed entry
/// differs from base in exactly one field, so dropping any key from the SQL
/// would let its entries through.
#[test]
fn every_key_together() {
    let archive = keyed_archive();
    let b = base(0);
    let all = json!({
        "ApplicationHash": b.application_hash, "Artifact": b.artifact,
        "AuthenticatedUser": b.authenticated_user, "ClientInterface": 0,
        "ClientLibraryName": b.client_library_name, "ClientLibraryVersion": b.client_library_version,
        "ClientMechanism": b.client_mechanism, "Command": b.command,
        "EnvironmentDNs": [b.environment, "\\VED\\Env\\Other"], "EnvironmentDN": b.environment,
        "EventId": b.event_id, "ExecutableLocation": b.executable_location,
        "Executable": b.executable, "FlowDN": b.flow, "Grouping": b.grouping,
        "IPAddress": b.ip_address, "KeyType": b.key_type, "KeyVaultId": b.key_vault_id,
        "Machine": b.machine, "Mechanism": b.mechanism,
        "ProjectDNs": [b.project], "ProjectDN": b.project, "RemoteAccount": b.remote_account,
        "TimestampAfter": "2022-11-18T12:00:00Z", "TimestampBefore": "2022-11-18T12:00:00Z"
    });
    assert_eq!(ids(&archive, &admin(), all.clone()), [1, 2, 3]);
    // The same with every string key as a wildcard pattern.
    let mut wild = all.clone();
    for (key, _) in STRING_KEYS {
        let v = wild[*key].as_str().unwrap().to_owned();
        let (head, tail) = v.split_at(v.len() / 2);
        wild[*key] = json!(format!("{head}%{tail}"));
    }
    assert_eq!(ids(&archive, &admin(), wild), [1, 2, 3]);
    // One key changed to a keyed entry's value selects exactly that key's
    // entries, which match every other key.
    let m = STRING_KEYS
        .iter()
        .position(|(k, _)| *k == "Machine")
        .unwrap() as i64;
    let mech = INTEGER_KEYS
        .iter()
        .position(|(k, _)| *k == "Mechanism")
        .unwrap() as i64;
    for (key, value, expected) in [
        (
            "Machine",
            json!("target-Machine"),
            vec![101 + 10 * m, 102 + 10 * m],
        ),
        (
            "Mechanism",
            json!(5),
            vec![501 + 10 * mech, 502 + 10 * mech],
        ),
        ("TimestampAfter", json!("2022-11-18T12:00:01Z"), vec![]),
    ] {
        let mut one_off = all.clone();
        one_off[key] = value;
        assert_eq!(ids(&archive, &admin(), one_off), expected, "{key}");
    }
}

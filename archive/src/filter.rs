//! The `RetrieveArchiveEntries` request and response, and strict parsing of
//! the request body into the seed's 400 errors.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::entry::{ArchiveEntry, ClientInterface};
use super::error::BadRequest;
use super::timestamp::{SubMicros, Timestamp};

/// `PageSize` when the request has none (seed: "Default is 50").
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The largest `PageSize` accepted. The seed sets no bound; 1000 keeps one
/// response to about a megabyte of JSON. A larger value is a bad request.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// The most DNs one `ProjectDNs` or `EnvironmentDNs` list may hold; each DN
/// becomes one bound SQL parameter.
pub const MAX_DNS_PER_LIST: usize = 1000;

const TOP_LEVEL_KEYS: &[&str] = &["ArchiveFilter", "PageSize", "Page"];

/// The string keys of `ArchiveFilter` (each may hold `%` wildcards).
const STRING_KEYS: &[&str] = &[
    "ApplicationHash",
    "Artifact",
    "AuthenticatedUser",
    "ClientLibraryName",
    "ClientLibraryVersion",
    "Command",
    "EnvironmentDN",
    "ExecutableLocation",
    "Executable",
    "FlowDN",
    "IPAddress",
    "KeyType",
    "Machine",
    "ProjectDN",
    "RemoteAccount",
];
/// The integer keys of `ArchiveFilter` (exact match).
const INTEGER_KEYS: &[&str] = &[
    "ClientInterface",
    "ClientMechanism",
    "EventId",
    "Grouping",
    "KeyVaultId",
    "Mechanism",
];
const LIST_KEYS: &[&str] = &["EnvironmentDNs", "ProjectDNs"];
const TIME_KEYS: &[&str] = &["TimestampAfter", "TimestampBefore"];

/// The seed's `ArchiveFilter`: every given key must match (AND).
///
/// In string keys `%` matches any run of characters (also none); every other
/// character, `_` included, matches only itself, with case. `ProjectDNs` and
/// `EnvironmentDNs` match when any of their DNs matches. Both time bounds are
/// inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveFilter {
    /// `ApplicationHash`.
    pub application_hash: Option<String>,
    /// `Artifact`.
    pub artifact: Option<String>,
    /// `AuthenticatedUser`.
    pub authenticated_user: Option<String>,
    /// `ClientInterface` (exact).
    pub client_interface: Option<ClientInterface>,
    /// `ClientLibraryName`.
    pub client_library_name: Option<String>,
    /// `ClientLibraryVersion`.
    pub client_library_version: Option<String>,
    /// `ClientMechanism` (exact).
    pub client_mechanism: Option<i64>,
    /// `Command`.
    pub command: Option<String>,
    /// `EnvironmentDNs`: the entry's `Environment` matches any of them.
    pub environment_dns: Option<Vec<String>>,
    /// `EnvironmentDN`: matched against the entry's `Environment`.
    pub environment_dn: Option<String>,
    /// `EventId` (exact).
    pub event_id: Option<i64>,
    /// `ExecutableLocation`.
    pub executable_location: Option<String>,
    /// `Executable`.
    pub executable: Option<String>,
    /// `FlowDN`: matched against the entry's `Flow`.
    pub flow_dn: Option<String>,
    /// `Grouping` (exact).
    pub grouping: Option<i64>,
    /// `IPAddress`.
    pub ip_address: Option<String>,
    /// `KeyType`.
    pub key_type: Option<String>,
    /// `KeyVaultId` (exact).
    pub key_vault_id: Option<i64>,
    /// `Machine`.
    pub machine: Option<String>,
    /// `Mechanism` (exact).
    pub mechanism: Option<i64>,
    /// `ProjectDNs`: the entry's `Project` matches any of them.
    pub project_dns: Option<Vec<String>>,
    /// `ProjectDN`: matched against the entry's `Project`.
    pub project_dn: Option<String>,
    /// `RemoteAccount`.
    pub remote_account: Option<String>,
    /// `TimestampAfter`: entries before this instant are excluded (inclusive bound).
    pub timestamp_after: Option<Timestamp>,
    /// `TimestampBefore`: entries after this instant are excluded (inclusive bound).
    pub timestamp_before: Option<Timestamp>,
}

/// The seed's `RetrieveArchiveEntries` request body.
///
/// ```
/// use validate_archive::ArchiveRequest;
/// let req = ArchiveRequest::from_json(
///     r#"{"ArchiveFilter": {"ClientLibraryName": "pkcs11"}, "PageSize": 5, "Page": 10}"#,
/// ).unwrap();
/// assert_eq!(req.filter.client_library_name.as_deref(), Some("pkcs11"));
/// assert_eq!((req.page_size, req.page), (5, 10));
///
/// let bad = ArchiveRequest::from_json(r#"{"Page": 0}"#).unwrap_err();
/// assert_eq!(bad.error, "Page must be 1 or more");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveRequest {
    /// `ArchiveFilter`.
    pub filter: ArchiveFilter,
    /// `PageSize`: 1 to [`MAX_PAGE_SIZE`], default [`DEFAULT_PAGE_SIZE`].
    pub page_size: u32,
    /// `Page`: 1 or more, default 1.
    pub page: u64,
}

impl Default for ArchiveRequest {
    fn default() -> Self {
        ArchiveRequest {
            filter: ArchiveFilter::default(),
            page_size: DEFAULT_PAGE_SIZE,
            page: 1,
        }
    }
}

/// The seed's HTTP 200 body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveResponse {
    /// `ArchiveResults`: the entries of the requested page, oldest first.
    #[serde(rename = "ArchiveResults")]
    pub archive_results: Vec<ArchiveEntry>,
    /// `PageNumber`: the page returned.
    #[serde(rename = "PageNumber")]
    pub page_number: u64,
    /// `Success`: always `true` in a response (failures are errors).
    #[serde(rename = "Success")]
    pub success: bool,
    /// `TotalCount`: entries matching the filter on every page, counting
    /// only entries the caller may see.
    #[serde(rename = "TotalCount")]
    pub total_count: u64,
}

fn type_error(key: &str, expected: &str) -> BadRequest {
    BadRequest::new(
        format!("{key} must be {expected}"),
        "Correct the value's JSON type; see the RetrieveArchiveEntries parameters.",
    )
}

impl ArchiveRequest {
    /// Parses a request body. An empty (all-whitespace) body is `{}`.
    /// Unknown keys, wrong JSON types, unparseable timestamps and out-of-range
    /// numbers are bad requests. A JSON `null` is the same as an absent key.
    pub fn from_json(body: &str) -> Result<Self, BadRequest> {
        if body.trim().is_empty() {
            return Ok(ArchiveRequest::default());
        }
        let value: Value = serde_json::from_str(body).map_err(|e| {
            BadRequest::new(
                format!("The request body is not valid JSON: {e}"),
                "Send a JSON object such as {\"ArchiveFilter\": {...}, \"PageSize\": 50, \"Page\": 1}.",
            )
        })?;
        Self::from_value(&value)
    }

    /// Parses a request body already read as JSON; see [`ArchiveRequest::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, BadRequest> {
        let top = value
            .as_object()
            .ok_or_else(|| type_error("The request body", "a JSON object"))?;
        reject_unknown(top, TOP_LEVEL_KEYS, "request")?;
        let mut req = ArchiveRequest::default();
        if let Some(v) = present(top, "PageSize") {
            req.page_size = match (v.as_u64(), v.as_i64()) {
                (Some(n), _) => u32::try_from(n).unwrap_or(u32::MAX),
                // A negative size is out of range, reported by `validate`.
                (None, Some(_)) => 0,
                (None, None) => return Err(type_error("PageSize", "an integer")),
            };
        }
        if let Some(v) = present(top, "Page") {
            req.page = v.as_u64().ok_or_else(|| {
                if v.as_i64().is_some() {
                    page_below_one()
                } else {
                    type_error("Page", "an integer")
                }
            })?;
        }
        if let Some(v) = present(top, "ArchiveFilter") {
            let f = v
                .as_object()
                .ok_or_else(|| type_error("ArchiveFilter", "a JSON object"))?;
            req.filter = parse_filter(f)?;
        }
        req.validate()?;
        Ok(req)
    }

    /// Checks the bounds of a request built in code: `PageSize` in
    /// 1..=[`MAX_PAGE_SIZE`], `Page` at least 1, the page's first row within
    /// reach, non-empty DN lists of at most [`MAX_DNS_PER_LIST`].
    pub fn validate(&self) -> Result<(), BadRequest> {
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            return Err(BadRequest::new(
                format!("PageSize must be between 1 and {MAX_PAGE_SIZE}"),
                format!(
                    "Omit PageSize for {DEFAULT_PAGE_SIZE} results per page, or page through larger results."
                ),
            ));
        }
        if self.page == 0 {
            return Err(page_below_one());
        }
        if self.offset().is_none() {
            return Err(BadRequest::new(
                "Page is too large",
                "Request a page that can hold results: Page times PageSize must fit a 63-bit integer.",
            ));
        }
        for (key, list) in [
            ("EnvironmentDNs", &self.filter.environment_dns),
            ("ProjectDNs", &self.filter.project_dns),
        ] {
            if let Some(list) = list {
                check_list(key, list.len())?;
            }
        }
        Ok(())
    }

    /// The number of matching rows before this page, if it fits SQLite's integers.
    pub(crate) fn offset(&self) -> Option<i64> {
        let skipped = self
            .page
            .checked_sub(1)?
            .checked_mul(u64::from(self.page_size))?;
        i64::try_from(skipped).ok()
    }
}

fn page_below_one() -> BadRequest {
    BadRequest::new(
        "Page must be 1 or more",
        "Pages are numbered from 1; omit Page for the first page.",
    )
}

fn check_list(key: &str, len: usize) -> Result<(), BadRequest> {
    if len == 0 {
        return Err(BadRequest::new(
            format!("{key} must hold at least one DN"),
            format!("Omit {key} to match every DN."),
        ));
    }
    if len > MAX_DNS_PER_LIST {
        return Err(BadRequest::new(
            format!("{key} holds {len} DNs; at most {MAX_DNS_PER_LIST} are accepted"),
            "Split the request, or use a % wildcard for a common prefix.",
        ));
    }
    Ok(())
}

/// The value under `key` unless it is absent or `null`.
fn present<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn reject_unknown(map: &Map<String, Value>, known: &[&str], what: &str) -> Result<(), BadRequest> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(BadRequest::new(
            format!("Unknown {what} key '{key}'"),
            format!(
                "Valid {what} keys are (case-sensitive): {}.",
                known.join(", ")
            ),
        )),
    }
}

fn parse_filter(map: &Map<String, Value>) -> Result<ArchiveFilter, BadRequest> {
    let known: Vec<&str> = [STRING_KEYS, INTEGER_KEYS, LIST_KEYS, TIME_KEYS].concat();
    reject_unknown(map, &known, "ArchiveFilter")?;
    let mut f = ArchiveFilter::default();
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| type_error(&format!("ArchiveFilter.{key}"), "a string"))
        };
        let int = || {
            value
                .as_i64()
                .ok_or_else(|| type_error(&format!("ArchiveFilter.{key}"), "an integer"))
        };
        let list = || -> Result<Vec<String>, BadRequest> {
            let items = value.as_array().ok_or_else(|| {
                type_error(&format!("ArchiveFilter.{key}"), "an array of strings")
            })?;
            check_list(key, items.len())?;
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| type_error(&format!("ArchiveFilter.{key}"), "an array of strings"))
        };
        let time = |rounding| {
            let s = text()?;
            // Both bounds are inclusive; rounding sub-microsecond digits inward
            // selects exactly the stored (microsecond) timestamps in the window.
            Timestamp::parse_with(&s, rounding).map_err(|e| {
                BadRequest::new(
                    format!("ArchiveFilter.{key}: {e}"),
                    "Use an RFC 3339 date-time such as 2022-11-18T22:44:12Z.",
                )
            })
        };
        match key.as_str() {
            "ApplicationHash" => f.application_hash = Some(text()?),
            "Artifact" => f.artifact = Some(text()?),
            "AuthenticatedUser" => f.authenticated_user = Some(text()?),
            "ClientLibraryName" => f.client_library_name = Some(text()?),
            "ClientLibraryVersion" => f.client_library_version = Some(text()?),
            "Command" => f.command = Some(text()?),
            "EnvironmentDN" => f.environment_dn = Some(text()?),
            "ExecutableLocation" => f.executable_location = Some(text()?),
            "Executable" => f.executable = Some(text()?),
            "FlowDN" => f.flow_dn = Some(text()?),
            "IPAddress" => f.ip_address = Some(text()?),
            "KeyType" => f.key_type = Some(text()?),
            "Machine" => f.machine = Some(text()?),
            "ProjectDN" => f.project_dn = Some(text()?),
            "RemoteAccount" => f.remote_account = Some(text()?),
            "ClientInterface" => {
                let code = int()?;
                f.client_interface = Some(ClientInterface::try_from(code).map_err(|e| {
                    BadRequest::new(
                        format!("ArchiveFilter.{e}"),
                        "Use 0 (Unknown), 1 (PKCS11Config), 2 (CSPConfig), 3 (GPGConfig), 4 (TKDriverConfig), 5 (VenafiSCD) or 6 (Code Signing Token Driver).",
                    )
                })?);
            }
            "ClientMechanism" => f.client_mechanism = Some(int()?),
            "EventId" => f.event_id = Some(int()?),
            "Grouping" => f.grouping = Some(int()?),
            "KeyVaultId" => f.key_vault_id = Some(int()?),
            "Mechanism" => f.mechanism = Some(int()?),
            "EnvironmentDNs" => f.environment_dns = Some(list()?),
            "ProjectDNs" => f.project_dns = Some(list()?),
            "TimestampAfter" => f.timestamp_after = Some(time(SubMicros::Ceil)?),
            "TimestampBefore" => f.timestamp_before = Some(time(SubMicros::Floor)?),
            // reject_unknown has refused every other key.
            _ => {}
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(body: &str) -> BadRequest {
        ArchiveRequest::from_json(body).unwrap_err()
    }

    #[test]
    fn defaults() {
        for body in [
            "",
            "  ",
            "{}",
            r#"{"ArchiveFilter": {}}"#,
            r#"{"Page": null}"#,
        ] {
            assert_eq!(
                ArchiveRequest::from_json(body).unwrap(),
                ArchiveRequest::default()
            );
        }
        assert_eq!(ArchiveRequest::default().page_size, 50);
        assert_eq!(ArchiveRequest::default().page, 1);
    }

    #[test]
    fn seed_examples_parse() {
        let r = ArchiveRequest::from_json(
            r#"{"ArchiveFilter": {"TimestampAfter": "2022-11-18T00:00:00Z", "TimestampBefore": "2022-11-19T23:59:59Z"}}"#,
        )
        .unwrap();
        assert_eq!(
            r.filter.timestamp_after.unwrap().to_string(),
            "2022-11-18T00:00:00Z"
        );
        assert_eq!(
            r.filter.timestamp_before.unwrap().to_string(),
            "2022-11-19T23:59:59Z"
        );
        let r = ArchiveRequest::from_json(
            r#"{"ArchiveFilter": {"AuthenticatedUser": "local:{80904436-ded7-4602-9c6f-2e1502d2b6b2}", "IPAddress": "172.17.24.80", "KeyType": "RSA 2048"}}"#,
        )
        .unwrap();
        assert_eq!(r.filter.ip_address.as_deref(), Some("172.17.24.80"));
        assert_eq!(r.filter.key_type.as_deref(), Some("RSA 2048"));
    }

    #[test]
    fn every_key_is_parsed() {
        let body = r#"{"ArchiveFilter": {
            "ApplicationHash": "a", "Artifact": "b", "AuthenticatedUser": "c",
            "ClientInterface": 6, "ClientLibraryName": "d", "ClientLibraryVersion": "e",
            "ClientMechanism": 64, "Command": "f", "EnvironmentDNs": ["g1", "g2"],
            "EnvironmentDN": "g", "EventId": 1610743809, "ExecutableLocation": "h",
            "Executable": "i", "FlowDN": "j", "Grouping": -5, "IPAddress": "k",
            "KeyType": "l", "KeyVaultId": 91275, "Machine": "m", "Mechanism": 1,
            "ProjectDNs": ["n1"], "ProjectDN": "n", "RemoteAccount": "o",
            "TimestampAfter": "2022-11-18T22:44:12Z", "TimestampBefore": "2022-11-20T23:59:59Z"
        }}"#;
        let f = ArchiveRequest::from_json(body).unwrap().filter;
        assert_eq!(
            f.client_interface,
            Some(ClientInterface::CodeSigningTokenDriver)
        );
        assert_eq!(f.grouping, Some(-5));
        assert_eq!(f.environment_dns, Some(vec!["g1".into(), "g2".into()]));
        assert_eq!(f.remote_account.as_deref(), Some("o"));
        assert_eq!(f.flow_dn.as_deref(), Some("j"));
        assert_eq!(f.key_vault_id, Some(91275));
    }

    #[test]
    fn bad_requests() {
        assert_eq!(bad(r#"{"Page": 0}"#).error, "Page must be 1 or more");
        assert_eq!(bad(r#"{"Page": -3}"#).error, "Page must be 1 or more");
        assert_eq!(bad(r#"{"Page": "2"}"#).error, "Page must be an integer");
        assert_eq!(bad(r#"{"Page": 1.5}"#).error, "Page must be an integer");
        assert!(
            bad(r#"{"PageSize": 0}"#)
                .error
                .starts_with("PageSize must be between 1 and 1000")
        );
        assert!(
            bad(r#"{"PageSize": 1001}"#)
                .error
                .starts_with("PageSize must be between")
        );
        assert!(
            bad(r#"{"PageSize": 99999999999}"#)
                .error
                .starts_with("PageSize must be between")
        );
        assert_eq!(
            bad(r#"{"Page": 9223372036854775807, "PageSize": 2}"#).error,
            "Page is too large"
        );
        assert_eq!(
            bad(r#"{"Filter": {}}"#).error,
            "Unknown request key 'Filter'"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"IpAddress": "1"}}"#).error,
            "Unknown ArchiveFilter key 'IpAddress'"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"KeyType": 2048}}"#).error,
            "ArchiveFilter.KeyType must be a string"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"EventId": "1610743809"}}"#).error,
            "ArchiveFilter.EventId must be an integer"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"ProjectDNs": "\\VED"}}"#).error,
            "ArchiveFilter.ProjectDNs must be an array of strings"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"ProjectDNs": ["a", 1]}}"#).error,
            "ArchiveFilter.ProjectDNs must be an array of strings"
        );
        assert_eq!(
            bad(r#"{"ArchiveFilter": {"ProjectDNs": []}}"#).error,
            "ProjectDNs must hold at least one DN"
        );
        assert!(
            bad(r#"{"ArchiveFilter": {"ClientInterface": 7}}"#)
                .error
                .contains("ClientInterface 7")
        );
        assert!(
            bad(r#"{"ArchiveFilter": {"TimestampAfter": "yesterday"}}"#)
                .error
                .starts_with(
                    "ArchiveFilter.TimestampAfter: 'yesterday' is not an RFC 3339 timestamp"
                )
        );
        assert!(
            bad(r#"{"ArchiveFilter": {"TimestampBefore": "2022-11-19"}}"#)
                .error
                .starts_with("ArchiveFilter.TimestampBefore")
        );
        assert!(bad("[1]").error.contains("a JSON object"));
        assert!(
            bad("{")
                .error
                .starts_with("The request body is not valid JSON")
        );
        assert!(
            bad(r#"{"ArchiveFilter": []}"#)
                .error
                .contains("ArchiveFilter must be a JSON object")
        );
        // Every body serializes as exactly the seed's two keys.
        let v = serde_json::to_value(bad(r#"{"Page": 0}"#)).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["error", "error_description"]);
    }

    #[test]
    fn time_bounds_round_inward() {
        let f = ArchiveRequest::from_json(
            r#"{"ArchiveFilter": {"TimestampAfter": "2022-11-18T00:00:00.0000001Z", "TimestampBefore": "2022-11-19T00:00:00.9999999Z"}}"#,
        )
        .unwrap()
        .filter;
        assert_eq!(
            f.timestamp_after.unwrap().to_string(),
            "2022-11-18T00:00:00.000001Z"
        );
        assert_eq!(
            f.timestamp_before.unwrap().to_string(),
            "2022-11-19T00:00:00.999999Z"
        );
    }
}

//! One archived code-signing operation: the seed's `ArchiveResults` item.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;

/// The signing client interface, the seed's integer enum (`ClientInterface`).
///
/// Serialized as its integer: `0` to `6`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
#[non_exhaustive]
pub enum ClientInterface {
    /// `0`: Unknown interface.
    #[default]
    Unknown,
    /// `1`: PKCS11Config Interface.
    Pkcs11Config,
    /// `2`: CSPConfig Interface.
    CspConfig,
    /// `3`: GPGConfig Interface.
    GpgConfig,
    /// `4`: TKDriverConfig Interface.
    TkDriverConfig,
    /// `5`: VenafiSCD Interface.
    VenafiScd,
    /// `6`: Venafi Code Signing Token Driver Interface.
    CodeSigningTokenDriver,
}

impl ClientInterface {
    /// The seed's integer for this interface.
    pub fn code(self) -> i64 {
        match self {
            ClientInterface::Unknown => 0,
            ClientInterface::Pkcs11Config => 1,
            ClientInterface::CspConfig => 2,
            ClientInterface::GpgConfig => 3,
            ClientInterface::TkDriverConfig => 4,
            ClientInterface::VenafiScd => 5,
            ClientInterface::CodeSigningTokenDriver => 6,
        }
    }
}

impl From<ClientInterface> for i64 {
    fn from(value: ClientInterface) -> i64 {
        value.code()
    }
}

/// An integer that is not one of the seed's `ClientInterface` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("ClientInterface {0} is not one of the valid interfaces 0 to 6")]
pub struct InvalidClientInterface(pub i64);

impl TryFrom<i64> for ClientInterface {
    type Error = InvalidClientInterface;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Ok(match value {
            0 => ClientInterface::Unknown,
            1 => ClientInterface::Pkcs11Config,
            2 => ClientInterface::CspConfig,
            3 => ClientInterface::GpgConfig,
            4 => ClientInterface::TkDriverConfig,
            5 => ClientInterface::VenafiScd,
            6 => ClientInterface::CodeSigningTokenDriver,
            other => return Err(InvalidClientInterface(other)),
        })
    }
}

impl fmt::Display for ClientInterface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// A code-signing operation as the seed's `ArchiveResults` item, with its JSON
/// names exactly (fields in the seed's alphabetical order).
///
/// When read from JSON, `Timestamp` is required; a missing string field is
/// empty and a missing integer is `0`; an unknown field is an error (a typo
/// such as `IpAddress` must not silently drop data).
///
/// ```
/// use validate_archive::{ArchiveEntry, ClientInterface};
/// let mut entry = ArchiveEntry::new("2022-11-28T22:44:18Z".parse().unwrap());
/// entry.client_interface = ClientInterface::Pkcs11Config;
/// entry.ip_address = "172.17.24.80".into();
/// let json = serde_json::to_value(&entry).unwrap();
/// assert_eq!(json["IPAddress"], "172.17.24.80");
/// assert_eq!(json["ClientInterface"], 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveEntry {
    /// `ApplicationHash`: hash of the signing application.
    #[serde(rename = "ApplicationHash", default)]
    pub application_hash: String,
    /// `ArchiveEntryId`: the entry's id; `None` before it is recorded (the
    /// archive then assigns the next id).
    #[serde(
        rename = "ArchiveEntryId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub archive_entry_id: Option<i64>,
    /// `Artifact`: the hash or token that was signed.
    #[serde(rename = "Artifact", default)]
    pub artifact: String,
    /// `AuthenticatedUser`: prefixed universal of the key user's identity.
    #[serde(rename = "AuthenticatedUser", default)]
    pub authenticated_user: String,
    /// `ClientInterface`: the interface used to sign.
    #[serde(rename = "ClientInterface", default)]
    pub client_interface: ClientInterface,
    /// `ClientLibraryLocation`: file system location of the client library.
    #[serde(rename = "ClientLibraryLocation", default)]
    pub client_library_location: String,
    /// `ClientLibraryName`: name of the library used to sign.
    #[serde(rename = "ClientLibraryName", default)]
    pub client_library_name: String,
    /// `ClientLibraryVersion`: version of the client library.
    #[serde(rename = "ClientLibraryVersion", default)]
    pub client_library_version: String,
    /// `ClientMechanism`: mechanism used before hashing the data to sign.
    #[serde(rename = "ClientMechanism", default)]
    pub client_mechanism: i64,
    /// `Command`: the command used to sign, if sent.
    #[serde(rename = "Command", default)]
    pub command: String,
    /// `Environment`: DN of the Code Signing Environment.
    #[serde(rename = "Environment", default)]
    pub environment: String,
    /// `EventId`: log event id (the hexadecimal id as an integer).
    #[serde(rename = "EventId", default)]
    pub event_id: i64,
    /// `Executable`: the executable used to sign.
    #[serde(rename = "Executable", default)]
    pub executable: String,
    /// `ExecutableLocation`: file system location of the executable.
    #[serde(rename = "ExecutableLocation", default)]
    pub executable_location: String,
    /// `Flow`: DN of the Code Signing Flow.
    #[serde(rename = "Flow", default)]
    pub flow: String,
    /// `Grouping`: number grouping signing operations together.
    #[serde(rename = "Grouping", default)]
    pub grouping: i64,
    /// `IPAddress`: IP address of the signing machine.
    #[serde(rename = "IPAddress", default)]
    pub ip_address: String,
    /// `KeyType`: key type used to sign (e.g. `RSA 2048`).
    #[serde(rename = "KeyType", default)]
    pub key_type: String,
    /// `KeyVaultId`: SecretStore vault id of the signing private key.
    #[serde(rename = "KeyVaultId", default)]
    pub key_vault_id: i64,
    /// `Machine`: name of the signing machine.
    #[serde(rename = "Machine", default)]
    pub machine: String,
    /// `Mechanism`: mechanism id of the signing algorithm.
    #[serde(rename = "Mechanism", default)]
    pub mechanism: i64,
    /// `Platform`: the signing platform (present in the seed's response example).
    #[serde(rename = "Platform", default)]
    pub platform: String,
    /// `Project`: DN of the Code Signing Project.
    #[serde(rename = "Project", default)]
    pub project: String,
    /// `RemoteAccount`: account that ran the signing command on the workstation.
    #[serde(rename = "RemoteAccount", default)]
    pub remote_account: String,
    /// `Timestamp`: when the signing operation took place (RFC 3339, UTC).
    #[serde(rename = "Timestamp")]
    pub timestamp: Timestamp,
}

impl ArchiveEntry {
    /// An entry at `timestamp` with every other field empty or zero and no id.
    pub fn new(timestamp: Timestamp) -> Self {
        ArchiveEntry {
            application_hash: String::new(),
            archive_entry_id: None,
            artifact: String::new(),
            authenticated_user: String::new(),
            client_interface: ClientInterface::Unknown,
            client_library_location: String::new(),
            client_library_name: String::new(),
            client_library_version: String::new(),
            client_mechanism: 0,
            command: String::new(),
            environment: String::new(),
            event_id: 0,
            executable: String::new(),
            executable_location: String::new(),
            flow: String::new(),
            grouping: 0,
            ip_address: String::new(),
            key_type: String::new(),
            key_vault_id: 0,
            machine: String::new(),
            mechanism: 0,
            platform: String::new(),
            project: String::new(),
            remote_account: String::new(),
            timestamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_ITEM: &str = r#"{
      "ApplicationHash": "FB437BD1CD52E22BBC5BE8738E8DC79D4C2289DE05EAE9354B46C8C95685BC76",
      "ArchiveEntryId": 281672,
      "Artifact": "MDEwDQYJYIZIAWUDBAIBBQAEIBxGcqTGcTvLlJWrunEr4lG77/cj158AH4HlFwsdFiel",
      "AuthenticatedUser": "local:{80904436-ded7-4602-9c6f-2e1502d2b6b2}",
      "ClientLibraryLocation": "",
      "ClientLibraryName": "pkcs11",
      "ClientLibraryVersion": "22.2.3 (Crypto Library: mbed TLS 2.27.0)",
      "ClientMechanism": 64,
      "Command": "",
      "Environment": "\\VED\\Code Signing\\Projects\\White List\\PKCS11 Allowed",
      "EventId": 1610743809,
      "Executable": "pkcs11config",
      "ExecutableLocation": "/usr/local/bin/pkcs11config",
      "Flow": "\\VED\\Code Signing\\Flows\\No Restrictions",
      "Grouping": 1553877821,
      "IPAddress": "172.17.24.80",
      "KeyType": "RSA 2048",
      "KeyVaultId": 91232,
      "Machine": "cs-macos11-int1.local",
      "Mechanism": 1,
      "Platform": "",
      "Project": "\\VED\\Code Signing\\Projects\\White List",
      "RemoteAccount": "jenkins",
      "Timestamp": "2022-11-28T22:44:18Z"
    }"#;

    #[test]
    fn seed_item_round_trips() {
        let entry: ArchiveEntry = serde_json::from_str(SEED_ITEM).unwrap();
        assert_eq!(entry.archive_entry_id, Some(281_672));
        assert_eq!(entry.ip_address, "172.17.24.80");
        assert_eq!(entry.key_vault_id, 91_232);
        assert_eq!(entry.client_interface, ClientInterface::Unknown);
        let back = serde_json::to_value(&entry).unwrap();
        let mut seed: serde_json::Value = serde_json::from_str(SEED_ITEM).unwrap();
        // The seed item has no ClientInterface; ours always carries one.
        seed["ClientInterface"] = 0.into();
        assert_eq!(back, seed);
    }

    #[test]
    fn client_interface_is_the_seed_integer() {
        for code in 0..=6 {
            let ci = ClientInterface::try_from(code).unwrap();
            assert_eq!(serde_json::to_value(ci).unwrap(), code);
        }
        assert_eq!(ClientInterface::try_from(7), Err(InvalidClientInterface(7)));
        let bad = r#"{"Timestamp":"2022-11-28T22:44:18Z","ClientInterface":7}"#;
        assert!(serde_json::from_str::<ArchiveEntry>(bad).is_err());
    }

    #[test]
    fn unknown_fields_and_missing_timestamp_are_errors() {
        let typo = r#"{"Timestamp":"2022-11-28T22:44:18Z","IpAddress":"1.2.3.4"}"#;
        assert!(serde_json::from_str::<ArchiveEntry>(typo).is_err());
        assert!(serde_json::from_str::<ArchiveEntry>(r#"{"Command":"x"}"#).is_err());
        let minimal: ArchiveEntry =
            serde_json::from_str(r#"{"Timestamp":"2022-11-28T22:44:18Z"}"#).unwrap();
        assert_eq!(minimal, ArchiveEntry::new(minimal.timestamp));
    }
}

//! CSV export of certificate records: a header row in the table's column
//! order, arrays and objects as JSON text in their cell, RFC 4180 quoting.

use std::io::Write;

use super::CertificateRecord;

/// The table's columns, in its order.
pub const COLUMNS: [&str; 31] = [
    "ScanId",
    "ScanTimestamp",
    "ResultType",
    "Fingerprint",
    "FingerprintSHA256Hex",
    "FingerprintSHA1Hex",
    "Subject",
    "Issuer",
    "NotBefore",
    "NotAfter",
    "SerialNumber",
    "SignatureAlgorithmOid",
    "Version",
    "Extensions",
    "PublicKeyOid",
    "RawDataLength",
    "RawData",
    "IssuerFingerprint",
    "RootFingerprint",
    "ChainLength",
    "CodeSigningCommitTimestamp",
    "CodeSigningStatus",
    "CodeSigningStatusFlags",
    "CodeSigningStatusUpdateTime",
    "CodeSigningRevocationTime",
    "TimestampingCommitTimestamp",
    "TimestampingStatus",
    "TimestampingStatusFlags",
    "TimestampingStatusUpdateTime",
    "TimestampingRevocationTime",
    "Policies",
];

/// Writes the header row and one row per record.
///
/// ```
/// use validate::{Certificate, CertificateRecord};
/// use validate::record::write_csv;
/// let pem = std::fs::read("../examples/chain/leaf.pem").unwrap();
/// let record = CertificateRecord::from_certificate(&Certificate::from_pem(&pem).unwrap());
/// let mut out = Vec::new();
/// write_csv(&mut out, [&record]).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("ScanId,ScanTimestamp,ResultType,Fingerprint,"));
/// assert_eq!(text.lines().count(), 2);
/// ```
pub fn write_csv<'a, W: Write>(
    out: W,
    records: impl IntoIterator<Item = &'a CertificateRecord>,
) -> std::io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    writer
        .write_record(COLUMNS)
        .map_err(std::io::Error::other)?;
    for record in records {
        let value = serde_json::to_value(record).map_err(std::io::Error::other)?;
        let row = COLUMNS.iter().map(|column| cell(&value[*column]));
        writer.write_record(row).map_err(std::io::Error::other)?;
    }
    writer.flush()
}

fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Top-level keys of a JSON object, in document order.
    struct Keys(Vec<String>);

    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                        keys.push(k);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(Visitor)
        }
    }

    #[test]
    fn columns_are_exactly_the_record_fields_in_order() {
        let pem = include_bytes!("../../../examples/chain/leaf.pem");
        let cert = crate::Certificate::from_pem(pem).unwrap();
        let record = CertificateRecord::from_certificate(&cert);
        let text = serde_json::to_string(&record).unwrap();
        let Keys(keys) = serde_json::from_str(&text).unwrap();
        assert_eq!(keys, COLUMNS);
    }
}

//! The `Extensions` column: every extension with the four .NET projections
//! (basic constraints, key usage, enhanced key usage, subject key identifier).

use base64ct::{Base64, Encoding};
use serde::Serialize;

use crate::cert::{Extension, ExtensionValue, KeyUsage, hex_upper};

/// One item of the `Extensions` array.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtensionRecord {
    /// The extension OID.
    pub oid: String,
    /// The critical flag.
    pub critical: bool,
    /// True when the extension has a projection below.
    pub recognized: bool,
    /// Length of the extnValue octets.
    pub raw_data_length: usize,
    /// The extnValue octets, base64.
    pub raw_data: String,
    /// The projection's properties, for the four recognised types.
    #[serde(flatten)]
    pub projection: Option<ExtensionProjection>,
}

/// The extra properties of a recognised extension, as .NET's
/// `X509BasicConstraintsExtension`, `X509KeyUsageExtension`,
/// `X509EnhancedKeyUsageExtension` and `X509SubjectKeyIdentifierExtension`
/// expose them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ExtensionProjection {
    /// 2.5.29.19 basic constraints.
    #[serde(rename_all = "PascalCase")]
    BasicConstraints {
        /// cA.
        certificate_authority: bool,
        /// True when pathLenConstraint is present.
        has_path_length_constraint: bool,
        /// pathLenConstraint, 0 when absent (as .NET reports it).
        path_length_constraint: u32,
    },
    /// 2.5.29.15 key usage.
    #[serde(rename_all = "PascalCase")]
    KeyUsage {
        /// .NET `X509KeyUsageFlags` names, e.g. `KeyCertSign, DigitalSignature`; `None` for no bit.
        key_usages: String,
    },
    /// 2.5.29.37 extended key usage.
    #[serde(rename_all = "PascalCase")]
    EnhancedKeyUsage {
        /// Purpose OIDs, dotted.
        enhanced_key_usage_oids: Vec<String>,
    },
    /// 2.5.29.14 subject key identifier.
    #[serde(rename_all = "PascalCase")]
    SubjectKeyIdentifier {
        /// The key identifier, uppercase hex.
        subject_key_identifier: String,
    },
}

impl ExtensionRecord {
    pub(crate) fn from_extension(ext: &Extension) -> Self {
        let projection = match ext.value() {
            ExtensionValue::BasicConstraints(bc) => Some(ExtensionProjection::BasicConstraints {
                certificate_authority: bc.ca,
                has_path_length_constraint: bc.path_len_constraint.is_some(),
                path_length_constraint: bc.path_len_constraint.map_or(0, u32::from),
            }),
            ExtensionValue::KeyUsage(ku) => Some(ExtensionProjection::KeyUsage {
                key_usages: key_usage_names(*ku),
            }),
            ExtensionValue::ExtendedKeyUsage(oids) => Some(ExtensionProjection::EnhancedKeyUsage {
                enhanced_key_usage_oids: oids.iter().map(ToString::to_string).collect(),
            }),
            ExtensionValue::SubjectKeyIdentifier(id) => {
                Some(ExtensionProjection::SubjectKeyIdentifier {
                    subject_key_identifier: hex_upper(id),
                })
            }
            _ => None,
        };
        ExtensionRecord {
            oid: ext.oid().to_string(),
            critical: ext.critical(),
            recognized: projection.is_some(),
            raw_data_length: ext.value_der().len(),
            raw_data: Base64::encode_string(ext.value_der()),
            projection,
        }
    }
}

/// .NET `Enum.ToString` of `X509KeyUsageFlags`.
fn key_usage_names(ku: KeyUsage) -> String {
    let names = ku.names();
    if names.is_empty() {
        "None".to_string()
    } else {
        names.join(", ")
    }
}

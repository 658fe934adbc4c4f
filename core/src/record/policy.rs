//! The `Policies` column: certificate policies with their qualifiers
//! (RFC 5280 4.2.1.4).

use base64ct::{Base64, Encoding};
use der::{Encode, asn1::Ia5StringRef};
use serde::Serialize;

use crate::cert::extensions::oid;
use crate::cert::{Certificate, ExtensionValue};

/// id-qt-cps (RFC 5280 4.2.1.4).
const CPS_QUALIFIER: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.2.1");

/// One item of the `Policies` array.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyRecord {
    /// The policy OID.
    pub policy_identifier: String,
    /// Zero or more qualifiers.
    pub policy_qualifiers: Vec<PolicyQualifierRecord>,
}

/// One policy qualifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyQualifierRecord {
    /// The qualifier OID.
    pub policy_qualifier_id: String,
    /// The qualifier's DER, base64.
    pub qualifier: String,
    /// True for a CPS qualifier whose URI decodes.
    pub recognized: bool,
    /// The CPS URI of a CPS qualifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cps_uri: Option<String>,
}

/// The policies of a certificate; `None` without a well-formed extension.
pub(crate) fn policies(cert: &Certificate) -> Option<Vec<PolicyRecord>> {
    let ExtensionValue::CertificatePolicies(policies) =
        cert.extension(&oid::CERTIFICATE_POLICIES)?.value()
    else {
        return None;
    };
    let records = policies
        .0
        .iter()
        .map(|info| PolicyRecord {
            policy_identifier: info.policy_identifier.to_string(),
            policy_qualifiers: info
                .policy_qualifiers
                .iter()
                .flatten()
                .map(|q| {
                    let der = q.qualifier.as_ref().and_then(|a| a.to_der().ok());
                    let cps_uri = q
                        .qualifier
                        .as_ref()
                        .filter(|_| q.policy_qualifier_id == CPS_QUALIFIER)
                        .and_then(|a| a.decode_as::<Ia5StringRef<'_>>().ok())
                        .map(|s| s.to_string());
                    PolicyQualifierRecord {
                        policy_qualifier_id: q.policy_qualifier_id.to_string(),
                        qualifier: Base64::encode_string(der.as_deref().unwrap_or_default()),
                        recognized: cps_uri.is_some(),
                        cps_uri,
                    }
                })
                .collect(),
        })
        .collect();
    Some(records)
}

//! The seed's `webCertificate`: one certificate as the report describes it.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cert::extensions::oid;
use crate::cert::{Certificate, DistinguishedName, ExtensionValue, NameAttribute};
use crate::path::{ChainStatusFlags, PathValidation};
use crate::time::Timestamp;
use x509_cert::ext::pkix::name::GeneralName;

/// `status`: the certificate's state at the validation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// 0: valid at the required level.
    Valid,
    /// 1: expired (notAfter before the validation time).
    Expired,
    /// 2: not yet valid (notBefore after the validation time).
    NotYetValid,
    /// 3: revoked.
    Revoked,
    /// 4: no path to a trust anchor of the policy.
    Untrusted,
    /// 5: invalid for another reason (signature, constraints, usage, ...).
    Invalid,
    /// 6: revocation status could not be determined where the level requires it.
    RevocationUnknown,
}

/// `valid`, `expired`, `not yet valid`, `revoked`, `untrusted`, `invalid`,
/// `revocation unknown`.
impl std::fmt::Display for CertificateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Expired => "expired",
            CertificateStatus::NotYetValid => "not yet valid",
            CertificateStatus::Revoked => "revoked",
            CertificateStatus::Untrusted => "untrusted",
            CertificateStatus::Invalid => "invalid",
            CertificateStatus::RevocationUnknown => "revocation unknown",
        })
    }
}

/// `trustLevel`: how the certificate relates to the policy's trust anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustLevel {
    /// 0: no path to a trust anchor.
    Untrusted,
    /// 1: chains to a trust anchor of the policy.
    Chained,
    /// 2: is itself a trust anchor of the policy.
    Anchor,
}

/// `validationMode`: the mechanism that decided revocation status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidationMode {
    /// 0: no revocation check (the level does not ask for one, or no source answered).
    None,
    /// 1: a CRL.
    Crl,
    /// 2: an OCSP response.
    Ocsp,
}

macro_rules! serialize_as_number {
    ($($ty:ty { $($variant:ident = $value:literal),* })*) => {$(
        impl $ty {
            /// The number written in reports.
            pub fn value(self) -> u8 {
                match self { $(Self::$variant => $value,)* }
            }
        }
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.value())
            }
        }
    )*};
}

serialize_as_number! {
    CertificateStatus { Valid = 0, Expired = 1, NotYetValid = 2, Revoked = 3, Untrusted = 4, Invalid = 5, RevocationUnknown = 6 }
    TrustLevel { Untrusted = 0, Chained = 1, Anchor = 2 }
    ValidationMode { None = 0, Crl = 1, Ocsp = 2 }
}

/// A name as `subject` / `issuer` carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportName {
    /// The DN, most specific first, `, ` between RDNs, values quoted when
    /// they hold special characters (as Java and .NET print names, like the seed).
    #[serde(rename = "DN")]
    pub dn: String,
    /// Each attribute by key; a repeated key (e.g. OU) becomes an object
    /// `{"OU0": ..., "OU1": ...}` in encoding order.
    #[serde(rename = "parsedDN")]
    pub parsed_dn: Map<String, Value>,
}

/// One certificate of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebCertificate {
    /// Serial number, decimal.
    pub serial_number: String,
    /// Serial number, lowercase hex without leading zero octets.
    #[serde(rename = "serialNumberH")]
    pub serial_number_h: String,
    /// SHA-1 of the DER, lowercase hex.
    #[serde(rename = "thumbPrint")]
    pub thumb_print: String,
    /// notBefore as `YYYY-MM-DD hh:mm:ss UTC`.
    #[serde(rename = "notBeforeS")]
    pub not_before_s: Option<String>,
    /// notAfter as `YYYY-MM-DD hh:mm:ss UTC`.
    #[serde(rename = "notAfterS")]
    pub not_after_s: Option<String>,
    /// Whole days from the validation time to notAfter (negative when expired).
    pub days_to_expire: Option<i64>,
    /// notBefore, Unix seconds.
    #[serde(rename = "notBeforeTS")]
    pub not_before_ts: Option<i64>,
    /// notAfter, Unix seconds.
    #[serde(rename = "notAfterTS")]
    pub not_after_ts: Option<i64>,
    /// Not used; always false.
    pub is_default: bool,
    /// See [`CertificateStatus`].
    pub status: CertificateStatus,
    /// See [`TrustLevel`].
    pub trust_level: TrustLevel,
    /// See [`ValidationMode`].
    pub validation_mode: ValidationMode,
    /// Subject name.
    pub subject: ReportName,
    /// Issuer name.
    pub issuer: ReportName,
    /// Decoded extensions: keyUsage, extendedKeyUsage, basicConstraints,
    /// certificatePolicies, subjectAltName.
    pub extensions: Map<String, Value>,
    /// The subjectAltName entries by type (`DNS`, `email`, `URI`, `IP`,
    /// `DirName`, `RID`, `OtherName`), repeated types numbered as in parsedDN.
    pub subject_alt_names: Map<String, Value>,
}

impl WebCertificate {
    /// The report entry of `cert` (index `index` of `path`, 0 being the end
    /// entity) validated at `at`; `mode` says which revocation source decided.
    pub fn new(
        cert: &Certificate,
        path: Option<(&PathValidation, usize)>,
        at: Timestamp,
        mode: ValidationMode,
    ) -> Self {
        let not_before = cert.not_before().time();
        let not_after = cert.not_after().time();
        let (status, trust_level) = match path {
            Some((path, index)) => (status_of(path, index), trust_of(path, index)),
            None => (CertificateStatus::Untrusted, TrustLevel::Untrusted),
        };
        let subject_alt_names = subject_alt_names(cert);
        WebCertificate {
            serial_number: cert.serial().to_decimal(),
            serial_number_h: cert.serial().to_hex_value().to_lowercase(),
            thumb_print: crate::cert::hex_upper(cert.sha1()).to_lowercase(),
            not_before_s: not_before.map(Timestamp::to_seed_string),
            not_after_s: not_after.map(Timestamp::to_seed_string),
            days_to_expire: not_after
                .map(|t| (t.unix_seconds() - at.unix_seconds()).div_euclid(86_400)),
            not_before_ts: not_before.map(Timestamp::unix_seconds),
            not_after_ts: not_after.map(Timestamp::unix_seconds),
            is_default: false,
            status,
            trust_level,
            validation_mode: mode,
            subject: report_name(cert.subject()),
            issuer: report_name(cert.issuer()),
            extensions: extensions(cert, &subject_alt_names),
            subject_alt_names,
        }
    }
}

fn status_of(path: &PathValidation, index: usize) -> CertificateStatus {
    let flags = path.certificate_flags(index) | path_flags_without_certificate(path);
    if path.valid {
        return CertificateStatus::Valid;
    }
    if flags.contains(ChainStatusFlags::REVOKED) {
        CertificateStatus::Revoked
    } else if flags.contains(ChainStatusFlags::NOT_TIME_VALID) {
        let expired = path
            .findings
            .iter()
            .any(|f| f.certificate == Some(index) && f.detail.starts_with("notAfter"));
        if expired {
            CertificateStatus::Expired
        } else {
            CertificateStatus::NotYetValid
        }
    } else if !path.anchored {
        CertificateStatus::Untrusted
    } else if flags.contains(ChainStatusFlags::REVOCATION_STATUS_UNKNOWN) {
        CertificateStatus::RevocationUnknown
    } else {
        CertificateStatus::Invalid
    }
}

fn path_flags_without_certificate(path: &PathValidation) -> ChainStatusFlags {
    path.findings
        .iter()
        .filter(|f| f.certificate.is_none())
        .fold(ChainStatusFlags::NO_ERROR, |acc, f| acc | f.code.flag())
}

fn trust_of(path: &PathValidation, index: usize) -> TrustLevel {
    if !path.anchored {
        TrustLevel::Untrusted
    } else if index + 1 == path.chain.len() {
        TrustLevel::Anchor
    } else {
        TrustLevel::Chained
    }
}

/// The seed's DN form: `CN=x, OU=y, O="A, Inc.", C=US`.
pub(crate) fn display_dn(name: &DistinguishedName) -> String {
    name.rdns()
        .iter()
        .rev()
        .map(|rdn| {
            rdn.iter()
                .map(|attr| format!("{}={}", attr.key(), display_value(attr)))
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn display_value(attr: &NameAttribute) -> String {
    let Some(text) = attr.text() else {
        return format!("#{}", crate::cert::hex_upper(attr.value_der()));
    };
    let special = text.chars().any(|c| ",+=\"\\<>;\n\r".contains(c))
        || text.starts_with([' ', '#'])
        || text.ends_with(' ');
    if special {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

fn report_name(name: &DistinguishedName) -> ReportName {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for attr in name.attributes() {
        let value = attr.text().map_or_else(
            || format!("#{}", crate::cert::hex_upper(attr.value_der())),
            str::to_string,
        );
        let key = attr.key();
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => grouped.push((key, vec![value])),
        }
    }
    ReportName {
        dn: display_dn(name),
        parsed_dn: numbered(grouped),
    }
}

/// Single values as strings; repeated keys as `{KEY0: .., KEY1: ..}`.
fn numbered(grouped: Vec<(String, Vec<String>)>) -> Map<String, Value> {
    grouped
        .into_iter()
        .map(|(key, values)| {
            let value = if values.len() == 1 {
                Value::String(values.into_iter().next().unwrap_or_default())
            } else {
                Value::Object(
                    values
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (format!("{key}{i}"), Value::String(v)))
                        .collect(),
                )
            };
            (key, value)
        })
        .collect()
}

fn subject_alt_names(cert: &Certificate) -> Map<String, Value> {
    let Some(ExtensionValue::SubjectAltName(san)) =
        cert.extension(&oid::SUBJECT_ALT_NAME).map(|e| e.value())
    else {
        return Map::new();
    };
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for name in &san.0 {
        let (key, value) = match name {
            GeneralName::DnsName(s) => ("DNS", s.to_string()),
            GeneralName::Rfc822Name(s) => ("email", s.to_string()),
            GeneralName::UniformResourceIdentifier(s) => ("URI", s.to_string()),
            GeneralName::IpAddress(ip) => ("IP", ip_string(ip.as_bytes())),
            GeneralName::DirectoryName(n) => (
                "DirName",
                DistinguishedName::from_name(n, "subjectAltName")
                    .map(|n| display_dn(&n))
                    .unwrap_or_default(),
            ),
            GeneralName::RegisteredId(oid) => ("RID", oid.to_string()),
            GeneralName::OtherName(other) => (
                "OtherName",
                format!(
                    "{}:#{}",
                    other.type_id,
                    der::Encode::to_der(&other.value)
                        .map(|d| crate::cert::hex_upper(&d))
                        .unwrap_or_default()
                ),
            ),
            GeneralName::EdiPartyName(_) => ("EdiPartyName", String::new()),
        };
        match grouped.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value),
            None => grouped.push((key.to_string(), vec![value])),
        }
    }
    numbered(grouped)
}

fn ip_string(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => format!("#{}", crate::cert::hex_upper(bytes)),
    }
}

fn extensions(cert: &Certificate, sans: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(ku) = cert.key_usage() {
        let names: Vec<Value> = ku
            .names()
            .into_iter()
            .map(|n| Value::String(n.to_string()))
            .collect();
        out.insert("keyUsage".into(), Value::Array(names));
    }
    for ext in cert.extensions() {
        match ext.value() {
            ExtensionValue::ExtendedKeyUsage(oids) => {
                out.insert(
                    "extendedKeyUsage".into(),
                    Value::Array(oids.iter().map(|o| Value::String(o.to_string())).collect()),
                );
            }
            ExtensionValue::BasicConstraints(bc) => {
                out.insert(
                    "basicConstraints".into(),
                    serde_json::json!({ "ca": bc.ca, "pathLenConstraint": bc.path_len_constraint }),
                );
            }
            ExtensionValue::CertificatePolicies(policies) => {
                out.insert(
                    "certificatePolicies".into(),
                    Value::Array(
                        policies
                            .0
                            .iter()
                            .map(|p| Value::String(p.policy_identifier.to_string()))
                            .collect(),
                    ),
                );
            }
            _ => {}
        }
    }
    if !sans.is_empty() {
        out.insert("subjectAltName".into(), Value::Object(sans.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_dn_form_and_numbered_ous() {
        let pem = include_bytes!("../../../examples/chain/root.pem");
        let cert = Certificate::from_pem(pem).unwrap();
        let name = report_name(cert.subject());
        assert_eq!(
            name.dn,
            "CN=Example Root CA, OU=Testing, OU=Roots, O=Example Trust, C=GB"
        );
        assert_eq!(
            name.parsed_dn["OU"],
            serde_json::json!({"OU0": "Roots", "OU1": "Testing"})
        );
        assert_eq!(name.parsed_dn["C"], "GB");
    }
}

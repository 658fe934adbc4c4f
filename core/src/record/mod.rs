//! The certificate record: one row of the certificates table of
//! `certificates-table.txt`, with JSON names exactly as the table writes
//! them, and its CSV form.

mod csv;
mod extension;
mod policy;
mod signatures;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use serde::Serialize;

pub use self::csv::{COLUMNS, write_csv};
pub use extension::{ExtensionProjection, ExtensionRecord};
pub use policy::{PolicyQualifierRecord, PolicyRecord};
pub use signatures::SignatureRecords;

use crate::cert::{Certificate, hex_upper};
use crate::path::{ChainStatusFlags, EndCertificateStatus, PathValidation};
use crate::time::Timestamp;

/// The table's `ResultType` enum; only `Available` is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ResultType {
    /// The certificate is in use.
    Available,
    /// The certificate is no longer used and will be removed.
    Deleted,
}

/// One row of the certificates table.
///
/// Fields are declared in the table's column order. The chain and status
/// columns stay `None` (JSON `null`, an empty CSV cell) until chain
/// validation fills them.
///
/// ```
/// use validate::{Certificate, CertificateRecord};
/// let pem = std::fs::read("../examples/chain/leaf.pem").unwrap();
/// let cert = Certificate::from_pem(&pem).unwrap();
/// let record = CertificateRecord::from_certificate(&cert);
/// assert_eq!(record.version, 3);
/// assert_eq!(record.fingerprint_sha256_hex.len(), 64);
/// let json = serde_json::to_value(&record).unwrap();
/// assert!(json["FingerprintSHA1Hex"].is_string());
/// assert!(json["ChainLength"].is_null());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateRecord {
    /// Unused, always empty.
    pub scan_id: Option<String>,
    /// Unused, always empty.
    pub scan_timestamp: Option<Timestamp>,
    /// Always `Available`.
    pub result_type: ResultType,
    /// SHA-256 of the DER, base64url without padding.
    pub fingerprint: String,
    /// SHA-256 of the DER, uppercase hex.
    #[serde(rename = "FingerprintSHA256Hex")]
    pub fingerprint_sha256_hex: String,
    /// SHA-1 of the DER, uppercase hex (the .NET thumbprint).
    #[serde(rename = "FingerprintSHA1Hex")]
    pub fingerprint_sha1_hex: String,
    /// The subject DN as an RFC 4514 string.
    pub subject: String,
    /// The issuer DN as an RFC 4514 string.
    pub issuer: String,
    /// Start of validity (RFC 3339 UTC); `null` when the encoded time is malformed.
    pub not_before: Option<Timestamp>,
    /// End of validity (RFC 3339 UTC); `null` when the encoded time is malformed.
    pub not_after: Option<Timestamp>,
    /// The serial number's encoded octets in uppercase hex, as .NET prints it.
    pub serial_number: String,
    /// The signature algorithm OID.
    pub signature_algorithm_oid: String,
    /// The X.509 version (1 to 3).
    pub version: u32,
    /// Every extension with its recognised projection.
    pub extensions: Vec<ExtensionRecord>,
    /// The public key algorithm OID.
    pub public_key_oid: String,
    /// Length of the DER in bytes.
    pub raw_data_length: usize,
    /// The DER, base64.
    pub raw_data: String,
    /// Fingerprint of the issuer certificate in the validated chain.
    pub issuer_fingerprint: Option<String>,
    /// Fingerprint of the root certificate of the validated chain.
    pub root_fingerprint: Option<String>,
    /// Number of certificates in the chain, end and root included.
    pub chain_length: Option<u32>,
    /// Time of the code-signing verification that produced the status.
    pub code_signing_commit_timestamp: Option<Timestamp>,
    /// Code-signing verification result.
    pub code_signing_status: Option<EndCertificateStatus>,
    /// Flags of the chain found by code-signing verification.
    pub code_signing_status_flags: Option<ChainStatusFlags>,
    /// When the CA last updated the end certificate's status.
    pub code_signing_status_update_time: Option<Timestamp>,
    /// When the end certificate was revoked.
    pub code_signing_revocation_time: Option<Timestamp>,
    /// Time of the timestamping verification that produced the status.
    pub timestamping_commit_timestamp: Option<Timestamp>,
    /// Timestamping verification result.
    pub timestamping_status: Option<EndCertificateStatus>,
    /// Flags of the chain found by timestamping verification.
    pub timestamping_status_flags: Option<ChainStatusFlags>,
    /// When the CA last updated the end certificate's status (timestamping).
    pub timestamping_status_update_time: Option<Timestamp>,
    /// When the end certificate was revoked (timestamping).
    pub timestamping_revocation_time: Option<Timestamp>,
    /// Certificate policies (RFC 5280 4.2.1.4); `null` without the extension.
    pub policies: Option<Vec<PolicyRecord>>,
}

impl CertificateRecord {
    /// The record of one certificate, without chain facts.
    pub fn from_certificate(cert: &Certificate) -> Self {
        CertificateRecord {
            scan_id: None,
            scan_timestamp: None,
            result_type: ResultType::Available,
            fingerprint: Base64UrlUnpadded::encode_string(cert.sha256()),
            fingerprint_sha256_hex: hex_upper(cert.sha256()),
            fingerprint_sha1_hex: hex_upper(cert.sha1()),
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.not_before().time(),
            not_after: cert.not_after().time(),
            serial_number: cert.serial().to_hex(),
            signature_algorithm_oid: cert.signature_algorithm().oid.to_string(),
            version: cert.version(),
            extensions: cert
                .extensions()
                .iter()
                .map(ExtensionRecord::from_extension)
                .collect(),
            public_key_oid: cert.public_key().algorithm().to_string(),
            raw_data_length: cert.der().len(),
            raw_data: Base64::encode_string(cert.der()),
            issuer_fingerprint: None,
            root_fingerprint: None,
            chain_length: None,
            code_signing_commit_timestamp: None,
            code_signing_status: None,
            code_signing_status_flags: None,
            code_signing_status_update_time: None,
            code_signing_revocation_time: None,
            timestamping_commit_timestamp: None,
            timestamping_status: None,
            timestamping_status_flags: None,
            timestamping_status_update_time: None,
            timestamping_revocation_time: None,
            policies: policy::policies(cert),
        }
    }
}

impl CertificateRecord {
    /// Fills the chain columns from a validated path in which this
    /// certificate is at `index` (0 is the end entity): IssuerFingerprint
    /// (the next certificate), RootFingerprint (the trust anchor, when the
    /// path reached one) and ChainLength.
    pub fn set_chain(&mut self, path: &PathValidation, index: usize) {
        let fingerprint = |c: &Certificate| Base64UrlUnpadded::encode_string(c.sha256());
        self.issuer_fingerprint = path.chain.get(index + 1).map(|c| fingerprint(c));
        self.root_fingerprint = path
            .chain
            .last()
            .filter(|_| path.anchored)
            .map(|c| fingerprint(c));
        self.chain_length = u32::try_from(path.chain.len()).ok();
    }

    /// Fills the code-signing status columns from a code-signing validation
    /// of this certificate as end entity, made at `at`: `Good` for a valid
    /// path, otherwise `Invalid` (`Revoked` when the finding is a revocation),
    /// with the chain's flags, and the revocation columns when revocation
    /// was checked (CodeSigningStatusUpdateTime: the thisUpdate of the CRL or
    /// OCSP response that decided; CodeSigningRevocationTime: the revocation time).
    pub fn set_code_signing_status(&mut self, path: &PathValidation, at: Timestamp) {
        let status = EndStatus::of(path, at);
        self.code_signing_commit_timestamp = Some(status.at);
        self.code_signing_status = Some(status.status);
        self.code_signing_status_flags = Some(status.flags);
        self.code_signing_status_update_time = status.update_time;
        self.code_signing_revocation_time = status.revocation_time;
    }

    /// Fills the timestamping status columns the same way, from the
    /// validation of this certificate as a time-stamping authority (the TSA
    /// path of an RFC 3161 timestamp, validated at its time).
    pub fn set_timestamping_status(&mut self, path: &PathValidation, at: Timestamp) {
        let status = EndStatus::of(path, at);
        self.timestamping_commit_timestamp = Some(status.at);
        self.timestamping_status = Some(status.status);
        self.timestamping_status_flags = Some(status.flags);
        self.timestamping_status_update_time = status.update_time;
        self.timestamping_revocation_time = status.revocation_time;
    }
}

/// The status columns of one verification (code signing or timestamping).
struct EndStatus {
    at: Timestamp,
    status: EndCertificateStatus,
    flags: ChainStatusFlags,
    update_time: Option<Timestamp>,
    revocation_time: Option<Timestamp>,
}

impl EndStatus {
    fn of(path: &PathValidation, at: Timestamp) -> Self {
        let flags = path.chain_flags();
        let status = if path.valid {
            EndCertificateStatus::Good
        } else if flags.contains(ChainStatusFlags::REVOKED) {
            EndCertificateStatus::Revoked
        } else {
            EndCertificateStatus::Invalid
        };
        let revocation = path.revocation_of(0);
        EndStatus {
            at,
            status,
            flags,
            update_time: revocation.and_then(|s| s.update_time()),
            revocation_time: revocation.and_then(|s| s.revocation_time()),
        }
    }
}

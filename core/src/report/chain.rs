//! The chain document of `validate chain --format json` (CLI.md): the
//! built path as certificate records, the chain's status flags and every
//! finding. The CLI, the C ABI and the Python module print this one shape.

use serde::Serialize;

use crate::path::{Finding, PathValidation, ResultCode, Severity};
use crate::record::CertificateRecord;

/// One finding of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChainResult {
    /// The result code (docs/result-codes.md).
    pub code: u32,
    /// The code's name, e.g. `NotTimeValid`.
    pub name: ResultCode,
    /// `Error` or `Warning`.
    pub severity: Severity,
    /// Index in `chain` of the certificate concerned (0 the end entity),
    /// `null` for the path as a whole.
    pub certificate: Option<usize>,
    /// The rule and the values involved.
    pub detail: String,
}

impl From<&Finding> for ChainResult {
    fn from(f: &Finding) -> Self {
        ChainResult {
            code: f.code.code(),
            name: f.code,
            severity: f.severity,
            certificate: f.certificate,
            detail: f.detail.clone(),
        }
    }
}

/// The chain document.
///
/// ```
/// use validate::path::{validate_path, CertificatePool, TrustStore, ValidationOptions};
/// use validate::{read_certificates_strict, report::ChainReport};
/// use validate::crypto::DefaultVerifier;
/// let read = |f: &str| read_certificates_strict(&std::fs::read(format!("../examples/chain/{f}")).unwrap()).unwrap();
/// let path = validate_path(
///     &read("leaf.pem")[0],
///     &CertificatePool::from_certificates(read("intermediate.pem")),
///     &TrustStore::from_certificates(read("root.pem")),
///     &ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
///     &DefaultVerifier::default(),
/// );
/// let doc = ChainReport::new(&path);
/// assert!(doc.valid && doc.chain.len() == 3 && doc.status_flags.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ChainReport {
    /// True when the path is complete and no finding is an error.
    pub valid: bool,
    /// The path, end entity first (the closest path when rejected), each a
    /// certificate record with the chain columns filled.
    pub chain: Vec<CertificateRecord>,
    /// The names of the .NET `X509ChainStatusFlags` the findings raise.
    pub status_flags: Vec<&'static str>,
    /// Every finding, errors and warnings.
    pub results: Vec<ChainResult>,
    /// Other paths that were tried and rejected.
    pub rejected_paths: usize,
}

impl ChainReport {
    /// The document of `path`.
    pub fn new(path: &PathValidation) -> Self {
        let chain = path
            .chain
            .iter()
            .enumerate()
            .map(|(i, cert)| {
                let mut record = CertificateRecord::from_certificate(cert);
                record.set_chain(path, i);
                record
            })
            .collect();
        ChainReport {
            valid: path.valid,
            chain,
            status_flags: path.chain_flags().names(),
            results: path.findings.iter().map(ChainResult::from).collect(),
            rejected_paths: path.rejected_paths,
        }
    }
}

//! The certificates table's rows for signed artifacts: one record per
//! certificate the signatures reference (certificates-table.txt: "code
//! signing and timestamp certificate chains as well as the author and
//! repository signature"), deduplicated by fingerprint, with the chain
//! columns from the path each was validated in and the status columns of
//! the end certificates: CodeSigning* for signers and countersigners (the
//! repository signature), Timestamping* for the TSAs of their timestamps.

use std::collections::HashMap;
use std::sync::Arc;

use super::CertificateRecord;
use crate::cert::Certificate;
use crate::cms::SignerResult;
use crate::path::PathValidation;

/// Builds the records of certificates referenced by signatures.
///
/// ```
/// use validate::record::SignatureRecords;
/// let records = SignatureRecords::new();
/// assert!(records.into_records().is_empty());
/// ```
#[derive(Debug, Default)]
pub struct SignatureRecords {
    by_fingerprint: HashMap<[u8; 32], usize>,
    records: Vec<CertificateRecord>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    CodeSigning,
    Timestamping,
}

impl SignatureRecords {
    /// No records yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the certificates of `signer` (a signer of a signature), its
    /// timestamps' TSAs and its countersigners, recursively.
    pub fn add_signer(&mut self, signer: &SignerResult) {
        self.add_role(signer, Role::CodeSigning);
    }

    fn add_role(&mut self, signer: &SignerResult, role: Role) {
        match &signer.path {
            Some(path) => self.add_path(path, signer, role),
            None => {
                if let Some(cert) = &signer.certificate {
                    self.add_certificate(cert);
                }
            }
        }
        for t in &signer.timestamps {
            if let Some(tsa) = &t.signer {
                self.add_role(tsa, Role::Timestamping);
            }
        }
        for cs in &signer.countersignatures {
            self.add_role(cs, role);
        }
    }

    fn add_path(&mut self, path: &PathValidation, signer: &SignerResult, role: Role) {
        for (i, cert) in path.chain.iter().enumerate() {
            let index = self.entry(cert);
            let record = &mut self.records[index];
            if record.chain_length.is_none() {
                record.set_chain(path, i);
            }
            // The status columns are the end certificate's (the table: "validation
            // results (for end certificates)").
            if i == 0 {
                match role {
                    Role::CodeSigning if record.code_signing_status.is_none() => {
                        record.set_code_signing_status(path, signer.path_time);
                    }
                    Role::Timestamping if record.timestamping_status.is_none() => {
                        record.set_timestamping_status(path, signer.path_time);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Adds a certificate the signature carries but no path used (no chain columns).
    pub fn add_certificate(&mut self, cert: &Arc<Certificate>) {
        self.entry(cert);
    }

    fn entry(&mut self, cert: &Certificate) -> usize {
        let next = self.records.len();
        let index = *self.by_fingerprint.entry(*cert.sha256()).or_insert(next);
        if index == next {
            self.records.push(CertificateRecord::from_certificate(cert));
        }
        index
    }

    /// Merges `other`'s records (from another file) into these: a
    /// certificate already present keeps its columns, filling only those
    /// it lacks.
    pub fn merge(&mut self, other: SignatureRecords) {
        let mut keys: Vec<([u8; 32], usize)> = other.by_fingerprint.into_iter().collect();
        keys.sort_unstable_by_key(|&(_, i)| i);
        let mut theirs: Vec<Option<CertificateRecord>> =
            other.records.into_iter().map(Some).collect();
        for (key, i) in keys {
            let Some(record) = theirs.get_mut(i).and_then(Option::take) else {
                continue;
            };
            let Some(&index) = self.by_fingerprint.get(&key) else {
                self.by_fingerprint.insert(key, self.records.len());
                self.records.push(record);
                continue;
            };
            let mine = &mut self.records[index];
            if mine.chain_length.is_none() {
                mine.issuer_fingerprint = record.issuer_fingerprint;
                mine.root_fingerprint = record.root_fingerprint;
                mine.chain_length = record.chain_length;
            }
            if mine.code_signing_status.is_none() {
                mine.code_signing_commit_timestamp = record.code_signing_commit_timestamp;
                mine.code_signing_status = record.code_signing_status;
                mine.code_signing_status_flags = record.code_signing_status_flags;
                mine.code_signing_status_update_time = record.code_signing_status_update_time;
                mine.code_signing_revocation_time = record.code_signing_revocation_time;
            }
            if mine.timestamping_status.is_none() {
                mine.timestamping_commit_timestamp = record.timestamping_commit_timestamp;
                mine.timestamping_status = record.timestamping_status;
                mine.timestamping_status_flags = record.timestamping_status_flags;
                mine.timestamping_status_update_time = record.timestamping_status_update_time;
                mine.timestamping_revocation_time = record.timestamping_revocation_time;
            }
        }
    }

    /// The records, in the order their certificates were first met.
    pub fn into_records(self) -> Vec<CertificateRecord> {
        self.records
    }
}

//! Certificates offered for path building: trust anchors and untrusted
//! intermediates, indexed by normalised subject name.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cert::{Certificate, DistinguishedName};

pub(crate) use super::name_match::NameKey;

/// A set of certificates indexed by subject name.
#[derive(Debug, Clone, Default)]
pub struct CertificatePool {
    certs: Vec<Arc<Certificate>>,
    by_subject: HashMap<NameKey, Vec<usize>>,
    by_der: HashMap<[u8; 32], usize>,
}

impl CertificatePool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// A pool holding the given certificates.
    pub fn from_certificates(certs: impl IntoIterator<Item = Certificate>) -> Self {
        let mut pool = Self::new();
        for cert in certs {
            pool.add(Arc::new(cert));
        }
        pool
    }

    /// Adds a certificate; an exact duplicate is ignored.
    pub fn add(&mut self, cert: Arc<Certificate>) {
        if self.by_der.contains_key(cert.sha256()) {
            return;
        }
        let index = self.certs.len();
        self.by_der.insert(*cert.sha256(), index);
        self.by_subject
            .entry(NameKey::of(cert.subject()))
            .or_default()
            .push(index);
        self.certs.push(cert);
    }

    /// True when this exact certificate (same DER) is in the pool.
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.by_der.contains_key(cert.sha256())
    }

    /// Every certificate, in the order added.
    pub fn certificates(&self) -> &[Arc<Certificate>] {
        &self.certs
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Certificates whose subject matches `name` (RFC 5280 7.1 comparison).
    pub(crate) fn with_subject<'a>(
        &'a self,
        name: &DistinguishedName,
    ) -> impl Iterator<Item = &'a Arc<Certificate>> + 'a {
        self.by_subject
            .get(&NameKey::of(name))
            .into_iter()
            .flatten()
            .map(|&i| &self.certs[i])
    }

    /// Certificates whose subject matches the issuer name of `child`.
    pub(crate) fn issuers_of<'a>(
        &'a self,
        child: &Certificate,
    ) -> impl Iterator<Item = &'a Arc<Certificate>> + 'a {
        self.with_subject(child.issuer())
    }
}

/// The trust anchors of a validation.
///
/// ```
/// use validate::{read_certificates_strict, path::TrustStore};
/// let pem = std::fs::read("../examples/chain/root.pem").unwrap();
/// let store = TrustStore::from_certificates(read_certificates_strict(&pem).unwrap());
/// assert_eq!(store.len(), 1);
/// ```
pub type TrustStore = CertificatePool;

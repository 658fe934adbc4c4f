//! What the revocation checker needs from its caller about signers of
//! revocation data, and the memo of verified CRL and OCSP signatures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::cert::{Certificate, DistinguishedName};
use crate::crypto::SignatureError;
use crate::time::Timestamp;

/// The caller's view of certificates that may sign revocation data without
/// being the checked certificate's issuer: a separate CRL-signing key of the
/// same CA (RFC 5280 6.3.3 (f)), the issuer of an indirect CRL, a CA's
/// key-rollover certificate. The path code implements this with its pool of
/// certificates and its own path validation; the revocation checker never
/// builds paths itself.
pub trait RevocationSigners {
    /// Certificates whose subject is `name`, from every source the caller has
    /// (intermediates given, certificates fetched through AIA, ...). The
    /// checker tests keyUsage and the signature itself.
    fn candidates(&self, name: &DistinguishedName) -> Vec<Arc<Certificate>>;

    /// True when `signer` has a valid certification path at `time` to the
    /// trust anchor of the path being validated (RFC 5280 6.3.3 (f)),
    /// including its own revocation status as the mode asks.
    fn validate(&self, signer: &Certificate, time: Timestamp) -> bool;

    /// The DSA parameters `signer` inherits (RFC 3279 2.3.2) when its key
    /// has none: those of the nearest certificate above it in its path that
    /// has them. The default knows no path and answers `None`.
    fn inherited_dsa_parameters(&self, signer: &Certificate) -> Option<der::Any> {
        let _ = signer;
        None
    }
}

/// Signers from nowhere: only the checked certificate's issuer may sign.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExtraSigners;

impl RevocationSigners for NoExtraSigners {
    fn candidates(&self, _name: &DistinguishedName) -> Vec<Arc<Certificate>> {
        Vec::new()
    }

    fn validate(&self, _signer: &Certificate, _time: Timestamp) -> bool {
        false
    }
}

/// Results of signature checks on revocation data, keyed by the SHA-256 of
/// the signed object's DER and of the signer certificate's DER, so that a
/// CRL or response is verified once however many certificates it serves.
#[derive(Debug, Default)]
pub struct SignatureMemo {
    results: Mutex<MemoMap>,
}

/// (SHA-256 of the signed object, SHA-256 of the signer certificate) -> result.
type MemoMap = HashMap<([u8; 32], [u8; 32]), Result<(), SignatureError>>;

/// Memoised results kept before the memo is emptied: each is 64 bytes of
/// key plus a small result, so 65,536 stay under 8 MiB.
const MEMO_CAPACITY: usize = 65_536;

impl SignatureMemo {
    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The memoised result for (object, signer), if any.
    pub(crate) fn get(
        &self,
        object: &[u8; 32],
        signer: &[u8; 32],
    ) -> Option<Result<(), SignatureError>> {
        self.lock().get(&(*object, *signer)).cloned()
    }

    /// The memoised result for (object, signer), or the result of `verify`,
    /// which is then memoised.
    pub(crate) fn get_or_verify(
        &self,
        object: &[u8; 32],
        signer: &[u8; 32],
        verify: impl FnOnce() -> Result<(), SignatureError>,
    ) -> (Result<(), SignatureError>, bool) {
        let key = (*object, *signer);
        if let Some(r) = self.lock().get(&key) {
            return (r.clone(), true);
        }
        let result = verify();
        let mut map = self.lock();
        if map.len() >= MEMO_CAPACITY {
            map.clear();
        }
        map.insert(key, result.clone());
        (result, false)
    }

    /// Number of memoised results.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is memoised.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoMap> {
        // A panic while holding the lock cannot leave the map inconsistent
        // (each operation is one insert or clear), so a poisoned lock is usable.
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }
}

//! A memo of verified certificate signatures shared between validations
//! (STYLE.md: never verify the same signature twice), bounded so that a
//! stream of distinct certificates cannot grow it without limit.

use std::collections::HashMap;
use std::sync::Mutex;

/// (SHA-256 of the issuer, SHA-256 of the subject) to "the signature verifies".
type Verdicts = HashMap<([u8; 32], [u8; 32]), bool>;

/// Issuer-to-subject signature verdicts keyed by the SHA-256 of both
/// certificates. Share one (in an `Arc`) between validations through
/// [`super::ValidationOptions::signature_cache`]; it is `Send + Sync`.
///
/// ```
/// use std::sync::Arc;
/// use validate::path::{SignatureCache, ValidationOptions};
/// let mut options = ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap());
/// options.signature_cache = Some(Arc::new(SignatureCache::new(10_000)));
/// ```
#[derive(Debug)]
pub struct SignatureCache {
    capacity: usize,
    verdicts: Mutex<Verdicts>,
}

impl SignatureCache {
    /// A cache of at most `capacity` verdicts; when full it starts over
    /// (cheap, and a working set that fits stays warm).
    pub fn new(capacity: usize) -> Self {
        SignatureCache {
            capacity,
            verdicts: Mutex::new(HashMap::new()),
        }
    }

    /// The verdict for `subject` signed by `issuer`, if known.
    pub(crate) fn get(&self, issuer: &[u8; 32], subject: &[u8; 32]) -> Option<bool> {
        self.lock().get(&(*issuer, *subject)).copied()
    }

    /// Records a verdict.
    pub(crate) fn put(&self, issuer: &[u8; 32], subject: &[u8; 32], valid: bool) {
        let mut verdicts = self.lock();
        if verdicts.len() >= self.capacity {
            verdicts.clear();
        }
        verdicts.insert((*issuer, *subject), valid);
    }

    /// Number of verdicts held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Verdicts> {
        // A poisoned lock holds plain verdicts that are still right.
        self.verdicts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

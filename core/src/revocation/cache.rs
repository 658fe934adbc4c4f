//! A bounded cache of fetched CRLs and OCSP responses, parsed, that
//! honours nextUpdate: an entry is served only while the validation time is
//! before its nextUpdate (OCSP responses without one: for the options'
//! maximum age), and evicted oldest-first when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::crl::Crl;
use super::ocsp::OcspResponse;
use crate::time::Timestamp;

/// What a cache entry is keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CacheKey {
    /// A CRL by distribution point URL.
    Crl(String),
    /// An OCSP response by responder URL and CertID (DER).
    Ocsp(String, Vec<u8>),
}

#[derive(Debug, Clone)]
pub(crate) enum Cached {
    Crl(Arc<Crl>),
    Ocsp(Arc<OcspResponse>),
}

#[derive(Debug)]
struct Entry {
    value: Cached,
    /// Served while the validation time is at most this.
    expires: Timestamp,
    /// Insertion order, for eviction.
    serial: u64,
    /// Encoded size in bytes, for the byte budget.
    size: usize,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<CacheKey, Entry>,
    next_serial: u64,
    bytes: usize,
    hits: u64,
    misses: u64,
}

/// A bounded, thread-safe cache of fetched revocation data.
#[derive(Debug)]
pub struct RevocationCache {
    inner: Mutex<Inner>,
    capacity: usize,
    max_bytes: usize,
}

/// Default number of entries: 1,024 CRLs and responses cover the CAs a
/// validation service meets.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;

/// Default byte budget (encoded sizes; the parsed form takes a few times
/// more): 256 MiB holds the largest public CRLs several times over.
pub const DEFAULT_CACHE_BYTES: usize = 256 * 1024 * 1024;

impl Default for RevocationCache {
    fn default() -> Self {
        Self::new(DEFAULT_CACHE_CAPACITY, DEFAULT_CACHE_BYTES)
    }
}

impl RevocationCache {
    /// A cache holding at most `capacity` entries (0 disables caching) of
    /// at most `max_bytes` encoded bytes in all.
    pub fn new(capacity: usize, max_bytes: usize) -> Self {
        RevocationCache {
            inner: Mutex::new(Inner::default()),
            capacity,
            max_bytes,
        }
    }

    /// A cache holding at most `capacity` entries and the default byte budget.
    pub fn with_capacity(capacity: usize) -> Self {
        Self::new(capacity, DEFAULT_CACHE_BYTES)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every operation leaves the map consistent, so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entry for `key` if it is still current at `time`.
    pub(crate) fn get(&self, key: &CacheKey, time: Timestamp) -> Option<Cached> {
        let mut inner = self.lock();
        let found = match inner.entries.get(key) {
            Some(e) if time <= e.expires => Some(e.value.clone()),
            Some(_) => {
                if let Some(e) = inner.entries.remove(key) {
                    inner.bytes -= e.size;
                }
                None
            }
            None => None,
        };
        if found.is_some() {
            inner.hits += 1;
        } else {
            inner.misses += 1;
        }
        found
    }

    /// Stores `value`, `size` bytes encoded, until `expires`; evicts the
    /// oldest entries to stay within the bounds. Larger than the whole byte
    /// budget: not stored.
    pub(crate) fn put(&self, key: CacheKey, value: Cached, size: usize, expires: Timestamp) {
        if self.capacity == 0 || size > self.max_bytes {
            return;
        }
        let mut inner = self.lock();
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.size;
        }
        while inner.entries.len() >= self.capacity || inner.bytes + size > self.max_bytes {
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, e)| e.serial)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(e) = inner.entries.remove(&oldest) {
                inner.bytes -= e.size;
            }
        }
        let serial = inner.next_serial;
        inner.next_serial += 1;
        inner.bytes += size;
        inner.entries.insert(
            key,
            Entry {
                value,
                expires,
                serial,
                size,
            },
        );
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (u64, u64) {
        let inner = self.lock();
        (inner.hits, inner.misses)
    }

    /// Encoded bytes held.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Drops every entry.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_expiring() {
        let cache = RevocationCache::with_capacity(2);
        let response = Arc::new(OcspResponse::from_der(&[0x30, 0x03, 0x0A, 0x01, 0x03]).unwrap());
        let t = |s| Timestamp::from_unix_seconds(s);
        for i in 0..3 {
            cache.put(
                CacheKey::Ocsp(format!("u{i}"), vec![]),
                Cached::Ocsp(response.clone()),
                10,
                t(100),
            );
        }
        assert_eq!(cache.len(), 2);
        assert!(
            cache
                .get(&CacheKey::Ocsp("u0".into(), vec![]), t(0))
                .is_none()
        );
        assert!(
            cache
                .get(&CacheKey::Ocsp("u2".into(), vec![]), t(100))
                .is_some()
        );
        assert!(
            cache
                .get(&CacheKey::Ocsp("u2".into(), vec![]), t(101))
                .is_none()
        );
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.bytes(), 10);
        assert_eq!(cache.stats(), (1, 2));
    }

    #[test]
    fn byte_budget_evicts_oldest() {
        let cache = RevocationCache::new(100, 25);
        let response = Arc::new(OcspResponse::from_der(&[0x30, 0x03, 0x0A, 0x01, 0x03]).unwrap());
        let key = |i: u8| CacheKey::Ocsp("u".into(), vec![i]);
        let far = Timestamp::from_unix_seconds(i64::MAX / 2);
        for i in 0..3 {
            cache.put(key(i), Cached::Ocsp(response.clone()), 10, far);
        }
        assert_eq!((cache.len(), cache.bytes()), (2, 20));
        assert!(cache.get(&key(0), far).is_none());
        cache.put(key(9), Cached::Ocsp(response.clone()), 26, far);
        assert_eq!(cache.len(), 2, "larger than the budget: not stored");
        cache.clear();
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }
}

//! Decoded keys shared across verifications: a bounded map from a key's
//! encoding to its [`PreparedKey`], and a verifier that consults it.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher as _};
use std::sync::{Arc, RwLock};

use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use super::error::SignatureError;
use super::key::{PreparedKey, SignerKey};
use super::verifier::SignatureVerifier;

/// Decoded keys by their `SubjectPublicKeyInfo`, so a key that arrives in a
/// new certificate object each time (the signer certificate of every CMS
/// signature a service checks, say) is still decoded once. Bounded: when
/// full, the map is emptied and refilled by use. `Send + Sync`.
pub(crate) struct KeyCache {
    capacity: usize,
    hasher: std::collections::hash_map::RandomState,
    entries: RwLock<Entries>,
}

/// Keys by the hash of their identity; each with its full identity.
type Entries = HashMap<u64, Vec<(Box<[u8]>, Arc<PreparedKey>)>>;

impl core::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl KeyCache {
    /// A cache that holds up to `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            hasher: Default::default(),
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .map(|map| map.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    /// The decoded form of the key in `spki`, shared with every earlier and
    /// later caller asking for the same key (its algorithm, parameters and
    /// key bits, compared in full).
    pub fn get(&self, spki: &SubjectPublicKeyInfoRef<'_>) -> Arc<PreparedKey> {
        let identity = identity(spki);
        let mut hasher = self.hasher.build_hasher();
        hasher.write(&identity);
        let hash = hasher.finish();
        if let Ok(map) = self.entries.read()
            && let Some(found) = lookup(&map, hash, &identity)
        {
            return found;
        }
        let Ok(mut map) = self.entries.write() else {
            // A poisoned lock (a panic elsewhere): work without the cache.
            return Arc::default();
        };
        if let Some(found) = lookup(&map, hash, &identity) {
            return found;
        }
        if map.values().map(Vec::len).sum::<usize>() >= self.capacity {
            map.clear();
        }
        let prepared = Arc::new(PreparedKey::default());
        map.entry(hash)
            .or_default()
            .push((identity.into_boxed_slice(), Arc::clone(&prepared)));
        prepared
    }
}

fn lookup(map: &Entries, hash: u64, identity: &[u8]) -> Option<Arc<PreparedKey>> {
    map.get(&hash)?
        .iter()
        .find(|(key, _)| **key == *identity)
        .map(|(_, prepared)| Arc::clone(prepared))
}

/// What identifies a key: algorithm OID, parameters (tag and value) and
/// the key BIT STRING, each length-prefixed so no two keys collide.
fn identity(spki: &SubjectPublicKeyInfoRef<'_>) -> Vec<u8> {
    let oid = spki.algorithm.oid.as_bytes();
    let key = spki.subject_public_key.raw_bytes();
    let mut out = Vec::with_capacity(oid.len() + key.len() + 32);
    let mut part = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    part(oid);
    match &spki.algorithm.parameters {
        None => part(&[]),
        Some(params) => match der::Encode::to_der(params) {
            Ok(encoded) => part(&encoded),
            // Unencodable parameters: the value alone still tells keys apart.
            Err(_) => part(params.value()),
        },
    }
    part(&[spki.subject_public_key.unused_bits()]);
    part(key);
    out
}

/// A verifier that gives `inner` each signer's decoded key from its key
/// cache (when the signer key carries none yet), so keys are decoded
/// once per cache, not once per verification. A [`Validator`](crate::validator::Validator)
/// wraps its backend in one.
pub struct KeyCachingVerifier<V: ?Sized> {
    cache: KeyCache,
    inner: Arc<V>,
}

impl<V: SignatureVerifier + ?Sized> KeyCachingVerifier<V> {
    /// `inner` with a key cache of `capacity` keys.
    pub fn new(inner: Arc<V>, capacity: usize) -> Self {
        Self {
            cache: KeyCache::new(capacity),
            inner,
        }
    }

    /// The cache.
    #[cfg(test)]
    pub(crate) fn cache(&self) -> &KeyCache {
        &self.cache
    }
}

impl<V: SignatureVerifier + ?Sized> SignatureVerifier for KeyCachingVerifier<V> {
    fn verify_signature(
        &self,
        algorithm: &AlgorithmIdentifierRef<'_>,
        signer: &SignerKey<'_>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        if signer.is_prepared() || signer.needs_inherited_dsa_parameters() {
            return self
                .inner
                .verify_signature(algorithm, signer, message, signature);
        }
        let prepared = self.cache.get(signer.spki());
        let signer = signer.clone().with_prepared(prepared);
        self.inner
            .verify_signature(algorithm, &signer, message, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{Certificate, read_certificates_strict};
    use crate::crypto::{DefaultVerifier, RustCryptoVerifier, key_decodes};
    use der::referenced::OwnedToRef;

    fn read(name: &str) -> Vec<Certificate> {
        let path = format!("{}/../examples/chain/{name}", env!("CARGO_MANIFEST_DIR"));
        read_certificates_strict(&std::fs::read(path).unwrap()).unwrap()
    }

    fn check(verifier: &dyn SignatureVerifier, subject: &Certificate, key: &SignerKey<'_>) {
        verifier
            .verify_signature(
                &subject.signature_algorithm().owned_to_ref(),
                key,
                subject.tbs_der(),
                subject.signature(),
            )
            .unwrap();
    }

    /// The intermediate CA's key verifies the leaf 100 times: decoded once
    /// through the certificate's slot, once through a key cache even when
    /// the certificate is parsed anew each time, 100 times bare.
    #[test]
    fn keys_are_decoded_once() {
        let leaf = &read("leaf.pem")[0];
        let ca_pem = std::fs::read(format!(
            "{}/../examples/chain/intermediate.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let verifiers: [Arc<dyn SignatureVerifier>; 2] = [
            Arc::new(DefaultVerifier::default()),
            Arc::new(RustCryptoVerifier::new()),
        ];
        for verifier in verifiers {
            let ca = &read("intermediate.pem")[0];
            let before = key_decodes();
            for _ in 0..100 {
                check(verifier.as_ref(), leaf, &ca.public_key().signer_key());
            }
            assert_eq!(key_decodes() - before, 1, "certificate slot");

            let caching = KeyCachingVerifier::new(Arc::clone(&verifier), 16);
            let before = key_decodes();
            for _ in 0..100 {
                let fresh = Certificate::from_pem(&ca_pem).unwrap();
                check(&caching, leaf, &fresh.public_key().signer_key());
            }
            assert_eq!(key_decodes() - before, 1, "key cache");
            assert_eq!(caching.cache().len(), 1);

            let before = key_decodes();
            for _ in 0..100 {
                check(
                    verifier.as_ref(),
                    leaf,
                    &SignerKey::from(ca.public_key().spki()),
                );
            }
            assert_eq!(key_decodes() - before, 100, "bare key");
        }
    }

    #[test]
    fn cache_is_bounded_and_tells_keys_apart() {
        let cache = KeyCache::new(2);
        let certs: Vec<Certificate> = ["root.pem", "intermediate.pem", "leaf.pem"]
            .iter()
            .map(|f| read(f).remove(0))
            .collect();
        let spki = |i: usize| certs[i].public_key().spki().owned_to_ref();
        let a = cache.get(&spki(0));
        assert!(Arc::ptr_eq(&a, &cache.get(&spki(0))));
        assert!(!Arc::ptr_eq(&a, &cache.get(&spki(1))));
        assert_eq!(cache.len(), 2);
        let _ = cache.get(&spki(2));
        assert_eq!(cache.len(), 1, "emptied when full, then refilled");
        assert!(!Arc::ptr_eq(&a, &cache.get(&spki(0))));
    }
}

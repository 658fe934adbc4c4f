//! Digest algorithms by OID: one-shot and streaming.

use std::io::{self, Read};
use std::sync::mpsc;

use const_oid::ObjectIdentifier;
use sha1::Digest as _;

use super::error::{AlgorithmRole, SignatureError};
use super::oids;

/// A digest algorithm this library can compute.
///
/// SHA-1 is computed like the others; whether it is acceptable is a policy
/// decision made by callers, not here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1 (RFC 3174), OID 1.3.14.3.2.26.
    Sha1,
    /// SHA-224 (FIPS 180-4), OID 2.16.840.1.101.3.4.2.4.
    Sha224,
    /// SHA-256 (FIPS 180-4), OID 2.16.840.1.101.3.4.2.1.
    Sha256,
    /// SHA-384 (FIPS 180-4), OID 2.16.840.1.101.3.4.2.2.
    Sha384,
    /// SHA-512 (FIPS 180-4), OID 2.16.840.1.101.3.4.2.3.
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm named by `oid`.
    ///
    /// # Errors
    /// [`SignatureError::UnsupportedAlgorithm`] (role [`AlgorithmRole::Digest`])
    /// for any other OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, SignatureError> {
        Ok(match *oid {
            oids::SHA1 => Self::Sha1,
            oids::SHA224 => Self::Sha224,
            oids::SHA256 => Self::Sha256,
            oids::SHA384 => Self::Sha384,
            oids::SHA512 => Self::Sha512,
            _ => {
                return Err(SignatureError::UnsupportedAlgorithm {
                    role: AlgorithmRole::Digest,
                    oid: *oid,
                });
            }
        })
    }

    /// The OID of this digest algorithm.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oids::SHA1,
            Self::Sha224 => oids::SHA224,
            Self::Sha256 => oids::SHA256,
            Self::Sha384 => oids::SHA384,
            Self::Sha512 => oids::SHA512,
        }
    }

    /// The conventional name, e.g. `"SHA-256"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }

    /// A streaming hasher, for content that should not be loaded whole.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Self::Sha1 => HasherState::Sha1(sha1::Sha1::new()),
            Self::Sha224 => HasherState::Sha224(sha2::Sha224::new()),
            Self::Sha256 => HasherState::Sha256(sha2::Sha256::new()),
            Self::Sha384 => HasherState::Sha384(sha2::Sha384::new()),
            Self::Sha512 => HasherState::Sha512(sha2::Sha512::new()),
        })
    }
}

impl core::fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Digest of `data` with the algorithm named by `oid` (for CMS message digests).
///
/// # Errors
/// [`SignatureError::UnsupportedAlgorithm`] if `oid` names no supported digest.
pub fn digest_by_oid(oid: &ObjectIdentifier, data: &[u8]) -> Result<Vec<u8>, SignatureError> {
    Ok(DigestAlgorithm::from_oid(oid)?.digest(data))
}

/// Streaming digest computation; create one with [`DigestAlgorithm::hasher`].
#[derive(Clone, Debug)]
pub struct Hasher(HasherState);

#[derive(Clone, Debug)]
enum HasherState {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feed more data.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            HasherState::Sha1(h) => h.update(data),
            HasherState::Sha224(h) => h.update(data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha384(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Vec<u8> {
        match self.0 {
            HasherState::Sha1(h) => h.finalize().to_vec(),
            HasherState::Sha224(h) => h.finalize().to_vec(),
            HasherState::Sha256(h) => h.finalize().to_vec(),
            HasherState::Sha384(h) => h.finalize().to_vec(),
            HasherState::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// The chunk [`hash_reader`] reads at a time: large enough that a chunk
/// costs far more to hash than to hand to the other thread.
const STREAM_CHUNK: usize = 1 << 20;

/// Reads `reader` to its end and feeds every byte to each of `hashers`;
/// returns how many bytes were read.
///
/// Content that fits in one chunk (1 MiB) is hashed on this thread. Longer
/// content is read into one buffer while a second thread hashes the other
/// one, so reading and hashing overlap and the cost tends to the larger
/// of the two; two buffers are all that is ever held.
///
/// # Errors
/// The reader's error, if a read fails (`Interrupted` is retried).
pub(crate) fn hash_reader(reader: &mut dyn Read, hashers: &mut [Hasher]) -> io::Result<u64> {
    let mut first = vec![0u8; STREAM_CHUNK];
    let n = fill(reader, &mut first)?;
    if n < STREAM_CHUNK {
        for h in hashers.iter_mut() {
            h.update(&first[..n]);
        }
        return Ok(n as u64);
    }
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(1);
    // Room for both buffers: handing one back never blocks the hashing
    // thread, whether or not the reader still takes buffers.
    let (empty_tx, empty_rx) = mpsc::sync_channel::<Vec<u8>>(2);
    // Cannot fail: the channel has room for this buffer.
    let _ = empty_tx.send(vec![0u8; STREAM_CHUNK]);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for (buf, n) in full_rx {
                for h in hashers.iter_mut() {
                    h.update(&buf[..n]);
                }
                // Cannot block (room for both buffers); fails only once
                // the reader has stopped, which ends the stream too.
                if empty_tx.send(buf).is_err() {
                    break;
                }
            }
        });
        let mut total = n as u64;
        let mut chunk = (first, n);
        loop {
            let last = chunk.1 < STREAM_CHUNK;
            if full_tx.send(chunk).is_err() || last {
                break;
            }
            let Ok(mut buf) = empty_rx.recv() else { break };
            let n = fill(reader, &mut buf)?;
            total += n as u64;
            chunk = (buf, n);
        }
        // Dropping the sender ends the hashing thread's loop; the scope
        // waits for it before the hashers are read.
        drop(full_tx);
        Ok(total)
    })
}

/// Reads until `buf` is full or the reader ends; returns the bytes read.
fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // FIPS 180-4 example "abc".
        let hex = |v: Vec<u8>| v.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(DigestAlgorithm::Sha1.digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(digest_by_oid(&oids::SHA256, b"abc").unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut h = DigestAlgorithm::Sha384.hasher();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finalize(), DigestAlgorithm::Sha384.digest(b"abc"));
        for d in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha224,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            assert_eq!(d.digest(b"").len(), d.output_len());
            assert_eq!(DigestAlgorithm::from_oid(&d.oid()).unwrap(), d);
        }
        assert!(matches!(
            digest_by_oid(&oids::RSA_ENCRYPTION, b""),
            Err(SignatureError::UnsupportedAlgorithm {
                role: AlgorithmRole::Digest,
                ..
            })
        ));
    }

    /// A reader that hands out at most `step` bytes per read and fails
    /// with `fail` once `fail_at` bytes are out.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
        fail_at: Option<usize>,
        interrupted: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            if self.fail_at.is_some_and(|f| self.at >= f) {
                return Err(io::Error::other("disk gone"));
            }
            let n = buf.len().min(self.step).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn hash_reader_equals_one_shot_digests_at_every_chunk_boundary() {
        for len in [
            0,
            1,
            STREAM_CHUNK - 1,
            STREAM_CHUNK,
            STREAM_CHUNK + 1,
            3 * STREAM_CHUNK,
            3 * STREAM_CHUNK + 77,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            for step in [len.max(1), 4096, 100_003] {
                let mut reader = Trickle {
                    data: data.clone(),
                    at: 0,
                    step,
                    fail_at: None,
                    interrupted: false,
                };
                let mut hashers = [
                    DigestAlgorithm::Sha256.hasher(),
                    DigestAlgorithm::Sha1.hasher(),
                ];
                assert_eq!(hash_reader(&mut reader, &mut hashers).unwrap(), len as u64);
                let [a, b] = hashers;
                assert_eq!(
                    a.finalize(),
                    DigestAlgorithm::Sha256.digest(&data),
                    "{len}/{step}"
                );
                assert_eq!(
                    b.finalize(),
                    DigestAlgorithm::Sha1.digest(&data),
                    "{len}/{step}"
                );
            }
        }
    }

    #[test]
    fn hash_reader_returns_read_errors_in_the_first_and_later_chunks() {
        for fail_at in [10, STREAM_CHUNK + 5, 2 * STREAM_CHUNK] {
            let mut reader = Trickle {
                data: vec![7; 4 * STREAM_CHUNK],
                at: 0,
                step: 65536,
                fail_at: Some(fail_at),
                interrupted: false,
            };
            let mut hashers = [DigestAlgorithm::Sha256.hasher()];
            let e = hash_reader(&mut reader, &mut hashers).unwrap_err();
            assert_eq!(e.to_string(), "disk gone", "{fail_at}");
        }
    }
}

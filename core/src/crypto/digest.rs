//! Digest algorithms by OID: one-shot and streaming.

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
}

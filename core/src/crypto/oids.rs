//! Object identifiers used by signature verification, with the RFC that assigns each.

use const_oid::ObjectIdentifier as Oid;

// RFC 8017 Appendix C / RFC 4055 section 5: PKCS #1 signature algorithms.
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
pub(crate) const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
pub(crate) const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub(crate) const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub(crate) const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// OIW `sha1WithRSASignature`, still found in old certificates.
pub(crate) const SHA1_WITH_RSA_OIW: Oid = Oid::new_unwrap("1.3.14.3.2.29");
pub(crate) const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");

// RFC 5480 / RFC 5758: elliptic curve keys and ECDSA.
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub(crate) const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
pub(crate) const ECDSA_WITH_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
pub(crate) const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub(crate) const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
pub(crate) const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
pub(crate) const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");

// RFC 8410: Ed25519 (the same OID names the key and the signature algorithm).
pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");

// RFC 3279 section 2.3.2 and RFC 5758 section 3.1: DSA.
pub(crate) const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
pub(crate) const DSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10040.4.3");
pub(crate) const DSA_WITH_SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.1");
pub(crate) const DSA_WITH_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.2");

// RFC 3279 section 2.2.1 / RFC 4055 section 2.1 / RFC 5754: digest algorithms.
pub(crate) const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub(crate) const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
pub(crate) const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

//! XML-DSig algorithm URIs mapped to the crypto module's types (XML-DSig
//! 1.1 section 6, RFC 6931), and the signature value conversions the
//! verifier needs.

use der::Tag;
use der::asn1::{AnyRef, ObjectIdentifier};
use spki::AlgorithmIdentifierRef;

use crate::cms::tlv::{encode, tag};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};

/// A digest method URI (XML-DSig 1.1 6.2, RFC 6931 2.1).
pub(crate) fn digest_by_uri(uri: &str) -> Option<DigestAlgorithm> {
    Some(match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlgorithm::Sha1,
        "http://www.w3.org/2001/04/xmldsig-more#sha224" => DigestAlgorithm::Sha224,
        "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlgorithm::Sha256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlgorithm::Sha384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlgorithm::Sha512,
        _ => return None,
    })
}

/// How the SignatureValue octets are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueForm {
    /// The octets as the verifier takes them (RSA, Ed25519).
    Raw,
    /// r || s, each half the length (ECDSA: RFC 4050 / XML-DSig 1.1 6.4.3;
    /// DSA: XML-DSig 6.4.1), re-encoded as the DER `Dss-Sig-Value` /
    /// `Ecdsa-Sig-Value` the verifier takes.
    RConcatS,
}

/// A signature method: the algorithm, the identifier the verifier takes,
/// and the value layout.
pub(crate) struct SignatureMethod {
    pub algorithm: SignatureAlgorithm,
    oid: ObjectIdentifier,
    pss_params: Option<Vec<u8>>,
    pub form: ValueForm,
}

impl SignatureMethod {
    /// The AlgorithmIdentifier for the verifier.
    pub fn identifier(&self) -> Option<AlgorithmIdentifierRef<'_>> {
        let parameters = match &self.pss_params {
            Some(content) => Some(AnyRef::new(Tag::Sequence, content).ok()?),
            None => None,
        };
        Some(AlgorithmIdentifierRef {
            oid: self.oid,
            parameters,
        })
    }
}

/// A signature method URI (XML-DSig 1.1 6.4, RFC 6931 2.2-2.3, RFC 9231
/// 2.3 for Ed25519). RSA-PSS: the `sha*-rsa-MGF1` URIs of RFC 6931 2.3.10
/// (MGF1 with the same digest, salt as long as the digest, trailer 1).
/// HMAC methods are not supported: a shared secret proves no signer.
pub(crate) fn signature_by_uri(uri: &str) -> Option<SignatureMethod> {
    use DigestAlgorithm::*;
    let plain = |oid: &str, algorithm, form| {
        Some(SignatureMethod {
            algorithm,
            oid: ObjectIdentifier::new_unwrap(oid),
            pss_params: None,
            form,
        })
    };
    let rsa = |oid: &str, d| plain(oid, SignatureAlgorithm::RsaPkcs1v15(d), ValueForm::Raw);
    let ecdsa = |oid: &str, d| plain(oid, SignatureAlgorithm::Ecdsa(d), ValueForm::RConcatS);
    let pss = |d: DigestAlgorithm| {
        let salt = u32::try_from(d.output_len()).ok()?;
        Some(SignatureMethod {
            algorithm: SignatureAlgorithm::RsaPss(crate::crypto::PssParameters::new(d, salt)),
            oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10"),
            pss_params: Some(crate::cms::pss_params(d, u8::try_from(salt).ok()?)),
            form: ValueForm::Raw,
        })
    };
    match uri {
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => rsa("1.2.840.113549.1.1.5", Sha1),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224" => rsa("1.2.840.113549.1.1.14", Sha224),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => rsa("1.2.840.113549.1.1.11", Sha256),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => rsa("1.2.840.113549.1.1.12", Sha384),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => rsa("1.2.840.113549.1.1.13", Sha512),
        "http://www.w3.org/2007/05/xmldsig-more#sha224-rsa-MGF1" => pss(Sha224),
        "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1" => pss(Sha256),
        "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1" => pss(Sha384),
        "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1" => pss(Sha512),
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1" => ecdsa("1.2.840.10045.4.1", Sha1),
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224" => {
            ecdsa("1.2.840.10045.4.3.1", Sha224)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => {
            ecdsa("1.2.840.10045.4.3.2", Sha256)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => {
            ecdsa("1.2.840.10045.4.3.3", Sha384)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => {
            ecdsa("1.2.840.10045.4.3.4", Sha512)
        }
        "http://www.w3.org/2000/09/xmldsig#dsa-sha1" => plain(
            "1.2.840.10040.4.3",
            SignatureAlgorithm::Dsa(Sha1),
            ValueForm::RConcatS,
        ),
        "http://www.w3.org/2009/xmldsig11#dsa-sha256" => plain(
            "2.16.840.1.101.3.4.3.2",
            SignatureAlgorithm::Dsa(Sha256),
            ValueForm::RConcatS,
        ),
        "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519" => {
            plain("1.3.101.112", SignatureAlgorithm::Ed25519, ValueForm::Raw)
        }
        _ => None,
    }
}

/// r || s as a DER SEQUENCE of two INTEGERs; `None` when the value cannot
/// be split in two equal halves.
pub(crate) fn r_s_to_der(value: &[u8]) -> Option<Vec<u8>> {
    if value.is_empty() || !value.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = value.split_at(value.len() / 2);
    let integer = |half: &[u8]| {
        let first = half.iter().position(|&b| b != 0).unwrap_or(half.len() - 1);
        let digits = &half[first..];
        let mut content = Vec::with_capacity(digits.len() + 1);
        if digits[0] & 0x80 != 0 {
            content.push(0);
        }
        content.extend_from_slice(digits);
        encode(tag::INTEGER, &content)
    };
    Some(encode(tag::SEQUENCE, &[integer(r), integer(s)].concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_s_halves_become_der_integers() {
        assert_eq!(
            r_s_to_der(&[0x00, 0x81, 0x00, 0x00]).unwrap(),
            vec![0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x00]
        );
        assert!(r_s_to_der(&[1, 2, 3]).is_none());
        assert!(r_s_to_der(&[]).is_none());
    }

    #[test]
    fn uris() {
        assert_eq!(
            digest_by_uri("http://www.w3.org/2001/04/xmlenc#sha256"),
            Some(DigestAlgorithm::Sha256)
        );
        assert!(digest_by_uri("http://www.w3.org/2001/04/xmldsig-more#md5").is_none());
        let m = signature_by_uri("http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1").unwrap();
        assert_eq!(
            SignatureAlgorithm::from_identifier(&m.identifier().unwrap()).unwrap(),
            m.algorithm
        );
        assert!(signature_by_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1").is_none());
    }
}

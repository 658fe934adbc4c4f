//! The signed attributes package signatures give meaning to (package
//! signing specification, "signed attributes"):
//!
//! ```text
//! commitment-type-indication (1.2.840.113549.1.9.16.2.16, RFC 5126 5.11.1):
//!   CommitmentTypeIndication ::= SEQUENCE { commitmentTypeId OBJECT IDENTIFIER,
//!                                           commitmentTypeQualifier SEQUENCE OF ... OPTIONAL }
//!   proof of origin 1.2.840.113549.1.9.16.6.1: an author signature;
//!   proof of receipt 1.2.840.113549.1.9.16.6.2: a repository signature.
//! nuget-v3-service-index-url (1.3.6.1.4.1.311.84.2.1.1.1): IA5String, absolute https URL.
//! nuget-package-owners (1.3.6.1.4.1.311.84.2.1.1.2):
//!   SEQUENCE SIZE (1..MAX) OF UTF8String (SIZE (1..MAX))
//! ```

use der::asn1::ObjectIdentifier as Oid;

use super::findings::{NuGetCode, NuGetFinding};
use crate::cms::raw::RawSigner;
use crate::cms::tlv::{single, tag};

pub(crate) const COMMITMENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.16");
const PROOF_OF_ORIGIN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.6.1");
const PROOF_OF_RECEIPT: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.6.2");
const V3_SERVICE_INDEX_URL: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.84.2.1.1.1");
const PACKAGE_OWNERS: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.84.2.1.1.2");
const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// What a signature is, by its commitment type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum NuGetSignatureType {
    /// Proof of origin: signed by the package author.
    Author,
    /// Proof of receipt: signed by a repository.
    Repository,
    /// No commitment type: NuGet's unknown signature type.
    Unknown,
}

/// The package-signing attributes of one signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageAttributes {
    pub signature_type: NuGetSignatureType,
    pub v3_service_index_url: Option<String>,
    pub package_owners: Vec<String>,
}

/// Reads the attributes of `signer` (`who` names it in details), with a
/// finding for every rule broken; `code` is the finding code of broken
/// rules (the repository countersignature's own, NU3031, or NU3000).
pub(crate) fn read(
    signer: &RawSigner,
    who: &str,
    code: NuGetCode,
    findings: &mut Vec<NuGetFinding>,
) -> PackageAttributes {
    let mut fail = |what: String| findings.push(NuGetFinding::new(code, format!("{who}: {what}")));
    for (oid, name) in [
        (SIGNING_TIME, "signing-time"),
        (SIGNING_CERTIFICATE_V2, "signing-certificate-v2"),
    ] {
        match signer.signed_values(oid) {
            (v, 1) if v.len() == 1 => {}
            (_, 0) => fail(format!(
                "no {name} signed attribute ({oid}); package signatures require one"
            )),
            _ => fail(format!(
                "the {name} attribute must appear once with one value"
            )),
        }
    }
    let (values, count) = signer.signed_values(COMMITMENT_TYPE);
    let signature_type = if count == 0 {
        NuGetSignatureType::Unknown
    } else {
        let mut origin = false;
        let mut receipt = false;
        for v in &values {
            match commitment_type(v) {
                Some(t) if t == PROOF_OF_ORIGIN => origin = true,
                Some(t) if t == PROOF_OF_RECEIPT => receipt = true,
                Some(t) => fail(format!("unknown commitment type {t}")),
                None => {
                    fail("a commitment-type-indication value is malformed (RFC 5126 5.11.1)".into())
                }
            }
        }
        if count > 1 {
            fail("the commitment-type-indication attribute appears more than once".into());
        }
        match (origin, receipt) {
            (true, true) => {
                fail("the commitment types claim both proof of origin and proof of receipt".into());
                NuGetSignatureType::Unknown
            }
            (true, false) => NuGetSignatureType::Author,
            (false, true) => NuGetSignatureType::Repository,
            (false, false) => {
                fail("no usable commitment type".into());
                NuGetSignatureType::Unknown
            }
        }
    };
    let (urls, url_count) = signer.signed_values(V3_SERVICE_INDEX_URL);
    let v3_service_index_url = match (url_count, urls.as_slice()) {
        (0, _) => None,
        (1, [one]) => match ia5(one) {
            Some(u) if is_absolute_https(&u) => Some(u),
            Some(u) => {
                fail(format!(
                    "nuget-v3-service-index-url '{}' is not an absolute https URL",
                    u.escape_debug()
                ));
                None
            }
            None => {
                fail("nuget-v3-service-index-url is not an IA5String".into());
                None
            }
        },
        _ => {
            fail("nuget-v3-service-index-url must appear once with one value".into());
            None
        }
    };
    if signature_type == NuGetSignatureType::Repository && url_count == 0 {
        fail("a repository signature needs a nuget-v3-service-index-url attribute".into());
    }
    let (owners_values, owners_count) = signer.signed_values(PACKAGE_OWNERS);
    let package_owners = match (owners_count, owners_values.as_slice()) {
        (0, _) => Vec::new(),
        (1, [one]) => owners(one).unwrap_or_else(|| {
            fail("nuget-package-owners is not a non-empty SEQUENCE OF non-empty UTF8String".into());
            Vec::new()
        }),
        _ => {
            fail("nuget-package-owners must appear once with one value".into());
            Vec::new()
        }
    };
    PackageAttributes {
        signature_type,
        v3_service_index_url,
        package_owners,
    }
}

fn commitment_type(der: &[u8]) -> Option<Oid> {
    let seq = single(der, "CommitmentTypeIndication")
        .ok()?
        .expect(tag::SEQUENCE, "")
        .ok()?;
    let mut r = seq.reader();
    let oid = r.expect(tag::OID, "commitmentTypeId").ok()?.oid("").ok()?;
    r.optional(tag::SEQUENCE, "commitmentTypeQualifier").ok()?;
    r.finish("CommitmentTypeIndication").ok()?;
    Some(oid)
}

/// IA5String (tag 22): ASCII.
fn ia5(der: &[u8]) -> Option<String> {
    let t = single(der, "IA5String").ok()?.expect(0x16, "").ok()?;
    t.value
        .is_ascii()
        .then(|| String::from_utf8_lossy(t.value).into_owned())
}

fn is_absolute_https(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn owners(der: &[u8]) -> Option<Vec<String>> {
    let seq = single(der, "NuGetPackageOwners")
        .ok()?
        .expect(tag::SEQUENCE, "")
        .ok()?;
    let all = seq.reader().all("NuGetPackageOwners").ok()?;
    if all.is_empty() {
        return None;
    }
    all.iter()
        .map(|t| {
            (t.tag == 0x0c && !t.value.is_empty())
                .then(|| std::str::from_utf8(t.value).ok().map(str::to_string))
                .flatten()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_absolute_https("https://api.nuget.org/v3/index.json"));
        assert!(!is_absolute_https("http://api.nuget.org/v3/index.json"));
        assert!(!is_absolute_https("https:///x"));
        assert!(!is_absolute_https("https://a b"));
    }

    #[test]
    fn owners_shape() {
        // SEQUENCE { UTF8String "Microsoft", UTF8String "nuget" }
        let der = [
            0x30, 0x12, 0x0c, 0x09, b'M', b'i', b'c', b'r', b'o', b's', b'o', b'f', b't', 0x0c,
            0x05, b'n', b'u', b'g', b'e', b't',
        ];
        assert_eq!(owners(&der).unwrap(), ["Microsoft", "nuget"]);
        assert!(owners(&[0x30, 0x00]).is_none());
        assert!(owners(&[0x30, 0x02, 0x0c, 0x00]).is_none());
    }
}

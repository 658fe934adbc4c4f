//! Signed attributes (RFC 5652 11): content-type, message-digest,
//! signing-time, and the ESS signing-certificate attributes that bind the
//! signer's certificate (RFC 2634 5.4, RFC 5035 5.4).

use der::asn1::ObjectIdentifier;

use super::asn1::Attribute;
use super::findings::{CmsCode, CmsFinding};
use super::tlv::{Tlv, TlvError, TlvResult, tag};
use crate::cert::{Certificate, parse_asn1_time};
use crate::crypto::DigestAlgorithm;
use crate::time::Timestamp;

/// Attribute OIDs.
pub(crate) mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    /// id-contentType (RFC 5652 11.1).
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// id-messageDigest (RFC 5652 11.2).
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// id-signingTime (RFC 5652 11.3).
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    /// id-countersignature (RFC 5652 11.4).
    pub const COUNTERSIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");
    /// id-aa-signingCertificate (RFC 2634 5.4).
    pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
    /// id-aa-signingCertificateV2 (RFC 5035 3).
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    /// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
    pub const TIMESTAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
    /// Microsoft's szOID_RFC3161_counterSign: the same token, as Authenticode carries it.
    pub const MS_TIMESTAMP_TOKEN: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.3.3.1");
}

/// Whether the ESS signing-certificate attributes bind the signer certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EssBinding {
    /// No signing-certificate or signing-certificate-v2 attribute.
    Absent,
    /// The first ESSCertID(v2) matches the signer certificate (hash, and
    /// issuer/serial when present).
    Matches {
        /// 1 for signing-certificate (SHA-1), 2 for signing-certificate-v2.
        version: u8,
        /// The hash of the certificate.
        hash: DigestAlgorithm,
    },
    /// The attribute names another certificate.
    Mismatch {
        /// 1 or 2, as above.
        version: u8,
        /// What differs.
        detail: String,
    },
    /// The attribute could not be read.
    Malformed {
        /// Why.
        detail: String,
    },
    /// The signer certificate is unknown, so nothing could be compared.
    NotChecked,
}

/// The signed attributes CMS verification reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAttributesInfo {
    /// content-type (RFC 5652 11.1).
    pub content_type: Option<ObjectIdentifier>,
    /// message-digest (RFC 5652 11.2).
    pub message_digest: Option<Vec<u8>>,
    /// signing-time (RFC 5652 11.3): the signer's claim, not a proof.
    pub signing_time: Option<Timestamp>,
    /// Every attribute type present, in encoding order.
    pub attribute_types: Vec<ObjectIdentifier>,
}

/// Signed attributes as read, with the ESS values kept for checking.
pub(crate) struct Signed<'a> {
    pub info: SignedAttributesInfo,
    pub ess: Option<(u8, Tlv<'a>)>,
}

/// The single value of an attribute; a finding when there are several or
/// the type repeats.
fn single_value<'a>(
    attrs: &[Attribute<'a>],
    oid: ObjectIdentifier,
    name: &str,
    findings: &mut Vec<CmsFinding>,
) -> Option<Tlv<'a>> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let first = found.next()?;
    if found.next().is_some() {
        findings.push(CmsFinding::new(
            CmsCode::AttributeMalformed,
            format!("{name} ({oid}) appears more than once (RFC 5652 5.3)"),
        ));
        return None;
    }
    if first.values.len() != 1 {
        findings.push(CmsFinding::new(
            CmsCode::AttributeMalformed,
            format!(
                "{name} ({oid}) has {} values, RFC 5652 11 requires exactly one",
                first.values.len()
            ),
        ));
        return None;
    }
    Some(first.values[0])
}

/// Reads content-type, message-digest, signing-time and ESS from the signed attributes.
pub(crate) fn read_signed<'a>(
    attrs: &[Attribute<'a>],
    findings: &mut Vec<CmsFinding>,
) -> Signed<'a> {
    let content_type =
        single_value(attrs, oids::CONTENT_TYPE, "content-type", findings).and_then(|v| {
            match v.oid("content-type") {
                Ok(oid) => Some(oid),
                Err(e) => {
                    findings.push(CmsFinding::new(CmsCode::AttributeMalformed, e.to_string()));
                    None
                }
            }
        });
    let message_digest = single_value(attrs, oids::MESSAGE_DIGEST, "message-digest", findings)
        .and_then(|v| {
            if v.tag == tag::OCTET_STRING {
                Some(v.value.to_vec())
            } else {
                findings.push(CmsFinding::new(
                    CmsCode::AttributeMalformed,
                    "message-digest is not an OCTET STRING (RFC 5652 11.2)",
                ));
                None
            }
        });
    let signing_time =
        single_value(attrs, oids::SIGNING_TIME, "signing-time", findings).and_then(|v| {
            let t = match v.tag {
                tag::UTC_TIME => parse_asn1_time(v.value, 2),
                tag::GENERALIZED_TIME => parse_asn1_time(v.value, 4),
                _ => None,
            };
            if t.is_none() {
                findings.push(CmsFinding::new(
                    CmsCode::AttributeMalformed,
                    format!(
                        "signing-time '{}' is not a UTCTime or GeneralizedTime (RFC 5652 11.3)",
                        String::from_utf8_lossy(v.value)
                    ),
                ));
            }
            t
        });
    // RFC 5035 5.4: signing-certificate-v2 is preferred when both are present.
    let ess = single_value(
        attrs,
        oids::SIGNING_CERTIFICATE_V2,
        "signing-certificate-v2",
        findings,
    )
    .map(|v| (2, v))
    .or_else(|| {
        single_value(
            attrs,
            oids::SIGNING_CERTIFICATE,
            "signing-certificate",
            findings,
        )
        .map(|v| (1, v))
    });
    Signed {
        info: SignedAttributesInfo {
            content_type,
            message_digest,
            signing_time,
            attribute_types: attrs.iter().map(|a| a.oid).collect(),
        },
        ess,
    }
}

/// Checks the first ESSCertID(v2) of a signing-certificate(-v2) value against `cert`.
///
/// ```text
/// SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies ... OPTIONAL }
/// ESSCertID ::= SEQUENCE { certHash Hash (SHA-1), issuerSerial IssuerSerial OPTIONAL }
/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }
/// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {id-sha256},
///                            certHash Hash, issuerSerial IssuerSerial OPTIONAL }
/// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
/// ```
pub(crate) fn check_ess(version: u8, value: Tlv<'_>, cert: &Certificate) -> EssBinding {
    match ess_first_cert_id(version, value) {
        Err(e) => EssBinding::Malformed {
            detail: e.to_string(),
        },
        Ok((hash, cert_hash, issuer_serial)) => {
            let actual = hash.digest(cert.der());
            if actual != cert_hash {
                return EssBinding::Mismatch {
                    version,
                    detail: format!(
                        "certHash {} is not the {hash} of the signer certificate ({})",
                        hex(cert_hash),
                        hex(&actual)
                    ),
                };
            }
            if let Some((names, serial)) = issuer_serial {
                if serial != cert.serial().as_bytes() {
                    return EssBinding::Mismatch {
                        version,
                        detail: format!(
                            "issuerSerial.serialNumber {} is not the signer's serial {}",
                            hex(serial),
                            cert.serial().to_hex()
                        ),
                    };
                }
                // GeneralNames: the directoryName [4] must be the issuer.
                let matches = names
                    .iter()
                    .filter(|n| n.tag == 0xa4)
                    .any(|n| n.value == cert.issuer().der());
                if !matches {
                    return EssBinding::Mismatch {
                        version,
                        detail: format!(
                            "issuerSerial.issuer does not name the signer's issuer {}",
                            cert.issuer()
                        ),
                    };
                }
            }
            EssBinding::Matches { version, hash }
        }
    }
}

type CertId<'a> = (DigestAlgorithm, &'a [u8], Option<(Vec<Tlv<'a>>, &'a [u8])>);

fn ess_first_cert_id(version: u8, value: Tlv<'_>) -> TlvResult<CertId<'_>> {
    let sc = value.expect(tag::SEQUENCE, "SigningCertificate")?;
    let mut r = sc.reader();
    let certs = r.expect(tag::SEQUENCE, "SigningCertificate.certs")?;
    let mut cr = certs.reader();
    let first = cr
        .expect(tag::SEQUENCE, "ESSCertID")
        .map_err(|_| TlvError::rule("SigningCertificate.certs is empty or malformed"))?;
    let mut ir = first.reader();
    let hash = if version == 2 && ir.peek_tag() == Some(tag::SEQUENCE) {
        let ai = ir.next("ESSCertIDv2.hashAlgorithm")?;
        let mut ar = ai.reader();
        let oid = ar
            .expect(tag::OID, "ESSCertIDv2.hashAlgorithm")?
            .oid("hashAlgorithm")?;
        DigestAlgorithm::from_oid(&oid)
            .map_err(|_| TlvError::rule(format!("unsupported ESSCertIDv2 hash algorithm {oid}")))?
    } else if version == 2 {
        DigestAlgorithm::Sha256
    } else {
        DigestAlgorithm::Sha1
    };
    let cert_hash = ir.expect(tag::OCTET_STRING, "ESSCertID.certHash")?.value;
    let issuer_serial = match ir.optional(tag::SEQUENCE, "ESSCertID.issuerSerial")? {
        Some(is) => {
            let mut isr = is.reader();
            let names = isr
                .expect(tag::SEQUENCE, "IssuerSerial.issuer")?
                .reader()
                .all("GeneralNames")?;
            let serial = isr.expect(tag::INTEGER, "IssuerSerial.serialNumber")?.value;
            Some((names, serial))
        }
        None => None,
    };
    ir.finish("ESSCertID")?;
    Ok((hash, cert_hash, issuer_serial))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::tlv::{encode, single};

    const LEAF: &[u8] = include_bytes!("../../../examples/chain/leaf.pem");

    /// SigningCertificateV2 { certs { ESSCertIDv2 { [hashAlgorithm], certHash, [issuerSerial] } } }
    fn v2(
        hash_ai: Option<&str>,
        cert_hash: &[u8],
        issuer_serial: Option<(&[u8], &[u8])>,
    ) -> Vec<u8> {
        let mut id = Vec::new();
        if let Some(oid) = hash_ai {
            let oid = ObjectIdentifier::new_unwrap(oid);
            id.extend(encode(tag::SEQUENCE, &encode(tag::OID, oid.as_bytes())));
        }
        id.extend(encode(tag::OCTET_STRING, cert_hash));
        if let Some((issuer, serial)) = issuer_serial {
            let names = encode(tag::SEQUENCE, &encode(0xa4, issuer));
            id.extend(encode(
                tag::SEQUENCE,
                &[names, encode(tag::INTEGER, serial)].concat(),
            ));
        }
        encode(
            tag::SEQUENCE,
            &encode(tag::SEQUENCE, &encode(tag::SEQUENCE, &id)),
        )
    }

    #[test]
    fn ess_binding_checks_hash_issuer_and_serial() {
        let cert = Certificate::from_pem(LEAF).unwrap();
        let sha256 = DigestAlgorithm::Sha256.digest(cert.der());
        let sha384 = DigestAlgorithm::Sha384.digest(cert.der());
        let issuer = cert.issuer().der().to_vec();
        let serial = cert.serial().as_bytes().to_vec();
        let check = |der: Vec<u8>, version| check_ess(version, single(&der, "t").unwrap(), &cert);
        // Default SHA-256, explicit SHA-384, with and without issuerSerial.
        assert!(matches!(
            check(v2(None, &sha256, None), 2),
            EssBinding::Matches {
                version: 2,
                hash: DigestAlgorithm::Sha256
            }
        ));
        assert!(matches!(
            check(
                v2(
                    Some("2.16.840.1.101.3.4.2.2"),
                    &sha384,
                    Some((&issuer, &serial))
                ),
                2
            ),
            EssBinding::Matches {
                hash: DigestAlgorithm::Sha384,
                ..
            }
        ));
        // Wrong hash, wrong serial, wrong issuer.
        assert!(matches!(
            check(v2(None, &sha384, None), 2),
            EssBinding::Mismatch { .. }
        ));
        assert!(matches!(
            check(v2(None, &sha256, Some((&issuer, &[0x01]))), 2),
            EssBinding::Mismatch { .. }
        ));
        let other = cert.subject().der().to_vec();
        assert!(matches!(
            check(v2(None, &sha256, Some((&other, &serial))), 2),
            EssBinding::Mismatch { .. }
        ));
        // Version 1: SHA-1, no algorithm field.
        let sha1 = DigestAlgorithm::Sha1.digest(cert.der());
        assert!(matches!(
            check(v2(None, &sha1, None), 1),
            EssBinding::Matches {
                version: 1,
                hash: DigestAlgorithm::Sha1
            }
        ));
        // Unsupported hash (MD5) and garbage.
        assert!(matches!(
            check(v2(Some("1.2.840.113549.2.5"), &sha256, None), 2),
            EssBinding::Malformed { .. }
        ));
        assert!(matches!(
            check(encode(tag::SEQUENCE, &[]), 2),
            EssBinding::Malformed { .. }
        ));
        assert!(matches!(
            check(encode(tag::NULL, &[]), 2),
            EssBinding::Malformed { .. }
        ));
    }

    fn attr(oid: &str, values: &[Vec<u8>]) -> Vec<u8> {
        let oid = ObjectIdentifier::new_unwrap(oid);
        encode(
            tag::SEQUENCE,
            &[
                encode(tag::OID, oid.as_bytes()),
                encode(tag::SET, &values.concat()),
            ]
            .concat(),
        )
    }

    #[test]
    fn signed_attributes_are_read_once_with_one_value() {
        let ct = encode(
            tag::OID,
            ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1").as_bytes(),
        );
        let md = encode(tag::OCTET_STRING, &[1, 2, 3]);
        let st = encode(tag::UTC_TIME, b"300101000000Z");
        let set = encode(
            tag::CTX0,
            &[
                attr("1.2.840.113549.1.9.3", std::slice::from_ref(&ct)),
                attr("1.2.840.113549.1.9.4", &[md.clone(), md.clone()]),
                attr("1.2.840.113549.1.9.5", &[st]),
                attr(
                    "1.2.840.113549.1.9.5",
                    &[encode(tag::GENERALIZED_TIME, b"20300101000000Z")],
                ),
            ]
            .concat(),
        );
        let tlv = single(&set, "attrs").unwrap();
        let attrs = super::super::asn1::attributes(&tlv, 10).unwrap();
        let mut findings = Vec::new();
        let signed = read_signed(&attrs, &mut findings);
        assert_eq!(
            signed.info.content_type.unwrap().to_string(),
            "1.2.840.113549.1.7.1"
        );
        assert_eq!(signed.info.message_digest, None, "two values");
        assert_eq!(signed.info.signing_time, None, "attribute twice");
        assert_eq!(findings.len(), 2);
        assert!(
            findings
                .iter()
                .all(|f| f.code == CmsCode::AttributeMalformed)
        );
        assert_eq!(signed.info.attribute_types.len(), 4);
        // The attribute count limit.
        assert!(super::super::asn1::attributes(&tlv, 3).is_err());
        // A GeneralizedTime signing time alone is read.
        let set = encode(
            tag::CTX0,
            &attr(
                "1.2.840.113549.1.9.5",
                &[encode(tag::GENERALIZED_TIME, b"20300101000000Z")],
            ),
        );
        let tlv = single(&set, "attrs").unwrap();
        let attrs = super::super::asn1::attributes(&tlv, 10).unwrap();
        let signed = read_signed(&attrs, &mut findings);
        assert_eq!(
            signed.info.signing_time.unwrap().to_string(),
            "2030-01-01T00:00:00Z"
        );
    }
}

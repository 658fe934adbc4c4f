//! The CMS structures of RFC 5652 read from DER-shaped bytes, borrowing.
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY }
//! SignedData ::= SEQUENCE {
//!   version CMSVersion, digestAlgorithms DigestAlgorithmIdentifiers,
//!   encapContentInfo EncapsulatedContentInfo,
//!   certificates [0] IMPLICIT CertificateSet OPTIONAL,
//!   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!   signerInfos SignerInfos }
//! EncapsulatedContentInfo ::= SEQUENCE {
//!   eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
//! SignerInfo ::= SEQUENCE {
//!   version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
//!   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//!   signatureAlgorithm SignatureAlgorithmIdentifier, signature SignatureValue,
//!   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//! SignerIdentifier ::= CHOICE {
//!   issuerAndSerialNumber IssuerAndSerialNumber,
//!   subjectKeyIdentifier [0] SubjectKeyIdentifier }
//! Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
//! ```
//!
//! Why not the `cms` crate's types: they decode strictly (SET OF must be
//! sorted, the certificate set may only hold X.509 and "other"
//! certificates, serials must be RFC 5280 conforming) and re-encode, while
//! real messages carry attribute certificates (Microsoft timestamp tokens),
//! unsorted attribute sets (signatures are over the signer's bytes, not a
//! re-encoding) and odd serials. Reading the structure here keeps every
//! deviation a finding instead of a failed message.

use der::asn1::ObjectIdentifier;

use super::tlv::{Reader, Tlv, TlvError, TlvResult, single, tag};

/// id-signedData (RFC 5652 5.1).
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-ct-TSTInfo (RFC 3161 2.4.2).
pub(crate) const ID_CT_TSTINFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// A decoded SignedData.
#[derive(Debug)]
pub(crate) struct SignedData<'a> {
    pub digest_algorithms: Vec<Tlv<'a>>,
    pub econtent_type: ObjectIdentifier,
    /// The encapsulated content octets when attached.
    pub econtent: Option<&'a [u8]>,
    /// The raw CertificateChoices entries.
    pub certificates: Vec<Tlv<'a>>,
    /// The raw RevocationInfoChoices entries.
    pub crls: Vec<Tlv<'a>>,
    pub signer_infos: Vec<Tlv<'a>>,
}

/// A decoded SignerInfo.
#[derive(Debug, Clone)]
pub(crate) struct SignerInfo<'a> {
    pub sid: SignerId<'a>,
    pub digest_algorithm: Tlv<'a>,
    /// The `[0]` element, tag included (re-tagged as SET for verification).
    pub signed_attrs: Option<Tlv<'a>>,
    pub signature_algorithm: Tlv<'a>,
    pub signature: &'a [u8],
    pub unsigned_attrs: Option<Tlv<'a>>,
}

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SignerId<'a> {
    IssuerSerial {
        /// The issuer Name, DER.
        issuer: &'a [u8],
        /// The serial INTEGER contents.
        serial: &'a [u8],
    },
    KeyId(&'a [u8]),
}

/// One attribute: its type and values.
#[derive(Debug, Clone)]
pub(crate) struct Attribute<'a> {
    pub oid: ObjectIdentifier,
    pub values: Vec<Tlv<'a>>,
}

/// Reads a ContentInfo holding SignedData; the error says why not.
pub(crate) fn content_info(der: &[u8]) -> TlvResult<SignedData<'_>> {
    let ci = single(der, "ContentInfo")?.expect(tag::SEQUENCE, "ContentInfo")?;
    let mut r = ci.reader();
    let content_type = r.expect(tag::OID, "ContentInfo.contentType")?;
    let content_type = content_type.oid("ContentInfo.contentType")?;
    if content_type != ID_SIGNED_DATA {
        return Err(TlvError::rule(format!(
            "content type {content_type} is not signedData (1.2.840.113549.1.7.2)"
        )));
    }
    let explicit = r.expect(tag::CTX0, "ContentInfo.content")?;
    r.finish("ContentInfo")?;
    let sd = single(explicit.value, "SignedData")?.expect(tag::SEQUENCE, "SignedData")?;
    signed_data(sd)
}

fn signed_data(sd: Tlv<'_>) -> TlvResult<SignedData<'_>> {
    let mut r = sd.reader();
    r.expect(tag::INTEGER, "SignedData.version")?
        .small_uint("SignedData.version")?;
    let digest_algorithms = r
        .expect(tag::SET, "SignedData.digestAlgorithms")?
        .reader()
        .all("SignedData.digestAlgorithms")?;
    // Each an AlgorithmIdentifier with a well-formed OID: a broken entry is a
    // broken SignedData, never an algorithm that is merely "not listed".
    for ai in &digest_algorithms {
        ai.expect(tag::SEQUENCE, "SignedData.digestAlgorithms")?
            .reader()
            .expect(tag::OID, "SignedData.digestAlgorithms")?
            .oid("SignedData.digestAlgorithms")?;
    }
    let eci = r.expect(tag::SEQUENCE, "EncapsulatedContentInfo")?;
    let mut er = eci.reader();
    let econtent_type = er.expect(tag::OID, "eContentType")?.oid("eContentType")?;
    let econtent = match er.optional(tag::CTX0, "eContent")? {
        Some(explicit) => {
            let inner = single(explicit.value, "eContent")?;
            // RFC 5652: an OCTET STRING. PKCS #7 v1.5 (Authenticode) puts the
            // content type's own encoding here; its contents octets are what
            // is digested (RFC 2315 9.3).
            Some(inner.value)
        }
        None => None,
    };
    er.finish("EncapsulatedContentInfo")?;
    let certificates = match r.optional(tag::CTX0, "SignedData.certificates")? {
        Some(set) => set.reader().all("SignedData.certificates")?,
        None => Vec::new(),
    };
    let crls = match r.optional(tag::CTX1, "SignedData.crls")? {
        Some(set) => set.reader().all("SignedData.crls")?,
        None => Vec::new(),
    };
    let signer_infos = r
        .expect(tag::SET, "SignedData.signerInfos")?
        .reader()
        .all("SignedData.signerInfos")?;
    r.finish("SignedData")?;
    Ok(SignedData {
        digest_algorithms,
        econtent_type,
        econtent,
        certificates,
        crls,
        signer_infos,
    })
}

/// Reads one SignerInfo.
pub(crate) fn signer_info(tlv: Tlv<'_>) -> TlvResult<SignerInfo<'_>> {
    let si = tlv.expect(tag::SEQUENCE, "SignerInfo")?;
    let mut r = si.reader();
    r.expect(tag::INTEGER, "SignerInfo.version")?
        .small_uint("SignerInfo.version")?;
    let sid = r.next("SignerInfo.sid")?;
    let sid = match sid.tag {
        tag::SEQUENCE => {
            let mut ir = sid.reader();
            let issuer = ir.expect(tag::SEQUENCE, "issuerAndSerialNumber.issuer")?;
            let serial = ir.expect(tag::INTEGER, "issuerAndSerialNumber.serialNumber")?;
            ir.finish("issuerAndSerialNumber")?;
            SignerId::IssuerSerial {
                issuer: issuer.raw,
                serial: serial.value,
            }
        }
        tag::CTX0_PRIMITIVE => SignerId::KeyId(sid.value),
        other => {
            return Err(TlvError::rule(format!(
                "SignerInfo.sid: unexpected tag 0x{other:02x}"
            )));
        }
    };
    let digest_algorithm = r.expect(tag::SEQUENCE, "SignerInfo.digestAlgorithm")?;
    let signed_attrs = r.optional(tag::CTX0, "SignerInfo.signedAttrs")?;
    let signature_algorithm = r.expect(tag::SEQUENCE, "SignerInfo.signatureAlgorithm")?;
    let signature = r.expect(tag::OCTET_STRING, "SignerInfo.signature")?.value;
    let unsigned_attrs = r.optional(tag::CTX1, "SignerInfo.unsignedAttrs")?;
    r.finish("SignerInfo")?;
    Ok(SignerInfo {
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
        unsigned_attrs,
    })
}

/// Reads the attributes of a `[0]`/`[1]` IMPLICIT SET OF Attribute.
pub(crate) fn attributes<'a>(set: &Tlv<'a>, limit: usize) -> TlvResult<Vec<Attribute<'a>>> {
    let mut r: Reader<'a> = set.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        if out.len() >= limit {
            return Err(TlvError::rule(format!("more than {limit} attributes")));
        }
        let attr = r.expect(tag::SEQUENCE, "Attribute")?;
        let mut ar = attr.reader();
        let oid = ar.expect(tag::OID, "Attribute.attrType")?.oid("attrType")?;
        let values = ar
            .expect(tag::SET, "Attribute.attrValues")?
            .reader()
            .all("Attribute.attrValues")?;
        ar.finish("Attribute")?;
        out.push(Attribute { oid, values });
    }
    Ok(out)
}

/// The bytes a signature over signed attributes covers: their DER with the
/// SET OF tag instead of `[0]` (RFC 5652 5.4).
pub(crate) fn signed_attrs_message(attrs: &Tlv<'_>) -> Vec<u8> {
    let mut message = attrs.raw.to_vec();
    message[0] = tag::SET;
    message
}

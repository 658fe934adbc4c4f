//! SpcIndirectDataContent, the signed content of an Authenticode
//! signature (Authenticode PE format, "SpcIndirectDataContent"):
//!
//! ```text
//! SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
//!                                       messageDigest DigestInfo }
//! SpcAttributeTypeAndOptionalValue ::= SEQUENCE { type OBJECT IDENTIFIER,
//!                                                 value [0] EXPLICIT ANY OPTIONAL }
//!   -- SPC_PE_IMAGE_DATAOBJ 1.3.6.1.4.1.311.2.1.15: value SpcPeImageData
//!   -- (the [0] is absent in practice: the value follows the type directly)
//! SpcPeImageData ::= SEQUENCE { flags SpcPeImageFlags DEFAULT { includeResources },
//!                               file [0] EXPLICIT SpcLink OPTIONAL }
//! SpcLink ::= CHOICE { url [0] IMPLICIT IA5String, moniker [1] IMPLICIT SpcSerializedObject,
//!                      file [2] EXPLICIT SpcString }
//! SpcSerializedObject ::= SEQUENCE { classId OCTET STRING, serializedData OCTET STRING }
//!   -- page hashes: classId A6B586D5-B4A1-2466-AE05-A217DA8E60D6, serializedData
//!   -- SET { SpcAttributeTypeAndOptionalValue { 1.3.6.1.4.1.311.2.3.1 (SHA-1) or
//!   --       .2 (SHA-256), SET { OCTET STRING table } } }
//! DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
//! ```
//!
//! The CMS message digest covers this SEQUENCE's contents, without its
//! tag and length (PKCS #7 v1.5, RFC 2315 9.3): `cms` digests the contents
//! octets of whatever eContent holds, which is that.

use der::asn1::ObjectIdentifier as Oid;

use crate::cms::tlv::{Reader, Tlv, TlvError, TlvResult, single, tag};
use crate::crypto::DigestAlgorithm;

const SPC_PE_IMAGE_DATA: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.1.15");
const PAGE_HASHES_V1: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.3.1");
const PAGE_HASHES_V2: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.3.2");
const PAGE_HASH_CLASS_ID: [u8; 16] = [
    0xa6, 0xb5, 0x86, 0xd5, 0xb4, 0xa1, 0x24, 0x66, 0xae, 0x05, 0xa2, 0x17, 0xda, 0x8e, 0x60, 0xd6,
];

/// A page hash table: its algorithm and bytes, or why it is malformed.
pub(crate) type PageHashes = Result<(DigestAlgorithm, Vec<u8>), TlvError>;

/// What an Authenticode signature commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndirectData {
    /// The type of the signed object (SPC_PE_IMAGE_DATAOBJ for PE files).
    pub data_type: Oid,
    /// The DigestInfo's algorithm OID, and the algorithm when supported.
    pub digest_oid: Oid,
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The image digest.
    pub digest: Vec<u8>,
    /// A page hash table: its algorithm and bytes (`Err` when malformed).
    pub page_hashes: Option<PageHashes>,
}

impl IndirectData {
    /// True for a PE image.
    pub fn is_pe_image(&self) -> bool {
        self.data_type == SPC_PE_IMAGE_DATA
    }
}

/// Parses the contents octets of an SpcIndirectDataContent.
pub(crate) fn parse(contents: &[u8]) -> TlvResult<IndirectData> {
    let mut r = Reader::new(contents);
    let data = r.expect(tag::SEQUENCE, "SpcAttributeTypeAndOptionalValue")?;
    let digest_info = r.expect(tag::SEQUENCE, "DigestInfo")?;
    r.finish("SpcIndirectDataContent")?;
    let mut dr = data.reader();
    let data_type = dr
        .expect(tag::OID, "type")?
        .oid("SpcAttributeTypeAndOptionalValue.type")?;
    let value = if dr.is_empty() {
        None
    } else {
        Some(dr.next("value")?)
    };
    dr.finish("SpcAttributeTypeAndOptionalValue")?;
    let page_hashes = match (data_type == SPC_PE_IMAGE_DATA, value) {
        (true, Some(v)) => pe_image_data(v)?,
        _ => None,
    };
    let mut ir = digest_info.reader();
    let alg = ir.expect(tag::SEQUENCE, "DigestInfo.digestAlgorithm")?;
    let digest_oid = alg
        .reader()
        .expect(tag::OID, "digestAlgorithm")?
        .oid("digestAlgorithm")?;
    let digest = ir
        .expect(tag::OCTET_STRING, "DigestInfo.digest")?
        .value
        .to_vec();
    ir.finish("DigestInfo")?;
    Ok(IndirectData {
        data_type,
        digest_oid,
        digest_algorithm: DigestAlgorithm::from_oid(&digest_oid).ok(),
        digest,
        page_hashes,
    })
}

/// SpcPeImageData: the page hashes when its SpcLink is the page hash moniker.
fn pe_image_data(v: Tlv<'_>) -> TlvResult<Option<PageHashes>> {
    let v = if v.tag == tag::CTX0 {
        single(v.value, "value")?
    } else {
        v
    };
    let mut r = v.expect(tag::SEQUENCE, "SpcPeImageData")?.reader();
    r.optional(0x03, "SpcPeImageData.flags")?;
    let Some(file) = r.optional(tag::CTX0, "SpcPeImageData.file")? else {
        return Ok(None);
    };
    let link = single(file.value, "SpcLink")?;
    if link.tag != 0xa1 {
        return Ok(None); // url or file: no page hashes
    }
    let mut mr = link.reader();
    let class = mr.expect(tag::OCTET_STRING, "SpcSerializedObject.classId")?;
    let serialized = mr.expect(tag::OCTET_STRING, "SpcSerializedObject.serializedData")?;
    if class.value != PAGE_HASH_CLASS_ID {
        return Ok(None);
    }
    Ok(Some(page_hash_table(serialized.value)))
}

fn page_hash_table(serialized: &[u8]) -> PageHashes {
    let set = single(serialized, "page hashes")?.expect(tag::SET, "page hashes")?;
    let attrs = set.reader().all("page hashes")?;
    let [attr] = attrs.as_slice() else {
        return Err(TlvError::rule(format!(
            "{} page hash attributes, not one",
            attrs.len()
        )));
    };
    let mut ar = attr.expect(tag::SEQUENCE, "page hash attribute")?.reader();
    let kind = ar
        .expect(tag::OID, "page hash type")?
        .oid("page hash type")?;
    let algorithm = match kind {
        k if k == PAGE_HASHES_V1 => DigestAlgorithm::Sha1,
        k if k == PAGE_HASHES_V2 => DigestAlgorithm::Sha256,
        other => {
            return Err(TlvError::rule(format!(
                "page hash type {other} is neither v1 nor v2"
            )));
        }
    };
    let values = ar
        .expect(tag::SET, "page hash values")?
        .reader()
        .all("page hash values")?;
    ar.finish("page hash attribute")?;
    let [table] = values.as_slice() else {
        return Err(TlvError::rule(format!(
            "{} page hash tables, not one",
            values.len()
        )));
    };
    let table = table.expect(tag::OCTET_STRING, "page hash table")?.value;
    if table.is_empty() || table.len() % (4 + algorithm.output_len()) != 0 {
        return Err(TlvError::rule(format!(
            "a {}-byte table is not whole {}-byte entries",
            table.len(),
            4 + algorithm.output_len()
        )));
    }
    Ok((algorithm, table.to_vec()))
}

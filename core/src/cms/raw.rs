//! The attributes of each SignerInfo as encoded, for formats that give
//! attributes meanings of their own (NuGet's commitment types and
//! repository attributes, Authenticode's nested signatures). Verification
//! itself is [`super::verify_signed_data`]; this only reads.

use der::asn1::ObjectIdentifier;

use super::asn1;
use super::attributes::oids;
use super::input::{decode_input, parse_signed_data};
use crate::error::{Error, Result};

/// One attribute: its type and the DER of each of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawAttribute {
    pub oid: ObjectIdentifier,
    pub values: Vec<Vec<u8>>,
}

/// The attributes of one SignerInfo, and those of its countersignatures
/// (unsigned attribute 1.2.840.113549.1.9.6, RFC 5652 11.4), in encoding order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawSigner {
    pub signed: Vec<RawAttribute>,
    pub unsigned: Vec<RawAttribute>,
    pub countersignatures: Vec<RawSigner>,
}

impl RawSigner {
    /// The values of the signed attribute `oid` (empty when absent), and
    /// how many times the attribute type appears.
    pub fn signed_values(&self, oid: ObjectIdentifier) -> (Vec<&[u8]>, usize) {
        values(&self.signed, oid)
    }

    /// The values of the unsigned attribute `oid`, and how many times it appears.
    pub fn unsigned_values(&self, oid: ObjectIdentifier) -> (Vec<&[u8]>, usize) {
        values(&self.unsigned, oid)
    }
}

fn values(attrs: &[RawAttribute], oid: ObjectIdentifier) -> (Vec<&[u8]>, usize) {
    let mut count = 0;
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.oid == oid) {
        count += 1;
        out.extend(a.values.iter().map(Vec::as_slice));
    }
    (out, count)
}

/// The attributes of every SignerInfo of the SignedData in `input` (DER,
/// BER or PEM), in message order, with one level of countersignatures per
/// signer per nesting step up to `max_depth`. `Err` when the message does
/// not decode (as [`super::verify_signed_data`] would answer).
pub(crate) fn signer_attributes(input: &[u8], max_depth: usize) -> Result<Vec<RawSigner>> {
    let decoded = decode_input(input)?;
    let der = super::ber::normalise(&decoded.der).map_err(|e| Error::der("CMS ContentInfo", e))?;
    let sd = parse_signed_data(&der)?;
    sd.signer_infos
        .iter()
        .map(|tlv| {
            let si = asn1::signer_info(*tlv).map_err(|e| Error::der("CMS SignerInfo", e))?;
            Ok(raw_signer(&si, max_depth))
        })
        .collect()
}

/// The tag of the encapsulated content inside `eContent [0]` (`None` when
/// detached): RFC 5652 says OCTET STRING, PKCS #7 v1.5 signers
/// (Authenticode) put the content type's own encoding there, a SEQUENCE.
/// Verification digests the contents octets either way; formats that fix
/// the form check the tag with this.
pub(crate) fn econtent_tag(input: &[u8]) -> Result<Option<u8>> {
    use super::tlv::{single, tag};
    let decoded = decode_input(input)?;
    let der = super::ber::normalise(&decoded.der).map_err(|e| Error::der("CMS ContentInfo", e))?;
    let read = || -> super::tlv::TlvResult<Option<u8>> {
        let ci = single(&der, "ContentInfo")?;
        let mut r = ci.reader();
        r.expect(tag::OID, "contentType")?;
        let explicit = r.expect(tag::CTX0, "content")?;
        let sd = single(explicit.value, "SignedData")?;
        let mut r = sd.reader();
        r.expect(tag::INTEGER, "version")?;
        r.expect(tag::SET, "digestAlgorithms")?;
        let eci = r.expect(tag::SEQUENCE, "EncapsulatedContentInfo")?;
        let mut er = eci.reader();
        er.expect(tag::OID, "eContentType")?;
        Ok(match er.optional(tag::CTX0, "eContent")? {
            Some(e) => Some(single(e.value, "eContent")?.tag),
            None => None,
        })
    };
    read().map_err(|e| Error::der("CMS SignedData", e))
}

fn raw_signer(si: &asn1::SignerInfo<'_>, depth: usize) -> RawSigner {
    // Limit from Limits::max_attributes' default: real signers use under 10.
    const MAX_ATTRIBUTES: usize = 64;
    let read = |set: &Option<super::tlv::Tlv<'_>>| -> Vec<RawAttribute> {
        set.as_ref()
            .and_then(|s| asn1::attributes(s, MAX_ATTRIBUTES).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|a| RawAttribute {
                oid: a.oid,
                values: a.values.iter().map(|v| v.raw.to_vec()).collect(),
            })
            .collect()
    };
    let signed = read(&si.signed_attrs);
    let unsigned = read(&si.unsigned_attrs);
    let countersignatures = if depth == 0 {
        Vec::new()
    } else {
        unsigned
            .iter()
            .filter(|a| a.oid == oids::COUNTERSIGNATURE)
            .flat_map(|a| a.values.iter())
            // One entry per value, as verification gives one result per
            // value: an unreadable countersignature has no attributes.
            .map(|v| {
                super::tlv::single(v, "countersignature")
                    .and_then(asn1::signer_info)
                    .map(|cs| raw_signer(&cs, depth - 1))
                    .unwrap_or_default()
            })
            .collect()
    };
    RawSigner {
        signed,
        unsigned,
        countersignatures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_signer_attributes() {
        let p7s = include_bytes!("../../../examples/signatures/detached.p7s");
        let signers = signer_attributes(p7s, 2).unwrap();
        assert_eq!(signers.len(), 1);
        let (digest, count) = signers[0].signed_values(oids::MESSAGE_DIGEST);
        assert_eq!((digest.len(), count), (1, 1));
        assert!(signer_attributes(&p7s[..p7s.len() - 1], 2).is_err());
        assert_eq!(econtent_tag(p7s).unwrap(), None);
        let attached = include_bytes!("../../../examples/signatures/attached.p7m");
        assert_eq!(econtent_tag(attached).unwrap(), Some(0x04));
    }
}

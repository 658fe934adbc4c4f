//! Certificate revocation lists (RFC 5280 section 5): parsing once, then
//! lookups by serial number in a map.
//!
//! Parsing is strict DER for the structure and lenient where real CRLs are
//! sloppy and the leniency cannot hide a revocation: times in the forms
//! OpenSSL accepts, serials of any length or sign, a version-1 CRL that
//! carries extensions. Anything that could change which certificates the CRL
//! covers is strict: an unknown critical CRL or entry extension, or a
//! malformed issuingDistributionPoint, deltaCRLIndicator or
//! certificateIssuer, makes the CRL unusable (RFC 5280 5.2, 5.3); it still
//! parses so that the reason can be reported.

use std::collections::HashMap;
use std::ops::Range;

use der::asn1::{Any, BitString, ContextSpecific, IntRef, ObjectIdentifier, UintRef};
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber, Tagged};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralNames;
use x509_cert::name::Name;

use super::names::{GeneralNameKey, NameKey, distribution_point_names, general_names};
use super::reason::{ReasonSet, RevocationReason};
use crate::cert::{DistinguishedName, SerialNumber, ValidityTime, validity_time};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Largest CRL accepted, in bytes. The largest public CRLs are tens of
/// megabytes (a few hundred thousand entries); 256 MiB leaves room while
/// stopping absurd inputs.
pub const MAX_CRL_SIZE: usize = 256 * 1024 * 1024;

/// CRL and CRL entry extension OIDs (RFC 5280 5.2 and 5.3).
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// 2.5.29.35 authorityKeyIdentifier (RFC 5280 5.2.1).
    pub const AUTHORITY_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.35");
    /// 2.5.29.18 issuerAltName (RFC 5280 5.2.2).
    pub const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
    /// 2.5.29.20 cRLNumber (RFC 5280 5.2.3).
    pub const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
    /// 2.5.29.27 deltaCRLIndicator (RFC 5280 5.2.4).
    pub const DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
    /// 2.5.29.28 issuingDistributionPoint (RFC 5280 5.2.5).
    pub const ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");
    /// 2.5.29.46 freshestCRL (RFC 5280 5.2.6).
    pub const FRESHEST_CRL: Oid = Oid::new_unwrap("2.5.29.46");
    /// 1.3.6.1.5.5.7.1.1 authorityInfoAccess (RFC 5280 5.2.7).
    pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
    /// 2.5.29.21 reasonCode (RFC 5280 5.3.1).
    pub const REASON_CODE: Oid = Oid::new_unwrap("2.5.29.21");
    /// 2.5.29.23 holdInstructionCode (RFC 5280 5.3.2 of RFC 3280).
    pub const HOLD_INSTRUCTION_CODE: Oid = Oid::new_unwrap("2.5.29.23");
    /// 2.5.29.24 invalidityDate (RFC 5280 5.3.2).
    pub const INVALIDITY_DATE: Oid = Oid::new_unwrap("2.5.29.24");
    /// 2.5.29.29 certificateIssuer (RFC 5280 5.3.3).
    pub const CERTIFICATE_ISSUER: Oid = Oid::new_unwrap("2.5.29.29");
}

/// A CRL number (RFC 5280 5.2.3): a non-negative integer of up to 20
/// octets, kept as its big-endian magnitude and compared numerically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CrlNumber(Vec<u8>);

impl CrlNumber {
    fn from_magnitude(bytes: &[u8]) -> Self {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        CrlNumber(bytes[start..].to_vec())
    }

    /// The number's big-endian magnitude without leading zeros (empty for 0).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Ord for CrlNumber {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for CrlNumber {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The scope of a CRL from its issuingDistributionPoint (RFC 5280 5.2.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlScope {
    /// The distributionPoint names, resolved to full names.
    pub(crate) distribution_point: Option<Vec<GeneralNameKey>>,
    /// onlyContainsUserCerts.
    pub only_user_certs: bool,
    /// onlyContainsCACerts.
    pub only_ca_certs: bool,
    /// onlyContainsAttributeCerts.
    pub only_attribute_certs: bool,
    /// onlySomeReasons; `None` means every reason.
    pub only_some_reasons: Option<ReasonSet>,
    /// indirectCRL: entries may name other certificate issuers.
    pub indirect: bool,
    /// The extension's DER, to compare the scopes of a complete and a delta CRL.
    der: Vec<u8>,
}

impl CrlScope {
    /// True when the issuingDistributionPoint names a distribution point.
    pub fn has_distribution_point(&self) -> bool {
        self.distribution_point.is_some()
    }
}

/// One revoked certificate of a CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlEntry {
    serial: SerialNumber,
    revocation_date: Timestamp,
    reason: Option<RevocationReason>,
    invalidity_date: Option<Timestamp>,
    /// Index into [`Crl::entry_issuers`] of the certificateIssuer in force
    /// (RFC 5280 5.3.3), `None` for the CRL issuer.
    issuer: Option<u32>,
    /// The next entry with the same serial (indirect CRLs may list one
    /// serial for several issuers).
    next_same_serial: Option<u32>,
}

impl CrlEntry {
    /// userCertificate: the revoked serial number.
    pub fn serial(&self) -> &SerialNumber {
        &self.serial
    }

    /// revocationDate.
    pub fn revocation_date(&self) -> Timestamp {
        self.revocation_date
    }

    /// reasonCode (RFC 5280 5.3.1), when present and known.
    pub fn reason(&self) -> Option<RevocationReason> {
        self.reason
    }

    /// invalidityDate (RFC 5280 5.3.2), when present.
    pub fn invalidity_date(&self) -> Option<Timestamp> {
        self.invalidity_date
    }
}

/// A parsed CRL. Parse once (the entries go into a map by serial number),
/// then check any number of certificates against it.
///
/// ```
/// use validate::revocation::Crl;
/// let der = std::fs::read("../tests/conformance/pkits/data/crls/GoodCACRL.crl").unwrap();
/// let crl = Crl::from_der(&der).unwrap();
/// assert_eq!(crl.issuer().to_string(), "CN=Good CA,O=Test Certificates 2011,C=US");
/// assert_eq!(crl.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Crl {
    der: Vec<u8>,
    tbs: Range<usize>,
    version: u32,
    tbs_signature_algorithm: AlgorithmIdentifierOwned,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    issuer: DistinguishedName,
    issuer_key: NameKey,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    entries: Vec<CrlEntry>,
    /// First and last entry index per normalised serial.
    by_serial: HashMap<Box<[u8]>, (u32, u32)>,
    entry_issuers: Vec<Vec<GeneralNameKey>>,
    crl_number: Option<CrlNumber>,
    base_crl_number: Option<CrlNumber>,
    scope: Option<CrlScope>,
    authority_key_id: Option<Vec<u8>>,
    has_freshest_crl: bool,
    unusable: Vec<String>,
    sha256: [u8; 32],
}

impl Crl {
    /// Parses a DER-encoded CertificateList; trailing bytes are an error.
    ///
    /// # Errors
    /// [`Error`] when the input is empty, too large, or not a CRL. A CRL
    /// that parses but must not be used (unknown critical extension, ...)
    /// is returned with [`Crl::unusable_reasons`] set instead.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.is_empty() {
            return Err(Error::Empty);
        }
        if der.len() > MAX_CRL_SIZE {
            return Err(Error::TooLarge {
                what: "a CRL",
                size: der.len(),
                limit: MAX_CRL_SIZE,
            });
        }
        parse(der)
    }

    /// Parses the first `X509 CRL` block of PEM text, or DER.
    ///
    /// # Errors
    /// As [`Crl::from_der`], and when no CRL block is found.
    pub fn from_pem_or_der(input: &[u8]) -> Result<Self> {
        read_crls(input)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid("CRL", "no X509 CRL block found"))
    }

    /// The DER, exactly as given.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The DER of the TBSCertList: the bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// SHA-256 of the DER.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// The CRL version (1 or 2).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The outer signatureAlgorithm.
    pub fn signature_algorithm(&self) -> &AlgorithmIdentifierOwned {
        &self.signature_algorithm
    }

    /// The signatureValue.
    pub fn signature(&self) -> &BitString {
        &self.signature
    }

    /// The issuer name.
    pub fn issuer(&self) -> &DistinguishedName {
        &self.issuer
    }

    pub(crate) fn issuer_key(&self) -> &NameKey {
        &self.issuer_key
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Timestamp {
        self.this_update
    }

    /// nextUpdate, when present.
    pub fn next_update(&self) -> Option<Timestamp> {
        self.next_update
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no certificate is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in CRL order.
    pub fn entries(&self) -> &[CrlEntry] {
        &self.entries
    }

    /// cRLNumber, when present.
    pub fn crl_number(&self) -> Option<&CrlNumber> {
        self.crl_number.as_ref()
    }

    /// The BaseCRLNumber of a delta CRL's deltaCRLIndicator.
    pub fn base_crl_number(&self) -> Option<&CrlNumber> {
        self.base_crl_number.as_ref()
    }

    /// True for a delta CRL (deltaCRLIndicator present, RFC 5280 5.2.4).
    pub fn is_delta(&self) -> bool {
        self.base_crl_number.is_some()
    }

    /// The issuingDistributionPoint scope, when present.
    pub fn scope(&self) -> Option<&CrlScope> {
        self.scope.as_ref()
    }

    /// True when the issuingDistributionPoint marks the CRL indirect.
    pub fn is_indirect(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.indirect)
    }

    /// The authorityKeyIdentifier's keyIdentifier, when present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// True when the CRL carries a freshestCRL extension (RFC 5280 5.2.6).
    pub fn has_freshest_crl(&self) -> bool {
        self.has_freshest_crl
    }

    /// Why the CRL must not be used, empty when it may be (RFC 5280 5.2 and
    /// 5.3: an unrecognised critical CRL or entry extension, or a malformed
    /// scope-defining extension).
    pub fn unusable_reasons(&self) -> &[String] {
        &self.unusable
    }

    /// True when the CRL may be used at all (see [`Crl::unusable_reasons`]).
    pub fn is_usable(&self) -> bool {
        self.unusable.is_empty()
    }

    /// The entry for the certificate with `serial` issued by `cert_issuer`,
    /// in O(1): for an indirect CRL the entry's certificateIssuer must name
    /// `cert_issuer`, otherwise the CRL issuer must.
    pub fn find(
        &self,
        serial: &SerialNumber,
        cert_issuer: &DistinguishedName,
    ) -> Option<&CrlEntry> {
        self.find_by_key(serial, &NameKey::of(cert_issuer))
    }

    pub(crate) fn find_by_key(
        &self,
        serial: &SerialNumber,
        cert_issuer: &NameKey,
    ) -> Option<&CrlEntry> {
        let mut next = self
            .by_serial
            .get(normalise_serial(serial.as_bytes()))
            .map(|(first, _)| *first);
        while let Some(index) = next {
            let entry = &self.entries[index as usize];
            let issuer_matches = match entry.issuer {
                None => self.issuer_key == *cert_issuer,
                Some(i) => self.entry_issuers[i as usize]
                    .iter()
                    .any(|n| n.directory() == Some(cert_issuer)),
            };
            if issuer_matches {
                return Some(entry);
            }
            next = entry.next_same_serial;
        }
        None
    }
}

/// Reads every CRL of the input: one DER CRL, or PEM text with one or more
/// `X509 CRL` blocks (other blocks are skipped).
///
/// # Errors
/// The first CRL that fails to parse, with its position; PEM text without
/// any `X509 CRL` block.
pub fn read_crls(input: &[u8]) -> Result<Vec<Crl>> {
    if input.len() > MAX_CRL_SIZE {
        return Err(Error::TooLarge {
            what: "a CRL file",
            size: input.len(),
            limit: MAX_CRL_SIZE,
        });
    }
    if !crate::cert::looks_like_pem(input) {
        return Ok(vec![Crl::from_der(input)?]);
    }
    let mut out = Vec::new();
    let mut other_labels = Vec::new();
    for (index, block) in crate::cert::pem_blocks(input).into_iter().enumerate() {
        if block.label != "X509 CRL" {
            other_labels.push(block.label);
            continue;
        }
        let der = block.der.map_err(|reason| Error::Pem {
            index,
            label: block.label.clone(),
            reason,
        })?;
        out.push(Crl::from_der(&der)?);
    }
    if out.is_empty() {
        // A CRL file that holds none is a mistake to report, never an
        // empty source that silently checks nothing.
        return Err(Error::invalid(
            "CRL file",
            format!(
                "no X509 CRL PEM block (found: {})",
                if other_labels.is_empty() {
                    "none".to_string()
                } else {
                    other_labels.join(", ")
                }
            ),
        ));
    }
    Ok(out)
}

/// The serial's content octets without redundant sign octets, so that a
/// non-minimal encoding in a certificate or CRL still matches.
fn normalise_serial(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while b.len() > 1 && ((b[0] == 0 && b[1] & 0x80 == 0) || (b[0] == 0xFF && b[1] & 0x80 != 0)) {
        b = &b[1..];
    }
    b
}

/// The parts of a CertificateList before interpretation.
struct Outer<'a> {
    tbs: &'a [u8],
    tbs_range: Range<usize>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

fn outer(der: &[u8]) -> der::Result<Outer<'_>> {
    let mut reader = SliceReader::new(der)?;
    let header = Header::decode(&mut reader)?;
    header.tag().assert_eq(Tag::Sequence)?;
    let start = usize::try_from(reader.position())?;
    let tbs = reader.tlv_bytes()?;
    let signature_algorithm = AlgorithmIdentifierOwned::decode(&mut reader)?;
    let signature = BitString::decode(&mut reader)?;
    if !reader.is_finished() {
        return Err(der::ErrorKind::TrailingData {
            decoded: reader.position(),
            remaining: reader.remaining_len(),
        }
        .into());
    }
    // The outer SEQUENCE's length must cover exactly what was read.
    let end = usize::try_from(reader.position())?;
    if usize::try_from(header.length())? != end - start {
        return Err(der::ErrorKind::Length { tag: Tag::Sequence }.into());
    }
    Ok(Outer {
        tbs,
        tbs_range: start..start + tbs.len(),
        signature_algorithm,
        signature,
    })
}

/// TBSCertList fields, times and extensions still raw.
struct Tbs<'a> {
    version: Option<u32>,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    this_update: Any,
    next_update: Option<Any>,
    revoked: Vec<RawEntry<'a>>,
    extensions: Vec<x509_cert::ext::Extension>,
}

struct RawEntry<'a> {
    serial: IntRef<'a>,
    date: Any,
    extensions: Vec<x509_cert::ext::Extension>,
}

fn is_time(tag: Tag) -> bool {
    matches!(tag, Tag::UtcTime | Tag::GeneralizedTime)
}

fn tbs(bytes: &[u8]) -> der::Result<Tbs<'_>> {
    let mut reader = SliceReader::new(bytes)?;
    let tbs = reader.sequence(|r| {
        // TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature,
        //   issuer, thisUpdate, nextUpdate OPTIONAL, revokedCertificates
        //   OPTIONAL, crlExtensions [0] EXPLICIT OPTIONAL }
        let version = if Tag::peek(r)? == Tag::Integer {
            Some(u32::decode(r)?)
        } else {
            None
        };
        let signature = AlgorithmIdentifierOwned::decode(r)?;
        let issuer = Name::decode(r)?;
        let this_update = Any::decode(r)?;
        let next_update = if !r.is_finished() && is_time(Tag::peek(r)?) {
            Some(Any::decode(r)?)
        } else {
            None
        };
        let mut revoked = Vec::new();
        if !r.is_finished() && Tag::peek(r)? == Tag::Sequence {
            r.sequence(|r| {
                while !r.is_finished() {
                    revoked.push(r.sequence(|r| {
                        let serial = IntRef::decode(r)?;
                        let date = Any::decode(r)?;
                        let extensions = if r.is_finished() {
                            Vec::new()
                        } else {
                            Vec::<x509_cert::ext::Extension>::decode(r)?
                        };
                        Ok::<_, der::Error>(RawEntry {
                            serial,
                            date,
                            extensions,
                        })
                    })?);
                }
                Ok::<_, der::Error>(())
            })?;
        }
        let extensions =
            ContextSpecific::<Vec<x509_cert::ext::Extension>>::decode_explicit(r, TagNumber(0))?
                .map(|c| c.value)
                .unwrap_or_default();
        Ok::<_, der::Error>(Tbs {
            version,
            signature,
            issuer,
            this_update,
            next_update,
            revoked,
            extensions,
        })
    })?;
    if !reader.is_finished() {
        return Err(der::ErrorKind::TrailingData {
            decoded: reader.position(),
            remaining: reader.remaining_len(),
        }
        .into());
    }
    Ok(tbs)
}

fn time(any: &Any, what: &'static str) -> Result<Timestamp> {
    match validity_time(any) {
        ValidityTime::Time(t) => Ok(t),
        ValidityTime::Malformed { encoded } => Err(Error::invalid(
            "CRL",
            format!("{what} is not a valid time ({encoded})"),
        )),
    }
}

fn parse(der: &[u8]) -> Result<Crl> {
    let outer = outer(der).map_err(|e| Error::der("CertificateList", e))?;
    let t = tbs(outer.tbs).map_err(|e| Error::der("TBSCertList", e))?;
    // RFC 5280 5.1.2.1: version absent (v1) or v2.
    let version = match t.version {
        None => 1,
        Some(1) => 2,
        Some(v) => {
            return Err(Error::invalid(
                "CRL",
                format!(
                    "version {} is not v1 or v2 (RFC 5280 5.1.2.1)",
                    u64::from(v) + 1
                ),
            ));
        }
    };
    let issuer = DistinguishedName::from_name(&t.issuer, "CRL issuer")?;
    let issuer_key = NameKey::of(&issuer);
    let mut crl = Crl {
        der: der.to_vec(),
        tbs: outer.tbs_range,
        version,
        tbs_signature_algorithm: t.signature,
        signature_algorithm: outer.signature_algorithm,
        signature: outer.signature,
        issuer,
        issuer_key,
        this_update: time(&t.this_update, "thisUpdate")?,
        next_update: t
            .next_update
            .as_ref()
            .map(|n| time(n, "nextUpdate"))
            .transpose()?,
        entries: Vec::with_capacity(t.revoked.len()),
        by_serial: HashMap::with_capacity(t.revoked.len()),
        entry_issuers: Vec::new(),
        crl_number: None,
        base_crl_number: None,
        scope: None,
        authority_key_id: None,
        has_freshest_crl: false,
        unusable: Vec::new(),
        sha256: Sha256::digest(der).into(),
    };
    // RFC 5280 5.1.1.2: the inner and outer algorithms must be the same.
    if crl.tbs_signature_algorithm != crl.signature_algorithm {
        crl.unusable.push(
            "signature algorithm in TBSCertList differs from signatureAlgorithm (RFC 5280 5.1.1.2)"
                .into(),
        );
    }
    crl.read_extensions(&t.extensions);
    // RFC 5280 5.2.3: conforming CRL issuers MUST include cRLNumber in all
    // (version 2) CRLs; without it complete and delta CRLs cannot be ordered.
    if crl.version >= 2 && crl.crl_number.is_none() {
        crl.unusable
            .push("cRLNumber is missing from a version 2 CRL (RFC 5280 5.2.3)".into());
    }
    crl.read_entries(t.revoked)?;
    Ok(crl)
}

/// Records a duplicate extension as making the CRL unusable (RFC 5280 4.2:
/// at most one instance of an extension).
fn note_duplicates(
    seen: &mut Vec<ObjectIdentifier>,
    oid: ObjectIdentifier,
    unusable: &mut Vec<String>,
    where_: &str,
) {
    if seen.contains(&oid) {
        unusable.push(format!(
            "{where_} has extension {oid} more than once (RFC 5280 4.2)"
        ));
    } else {
        seen.push(oid);
    }
}

impl Crl {
    fn read_extensions(&mut self, extensions: &[x509_cert::ext::Extension]) {
        let mut seen = Vec::new();
        for ext in extensions {
            note_duplicates(&mut seen, ext.extn_id, &mut self.unusable, "the CRL");
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                // RFC 5280 5.2.3: cRLNumber is a non-critical extension.
                oid::CRL_NUMBER if ext.critical => self
                    .unusable
                    .push("cRLNumber is marked critical (RFC 5280 5.2.3)".into()),
                oid::CRL_NUMBER => match UintRef::from_der(value) {
                    Ok(n) => self.crl_number = Some(CrlNumber::from_magnitude(n.as_bytes())),
                    // Non-critical and only needed to pair complete and delta
                    // CRLs: a bad value leaves the CRL usable on its own.
                    Err(_) if !ext.critical => {}
                    Err(e) => self.unusable.push(format!("cRLNumber is malformed: {e}")),
                },
                oid::DELTA_CRL_INDICATOR => match UintRef::from_der(value) {
                    Ok(n) => self.base_crl_number = Some(CrlNumber::from_magnitude(n.as_bytes())),
                    Err(e) => self.unusable.push(format!(
                        "deltaCRLIndicator is malformed: {e} (RFC 5280 5.2.4)"
                    )),
                },
                oid::ISSUING_DISTRIBUTION_POINT => {
                    match IssuingDistributionPoint::from_der(value) {
                        Ok(idp) => self.scope = Some(self.scope_of(&idp, value)),
                        Err(e) => self.unusable.push(format!(
                            "issuingDistributionPoint is malformed: {e} (RFC 5280 5.2.5)"
                        )),
                    }
                }
                oid::AUTHORITY_KEY_IDENTIFIER => {
                    if let Ok(aki) = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(value) {
                        self.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                    }
                }
                oid::FRESHEST_CRL => self.has_freshest_crl = true,
                oid::ISSUER_ALT_NAME | oid::AUTHORITY_INFO_ACCESS => {}
                other if ext.critical => self.unusable.push(format!(
                    "unrecognised critical CRL extension {other} (RFC 5280 5.2)"
                )),
                _ => {}
            }
        }
        if let Some(scope) = &self.scope {
            let only = [
                scope.only_user_certs,
                scope.only_ca_certs,
                scope.only_attribute_certs,
            ];
            if only.iter().filter(|b| **b).count() > 1 {
                self.unusable.push(
                    "issuingDistributionPoint asserts more than one onlyContains... field (RFC 5280 5.2.5)"
                        .into(),
                );
            }
        }
    }

    fn scope_of(&self, idp: &IssuingDistributionPoint, der: &[u8]) -> CrlScope {
        CrlScope {
            distribution_point: idp
                .distribution_point
                .as_ref()
                .map(|dp| distribution_point_names(dp, &self.issuer)),
            only_user_certs: idp.only_contains_user_certs,
            only_ca_certs: idp.only_contains_ca_certs,
            only_attribute_certs: idp.only_contains_attribute_certs,
            only_some_reasons: idp
                .only_some_reasons
                .map(|r| ReasonSet::from_bits(r.bits())),
            indirect: idp.indirect_crl,
            der: der.to_vec(),
        }
    }

    fn read_entries(&mut self, raw: Vec<RawEntry<'_>>) -> Result<()> {
        let indirect = self.is_indirect();
        let mut current_issuer: Option<u32> = None;
        for (index, entry) in raw.into_iter().enumerate() {
            let mut reason = None;
            let mut invalidity_date = None;
            let mut seen = Vec::new();
            for ext in &entry.extensions {
                note_duplicates(&mut seen, ext.extn_id, &mut self.unusable, "a CRL entry");
                let value = ext.extn_value.as_bytes();
                match ext.extn_id {
                    oid::REASON_CODE => {
                        // ENUMERATED; an unknown or malformed value leaves the
                        // entry revoked with no stated reason.
                        reason = der::asn1::Any::from_der(value)
                            .ok()
                            .filter(|a| a.tag() == Tag::Enumerated)
                            .and_then(|a| enumerated(a.value()))
                            .and_then(RevocationReason::from_code);
                    }
                    oid::INVALIDITY_DATE => {
                        invalidity_date = Any::from_der(value)
                            .ok()
                            .and_then(|a| validity_time(&a).time());
                    }
                    oid::CERTIFICATE_ISSUER => match GeneralNames::from_der(value) {
                        // RFC 5280 5.3.3: applies to this and later entries,
                        // and only in an indirect CRL.
                        Ok(names) if indirect => {
                            self.entry_issuers.push(general_names(&names));
                            current_issuer = Some((self.entry_issuers.len() - 1) as u32);
                        }
                        Ok(_) => self.unusable.push(format!(
                            "entry {index} has certificateIssuer but the CRL is not indirect (RFC 5280 5.3.3)"
                        )),
                        Err(e) => self.unusable.push(format!(
                            "entry {index}: certificateIssuer is malformed: {e} (RFC 5280 5.3.3)"
                        )),
                    },
                    oid::HOLD_INSTRUCTION_CODE => {}
                    other if ext.critical => self.unusable.push(format!(
                        "entry {index} has unrecognised critical extension {other} (RFC 5280 5.3)"
                    )),
                    _ => {}
                }
            }
            let serial = SerialNumber::from_bytes(entry.serial.as_bytes().to_vec());
            let revocation_date = time(&entry.date, "revocationDate")?;
            let position = self.entries.len() as u32;
            let key: Box<[u8]> = normalise_serial(serial.as_bytes()).into();
            match self.by_serial.get_mut(&key) {
                // Keep CRL order: append to the chain of this serial in O(1).
                Some((_, last)) => {
                    self.entries[*last as usize].next_same_serial = Some(position);
                    *last = position;
                }
                None => {
                    self.by_serial.insert(key, (position, position));
                }
            }
            self.entries.push(CrlEntry {
                serial,
                revocation_date,
                reason,
                invalidity_date,
                issuer: current_issuer,
                next_same_serial: None,
            });
        }
        Ok(())
    }

    /// True when `self` (a delta CRL) and `complete` have the same scope
    /// (RFC 5280 5.2.4: same issuer and same issuingDistributionPoint).
    pub(crate) fn same_scope(&self, complete: &Crl) -> bool {
        self.issuer_key == complete.issuer_key
            && self.scope.as_ref().map(|s| &s.der) == complete.scope.as_ref().map(|s| &s.der)
    }
}

/// The value of a small non-negative ENUMERATED.
fn enumerated(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 || bytes[0] & 0x80 != 0 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_normalisation() {
        assert_eq!(normalise_serial(&[0, 0, 1]), &[1]);
        assert_eq!(normalise_serial(&[0, 0x80]), &[0, 0x80]);
        assert_eq!(normalise_serial(&[0xFF, 0xFF, 0x80]), &[0x80]);
        assert_eq!(normalise_serial(&[0xFF, 0x7F]), &[0xFF, 0x7F]);
        assert_eq!(normalise_serial(&[0]), &[0]);
        assert_eq!(normalise_serial(&[]), &[] as &[u8]);
    }

    #[test]
    fn crl_numbers_compare_numerically() {
        let a = CrlNumber::from_magnitude(&[0, 0xFF]);
        let b = CrlNumber::from_magnitude(&[1, 0]);
        assert!(a < b);
        assert_eq!(
            CrlNumber::from_magnitude(&[0, 5]),
            CrlNumber::from_magnitude(&[5])
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Crl::from_der(&[]).is_err());
        assert!(Crl::from_der(&[0x30, 0x00]).is_err());
        assert!(Crl::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
    }
}

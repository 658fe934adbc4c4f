//! OCSP (RFC 6960): requests and responses.
//!
//! One Rust type per ASN.1 structure used. Requests are built with SHA-1 or
//! SHA-256 CertIDs and an optional nonce (RFC 9654); responses are parsed
//! leniently in their times (as CRLs) and strictly in everything that
//! decides a status. Checking a response against a certificate is in
//! `ocsp_check.rs`.

use der::asn1::{Any, BitString, ContextSpecific, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, Sequence, SliceReader, Tag, TagNumber, Tagged};
use sha1::Digest as _;
use sha2::Sha256;
use spki::AlgorithmIdentifierOwned;
use x509_cert::name::Name;

use super::reason::RevocationReason;
use crate::cert::{Certificate, DistinguishedName, SerialNumber, ValidityTime, validity_time};
use crate::crypto::DigestAlgorithm;
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Largest OCSP response accepted, in bytes. Real responses are a few
/// kilobytes (one certificate, a responder certificate); 1 MiB leaves room
/// for responses about many certificates.
pub const MAX_OCSP_RESPONSE_SIZE: usize = 1024 * 1024;

/// OCSP OIDs (RFC 6960 4.2.1, 4.2.2.2, 4.4).
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-pkix-ocsp-basic: the BasicOCSPResponse response type.
    pub const BASIC_RESPONSE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");
    /// id-pkix-ocsp-nonce (RFC 6960 4.4.1, RFC 9654).
    pub const NONCE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.2");
    /// id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): do not check the responder certificate.
    pub const NO_CHECK: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5");
    /// id-kp-OCSPSigning (RFC 6960 4.2.2.2).
    pub const OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
    /// id-pkix-ocsp-extended-revoke (RFC 6960 4.4.8).
    pub const EXTENDED_REVOKE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.9");
    /// id-pkix-ocsp-crl (RFC 6960 4.4.2): CRL references.
    pub const CRL_ID: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.3");
    /// id-pkix-ocsp-archive-cutoff (RFC 6960 4.4.4).
    pub const ARCHIVE_CUTOFF: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.6");
    /// Certificate Transparency SCT list in OCSP (RFC 6962 3.3).
    pub const CT_SCT_LIST: Oid = Oid::new_unwrap("1.3.6.1.4.1.11129.2.4.5");
}

/// ```text
/// CertID ::= SEQUENCE {
///     hashAlgorithm       AlgorithmIdentifier,
///     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///     serialNumber        CertificateSerialNumber }
/// ```
/// RFC 6960 4.1.1.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
struct CertIdAsn1 {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: Int,
}

/// ```text
/// Request ::= SEQUENCE {
///     reqCert                     CertID,
///     singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Sequence)]
struct RequestAsn1 {
    req_cert: CertIdAsn1,
}

/// ```text
/// TBSRequest ::= SEQUENCE {
///     version             [0] EXPLICIT Version DEFAULT v1,
///     requestorName       [1] EXPLICIT GeneralName OPTIONAL,
///     requestList         SEQUENCE OF Request,
///     requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Sequence)]
struct TbsRequestAsn1 {
    request_list: Vec<RequestAsn1>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    request_extensions: Option<Vec<x509_cert::ext::Extension>>,
}

/// ```text
/// OCSPRequest ::= SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
/// ```
#[derive(Sequence)]
struct OcspRequestAsn1 {
    tbs_request: TbsRequestAsn1,
}

/// ```text
/// ResponseBytes ::= SEQUENCE {
///     responseType   OBJECT IDENTIFIER,
///     response       OCTET STRING }
/// ```
#[derive(Sequence)]
struct ResponseBytesAsn1 {
    response_type: ObjectIdentifier,
    response: OctetString,
}

/// The certificate identifier of OCSP (RFC 6960 4.1.1): hashes of the
/// issuer's name and key, and the serial number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: Vec<u8>,
    issuer_key_hash: Vec<u8>,
    serial: SerialNumber,
}

impl CertId {
    /// The CertID of `cert` issued by `issuer`, hashed with `hash` (SHA-1,
    /// which every responder understands, or SHA-256).
    pub fn new(cert: &Certificate, issuer: &Certificate, hash: DigestAlgorithm) -> Self {
        CertId {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: hash.oid(),
                // As OpenSSL and most clients send it: explicit NULL parameters.
                parameters: Some(Any::null()),
            },
            // RFC 6960 4.1.1: the hash of the issuer's DN as encoded in the
            // certificate's issuer field, and of the issuer's public key
            // BIT STRING value (no tag, length or unused-bits octet).
            issuer_name_hash: hash.digest(cert.issuer().der()),
            issuer_key_hash: hash.digest(issuer.public_key().key_bytes()),
            serial: cert.serial().clone(),
        }
    }

    /// The hash algorithm.
    pub fn hash_algorithm(&self) -> &AlgorithmIdentifierOwned {
        &self.hash_algorithm
    }

    /// issuerNameHash.
    pub fn issuer_name_hash(&self) -> &[u8] {
        &self.issuer_name_hash
    }

    /// issuerKeyHash.
    pub fn issuer_key_hash(&self) -> &[u8] {
        &self.issuer_key_hash
    }

    /// serialNumber.
    pub fn serial(&self) -> &SerialNumber {
        &self.serial
    }

    /// True when this CertID names `cert` issued by `issuer` (hashes
    /// recomputed with this CertID's algorithm; `false` for an unsupported one).
    pub fn matches(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        let Ok(hash) = DigestAlgorithm::from_oid(&self.hash_algorithm.oid) else {
            return false;
        };
        same_integer(self.serial.as_bytes(), cert.serial().as_bytes())
            && self.issuer_name_hash == hash.digest(cert.issuer().der())
            && self.issuer_key_hash == hash.digest(issuer.public_key().key_bytes())
    }

    fn to_asn1(&self) -> der::Result<CertIdAsn1> {
        Ok(CertIdAsn1 {
            hash_algorithm: self.hash_algorithm.clone(),
            issuer_name_hash: OctetString::new(self.issuer_name_hash.clone())?,
            issuer_key_hash: OctetString::new(self.issuer_key_hash.clone())?,
            serial_number: Int::new(self.serial.as_bytes())?,
        })
    }

    fn from_asn1(asn1: CertIdAsn1) -> Self {
        CertId {
            hash_algorithm: asn1.hash_algorithm,
            issuer_name_hash: asn1.issuer_name_hash.into_bytes().into_vec(),
            issuer_key_hash: asn1.issuer_key_hash.into_bytes().into_vec(),
            serial: SerialNumber::from_bytes(asn1.serial_number.as_bytes().to_vec()),
        }
    }
}

/// Two INTEGER encodings of the same value (redundant sign octets ignored).
fn same_integer(a: &[u8], b: &[u8]) -> bool {
    fn trim(mut b: &[u8]) -> &[u8] {
        while b.len() > 1 && ((b[0] == 0 && b[1] & 0x80 == 0) || (b[0] == 0xFF && b[1] & 0x80 != 0))
        {
            b = &b[1..];
        }
        b
    }
    trim(a) == trim(b)
}

/// An OCSP request (RFC 6960 4.1), unsigned.
///
/// ```
/// use validate::{Certificate, crypto::DigestAlgorithm};
/// use validate::revocation::{CertId, OcspRequest};
/// let issuer = Certificate::from_pem(include_bytes!("../../../examples/chain/intermediate.pem")).unwrap();
/// let leaf = Certificate::from_pem(include_bytes!("../../../examples/chain/leaf.pem")).unwrap();
/// let request = OcspRequest::new(vec![CertId::new(&leaf, &issuer, DigestAlgorithm::Sha256)])
///     .with_nonce(vec![7; 16]);
/// let der = request.to_der().unwrap();
/// assert_eq!(der[0], 0x30);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspRequest {
    cert_ids: Vec<CertId>,
    nonce: Option<Vec<u8>>,
}

impl OcspRequest {
    /// A request for the status of each CertID.
    pub fn new(cert_ids: Vec<CertId>) -> Self {
        OcspRequest {
            cert_ids,
            nonce: None,
        }
    }

    /// Asks the responder to echo `nonce` (RFC 9654: 1 to 32 octets; 16 or
    /// more random octets are recommended).
    pub fn with_nonce(mut self, nonce: Vec<u8>) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The CertIDs asked about.
    pub fn cert_ids(&self) -> &[CertId] {
        &self.cert_ids
    }

    /// The nonce, when one is sent.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The nonce extension's value as sent: an OCTET STRING holding the
    /// nonce (RFC 9654 2.1), which is what a responder echoes.
    pub(crate) fn nonce_extension_value(&self) -> Option<Vec<u8>> {
        let nonce = self.nonce.as_ref()?;
        OctetString::new(nonce.clone()).ok()?.to_der().ok()
    }

    /// The DER encoding, for `POST` with `Content-Type: application/ocsp-request`.
    ///
    /// # Errors
    /// [`Error::Der`] when a field cannot be encoded (a nonce over 256 MiB).
    pub fn to_der(&self) -> Result<Vec<u8>> {
        let encode = || -> der::Result<Vec<u8>> {
            let request_list = self
                .cert_ids
                .iter()
                .map(|id| {
                    Ok(RequestAsn1 {
                        req_cert: id.to_asn1()?,
                    })
                })
                .collect::<der::Result<Vec<_>>>()?;
            let request_extensions = match self.nonce_extension_value() {
                Some(value) => Some(vec![x509_cert::ext::Extension {
                    extn_id: oid::NONCE,
                    critical: false,
                    extn_value: OctetString::new(value)?,
                }]),
                None => None,
            };
            OcspRequestAsn1 {
                tbs_request: TbsRequestAsn1 {
                    request_list,
                    request_extensions,
                },
            }
            .to_der()
        };
        encode().map_err(|e| Error::der("OCSPRequest", e))
    }
}

/// OCSPResponseStatus (RFC 6960 4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OcspResponseStatus {
    /// successful (0): the response holds responseBytes.
    Successful,
    /// malformedRequest (1).
    MalformedRequest,
    /// internalError (2).
    InternalError,
    /// tryLater (3).
    TryLater,
    /// sigRequired (5).
    SigRequired,
    /// unauthorized (6).
    Unauthorized,
    /// Any other value.
    Other(u32),
}

/// The RFC 6960 4.2.1 name and number, e.g. `unauthorized (6)`.
impl std::fmt::Display for OcspResponseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Successful => f.write_str("successful (0)"),
            Self::MalformedRequest => f.write_str("malformedRequest (1)"),
            Self::InternalError => f.write_str("internalError (2)"),
            Self::TryLater => f.write_str("tryLater (3)"),
            Self::SigRequired => f.write_str("sigRequired (5)"),
            Self::Unauthorized => f.write_str("unauthorized (6)"),
            Self::Other(code) => write!(f, "an unknown status ({code})"),
        }
    }
}

impl OcspResponseStatus {
    fn from_code(code: u32) -> Self {
        match code {
            0 => Self::Successful,
            1 => Self::MalformedRequest,
            2 => Self::InternalError,
            3 => Self::TryLater,
            5 => Self::SigRequired,
            6 => Self::Unauthorized,
            other => Self::Other(other),
        }
    }
}

/// ResponderID (RFC 6960 4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderId {
    /// byName: the responder certificate's subject.
    ByName(DistinguishedName),
    /// byKey: SHA-1 of the responder's public key BIT STRING value.
    ByKey(Vec<u8>),
}

impl ResponderId {
    /// True when `cert` is the responder named.
    pub fn names(&self, cert: &Certificate) -> bool {
        match self {
            ResponderId::ByName(name) => {
                super::names::NameKey::of(name) == super::names::NameKey::of(cert.subject())
            }
            ResponderId::ByKey(hash) => {
                *hash == sha1::Sha1::digest(cert.public_key().key_bytes()).to_vec()
            }
        }
    }
}

/// CertStatus (RFC 6960 4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspCertStatus {
    /// good.
    Good,
    /// revoked, with RevokedInfo.
    Revoked {
        /// revocationTime.
        time: Timestamp,
        /// revocationReason, when given and known.
        reason: Option<RevocationReason>,
    },
    /// unknown: the responder does not know the certificate.
    Unknown,
}

/// SingleResponse (RFC 6960 4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleResponse {
    cert_id: CertId,
    status: OcspCertStatus,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    unusable: Option<String>,
}

impl SingleResponse {
    /// certID.
    pub fn cert_id(&self) -> &CertId {
        &self.cert_id
    }

    /// certStatus.
    pub fn status(&self) -> OcspCertStatus {
        self.status
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Timestamp {
        self.this_update
    }

    /// nextUpdate, when present.
    pub fn next_update(&self) -> Option<Timestamp> {
        self.next_update
    }

    /// Why this single response must not be used (an unrecognised critical
    /// singleExtension), if so.
    pub fn unusable_reason(&self) -> Option<&str> {
        self.unusable.as_deref()
    }
}

/// BasicOCSPResponse (RFC 6960 4.2.1).
#[derive(Debug, Clone)]
pub struct BasicResponse {
    tbs: Vec<u8>,
    responder: ResponderId,
    produced_at: Timestamp,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    certs: Vec<Certificate>,
    unusable: Vec<String>,
}

impl BasicResponse {
    /// The DER of tbsResponseData: the bytes the responder signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs
    }

    /// responderID.
    pub fn responder(&self) -> &ResponderId {
        &self.responder
    }

    /// producedAt.
    pub fn produced_at(&self) -> Timestamp {
        self.produced_at
    }

    /// The single responses.
    pub fn responses(&self) -> &[SingleResponse] {
        &self.responses
    }

    /// The nonce extension's value, when present.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// signatureAlgorithm.
    pub fn signature_algorithm(&self) -> &AlgorithmIdentifierOwned {
        &self.signature_algorithm
    }

    /// signature.
    pub fn signature(&self) -> &BitString {
        &self.signature
    }

    /// The certificates the responder included (a delegated responder's
    /// certificate and perhaps its chain).
    pub fn certs(&self) -> &[Certificate] {
        &self.certs
    }

    /// Why the response must not be used (unrecognised critical
    /// responseExtension), empty when it may.
    pub fn unusable_reasons(&self) -> &[String] {
        &self.unusable
    }
}

/// An OCSP response (RFC 6960 4.2.1). Parse once; check it against any
/// number of certificates with [`super::check_revocation`].
#[derive(Debug, Clone)]
pub struct OcspResponse {
    status: OcspResponseStatus,
    basic: Option<BasicResponse>,
    sha256: [u8; 32],
}

impl OcspResponse {
    /// Parses a DER-encoded OCSPResponse.
    ///
    /// # Errors
    /// [`Error`] when the input is empty, too large, not an OCSPResponse, a
    /// successful response of a type other than id-pkix-ocsp-basic, or
    /// holds a malformed time.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.is_empty() {
            return Err(Error::Empty);
        }
        if der.len() > MAX_OCSP_RESPONSE_SIZE {
            return Err(Error::TooLarge {
                what: "an OCSP response",
                size: der.len(),
                limit: MAX_OCSP_RESPONSE_SIZE,
            });
        }
        let (status, bytes) = outer(der).map_err(|e| Error::der("OCSPResponse", e))?;
        let status = OcspResponseStatus::from_code(status);
        let basic = match bytes {
            None => None,
            Some(bytes) if bytes.response_type == oid::BASIC_RESPONSE => {
                Some(basic(bytes.response.as_bytes())?)
            }
            Some(bytes) => {
                return Err(Error::invalid(
                    "OCSPResponse",
                    format!(
                        "response type {} is not id-pkix-ocsp-basic (RFC 6960 4.2.1)",
                        bytes.response_type
                    ),
                ));
            }
        };
        if status == OcspResponseStatus::Successful && basic.is_none() {
            return Err(Error::invalid(
                "OCSPResponse",
                "status successful without responseBytes (RFC 6960 4.2.1)",
            ));
        }
        Ok(OcspResponse {
            status,
            basic,
            sha256: Sha256::digest(der).into(),
        })
    }

    /// responseStatus.
    pub fn status(&self) -> OcspResponseStatus {
        self.status
    }

    /// The basic response, for a successful response.
    pub fn basic(&self) -> Option<&BasicResponse> {
        self.basic.as_ref()
    }

    /// SHA-256 of the DER.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// The single response about `cert` issued by `issuer`, if any.
    pub fn find(&self, cert: &Certificate, issuer: &Certificate) -> Option<&SingleResponse> {
        self.basic
            .as_ref()?
            .responses
            .iter()
            .find(|r| r.cert_id.matches(cert, issuer))
    }
}

fn trailing(reader: &SliceReader<'_>) -> der::Result<()> {
    if reader.is_finished() {
        Ok(())
    } else {
        Err(der::ErrorKind::TrailingData {
            decoded: reader.position(),
            remaining: reader.remaining_len(),
        }
        .into())
    }
}

/// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
///     responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
fn outer(der: &[u8]) -> der::Result<(u32, Option<ResponseBytesAsn1>)> {
    let mut reader = SliceReader::new(der)?;
    let out = reader.sequence(|r| {
        let status = Any::decode(r)?;
        if status.tag() != Tag::Enumerated {
            return Err(status.tag().unexpected_error(Some(Tag::Enumerated)).into());
        }
        let code = enumerated(status.value()).ok_or(der::ErrorKind::Value {
            tag: Tag::Enumerated,
        })?;
        let bytes = ContextSpecific::<ResponseBytesAsn1>::decode_explicit(r, TagNumber(0))?
            .map(|c| c.value);
        Ok::<_, der::Error>((code, bytes))
    })?;
    trailing(&reader)?;
    Ok(out)
}

/// A small non-negative ENUMERATED value.
pub(crate) fn enumerated(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 || bytes[0] & 0x80 != 0 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn time(any: &Any, what: &'static str) -> Result<Timestamp> {
    match validity_time(any) {
        ValidityTime::Time(t) => Ok(t),
        ValidityTime::Malformed { encoded } => Err(Error::invalid(
            "OCSP response",
            format!("{what} is not a valid time ({encoded})"),
        )),
    }
}

/// Raw single response, times not yet interpreted.
struct RawSingle {
    cert_id: CertIdAsn1,
    status: Any,
    this_update: Any,
    next_update: Option<Any>,
    extensions: Vec<x509_cert::ext::Extension>,
}

/// Raw BasicOCSPResponse.
struct RawBasic<'a> {
    tbs: &'a [u8],
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    certs: Vec<Any>,
}

/// Raw ResponseData.
struct RawData {
    responder: ResponderIdRaw,
    produced_at: Any,
    responses: Vec<RawSingle>,
    extensions: Vec<x509_cert::ext::Extension>,
}

enum ResponderIdRaw {
    ByName(Name),
    ByKey(Vec<u8>),
}

fn raw_basic(der: &[u8]) -> der::Result<RawBasic<'_>> {
    let mut reader = SliceReader::new(der)?;
    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData,
    //   signatureAlgorithm AlgorithmIdentifier, signature BIT STRING,
    //   certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    let out = reader.sequence(|r| {
        let tbs = r.tlv_bytes()?;
        let signature_algorithm = AlgorithmIdentifierOwned::decode(r)?;
        let signature = BitString::decode(r)?;
        let certs = ContextSpecific::<Vec<Any>>::decode_explicit(r, TagNumber(0))?
            .map(|c| c.value)
            .unwrap_or_default();
        Ok::<_, der::Error>(RawBasic {
            tbs,
            signature_algorithm,
            signature,
            certs,
        })
    })?;
    trailing(&reader)?;
    Ok(out)
}

fn raw_data(tbs: &[u8]) -> der::Result<RawData> {
    let mut reader = SliceReader::new(tbs)?;
    // ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
    //   responderID ResponderID, producedAt GeneralizedTime,
    //   responses SEQUENCE OF SingleResponse,
    //   responseExtensions [1] EXPLICIT Extensions OPTIONAL }
    let out = reader.sequence(|r| {
        if let Some(v) = ContextSpecific::<u8>::decode_explicit(r, TagNumber(0))?
            && v.value != 0
        {
            return Err(der::ErrorKind::Value { tag: Tag::Integer }.into());
        }
        // ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }
        // (the module uses EXPLICIT tags).
        let responder = if let Some(name) =
            ContextSpecific::<Name>::decode_explicit(r, TagNumber(1))?
        {
            ResponderIdRaw::ByName(name.value)
        } else if let Some(key) = ContextSpecific::<OctetString>::decode_explicit(r, TagNumber(2))?
        {
            ResponderIdRaw::ByKey(key.value.into_bytes().into_vec())
        } else {
            return Err(der::ErrorKind::TagUnexpected {
                expected: None,
                actual: Tag::peek(r)?,
            }
            .into());
        };
        let produced_at = Any::decode(r)?;
        let mut responses = Vec::new();
        r.sequence(|r| {
            while !r.is_finished() {
                responses.push(r.sequence(|r| {
                    // SingleResponse ::= SEQUENCE { certID, certStatus,
                    //   thisUpdate, nextUpdate [0] EXPLICIT OPTIONAL,
                    //   singleExtensions [1] EXPLICIT Extensions OPTIONAL }
                    let cert_id = CertIdAsn1::decode(r)?;
                    let status = Any::decode(r)?;
                    let this_update = Any::decode(r)?;
                    let next_update =
                        ContextSpecific::<Any>::decode_explicit(r, TagNumber(0))?.map(|c| c.value);
                    let extensions =
                        ContextSpecific::<Vec<x509_cert::ext::Extension>>::decode_explicit(
                            r,
                            TagNumber(1),
                        )?
                        .map(|c| c.value)
                        .unwrap_or_default();
                    Ok::<_, der::Error>(RawSingle {
                        cert_id,
                        status,
                        this_update,
                        next_update,
                        extensions,
                    })
                })?);
            }
            Ok::<_, der::Error>(())
        })?;
        let extensions =
            ContextSpecific::<Vec<x509_cert::ext::Extension>>::decode_explicit(r, TagNumber(1))?
                .map(|c| c.value)
                .unwrap_or_default();
        Ok::<_, der::Error>(RawData {
            responder,
            produced_at,
            responses,
            extensions,
        })
    })?;
    trailing(&reader)?;
    Ok(out)
}

/// CertStatus ::= CHOICE { good [0] IMPLICIT NULL,
///     revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
/// RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime,
///     revocationReason [0] EXPLICIT CRLReason OPTIONAL }
fn cert_status(any: &Any) -> Result<OcspCertStatus> {
    let bad = |why: &str| Error::invalid("OCSP SingleResponse", format!("certStatus: {why}"));
    match any.tag() {
        Tag::ContextSpecific {
            number: TagNumber(0),
            constructed: false,
        } if any.value().is_empty() => Ok(OcspCertStatus::Good),
        Tag::ContextSpecific {
            number: TagNumber(2),
            constructed: false,
        } if any.value().is_empty() => Ok(OcspCertStatus::Unknown),
        Tag::ContextSpecific {
            number: TagNumber(1),
            constructed: true,
        } => {
            let mut r = SliceReader::new(any.value()).map_err(|e| Error::der("RevokedInfo", e))?;
            let parsed = (|| -> der::Result<(Any, Option<Any>)> {
                let t = Any::decode(&mut r)?;
                let reason =
                    ContextSpecific::<Any>::decode_explicit(&mut r, TagNumber(0))?.map(|c| c.value);
                trailing(&r)?;
                Ok((t, reason))
            })()
            .map_err(|e| Error::der("RevokedInfo", e))?;
            let reason = match parsed.1 {
                None => None,
                Some(a) if a.tag() == Tag::Enumerated => {
                    enumerated(a.value()).and_then(RevocationReason::from_code)
                }
                Some(_) => return Err(bad("revocationReason is not an ENUMERATED")),
            };
            Ok(OcspCertStatus::Revoked {
                time: time(&parsed.0, "revocationTime")?,
                reason,
            })
        }
        other => Err(bad(&format!("unexpected tag {other}"))),
    }
}

/// Response extensions this crate processes or may ignore even if critical
/// would be wrong to ignore; the others, when critical, make it unusable.
fn known_response_extension(oid: &ObjectIdentifier) -> bool {
    [
        oid::NONCE,
        oid::EXTENDED_REVOKE,
        oid::CRL_ID,
        oid::ARCHIVE_CUTOFF,
        oid::CT_SCT_LIST,
    ]
    .contains(oid)
}

fn basic(der: &[u8]) -> Result<BasicResponse> {
    let raw = raw_basic(der).map_err(|e| Error::der("BasicOCSPResponse", e))?;
    let data = raw_data(raw.tbs).map_err(|e| Error::der("ResponseData", e))?;
    let responder = match data.responder {
        ResponderIdRaw::ByName(name) => {
            ResponderId::ByName(DistinguishedName::from_name(&name, "OCSP responderID")?)
        }
        ResponderIdRaw::ByKey(hash) => ResponderId::ByKey(hash),
    };
    let mut unusable = Vec::new();
    let mut nonce = None;
    for ext in &data.extensions {
        if ext.extn_id == oid::NONCE {
            nonce = Some(ext.extn_value.as_bytes().to_vec());
        } else if ext.critical && !known_response_extension(&ext.extn_id) {
            unusable.push(format!(
                "unrecognised critical response extension {} (RFC 6960 4.4)",
                ext.extn_id
            ));
        }
    }
    let mut responses = Vec::with_capacity(data.responses.len());
    for single in data.responses {
        let unusable = single
            .extensions
            .iter()
            .find(|e| e.critical && !known_response_extension(&e.extn_id))
            .map(|e| {
                format!(
                    "unrecognised critical single response extension {} (RFC 6960 4.4)",
                    e.extn_id
                )
            });
        responses.push(SingleResponse {
            cert_id: CertId::from_asn1(single.cert_id),
            status: cert_status(&single.status)?,
            this_update: time(&single.this_update, "thisUpdate")?,
            next_update: single
                .next_update
                .as_ref()
                .map(|n| time(n, "nextUpdate"))
                .transpose()?,
            unusable,
        });
    }
    let certs = raw
        .certs
        .iter()
        .map(|c| {
            let der = c
                .to_der()
                .map_err(|e| Error::der("OCSP response certificate", e))?;
            Certificate::from_der(&der)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(BasicResponse {
        tbs: raw.tbs.to_vec(),
        responder,
        produced_at: time(&data.produced_at, "producedAt")?,
        responses,
        nonce,
        signature_algorithm: raw.signature_algorithm,
        signature: raw.signature,
        certs,
        unusable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_compare_by_value() {
        assert!(same_integer(&[0, 1], &[1]));
        assert!(same_integer(&[0xFF, 0x80], &[0x80]));
        assert!(!same_integer(&[0, 0x80], &[0x80]));
    }

    #[test]
    fn error_statuses_parse_without_bytes() {
        // OCSPResponse { responseStatus tryLater }
        let r = OcspResponse::from_der(&[0x30, 0x03, 0x0A, 0x01, 0x03]).unwrap();
        assert_eq!(r.status(), OcspResponseStatus::TryLater);
        assert!(r.basic().is_none());
        // successful without bytes is an error, as is garbage.
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x0A, 0x01, 0x00]).is_err());
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(OcspResponse::from_der(b"<html>").is_err());
    }
}

//! SignedData verification (RFC 5652 5): content digests, signer lookup,
//! signed attributes, signature values, unsigned attributes, signer paths.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::Read;
use std::sync::Arc;

use der::Decode;
use der::asn1::{AnyRef, ObjectIdentifier};
use sha1::{Digest, Sha1};
use spki::AlgorithmIdentifierRef;

use super::asn1::{self, SignedData, SignerId, SignerInfo};
use super::attributes::{self, EssBinding, oids};
use super::context::VerifyContext;
use super::findings::{CmsCode, CmsFinding, Severity};
use super::input::{decode_input, parse_signed_data};
use super::result::{SignatureStatus, SignedDataResult, SignerIdentifier, SignerResult};
use super::timestamp::verify_timestamp;
use super::tlv::Tlv;
use crate::cert::{Certificate, DistinguishedName, SerialNumber};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm, SignatureError, SignerKey};
use crate::error::{Error, Result};
use crate::path::{CertificatePool, ValidationOptions};
use crate::revocation::RevocationSources;

/// Verifies every signer of a CMS SignedData (RFC 5652) in DER, BER or PEM
/// (`PKCS7`, `CMS`, `PKCS #7 SIGNED DATA` labels).
///
/// `detached` is the content of a detached signature; it is read once, in
/// chunks, and hashed while reading, so it may be larger than memory (a
/// signer without signed attributes needs the whole content and gets a
/// [`ContentTooLarge`](CmsCode::ContentTooLarge) finding above
/// [`Limits::max_buffered_content`](super::Limits::max_buffered_content)).
/// Attached content is hashed where it lies. When both are present the
/// attached content is verified and the reader is not read.
///
/// `Err` only for input that cannot be processed: not CMS, malformed,
/// not SignedData, over the size limit, or a read error of `detached`. A
/// signature that does not verify, a wrong digest or an untrusted signer
/// is a finding in the result.
///
/// ```
/// use validate::cms::{verify_signed_data, VerifyContext};
/// use validate::path::{TrustStore, ValidationOptions};
/// let root = validate::read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
/// let anchors = TrustStore::from_certificates(root);
/// let options = ValidationOptions::at("2027-06-01T00:00:00Z".parse().unwrap());
/// let ctx = VerifyContext::new(&anchors, options);
/// let p7s = std::fs::read("../examples/signatures/detached.p7s").unwrap();
/// let mut content = std::fs::File::open("../examples/signatures/content.txt").unwrap();
/// let result = verify_signed_data(&p7s, Some(&mut content), &ctx).unwrap();
/// assert!(result.valid, "{:#?}", result.signers[0].findings);
/// ```
pub fn verify_signed_data(
    input: &[u8],
    detached: Option<&mut dyn Read>,
    ctx: &VerifyContext<'_>,
) -> Result<SignedDataResult> {
    if input.len() > ctx.limits.max_input_size {
        return Err(Error::TooLarge {
            what: "a CMS message",
            size: input.len(),
            limit: ctx.limits.max_input_size,
        });
    }
    let decoded = decode_input(input)?;
    let der = super::ber::normalise(&decoded.der).map_err(|e| Error::der("CMS ContentInfo", e))?;
    let sd = parse_signed_data(&der)?;
    let mut findings = Vec::new();
    if decoded.trailing_whitespace > 0 {
        findings.push(CmsFinding::new(
            CmsCode::TrailingWhitespace,
            format!(
                "{} bytes of white space after the ContentInfo were ignored",
                decoded.trailing_whitespace
            ),
        ));
    }
    let signer_infos = parse_signer_infos(&sd, ctx, &mut findings)?;
    let digests: Vec<DigestAlgorithm> = signer_infos
        .iter()
        .filter_map(|si| digest_of(&si.digest_algorithm).ok())
        .collect();
    let needs_bytes = signer_infos.iter().any(|si| si.signed_attrs.is_none());
    let content = match (sd.econtent, detached) {
        // Hashed once per distinct digest algorithm, where it lies.
        (Some(bytes), _) => Content::attached(bytes).with_digests(&digests),
        (None, Some(reader)) => Content::stream(
            reader,
            &digests,
            needs_bytes,
            ctx.limits.max_buffered_content,
        )
        .map_err(|e| Error::invalid("detached content", format!("read error: {e}")))?,
        (None, None) => Content::missing(),
    };
    let budget = Cell::new(ctx.limits.max_signer_verifications);
    let (certificates, signers) = verify_signers(
        &sd,
        &signer_infos,
        &content,
        ctx,
        &ctx.options,
        0,
        &budget,
        &mut findings,
    );
    if signers.is_empty() {
        findings.push(CmsFinding::new(
            CmsCode::NoSigners,
            "SignedData.signerInfos is empty",
        ));
    }
    let valid = !signers.is_empty()
        && signers.iter().all(|s| s.valid)
        && !findings.iter().any(CmsFinding::is_error);
    Ok(SignedDataResult {
        content_type: sd.econtent_type,
        detached: sd.econtent.is_none(),
        content_length: content.length,
        certificates,
        crls: sd
            .crls
            .iter()
            .filter(|c| c.tag == super::tlv::tag::SEQUENCE)
            .take(ctx.limits.max_certificates)
            .map(|c| c.raw.to_vec())
            .collect(),
        signers,
        findings,
        valid,
    })
}

/// Parses the SignerInfos up to the limit; a malformed one fails the message.
pub(crate) fn parse_signer_infos<'a>(
    sd: &SignedData<'a>,
    ctx: &VerifyContext<'_>,
    findings: &mut Vec<CmsFinding>,
) -> Result<Vec<SignerInfo<'a>>> {
    if sd.signer_infos.len() > ctx.limits.max_signers {
        findings.push(CmsFinding::new(
            CmsCode::LimitExceeded,
            format!(
                "{} SignerInfos, only the first {} are verified",
                sd.signer_infos.len(),
                ctx.limits.max_signers
            ),
        ));
    }
    sd.signer_infos
        .iter()
        .take(ctx.limits.max_signers)
        .map(|tlv| asn1::signer_info(*tlv).map_err(|e| Error::der("CMS SignerInfo", e)))
        .collect()
}

/// The content a signature covers, and its digests.
pub(crate) struct Content<'a> {
    bytes: Option<Cow<'a, [u8]>>,
    digests: Vec<(DigestAlgorithm, Vec<u8>)>,
    missing: bool,
    too_large: bool,
    pub length: u64,
}

impl<'a> Content<'a> {
    pub fn attached(bytes: &'a [u8]) -> Self {
        Content {
            length: bytes.len() as u64,
            bytes: Some(Cow::Borrowed(bytes)),
            digests: Vec::new(),
            missing: false,
            too_large: false,
        }
    }

    /// Computes the digests of attached content once, for every signer.
    fn with_digests(mut self, algorithms: &[DigestAlgorithm]) -> Self {
        if let Some(bytes) = &self.bytes {
            for a in algorithms {
                if !self.digests.iter().any(|(d, _)| d == a) {
                    self.digests.push((*a, a.digest(bytes)));
                }
            }
        }
        self
    }

    fn missing() -> Self {
        Content {
            bytes: None,
            digests: Vec::new(),
            missing: true,
            too_large: false,
            length: 0,
        }
    }

    /// Reads `reader` to its end in 64 KiB chunks, feeding one hasher per
    /// digest algorithm; keeps the bytes only when asked and under `limit`.
    fn stream(
        reader: &mut dyn Read,
        algorithms: &[DigestAlgorithm],
        keep: bool,
        limit: usize,
    ) -> std::io::Result<Self> {
        let mut unique: Vec<DigestAlgorithm> = Vec::new();
        for a in algorithms {
            if !unique.contains(a) {
                unique.push(*a);
            }
        }
        let mut hashers: Vec<_> = unique.iter().map(|a| (*a, a.hasher())).collect();
        let mut kept = keep.then(Vec::new);
        let mut too_large = false;
        let mut length = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            length += n as u64;
            for (_, h) in &mut hashers {
                h.update(&buf[..n]);
            }
            if let Some(k) = &mut kept {
                if k.len() + n > limit {
                    kept = None;
                    too_large = true;
                } else {
                    k.extend_from_slice(&buf[..n]);
                }
            }
        }
        Ok(Content {
            bytes: kept.map(Cow::Owned),
            digests: hashers
                .into_iter()
                .map(|(a, h)| (a, h.finalize()))
                .collect(),
            missing: false,
            too_large,
            length,
        })
    }

    fn digest(&self, algorithm: DigestAlgorithm) -> Option<Vec<u8>> {
        if let Some((_, d)) = self.digests.iter().find(|(a, _)| *a == algorithm) {
            return Some(d.clone());
        }
        self.bytes.as_ref().map(|b| algorithm.digest(b))
    }
}

fn digest_of(ai: &Tlv<'_>) -> std::result::Result<DigestAlgorithm, ObjectIdentifier> {
    let oid = algorithm_oid(ai);
    DigestAlgorithm::from_oid(&oid).map_err(|_| oid)
}

/// The OID of an AlgorithmIdentifier TLV (the zero OID when malformed).
fn algorithm_oid(ai: &Tlv<'_>) -> ObjectIdentifier {
    ai.reader()
        .next("AlgorithmIdentifier")
        .ok()
        .and_then(|t| t.oid("algorithm").ok())
        .unwrap_or(ObjectIdentifier::new_unwrap("0.0"))
}

/// Reads the message's certificates (bounded) and verifies each signer.
/// `budget` counts SignerInfo verifications left for the whole call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_signers(
    sd: &SignedData<'_>,
    signer_infos: &[SignerInfo<'_>],
    content: &Content<'_>,
    ctx: &VerifyContext<'_>,
    options: &ValidationOptions,
    depth: usize,
    budget: &Cell<usize>,
    findings: &mut Vec<CmsFinding>,
) -> (Vec<Arc<Certificate>>, Vec<SignerResult>) {
    let certificates = message_certificates(sd, ctx, findings);
    let mut pool: CertificatePool = ctx.intermediates.clone();
    for c in &certificates {
        pool.add(c.clone());
    }
    let listed: Vec<ObjectIdentifier> = sd.digest_algorithms.iter().map(algorithm_oid).collect();
    // RFC 5652 5.1: CRLs in the message serve revocation checking of its paths.
    let revocation = ctx.revocation.map(|sources| {
        let carried = sd
            .crls
            .iter()
            .filter(|c| c.tag == super::tlv::tag::SEQUENCE)
            .take(ctx.limits.max_certificates)
            .filter_map(|c| crate::revocation::Crl::from_der(c.raw).ok());
        sources.extended_with_crls(carried)
    });
    let env = Env {
        ctx,
        pool: &pool,
        certificates: &certificates,
        budget,
        revocation: revocation.as_ref(),
    };
    let signers = signer_infos
        .iter()
        .enumerate()
        .map(|(index, si)| {
            let mut s = verify_signer(
                &env,
                si,
                index,
                content,
                Some(sd.econtent_type),
                options,
                depth,
            );
            let oid = s.digest_algorithm_oid;
            if !listed.contains(&oid) {
                s.findings.push(CmsFinding::new(
                    CmsCode::DigestAlgorithmNotListed,
                    format!("digest algorithm {oid} is not in SignedData.digestAlgorithms"),
                ));
            }
            s
        })
        .collect();
    (certificates, signers)
}

fn message_certificates(
    sd: &SignedData<'_>,
    ctx: &VerifyContext<'_>,
    findings: &mut Vec<CmsFinding>,
) -> Vec<Arc<Certificate>> {
    let mut out = Vec::new();
    if sd.certificates.len() > ctx.limits.max_certificates {
        findings.push(CmsFinding::new(
            CmsCode::LimitExceeded,
            format!(
                "{} certificates in the message, only the first {} are read",
                sd.certificates.len(),
                ctx.limits.max_certificates
            ),
        ));
    }
    for (i, entry) in sd
        .certificates
        .iter()
        .take(ctx.limits.max_certificates)
        .enumerate()
    {
        if entry.tag != super::tlv::tag::SEQUENCE {
            findings.push(CmsFinding::new(
                CmsCode::UnsupportedCertificateEntry,
                format!(
                    "certificate entry {i} has tag 0x{:02x} (attribute or other certificate): ignored",
                    entry.tag
                ),
            ));
            continue;
        }
        match Certificate::from_der(entry.raw) {
            Ok(c) => out.push(Arc::new(c)),
            Err(e) => findings.push(CmsFinding::new(
                CmsCode::UnsupportedCertificateEntry,
                format!("certificate entry {i} does not parse: {e}"),
            )),
        }
    }
    out
}

/// What every signer of one message shares.
pub(crate) struct Env<'e> {
    pub ctx: &'e VerifyContext<'e>,
    pub pool: &'e CertificatePool,
    pub certificates: &'e [Arc<Certificate>],
    /// SignerInfo verifications left for the whole call.
    pub budget: &'e Cell<usize>,
    /// Revocation data for the paths, the message's CRLs included.
    pub revocation: Option<&'e RevocationSources>,
}

fn identifier(sid: &SignerId<'_>) -> SignerIdentifier {
    match sid {
        SignerId::IssuerSerial { issuer, serial } => SignerIdentifier::IssuerAndSerialNumber {
            issuer: name_text(issuer),
            serial: SerialNumber::from_bytes(serial.to_vec()),
        },
        SignerId::KeyId(k) => SignerIdentifier::SubjectKeyIdentifier(k.to_vec()),
    }
}

fn parse_name(der: &[u8]) -> Option<DistinguishedName> {
    let name = x509_cert::name::Name::from_der(der).ok()?;
    DistinguishedName::from_name(&name, "issuerAndSerialNumber.issuer").ok()
}

fn name_text(der: &[u8]) -> String {
    parse_name(der).map_or_else(|| attributes::hex(der), |n| n.to_string())
}

/// Finds the signer certificate: the message's certificates first, then
/// the caller's intermediates and trust anchors.
fn find_certificate(env: &Env<'_>, sid: &SignerId<'_>) -> Option<Arc<Certificate>> {
    let candidates = env
        .certificates
        .iter()
        .chain(env.ctx.intermediates.certificates())
        .chain(env.ctx.trust_store.certificates());
    let parsed_issuer = match sid {
        // RFC 5280 7.1 comparison, the crate's one (path/name_match.rs).
        SignerId::IssuerSerial { issuer, .. } => {
            parse_name(issuer).map(|n| crate::path::NameKey::of(&n))
        }
        SignerId::KeyId(_) => None,
    };
    for cert in candidates {
        let found = match sid {
            SignerId::IssuerSerial { issuer, serial } => {
                cert.serial().as_bytes() == *serial
                    && (cert.issuer().der() == *issuer
                        || parsed_issuer
                            .as_ref()
                            .is_some_and(|p| *p == crate::path::NameKey::of(cert.issuer())))
            }
            // RFC 5652 5.3 / RFC 5280 4.2.1.2: the subjectKeyIdentifier; a
            // certificate without one matches by the SHA-1 of its key (method 1),
            // as OpenSSL computes it.
            SignerId::KeyId(id) => match cert.subject_key_id() {
                Some(ski) => ski == *id,
                None => Sha1::digest(cert.public_key().key_bytes()).as_slice() == *id,
            },
        };
        if found {
            return Some(cert.clone());
        }
    }
    None
}

/// Maps the signatureAlgorithm of a SignerInfo to a signature
/// AlgorithmIdentifier the backend knows: CMS allows the key algorithm
/// (rsaEncryption, id-ecPublicKey, id-dsa) with the digest given apart
/// (RFC 5754 3.2, RFC 5753 7.1.3, RFC 3370 3.1). `Err` is the
/// AlgorithmUnsupported finding.
fn signature_identifier<'a>(
    ai: &'a Tlv<'a>,
    digest: Option<DigestAlgorithm>,
) -> std::result::Result<AlgorithmIdentifierRef<'a>, CmsFinding> {
    let unsupported = |detail: String| CmsFinding::new(CmsCode::AlgorithmUnsupported, detail);
    let parsed = AlgorithmIdentifierRef::from_der(ai.raw)
        .map_err(|e| unsupported(format!("signatureAlgorithm: {e}")))?;
    let by_digest = |table: [&'static str; 5]| -> std::result::Result<_, CmsFinding> {
        let d = digest.ok_or_else(|| unsupported("unsupported digest algorithm".into()))?;
        let i = match d {
            DigestAlgorithm::Sha1 => 0,
            DigestAlgorithm::Sha224 => 1,
            DigestAlgorithm::Sha256 => 2,
            DigestAlgorithm::Sha384 => 3,
            DigestAlgorithm::Sha512 => 4,
            #[allow(unreachable_patterns)]
            _ => return Err(unsupported("unsupported digest algorithm".into())),
        };
        if table[i].is_empty() {
            return Err(unsupported(format!(
                "{} is not defined with {d}",
                parsed.oid
            )));
        }
        Ok(AlgorithmIdentifierRef {
            oid: ObjectIdentifier::new_unwrap(table[i]),
            parameters: None,
        })
    };
    match parsed.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => by_digest([
            "1.2.840.113549.1.1.5",
            "1.2.840.113549.1.1.14",
            "1.2.840.113549.1.1.11",
            "1.2.840.113549.1.1.12",
            "1.2.840.113549.1.1.13",
        ]),
        "1.2.840.10045.2.1" => by_digest([
            "1.2.840.10045.4.1",
            "1.2.840.10045.4.3.1",
            "1.2.840.10045.4.3.2",
            "1.2.840.10045.4.3.3",
            "1.2.840.10045.4.3.4",
        ]),
        "1.2.840.10040.4.1" => by_digest([
            "1.2.840.10040.4.3",
            "2.16.840.1.101.3.4.3.1",
            "2.16.840.1.101.3.4.3.2",
            "",
            "",
        ]),
        _ => Ok(parsed),
    }
}

/// Verifies one SignerInfo over `content`. `econtent_type` is `None` for a
/// countersignature (RFC 5652 11.4: no content-type attribute).
pub(crate) fn verify_signer(
    env: &Env<'_>,
    si: &SignerInfo<'_>,
    index: usize,
    content: &Content<'_>,
    econtent_type: Option<ObjectIdentifier>,
    options: &ValidationOptions,
    depth: usize,
) -> SignerResult {
    let ctx = env.ctx;
    if env.budget.get() == 0 {
        let mut r = malformed_signer(
            index,
            format!(
                "not verified: {} SignerInfo verifications (signers, countersignatures, timestamps) already made",
                ctx.limits.max_signer_verifications
            ),
            options,
        );
        r.identifier = identifier(&si.sid);
        r.findings[0].code = CmsCode::LimitExceeded;
        return r;
    }
    env.budget.set(env.budget.get() - 1);
    let mut findings = Vec::new();
    let certificate = find_certificate(env, &si.sid);
    // RFC 5280 4.2.1.3: the key must be allowed to sign data.
    if let Some(cert) = &certificate
        && let Some(why) = cert.key_usage_forbids_signing()
    {
        findings.push(CmsFinding::new(
            CmsCode::SignerKeyUsage,
            format!("the key of '{}' may not sign: {why}", cert.subject()),
        ));
    }
    let digest_algorithm_oid = algorithm_oid(&si.digest_algorithm);
    let digest_algorithm = digest_of(&si.digest_algorithm).ok();
    let signature_algorithm_oid = algorithm_oid(&si.signature_algorithm);
    let mut content_digest_matches = false;
    let mut signed_info = None;
    let mut ess = EssBinding::Absent;
    let mut not_checked: Option<String> = None;

    if digest_algorithm.is_none() {
        findings.push(CmsFinding::new(
            CmsCode::AlgorithmUnsupported,
            format!("digest algorithm {digest_algorithm_oid} is not supported"),
        ));
        not_checked = Some(format!(
            "unsupported digest algorithm {digest_algorithm_oid}"
        ));
    }
    if digest_algorithm == Some(DigestAlgorithm::Sha1) {
        findings.push(CmsFinding::new(
            CmsCode::WeakDigestAlgorithm,
            "the message digest is SHA-1",
        ));
    }

    // The bytes the signature covers.
    let message: Option<Cow<'_, [u8]>> = match &si.signed_attrs {
        Some(attrs_tlv) => {
            let attrs = match asn1::attributes(attrs_tlv, ctx.limits.max_attributes) {
                Ok(a) => a,
                Err(e) => {
                    findings.push(CmsFinding::new(
                        CmsCode::AttributeMalformed,
                        format!("signed attributes: {e}"),
                    ));
                    Vec::new()
                }
            };
            let signed = attributes::read_signed(&attrs, &mut findings);
            check_content_type(&signed.info, econtent_type, &mut findings);
            match (&signed.info.message_digest, digest_algorithm) {
                (None, _) => findings.push(CmsFinding::new(
                    CmsCode::MessageDigestMissing,
                    "signed attributes without a message-digest attribute (RFC 5652 5.3)",
                )),
                (Some(_), None) => {}
                (Some(expected), Some(alg)) => match content.digest(alg) {
                    Some(actual) if &actual == expected => content_digest_matches = true,
                    Some(actual) => findings.push(CmsFinding::new(
                        CmsCode::MessageDigestMismatch,
                        format!(
                            "message-digest {} but the {alg} of the content is {}",
                            attributes::hex(expected),
                            attributes::hex(&actual)
                        ),
                    )),
                    None => findings.push(CmsFinding::new(
                        CmsCode::ContentMissing,
                        "detached signature verified without its content",
                    )),
                },
            }
            if let Some((version, value)) = signed.ess {
                ess = match &certificate {
                    Some(cert) => attributes::check_ess(version, value, cert),
                    None => EssBinding::NotChecked,
                };
                match &ess {
                    EssBinding::Mismatch { version, detail } => findings.push(CmsFinding::new(
                        CmsCode::EssCertificateMismatch,
                        format!("signing-certificate{}: {detail}", ess_suffix(*version)),
                    )),
                    EssBinding::Malformed { detail } => findings.push(CmsFinding::new(
                        CmsCode::EssAttributeMalformed,
                        detail.clone(),
                    )),
                    _ => {}
                }
            }
            signed_info = Some(signed.info);
            Some(Cow::Owned(asn1::signed_attrs_message(attrs_tlv)))
        }
        None => {
            if content.too_large {
                findings.push(CmsFinding::new(
                    CmsCode::ContentTooLarge,
                    format!(
                        "no signed attributes: the signature covers the whole detached content, which is over the {} byte buffering limit",
                        ctx.limits.max_buffered_content
                    ),
                ));
                not_checked.get_or_insert_with(|| "content too large to buffer".into());
            } else if content.missing {
                findings.push(CmsFinding::new(
                    CmsCode::ContentMissing,
                    "detached signature without signed attributes verified without its content",
                ));
                not_checked.get_or_insert_with(|| "no content".into());
            }
            content.bytes.as_ref().map(|b| Cow::Borrowed(b.as_ref()))
        }
    };

    // The signature value.
    let mut signature_algorithm = None;
    let signature = match (&certificate, not_checked, message) {
        (None, _, _) => {
            findings.push(CmsFinding::new(
                CmsCode::SignerCertificateNotFound,
                format!("no certificate matches {}", identifier(&si.sid)),
            ));
            SignatureStatus::NotChecked("signer certificate not found".into())
        }
        (Some(_), Some(reason), _) => SignatureStatus::NotChecked(reason),
        (Some(_), None, None) => SignatureStatus::NotChecked("no content".into()),
        (Some(cert), None, Some(message)) => {
            match signature_identifier(&si.signature_algorithm, digest_algorithm) {
                Err(unsupported) => {
                    let reason = unsupported.detail.clone();
                    findings.push(unsupported);
                    SignatureStatus::NotChecked(reason)
                }
                Ok(alg) => {
                    signature_algorithm = SignatureAlgorithm::from_identifier(&alg).ok();
                    if let (Some(sa), Some(d)) = (signature_algorithm, digest_algorithm)
                        && sa.digest().is_some_and(|sd| sd != d)
                        && !matches!(sa, SignatureAlgorithm::Ed25519)
                    {
                        findings.push(CmsFinding::new(
                            CmsCode::SignatureAlgorithmDigestMismatch,
                            format!("signature algorithm {sa} with digest algorithm {d}"),
                        ));
                    }
                    if signature_algorithm.and_then(|s| s.digest()) == Some(DigestAlgorithm::Sha1)
                        && digest_algorithm != Some(DigestAlgorithm::Sha1)
                    {
                        findings.push(CmsFinding::new(
                            CmsCode::WeakDigestAlgorithm,
                            "the signature algorithm uses SHA-1",
                        ));
                    }
                    let key = cert.public_key().signer_key();
                    check_signature(
                        ctx,
                        &alg,
                        &key,
                        env,
                        cert,
                        &message,
                        si.signature,
                        &mut findings,
                    )
                }
            }
        }
    };

    // Unsigned attributes: timestamps and countersignatures.
    let mut timestamps = Vec::new();
    let mut countersignatures = Vec::new();
    if let Some(unsigned) = &si.unsigned_attrs {
        match asn1::attributes(unsigned, ctx.limits.max_attributes) {
            Err(e) => findings.push(CmsFinding::new(
                CmsCode::AttributeMalformed,
                format!("unsigned attributes: {e}"),
            )),
            Ok(attrs) => {
                let mut budget = ctx.limits.max_unsigned_per_signer;
                for attr in attrs {
                    let is_ts =
                        attr.oid == oids::TIMESTAMP_TOKEN || attr.oid == oids::MS_TIMESTAMP_TOKEN;
                    let is_cs = attr.oid == oids::COUNTERSIGNATURE;
                    if !is_ts && !is_cs {
                        continue;
                    }
                    for value in attr.values {
                        if budget == 0 || depth >= ctx.limits.max_nesting {
                            findings.push(CmsFinding::new(
                                CmsCode::LimitExceeded,
                                format!(
                                    "timestamp or countersignature not checked: more than {} per signer or nesting over {}",
                                    ctx.limits.max_unsigned_per_signer, ctx.limits.max_nesting
                                ),
                            ));
                            break;
                        }
                        budget -= 1;
                        if value.raw.len() > ctx.limits.max_attribute_size {
                            findings.push(CmsFinding::new(
                                CmsCode::LimitExceeded,
                                format!(
                                    "unsigned attribute {} of {} bytes is over the {} byte limit",
                                    attr.oid,
                                    value.raw.len(),
                                    ctx.limits.max_attribute_size
                                ),
                            ));
                            continue;
                        }
                        if is_ts {
                            timestamps.push(verify_timestamp(
                                value.raw,
                                &|alg| alg.digest(si.signature),
                                ctx,
                                depth + 1,
                                env.budget,
                            ));
                        } else if ctx.countersignature_timestamps {
                            timestamps.push(legacy_timestamp(
                                env,
                                value,
                                timestamps.len(),
                                si.signature,
                                depth + 1,
                            ));
                        } else {
                            countersignatures.push(verify_countersignature(
                                env,
                                value,
                                countersignatures.len(),
                                si.signature,
                                options,
                                depth + 1,
                            ));
                        }
                    }
                }
            }
        }
    }
    for cs in &countersignatures {
        if !cs.valid {
            findings.push(CmsFinding::new(
                CmsCode::CountersignatureInvalid,
                format!("countersignature {} is not valid", cs.index),
            ));
        }
    }

    // The time of the signer path: a valid timestamp proves existence.
    let ts_time = timestamps
        .iter()
        .filter(|t| t.valid)
        .filter_map(|t| t.gen_time)
        .min();
    if !timestamps.is_empty() && ts_time.is_none() {
        findings.push(CmsFinding::new(
            CmsCode::TimestampNotUsed,
            "no timestamp is valid: the signer path is validated at the caller's time",
        ));
    }
    if let (Some(ts), Some(st)) = (
        ts_time,
        signed_info
            .as_ref()
            .and_then(|i: &attributes::SignedAttributesInfo| i.signing_time),
    ) && st > ts
    {
        findings.push(CmsFinding::new(
            CmsCode::SigningTimeAfterTimestamp,
            format!("signing-time {st} is after the timestamp's genTime {ts}"),
        ));
    }
    let signing_time = signed_info.as_ref().and_then(|i| i.signing_time);
    let path_time = match (ts_time, signing_time) {
        (Some(t), _) if ctx.timestamp_proves_time => t,
        (_, Some(st)) if ctx.trust_signing_time => st,
        _ => options.time,
    };
    let path = certificate.as_ref().map(|cert| {
        let mut opts = options.clone();
        opts.time = path_time;
        ctx.validate_path(cert, env.pool, &opts, env.revocation)
    });
    if let Some(p) = &path
        && !p.valid
    {
        let reasons: Vec<String> = p
            .errors()
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        let mut finding = CmsFinding::new(
            CmsCode::SignerPathInvalid,
            format!("at {path_time}: {}", reasons.join("; ")),
        );
        if !ctx.trust_required {
            finding.severity = Severity::Warning;
        }
        findings.push(finding);
    }
    let trusted = path.as_ref().is_some_and(|p| p.valid) || !ctx.trust_required;
    let valid = signature.is_valid()
        && (content_digest_matches || si.signed_attrs.is_none())
        && certificate.is_some()
        && trusted
        && !findings.iter().any(CmsFinding::is_error);
    SignerResult {
        index,
        identifier: identifier(&si.sid),
        certificate,
        digest_algorithm_oid,
        digest_algorithm,
        signature_algorithm_oid,
        signature_algorithm,
        signature_value: si.signature.to_vec(),
        content_digest_matches: content_digest_matches
            || (si.signed_attrs.is_none() && signature.is_valid()),
        signature,
        signed_attributes: signed_info,
        ess,
        timestamps,
        countersignatures,
        path_time,
        path,
        findings,
        valid,
    }
}

fn ess_suffix(version: u8) -> &'static str {
    if version == 2 { "-v2" } else { "" }
}

fn check_content_type(
    info: &attributes::SignedAttributesInfo,
    econtent_type: Option<ObjectIdentifier>,
    findings: &mut Vec<CmsFinding>,
) {
    match (econtent_type, info.content_type) {
        (Some(expected), Some(found)) if expected != found => findings.push(CmsFinding::new(
            CmsCode::ContentTypeMismatch,
            format!("content-type attribute {found} but eContentType {expected}"),
        )),
        (Some(_), None) => findings.push(CmsFinding::new(
            CmsCode::ContentTypeMissing,
            "signed attributes without a content-type attribute (RFC 5652 5.3)",
        )),
        (None, Some(found)) => findings.push(CmsFinding::new(
            CmsCode::ContentTypeInCountersignature,
            format!("countersignature with a content-type attribute {found} (RFC 5652 11.1)"),
        )),
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn check_signature(
    ctx: &VerifyContext<'_>,
    alg: &AlgorithmIdentifierRef<'_>,
    key: &SignerKey<'_>,
    env: &Env<'_>,
    cert: &Certificate,
    message: &[u8],
    signature: &[u8],
    findings: &mut Vec<CmsFinding>,
) -> SignatureStatus {
    // RFC 3279 2.3.2: a DSA key without parameters inherits them from the
    // nearest issuer above it that has some (walked by name, bounded).
    let mut holder: Option<Arc<Certificate>> = None;
    if key.needs_inherited_dsa_parameters() {
        let mut current_issuer = cert.issuer().der().to_vec();
        for _ in 0..ctx.options.budget.depth {
            let Some(issuer) = env
                .pool
                .certificates()
                .iter()
                .chain(ctx.trust_store.certificates())
                .find(|c| c.subject().der() == current_issuer.as_slice())
                .cloned()
            else {
                break;
            };
            if SignerKey::from(issuer.public_key().spki()).needs_inherited_dsa_parameters() {
                if issuer.is_self_issued() {
                    break;
                }
                current_issuer = issuer.issuer().der().to_vec();
                continue;
            }
            holder = Some(issuer);
            break;
        }
    }
    let params: Option<AnyRef<'_>> = holder.as_ref().and_then(|h| {
        h.public_key()
            .spki()
            .algorithm
            .parameters
            .as_ref()
            .map(Into::into)
    });
    let key = match params {
        Some(p) => key.clone().with_inherited_dsa_parameters(p),
        None => key.clone(),
    };
    match ctx.verifier.verify_signature(alg, &key, message, signature) {
        Ok(()) => SignatureStatus::Valid,
        Err(SignatureError::InvalidSignature) => {
            findings.push(CmsFinding::new(
                CmsCode::SignatureInvalid,
                format!(
                    "the signature does not verify with the key of {}",
                    cert.subject()
                ),
            ));
            SignatureStatus::Invalid
        }
        Err(e) => {
            findings.push(CmsFinding::new(
                CmsCode::AlgorithmUnsupported,
                e.to_string(),
            ));
            SignatureStatus::NotChecked(e.to_string())
        }
    }
}

/// A countersignature: a SignerInfo over the signer's signature value
/// (RFC 5652 11.4).
fn verify_countersignature(
    env: &Env<'_>,
    value: Tlv<'_>,
    index: usize,
    countersigned: &[u8],
    options: &ValidationOptions,
    depth: usize,
) -> SignerResult {
    let content = Content::attached(countersigned);
    match asn1::signer_info(value) {
        Ok(si) => verify_signer(env, &si, index, &content, None, options, depth),
        Err(e) => malformed_signer(index, format!("countersignature: {e}"), options),
    }
}

/// A legacy Authenticode timestamp: a countersignature by a TSA whose
/// signing-time is the time it proves. Its path is validated at that time
/// with purpose timeStamping (the signing-time of a TSA is what Windows
/// relies on), then [`super::timestamp::from_countersignature`] judges it.
fn legacy_timestamp(
    env: &Env<'_>,
    value: Tlv<'_>,
    index: usize,
    countersigned: &[u8],
    depth: usize,
) -> super::result::TimestampResult {
    let mut ctx = env.ctx.clone();
    ctx.trust_signing_time = true;
    ctx.timestamp_proves_time = false;
    let mut options = ctx.options.clone();
    options.purposes = vec![crate::path::Purpose::TimeStamping];
    ctx.options = options.clone();
    let tsa_env = Env {
        ctx: &ctx,
        pool: env.pool,
        certificates: env.certificates,
        budget: env.budget,
        revocation: env.revocation,
    };
    let signer = verify_countersignature(&tsa_env, value, index, countersigned, &options, depth);
    super::timestamp::from_countersignature(signer)
}

/// The entry for a SignerInfo that does not decode.
pub(crate) fn malformed_signer(
    index: usize,
    detail: String,
    options: &ValidationOptions,
) -> SignerResult {
    SignerResult {
        index,
        identifier: SignerIdentifier::Unknown,
        certificate: None,
        digest_algorithm_oid: ObjectIdentifier::new_unwrap("0.0"),
        digest_algorithm: None,
        signature_algorithm_oid: ObjectIdentifier::new_unwrap("0.0"),
        signature_algorithm: None,
        signature_value: Vec::new(),
        signature: SignatureStatus::NotChecked(detail.clone()),
        content_digest_matches: false,
        signed_attributes: None,
        ess: EssBinding::Absent,
        timestamps: Vec::new(),
        countersignatures: Vec::new(),
        path_time: options.time,
        path: None,
        findings: vec![CmsFinding::new(CmsCode::AttributeMalformed, detail)],
        valid: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::result::SignatureStatus;
    use crate::path::TrustStore;

    const ROOT: &[u8] = include_bytes!("../../../examples/chain/root.pem");
    const CONTENT: &[u8] = include_bytes!("../../../examples/signatures/content.txt");

    fn anchors() -> TrustStore {
        TrustStore::from_certificates([Certificate::from_pem(ROOT).unwrap()])
    }

    fn ctx(anchors: &TrustStore) -> VerifyContext<'_> {
        VerifyContext::new(
            anchors,
            ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
        )
    }

    #[test]
    fn example_signatures() {
        let a = anchors();
        let ctx = ctx(&a);
        let attached = include_bytes!("../../../examples/signatures/attached.p7m");
        let r = verify_signed_data(attached, None, &ctx).unwrap();
        assert!(r.valid && !r.detached);
        assert!(matches!(
            r.signers[0].ess,
            EssBinding::Matches { version: 2, .. }
        ));
        let ber = include_bytes!("../../../examples/signatures/smime-stream.p7s");
        assert!(verify_signed_data(ber, None, &ctx).unwrap().valid);
        let pem = include_bytes!("../../../examples/signatures/attached-ec.pem");
        let r = verify_signed_data(pem, None, &ctx).unwrap();
        assert!(r.valid);
        assert_eq!(
            r.signers[0].signature_algorithm.unwrap().to_string(),
            "ECDSA with SHA-384"
        );
    }

    #[test]
    fn detached_content_missing_or_wrong() {
        let a = anchors();
        let ctx = ctx(&a);
        let detached = include_bytes!("../../../examples/signatures/detached.p7s");
        let mut right = CONTENT;
        assert!(
            verify_signed_data(detached, Some(&mut right), &ctx)
                .unwrap()
                .valid
        );
        let r = verify_signed_data(detached, None, &ctx).unwrap();
        let s = &r.signers[0];
        assert!(!r.valid && s.signature == SignatureStatus::Valid);
        assert!(s.findings.iter().any(|f| f.code == CmsCode::ContentMissing));
        let mut wrong: &[u8] = b"Example content signed with the example chain!\n";
        let r = verify_signed_data(detached, Some(&mut wrong), &ctx).unwrap();
        assert!(
            r.signers[0]
                .findings
                .iter()
                .any(|f| f.code == CmsCode::MessageDigestMismatch)
        );
        assert!(!r.signers[0].signature_intact());
    }

    #[test]
    fn untrusted_without_anchor() {
        let empty = TrustStore::new();
        let ctx = ctx(&empty);
        let attached = include_bytes!("../../../examples/signatures/attached.p7m");
        let r = verify_signed_data(attached, None, &ctx).unwrap();
        assert!(!r.valid && r.signers[0].signature_intact());
        assert!(
            r.signers[0]
                .findings
                .iter()
                .any(|f| f.code == CmsCode::SignerPathInvalid)
        );
    }

    #[test]
    fn key_algorithm_as_signature_algorithm_is_mapped() {
        let ai = |oid: &str| {
            let oid = ObjectIdentifier::new_unwrap(oid);
            super::super::tlv::encode(0x30, &super::super::tlv::encode(0x06, oid.as_bytes()))
        };
        for (key_alg, digest, expected) in [
            (
                "1.2.840.113549.1.1.1",
                DigestAlgorithm::Sha256,
                "1.2.840.113549.1.1.11",
            ),
            (
                "1.2.840.113549.1.1.1",
                DigestAlgorithm::Sha1,
                "1.2.840.113549.1.1.5",
            ),
            (
                "1.2.840.10045.2.1",
                DigestAlgorithm::Sha384,
                "1.2.840.10045.4.3.3",
            ),
            (
                "1.2.840.10040.4.1",
                DigestAlgorithm::Sha256,
                "2.16.840.1.101.3.4.3.2",
            ),
            (
                "1.2.840.10045.4.3.2",
                DigestAlgorithm::Sha512,
                "1.2.840.10045.4.3.2",
            ),
        ] {
            let der = ai(key_alg);
            let tlv = super::super::tlv::single(&der, "ai").unwrap();
            let mapped = signature_identifier(&tlv, Some(digest)).unwrap();
            assert_eq!(mapped.oid.to_string(), expected, "{key_alg} {digest}");
        }
        let der = ai("1.2.840.10040.4.1");
        let tlv = super::super::tlv::single(&der, "ai").unwrap();
        let err = signature_identifier(&tlv, Some(DigestAlgorithm::Sha512)).unwrap_err();
        assert_eq!(err.code, CmsCode::AlgorithmUnsupported);
        let err = signature_identifier(&tlv, None).unwrap_err();
        assert_eq!(err.code, CmsCode::AlgorithmUnsupported);
    }
}

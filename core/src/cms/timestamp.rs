//! RFC 3161 timestamp tokens over a signature value (the unsigned attribute
//! id-aa-signatureTimeStampToken, RFC 3161 appendix A / RFC 5126 6.1.1).
//!
//! A token is valid when: it is a SignedData with eContentType id-ct-TSTInfo
//! and one signer; that signer's signature, digests, content-type and ESS
//! binding verify (the same code as for any signer); the messageImprint is
//! the hash of the timestamped signature value; the TSA certificate has the
//! id-kp-timeStamping EKU (critical and alone, RFC 3161 2.3, unless the
//! caller relaxes it); and the TSA path validates at genTime with purpose
//! timeStamping.

use der::asn1::ObjectIdentifier;

use super::asn1::{self, ID_CT_TSTINFO};
use super::context::VerifyContext;
use super::findings::{CmsCode, CmsFinding, Severity};
use super::result::{TimestampResult, TstInfo};
use super::tlv::{TlvError, TlvResult, single, tag};
use super::verify::{Content, parse_signer_infos, verify_signers};
use crate::cert::extensions::oid;
use crate::cert::{Certificate, ExtensionValue, SerialNumber, parse_asn1_time};
use crate::crypto::DigestAlgorithm;
use crate::path::Purpose;

/// id-kp-timeStamping (RFC 3161 2.3).
const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

fn failed(findings: Vec<CmsFinding>) -> TimestampResult {
    TimestampResult {
        tst_info: None,
        gen_time: None,
        imprint_matches: false,
        signer: None,
        findings,
        valid: false,
    }
}

/// Verifies an RFC 3161 TimeStampToken (DER, BER or PEM ContentInfo) over
/// `stamped`, the data whose hash the token's messageImprint holds (for a
/// signature timestamp: the signature value). The TSA path is validated
/// at genTime with purpose timeStamping, with the context's trust store,
/// intermediates, limits and EKU strictness.
///
/// `Err` only when `token` is not a decodable ContentInfo; everything else
/// (wrong content type, bad signature, imprint mismatch, untrusted TSA) is
/// a finding in the result.
pub fn verify_timestamp_token(
    token: &[u8],
    stamped: &[u8],
    ctx: &VerifyContext<'_>,
) -> crate::error::Result<TimestampResult> {
    use crate::error::Error;
    let decoded = super::input::decode_input(token)?;
    let der = super::ber::normalise(&decoded.der).map_err(|e| Error::der("TimeStampToken", e))?;
    asn1::content_info(&der).map_err(|e| Error::der("TimeStampToken", e))?;
    let budget = std::cell::Cell::new(ctx.limits.max_signer_verifications);
    Ok(verify_timestamp(
        &der,
        &|alg| alg.digest(stamped),
        ctx,
        0,
        &budget,
    ))
}

/// [`verify_timestamp_token`] for data too large to hold: `imprint` gives
/// the data's digest with the algorithm the token's messageImprint names
/// (a PDF document timestamp hashes its ByteRange from the file).
pub fn verify_timestamp_token_with(
    token: &[u8],
    imprint: &dyn Fn(DigestAlgorithm) -> Vec<u8>,
    ctx: &VerifyContext<'_>,
) -> crate::error::Result<TimestampResult> {
    use crate::error::Error;
    let decoded = super::input::decode_input(token)?;
    let der = super::ber::normalise(&decoded.der).map_err(|e| Error::der("TimeStampToken", e))?;
    asn1::content_info(&der).map_err(|e| Error::der("TimeStampToken", e))?;
    let budget = std::cell::Cell::new(ctx.limits.max_signer_verifications);
    Ok(verify_timestamp(&der, imprint, ctx, 0, &budget))
}

/// Verifies the TimeStampToken `token` (a DER ContentInfo) over the data
/// whose digest `imprint` gives (the signature value it should cover).
pub(crate) fn verify_timestamp(
    token: &[u8],
    imprint: &dyn Fn(DigestAlgorithm) -> Vec<u8>,
    ctx: &VerifyContext<'_>,
    depth: usize,
    budget: &std::cell::Cell<usize>,
) -> TimestampResult {
    let malformed =
        |detail: String| failed(vec![CmsFinding::new(CmsCode::TimestampMalformed, detail)]);
    let sd = match asn1::content_info(token) {
        Ok(sd) => sd,
        Err(e) => return malformed(format!("TimeStampToken: {e}")),
    };
    if sd.econtent_type != ID_CT_TSTINFO {
        return malformed(format!(
            "eContentType {} is not id-ct-TSTInfo (RFC 3161 2.4.2)",
            sd.econtent_type
        ));
    }
    let Some(econtent) = sd.econtent else {
        return malformed("the TSTInfo content is missing".into());
    };
    let tst = match tst_info(econtent) {
        Ok(t) => t,
        Err(e) => return malformed(format!("TSTInfo: {e}")),
    };
    let mut findings = Vec::new();
    let imprint_matches = match DigestAlgorithm::from_oid(&tst.hash_algorithm) {
        Ok(alg) => {
            let actual = imprint(alg);
            if actual == tst.hashed_message {
                true
            } else {
                findings.push(CmsFinding::new(
                    CmsCode::TimestampImprintMismatch,
                    format!(
                        "messageImprint {} is not the {alg} of the timestamped data ({})",
                        super::attributes::hex(&tst.hashed_message),
                        super::attributes::hex(&actual)
                    ),
                ));
                false
            }
        }
        Err(_) => {
            findings.push(CmsFinding::new(
                CmsCode::AlgorithmUnsupported,
                format!("messageImprint hash algorithm {}", tst.hash_algorithm),
            ));
            false
        }
    };

    // The TSA: same verification as any signer, at genTime, for timeStamping.
    let mut options = ctx.options.clone();
    options.time = tst.gen_time;
    options.purposes = vec![Purpose::TimeStamping];
    let signer_infos = match parse_signer_infos(&sd, ctx, &mut findings) {
        Ok(s) => s,
        Err(e) => {
            findings.push(CmsFinding::new(CmsCode::TimestampMalformed, e.to_string()));
            return TimestampResult {
                gen_time: Some(tst.gen_time),
                tst_info: Some(tst),
                imprint_matches,
                ..failed(findings)
            };
        }
    };
    if signer_infos.len() != 1 {
        findings.push(CmsFinding::new(
            CmsCode::TimestampMalformed,
            format!(
                "the token has {} SignerInfos; RFC 3161 2.4.2 requires exactly one",
                signer_infos.len()
            ),
        ));
    }
    let content = Content::attached(econtent);
    let (_, mut signers) = verify_signers(
        &sd,
        &signer_infos,
        &content,
        ctx,
        &options,
        depth,
        budget,
        &mut findings,
    );
    let signer = if signers.is_empty() {
        None
    } else {
        Some(Box::new(signers.swap_remove(0)))
    };
    if let Some(s) = &signer {
        if !s.signature_intact() {
            findings.push(CmsFinding::new(
                CmsCode::TimestampSignatureInvalid,
                format!(
                    "the token's signature is not intact: {}",
                    s.findings
                        .iter()
                        .filter(|f| f.is_error())
                        .map(|f| format!("{} {}", f.code.code(), f.detail))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        if let Some(cert) = &s.certificate {
            check_tsa_eku(cert, ctx.strict_tsa_eku, &mut findings);
        }
        if !s.path.as_ref().is_some_and(|p| p.valid) {
            findings.push(CmsFinding::new(
                CmsCode::TimestampPathInvalid,
                format!(
                    "the TSA certificate path is not valid at genTime {}",
                    tst.gen_time
                ),
            ));
        }
    }
    let valid = signer.as_ref().is_some_and(|s| s.valid)
        && imprint_matches
        && !findings.iter().any(CmsFinding::is_error);
    TimestampResult {
        gen_time: Some(tst.gen_time),
        tst_info: Some(tst),
        imprint_matches,
        signer,
        findings,
        valid,
    }
}

/// The verdict on a legacy Authenticode timestamp (a countersignature by a
/// TSA, verified with its path at its signing-time for timeStamping): valid
/// when the countersignature is, it carries a signing-time, and its
/// certificate has id-kp-timeStamping. RFC 3161 2.3's criticality rule is
/// not asked of it (these tokens predate RFC 3161 and their TSA
/// certificates, Microsoft's and VeriSign's, have a non-critical EKU), so a
/// breach is a warning; a missing id-kp-timeStamping is an error.
pub(crate) fn from_countersignature(signer: super::result::SignerResult) -> TimestampResult {
    let mut findings = Vec::new();
    let gen_time = signer
        .signed_attributes
        .as_ref()
        .and_then(|a| a.signing_time);
    if gen_time.is_none() {
        findings.push(CmsFinding::new(
            CmsCode::TimestampMalformed,
            "the countersignature timestamp has no signing-time attribute: it proves no time",
        ));
    }
    if !signer.signature_intact() {
        findings.push(CmsFinding::new(
            CmsCode::TimestampSignatureInvalid,
            "the countersignature timestamp's signature is not intact",
        ));
    }
    if let Some(cert) = &signer.certificate {
        check_tsa_eku(cert, false, &mut findings);
    }
    if !signer.path.as_ref().is_some_and(|p| p.valid) {
        findings.push(CmsFinding::new(
            CmsCode::TimestampPathInvalid,
            format!(
                "the countersigning TSA's certificate path is not valid at its signing-time {}",
                signer.path_time
            ),
        ));
    }
    let valid = signer.valid && gen_time.is_some() && !findings.iter().any(CmsFinding::is_error);
    TimestampResult {
        tst_info: None,
        gen_time,
        imprint_matches: signer.content_digest_matches,
        signer: Some(Box::new(signer)),
        findings,
        valid,
    }
}

/// RFC 3161 2.3: "The corresponding certificate MUST contain only one
/// instance of the extended key usage field extension ... with KeyPurposeID
/// having value: id-kp-timeStamping. This extension MUST be critical."
fn check_tsa_eku(cert: &Certificate, strict: bool, findings: &mut Vec<CmsFinding>) {
    let Some(ext) = cert.extension(&oid::EXTENDED_KEY_USAGE) else {
        findings.push(CmsFinding::new(
            CmsCode::TimestampEkuMissing,
            format!("TSA certificate {} has no extendedKeyUsage", cert.subject()),
        ));
        return;
    };
    let purposes = match ext.value() {
        ExtensionValue::ExtendedKeyUsage(p) => p.clone(),
        _ => Vec::new(),
    };
    if !purposes.contains(&ID_KP_TIME_STAMPING) {
        findings.push(CmsFinding::new(
            CmsCode::TimestampEkuMissing,
            format!(
                "TSA certificate {} extendedKeyUsage lacks id-kp-timeStamping",
                cert.subject()
            ),
        ));
        return;
    }
    let mut problems = Vec::new();
    if !ext.critical() {
        problems.push("is not critical".to_string());
    }
    if purposes.len() != 1 {
        problems.push(format!(
            "holds {} purposes ({})",
            purposes.len(),
            purposes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !problems.is_empty() {
        let mut f = CmsFinding::new(
            CmsCode::TimestampEkuNotStrict,
            format!(
                "TSA certificate {} extendedKeyUsage {} (RFC 3161 2.3)",
                cert.subject(),
                problems.join(" and ")
            ),
        );
        if strict {
            f.severity = Severity::Error;
        }
        findings.push(f);
    }
}

/// An OBJECT IDENTIFIER's contents as dotted text, with arcs up to 128 bits
/// (`const-oid` stops at 32-bit arcs).
fn dotted(bytes: &[u8]) -> TlvResult<String> {
    let mut arcs: Vec<u128> = Vec::new();
    let mut v: u128 = 0;
    for (i, b) in bytes.iter().enumerate() {
        if v > (u128::MAX >> 7) {
            return Err(TlvError::rule("policy: OID arc too large"));
        }
        v = (v << 7) | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(v);
            v = 0;
        } else if i + 1 == bytes.len() {
            return Err(TlvError::rule("policy: truncated OID"));
        }
    }
    let first = *arcs
        .first()
        .ok_or_else(|| TlvError::rule("policy: empty OID"))?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in &arcs[1..] {
        out.push_str(&format!(".{arc}"));
    }
    Ok(out)
}

/// ```text
/// TSTInfo ::= SEQUENCE {
///   version INTEGER { v1(1) }, policy TSAPolicyId, messageImprint MessageImprint,
///   serialNumber INTEGER, genTime GeneralizedTime, accuracy Accuracy OPTIONAL,
///   ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
///   tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
/// MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
/// ```
pub(crate) fn tst_info(der: &[u8]) -> TlvResult<TstInfo> {
    let seq = single(der, "TSTInfo")?.expect(tag::SEQUENCE, "TSTInfo")?;
    let mut r = seq.reader();
    let version = r.expect(tag::INTEGER, "version")?.small_uint("version")?;
    if version != 1 {
        return Err(TlvError::rule(format!("version {version}, expected 1")));
    }
    let policy = dotted(r.expect(tag::OID, "policy")?.value)?;
    let imprint = r.expect(tag::SEQUENCE, "messageImprint")?;
    let mut ir = imprint.reader();
    let alg = ir.expect(tag::SEQUENCE, "hashAlgorithm")?;
    let hash_algorithm = alg
        .reader()
        .expect(tag::OID, "hashAlgorithm")?
        .oid("hashAlgorithm")?;
    let hashed_message = ir
        .expect(tag::OCTET_STRING, "hashedMessage")?
        .value
        .to_vec();
    ir.finish("messageImprint")?;
    let serial = r.expect(tag::INTEGER, "serialNumber")?.value.to_vec();
    let gen_tlv = r.expect(tag::GENERALIZED_TIME, "genTime")?;
    let gen_time = parse_asn1_time(gen_tlv.value, 4).ok_or_else(|| {
        TlvError::rule(format!(
            "genTime '{}'",
            String::from_utf8_lossy(gen_tlv.value)
        ))
    })?;
    r.optional(tag::SEQUENCE, "accuracy")?;
    r.optional(tag::BOOLEAN, "ordering")?;
    let nonce = r.optional(tag::INTEGER, "nonce")?.map(|n| n.value.to_vec());
    r.optional(tag::CTX0, "tsa")?;
    r.optional(tag::CTX1, "extensions")?;
    r.finish("TSTInfo")?;
    Ok(TstInfo {
        policy,
        hash_algorithm,
        hashed_message,
        serial: SerialNumber::from_bytes(serial),
        gen_time,
        nonce,
    })
}

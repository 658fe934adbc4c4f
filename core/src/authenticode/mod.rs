//! Authenticode signatures of PE files (Microsoft, "Windows Authenticode
//! Portable Executable Signature Format"): the PKCS #7 SignedData in the
//! certificate table, whose SpcIndirectDataContent holds the image hash;
//! nested signatures (unsigned attribute 1.3.6.1.4.1.311.2.4.1); page
//! hashes; timestamps in both forms (the legacy PKCS #9 countersignature
//! and the RFC 3161 token of 1.3.6.1.4.1.311.3.3.1).
//!
//! * [`verify_pe`]: reads the file through `Read + Seek` (headers with the
//!   `object` crate, then one streaming pass for the image hash), verifies
//!   every signature with [`crate::cms::verify_signed_data`] and applies
//!   the Authenticode rules. Result: [`AuthenticodeResult`].
//! * Findings carry [`AuthenticodeCode`]s (30600-30699, docs/authenticode.md).

mod cert_table;
mod findings;
mod image_hash;
mod indirect;
mod pe;

pub use findings::{AuthenticodeCode, AuthenticodeFinding, Severity};

use der::asn1::ObjectIdentifier as Oid;

use crate::cert::Certificate;
use crate::cms::{SignedDataResult, VerifyContext, verify_signed_data};
use crate::crypto::DigestAlgorithm;
use crate::error::Result;
use crate::pdf::ReadSeek;

/// SPC_INDIRECT_DATA_OBJID: the eContentType of an Authenticode signature.
const SPC_INDIRECT_DATA: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.1.4");
/// szOID_NESTED_SIGNATURE: a further Authenticode signature, as an
/// unsigned attribute of the primary signer.
const NESTED_SIGNATURE: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.4.1");
/// Lifetime signing (szOID_KP_LIFETIME_SIGNING).
const LIFETIME_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.10.3.13");
/// id-ecPublicKey (RFC 5480 2.1.1).
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// Most nested signatures checked: files carry one or two (SHA-1 and
/// SHA-256 dual signing); 16 bounds hostile files.
const MAX_NESTED: usize = 16;

/// Choices of Authenticode verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthenticodeOptions {
    /// CVE-2013-3900: bytes after the signature in the certificate table
    /// are an error when true (the default, as Windows with
    /// `EnableCertPaddingCheck`), a warning when false (Windows' default).
    pub strict_padding: bool,
}

impl Default for AuthenticodeOptions {
    fn default() -> Self {
        AuthenticodeOptions {
            strict_padding: true,
        }
    }
}

/// One Authenticode signature (the primary or a nested one).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PeSignature {
    /// 0 for the primary signature, then nested ones in attribute order.
    pub index: usize,
    /// The CMS verification (signer, path, timestamps), when it decodes.
    pub cms: Option<SignedDataResult>,
    /// The image digest algorithm of the SpcIndirectDataContent.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// True when the signed image digest is the file's.
    pub image_digest_matches: bool,
    /// Page hashes: `Some(true)` when present and matching.
    pub page_hashes_match: Option<bool>,
    /// Problems of this signature (CMS and path findings stay in `cms`).
    pub findings: Vec<AuthenticodeFinding>,
    /// True when this signature is valid.
    pub valid: bool,
}

/// The verdict on a PE file's Authenticode signatures.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthenticodeResult {
    /// PE32+ (64-bit) rather than PE32.
    pub pe32_plus: bool,
    /// The primary signature first, then the nested ones.
    pub signatures: Vec<PeSignature>,
    /// Problems of the file (the certificate table).
    pub findings: Vec<AuthenticodeFinding>,
    /// True when the file is signed, every signature is valid and no
    /// finding is an error.
    pub valid: bool,
}

/// True when `file` is a PE image: `MZ`, and `PE\0\0` at the offset
/// the DOS header gives (the PE format's signature). Reads 4 bytes twice.
pub fn is_pe(file: &mut dyn ReadSeek) -> bool {
    use std::io::SeekFrom;
    let mut dos = [0u8; 64];
    if file.seek(SeekFrom::Start(0)).is_err()
        || file.read_exact(&mut dos).is_err()
        || !dos.starts_with(b"MZ")
    {
        return false;
    }
    let offset = u32::from_le_bytes([dos[60], dos[61], dos[62], dos[63]]);
    let mut signature = [0u8; 4];
    file.seek(SeekFrom::Start(u64::from(offset))).is_ok()
        && file.read_exact(&mut signature).is_ok()
        && signature == *b"PE\0\0"
}

/// The Authenticode image digest of the PE file `file` with `algorithm`
/// (what `osslsigncode verify` prints as the calculated message digest).
/// `Err` when the file is not a PE image.
pub fn image_digest(file: &mut dyn ReadSeek, algorithm: DigestAlgorithm) -> Result<Vec<u8>> {
    let layout = pe::read_layout(file)?;
    let mut digests = image_hash::image_digests(file, &layout, &[algorithm])?;
    Ok(digests.remove(0).1)
}

/// Verifies the Authenticode signatures of the PE file `file` with `ctx`
/// (trust anchors, validation time, the signer purpose: code signing).
/// Timestamps: a valid one (legacy countersignature or RFC 3161) proves
/// the signing time; their TSA certificates need id-kp-timeStamping but
/// not its criticality (docs/authenticode.md).
///
/// `Err` only when the file is not a PE image or cannot be read; an
/// unsigned file, a changed image, hidden data or an untrusted signer are
/// findings.
///
/// ```
/// use validate::authenticode::{AuthenticodeOptions, verify_pe};
/// use validate::cms::VerifyContext;
/// use validate::path::{TrustStore, ValidationOptions};
/// let anchors = TrustStore::new();
/// let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()));
/// let mut not_pe = std::io::Cursor::new(b"hello world!".to_vec());
/// assert!(verify_pe(&mut not_pe, &ctx, &AuthenticodeOptions::default()).is_err());
/// ```
pub fn verify_pe(
    file: &mut dyn ReadSeek,
    ctx: &VerifyContext<'_>,
    options: &AuthenticodeOptions,
) -> Result<AuthenticodeResult> {
    let layout = pe::read_layout(file)?;
    let mut result = AuthenticodeResult {
        pe32_plus: layout.pe32_plus,
        signatures: Vec::new(),
        findings: Vec::new(),
        valid: false,
    };
    let Some(table) = layout.cert_table else {
        result.findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::NotSigned,
            "the certificate table directory entry is empty: the file is not signed",
        ));
        return Ok(result);
    };
    let Some(primary) = cert_table::read(file, &layout, table, options, &mut result.findings)?
    else {
        return Ok(result);
    };
    // The primary signature and the nested ones below its signer.
    let mut blobs = vec![primary.clone()];
    match crate::cms::raw::signer_attributes(&primary, 0) {
        Ok(signers) => {
            let nested: Vec<Vec<u8>> = signers
                .first()
                .map(|s| s.unsigned_values(NESTED_SIGNATURE).0)
                .unwrap_or_default()
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect();
            if nested.len() > MAX_NESTED {
                result.findings.push(AuthenticodeFinding::new(
                    AuthenticodeCode::TooManyNestedSignatures,
                    format!(
                        "{} nested signatures; only the first {MAX_NESTED} are checked",
                        nested.len()
                    ),
                ));
            }
            blobs.extend(nested.into_iter().take(MAX_NESTED));
        }
        Err(e) => result.findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::SignatureMalformed,
            format!("the primary signature: {e}"),
        )),
    }
    let mut ctx = ctx.clone();
    ctx.countersignature_timestamps = true;
    ctx.strict_tsa_eku = false;
    let parsed: Vec<(
        Option<SignedDataResult>,
        Option<indirect::IndirectData>,
        Vec<AuthenticodeFinding>,
    )> = blobs
        .iter()
        .map(|blob| signature_content(blob, &ctx))
        .collect();
    let mut algorithms: Vec<DigestAlgorithm> = parsed
        .iter()
        .filter_map(|(_, i, _)| i.as_ref().and_then(|i| i.digest_algorithm))
        .collect();
    algorithms.sort_unstable_by_key(|a| a.oid().to_string());
    algorithms.dedup();
    let digests = image_hash::image_digests(file, &layout, &algorithms)?;
    for (index, (cms, indirect, mut findings)) in parsed.into_iter().enumerate() {
        let mut sig = PeSignature {
            index,
            cms,
            digest_algorithm: None,
            image_digest_matches: false,
            page_hashes_match: None,
            findings: Vec::new(),
            valid: false,
        };
        if let Some(indirect) = indirect {
            sig.digest_algorithm = indirect.digest_algorithm;
            check_digests(file, &layout, &indirect, &digests, &mut sig, &mut findings)?;
        }
        if let Some(cms) = &sig.cms {
            signer_rules(cms, ctx.options.time, &mut findings);
        }
        sig.valid = sig.cms.as_ref().is_some_and(|c| c.valid)
            && sig.image_digest_matches
            && sig.page_hashes_match != Some(false)
            && !findings.iter().any(AuthenticodeFinding::is_error);
        sig.findings = findings;
        result.signatures.push(sig);
    }
    result.valid = !result.signatures.is_empty()
        && result.signatures.iter().all(|s| s.valid)
        && !result.findings.iter().any(AuthenticodeFinding::is_error);
    Ok(result)
}

/// Verifies one SignedData and reads its SpcIndirectDataContent.
fn signature_content(
    blob: &[u8],
    ctx: &VerifyContext<'_>,
) -> (
    Option<SignedDataResult>,
    Option<indirect::IndirectData>,
    Vec<AuthenticodeFinding>,
) {
    let mut findings = Vec::new();
    let cms = match verify_signed_data(blob, None, ctx) {
        Ok(c) => c,
        Err(e) => {
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::SignatureMalformed,
                format!("not a readable PKCS #7 SignedData: {e}"),
            ));
            return (None, None, findings);
        }
    };
    if cms.signers.len() != 1 {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::NotOneSigner,
            format!(
                "{} SignerInfos; Authenticode requires exactly one",
                cms.signers.len()
            ),
        ));
    }
    if cms.content_type != SPC_INDIRECT_DATA || cms.detached {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::NotIndirectData,
            format!(
                "eContentType {}{}, not SPC_INDIRECT_DATA_OBJID {SPC_INDIRECT_DATA}",
                cms.content_type,
                if cms.detached { " (detached)" } else { "" }
            ),
        ));
        return (Some(cms), None, findings);
    }
    // PKCS #7 v1.5 (Authenticode): the content is the SpcIndirectDataContent
    // SEQUENCE itself, not an OCTET STRING around it.
    if !matches!(crate::cms::raw::econtent_tag(blob), Ok(Some(0x30))) {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::NotIndirectData,
            "eContent does not hold the SpcIndirectDataContent SEQUENCE (PKCS #7 v1.5 content, RFC 2315 9.1)",
        ));
        return (Some(cms), None, findings);
    }
    let content = crate::cms::encapsulated_content(blob).unwrap_or_default();
    match indirect::parse(&content) {
        Ok(i) if i.is_pe_image() => (Some(cms), Some(i), findings),
        Ok(i) => {
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::NotPeImageData,
                format!(
                    "SpcAttributeTypeAndOptionalValue type {} is not SPC_PE_IMAGE_DATAOBJ",
                    i.data_type
                ),
            ));
            (Some(cms), None, findings)
        }
        Err(e) => {
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::NotIndirectData,
                format!("SpcIndirectDataContent: {e}"),
            ));
            (Some(cms), None, findings)
        }
    }
}

/// The image digest and page hash checks of one signature.
fn check_digests(
    file: &mut dyn ReadSeek,
    layout: &pe::PeLayout,
    indirect: &indirect::IndirectData,
    digests: &[(DigestAlgorithm, Vec<u8>)],
    sig: &mut PeSignature,
    findings: &mut Vec<AuthenticodeFinding>,
) -> Result<()> {
    let Some(algorithm) = indirect.digest_algorithm else {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::DigestAlgorithmUnsupported,
            format!("image digest algorithm {}", indirect.digest_oid),
        ));
        return Ok(());
    };
    if algorithm == DigestAlgorithm::Sha1 {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::WeakImageDigest,
            "the image digest is SHA-1",
        ));
    }
    let actual = digests
        .iter()
        .find(|(a, _)| *a == algorithm)
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    sig.image_digest_matches = actual == indirect.digest;
    if !sig.image_digest_matches {
        findings.push(AuthenticodeFinding::new(
            AuthenticodeCode::ImageDigestMismatch,
            format!(
                "signed {algorithm} image digest {} but the file's is {}",
                hex(&indirect.digest),
                hex(&actual)
            ),
        ));
    }
    match &indirect.page_hashes {
        None => {}
        Some(Err(e)) => {
            sig.page_hashes_match = Some(false);
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::PageHashMalformed,
                e.to_string(),
            ));
        }
        Some(Ok((alg, table))) => {
            let ours = image_hash::page_hashes(file, layout, *alg);
            let matches = ours.as_ref().is_ok_and(|t| t == table);
            sig.page_hashes_match = Some(matches);
            if !matches {
                let why = match ours {
                    Ok(t) => {
                        let entry = 4 + alg.output_len();
                        let first = t
                            .chunks(entry)
                            .zip(table.chunks(entry))
                            .position(|(a, b)| a != b);
                        format!(
                            "{alg} page hash table of {} entries differs from the file's ({} entries){}",
                            table.len() / entry,
                            t.len() / entry,
                            first.map_or(String::new(), |i| format!(", first at entry {i}"))
                        )
                    }
                    Err(e) => e.to_string(),
                };
                findings.push(AuthenticodeFinding::new(
                    AuthenticodeCode::PageHashMismatch,
                    why,
                ));
            }
        }
    }
    Ok(())
}

/// The rules on a signature's certificates: no explicit-curve keys
/// (CVE-2020-0601), lifetime signing ends with the certificate, every
/// timestamp must verify; and a summary finding when the CMS verification
/// failed.
fn signer_rules(
    cms: &SignedDataResult,
    at: crate::time::Timestamp,
    findings: &mut Vec<AuthenticodeFinding>,
) {
    for cert in &cms.certificates {
        if let Some(why) = explicit_curve(cert) {
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::ExplicitCurveKey,
                format!("certificate '{}' {why} (CVE-2020-0601)", cert.subject()),
            ));
        }
    }
    for signer in &cms.signers {
        if let Some(cert) = &signer.certificate
            && has_eku(cert, &LIFETIME_SIGNING)
            && cert.not_after().time().is_some_and(|na| at > na)
        {
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::LifetimeSigningExpired,
                format!(
                    "'{}' has the lifetime-signing EKU and expired {}, before {at}",
                    cert.subject(),
                    cert.not_after()
                        .time()
                        .map_or(String::new(), |t| t.to_string())
                ),
            ));
        }
        for (i, t) in signer.timestamps.iter().enumerate() {
            if !t.valid {
                let why: Vec<String> = t
                    .findings
                    .iter()
                    .filter(|f| f.is_error())
                    .map(|f| format!("{} {}", f.code.code(), f.detail))
                    .collect();
                findings.push(AuthenticodeFinding::new(
                    AuthenticodeCode::TimestampInvalid,
                    format!(
                        "timestamp {i} of signer {} is not valid: {}",
                        signer.identifier,
                        why.join("; ")
                    ),
                ));
            }
        }
        if !signer.valid {
            let why: Vec<String> = signer
                .findings
                .iter()
                .filter(|f| f.is_error())
                .map(|f| format!("{} {}", f.code.code(), f.detail))
                .collect();
            findings.push(AuthenticodeFinding::new(
                AuthenticodeCode::SignatureInvalid,
                format!(
                    "signer {} is not valid: {}",
                    signer.identifier,
                    why.join("; ")
                ),
            ));
        }
    }
}

/// RFC 5480 2.1.1: EC parameters must name a curve; explicit
/// ECParameters (a SEQUENCE) are what CVE-2020-0601 abused.
fn explicit_curve(cert: &Certificate) -> Option<&'static str> {
    let spki = cert.public_key().spki();
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return None;
    }
    match spki.algorithm.parameters.as_ref().map(der::Tagged::tag) {
        Some(der::Tag::ObjectIdentifier) => None,
        Some(_) => Some("has an EC key with explicit curve parameters"),
        None => Some("has an EC key without curve parameters"),
    }
}

fn has_eku(cert: &Certificate, purpose: &Oid) -> bool {
    matches!(
        cert.extension(&crate::cert::extensions::oid::EXTENDED_KEY_USAGE).map(|e| e.value()),
        Some(crate::cert::ExtensionValue::ExtendedKeyUsage(p)) if p.contains(purpose)
    )
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

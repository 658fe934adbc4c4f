//! NuGet package signatures (the NuGet package signing specification, as
//! the NuGet client verifies it): the `.signature.p7s` entry of a package,
//! a CMS SignedData whose content commits to the hash of the package
//! without that entry, an author or repository primary signature, at most
//! one repository countersignature, RFC 3161 timestamps.
//!
//! * [`verify_package`]: reads the package through `Read + Seek` (never
//!   whole), checks the zip rules and the content hash, verifies the CMS
//!   signature with [`crate::cms::verify_signed_data`] and applies the
//!   package signing rules. Result: [`PackageSignatureResult`].
//! * Findings carry [`NuGetCode`]s (30500-30599) and, in their detail, the
//!   NuGet client's `NU3xxx` code (docs/nuget.md).

mod archive;
mod attributes;
mod content;
mod findings;
mod rules;

pub use attributes::NuGetSignatureType;
pub use findings::{NuGetCode, NuGetFinding, Severity};

use crate::cms::{SignedDataResult, VerifyContext, verify_signed_data};
use crate::crypto::DigestAlgorithm;
use crate::error::Result;
use crate::pdf::ReadSeek;

/// id-data (RFC 5652 4): the signature content is plain data.
const ID_DATA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// Countersignatures read below the primary signer (a repository
/// countersignature has no countersignature of its own).
const COUNTERSIGNATURE_DEPTH: usize = 1;

/// The verdict on a package's signature.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PackageSignatureResult {
    /// Author, repository or unknown, by the primary signature's commitment type.
    pub signature_type: Option<NuGetSignatureType>,
    /// The package hash algorithm of the signature content.
    pub content_hash_algorithm: Option<DigestAlgorithm>,
    /// True when the package hash in the signature is the package's.
    pub content_hash_matches: bool,
    /// The primary signature's CMS verification, when the entry was read.
    pub cms: Option<SignedDataResult>,
    /// The index, among the primary signer's countersignatures, of the
    /// repository countersignature.
    pub repository_countersignature: Option<usize>,
    /// nuget-v3-service-index-url of the repository signature or countersignature.
    pub v3_service_index_url: Option<String>,
    /// nuget-package-owners of the repository signature or countersignature.
    pub package_owners: Vec<String>,
    /// Every broken rule (CMS and path findings stay in `cms`).
    pub findings: Vec<NuGetFinding>,
    /// True when the package is signed, unchanged, every signature and its
    /// timestamps are valid and no finding is an error.
    pub valid: bool,
}

impl PackageSignatureResult {
    fn unsigned(findings: Vec<NuGetFinding>) -> Self {
        PackageSignatureResult {
            signature_type: None,
            content_hash_algorithm: None,
            content_hash_matches: false,
            cms: None,
            repository_countersignature: None,
            v3_service_index_url: None,
            package_owners: Vec::new(),
            findings,
            valid: false,
        }
    }
}

/// True when `head` (the first bytes of a file) starts a zip archive.
pub fn looks_like_zip(head: &[u8]) -> bool {
    archive::looks_like_zip(head)
}

/// True when the zip archive `package` holds a `.signature.p7s` entry
/// (or one named so but for case): a signed NuGet package, for type
/// detection. The reader's position is left anywhere.
pub fn is_signed_package(package: &mut dyn ReadSeek) -> bool {
    archive::has_signature_entry(package)
}

/// Verifies the signature of the NuGet package `package` with `ctx` (trust
/// anchors, the validation time and the purpose of the signer paths, which
/// should be code signing).
///
/// `Err` only for input that is not a readable single-disk zip archive;
/// an unsigned package, a broken rule, a changed package or an untrusted
/// signer are findings.
///
/// ```
/// use validate::cms::VerifyContext;
/// use validate::nuget::{NuGetCode, verify_package};
/// use validate::path::{TrustStore, ValidationOptions};
/// let anchors = TrustStore::new();
/// let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()));
/// // An empty zip archive: an end of central directory record alone.
/// let mut empty = std::io::Cursor::new(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec());
/// let result = verify_package(&mut empty, &ctx).unwrap();
/// assert!(!result.valid);
/// assert_eq!(result.findings[0].code, NuGetCode::NotSigned);
/// assert!(result.findings[0].detail.starts_with("NU3004"));
/// ```
pub fn verify_package(
    package: &mut dyn ReadSeek,
    ctx: &VerifyContext<'_>,
) -> Result<PackageSignatureResult> {
    let mut findings = Vec::new();
    let Some(layout) = archive::read_layout(package, &mut findings)? else {
        return Ok(PackageSignatureResult::unsigned(findings));
    };
    let Some(signature) = layout.signature else {
        return Ok(PackageSignatureResult::unsigned(findings));
    };
    let bytes = archive::read_signature(package, &layout, signature)?;
    let mut result = PackageSignatureResult::unsigned(findings);
    let cms = match verify_signed_data(&bytes, None, ctx) {
        Ok(cms) => cms,
        Err(e) => {
            result.findings.push(NuGetFinding::new(
                NuGetCode::PrimarySignatureInvalid,
                format!(
                    "{}: not a readable CMS SignedData: {e}",
                    archive::SIGNATURE_NAME
                ),
            ));
            return Ok(result);
        }
    };
    // The content: Version:1 and the package hash.
    match content::parse(&crate::cms::encapsulated_content(&bytes).unwrap_or_default()) {
        _ if cms.detached => result.findings.push(NuGetFinding::new(
            NuGetCode::ContentVersionUnsupported,
            "the signature is detached; the signature content must be inside it",
        )),
        _ if cms.content_type != ID_DATA => result.findings.push(NuGetFinding::new(
            NuGetCode::ContentVersionUnsupported,
            format!("eContentType {} is not id-data", cms.content_type),
        )),
        // RFC 5652 5.2: eContent is an OCTET STRING.
        _ if !matches!(crate::cms::raw::econtent_tag(&bytes), Ok(Some(0x04))) => {
            result.findings.push(NuGetFinding::new(
                NuGetCode::ContentVersionUnsupported,
                "eContent is not an OCTET STRING (RFC 5652 5.2)",
            ))
        }
        Err(finding) => result.findings.push(finding),
        Ok(content) => {
            let actual = archive::content_hash(package, &layout, signature, content.algorithm)?;
            result.content_hash_algorithm = Some(content.algorithm);
            result.content_hash_matches = actual == content.hash;
            if !result.content_hash_matches {
                result.findings.push(NuGetFinding::new(
                    NuGetCode::IntegrityCheckFailed,
                    format!(
                        "the signed {} package hash {} is not the package's {}",
                        content.algorithm,
                        hex(&content.hash),
                        hex(&actual)
                    ),
                ));
            }
        }
    }
    signature_rules(&bytes, &cms, ctx, &mut result)?;
    result.valid = cms.valid
        && result.content_hash_matches
        && !result.findings.iter().any(NuGetFinding::is_error);
    result.cms = Some(cms);
    Ok(result)
}

/// The primary signature and repository countersignature rules.
fn signature_rules(
    bytes: &[u8],
    cms: &SignedDataResult,
    ctx: &VerifyContext<'_>,
    result: &mut PackageSignatureResult,
) -> Result<()> {
    let findings = &mut result.findings;
    let at = ctx.options.time;
    if cms.signers.len() != 1 {
        findings.push(NuGetFinding::new(
            NuGetCode::NotOnePrimarySignature,
            format!(
                "the signature holds {} SignerInfos, not one",
                cms.signers.len()
            ),
        ));
        return Ok(());
    }
    let raw = crate::cms::raw::signer_attributes(bytes, COUNTERSIGNATURE_DEPTH)?;
    let (Some(primary), Some(raw_primary)) = (cms.signers.first(), raw.first()) else {
        return Ok(());
    };
    let attrs = attributes::read(
        raw_primary,
        "primary signature",
        NuGetCode::SignedAttributeInvalid,
        findings,
    );
    result.signature_type = Some(attrs.signature_type);
    if attrs.signature_type == NuGetSignatureType::Unknown {
        findings.push(NuGetFinding::new(
            NuGetCode::UnknownSignatureType,
            "primary signature: no commitment-type-indication; neither author nor repository rules apply",
        ));
    }
    if attrs.signature_type == NuGetSignatureType::Repository {
        result.v3_service_index_url = attrs.v3_service_index_url;
        result.package_owners = attrs.package_owners;
    }
    rules::signer_rules(primary, "primary signature", rules::PRIMARY, at, findings);
    // Repository countersignatures: countersignatures with proof of receipt.
    let mut repository = Vec::new();
    for (i, raw_cs) in raw_primary.countersignatures.iter().enumerate() {
        let who = format!("countersignature {i}");
        let mut cs_findings = Vec::new();
        let cs_attrs = attributes::read(
            raw_cs,
            &who,
            NuGetCode::RepositoryCountersignatureInvalid,
            &mut cs_findings,
        );
        if cs_attrs.signature_type == NuGetSignatureType::Repository {
            findings.append(&mut cs_findings);
            repository.push((i, cs_attrs));
        }
    }
    if repository.len() > 1 {
        findings.push(NuGetFinding::new(
            NuGetCode::MultipleRepositoryCountersignatures,
            format!(
                "{} repository countersignatures; at most one is allowed",
                repository.len()
            ),
        ));
    }
    if let Some((i, cs_attrs)) = repository.into_iter().next() {
        if attrs.signature_type == NuGetSignatureType::Repository {
            findings.push(NuGetFinding::new(
                NuGetCode::RepositoryCountersignatureOnRepositorySignature,
                "a repository primary signature carries a repository countersignature",
            ));
        }
        result.repository_countersignature = Some(i);
        result.v3_service_index_url = cs_attrs.v3_service_index_url;
        result.package_owners = cs_attrs.package_owners;
        match primary.countersignatures.get(i) {
            Some(cs) => {
                rules::signer_rules(
                    cs,
                    "repository countersignature",
                    rules::COUNTERSIGNATURE,
                    at,
                    findings,
                );
                if !cs.valid {
                    findings.push(NuGetFinding::new(
                        NuGetCode::RepositoryCountersignatureInvalid,
                        "the repository countersignature is not valid",
                    ));
                }
            }
            None => findings.push(NuGetFinding::new(
                NuGetCode::RepositoryCountersignatureInvalid,
                "the repository countersignature was not verified",
            )),
        }
    }
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

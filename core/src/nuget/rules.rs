//! The package signing rules on a verified signer (primary signature or
//! repository countersignature) and its timestamps, each breach a finding
//! with the NuGet client's code (package signing specification,
//! "signature requirements"; NuGet's `SigningSpecificationsV1`).

use super::content::allowed_digest;
use super::findings::{NuGetCode, NuGetFinding};
use crate::cert::Certificate;
use crate::cert::ExtensionValue;
use crate::cert::extensions::oid;
use crate::cms::{CmsCode, SignerResult, TimestampResult};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
use crate::path::ChainStatusFlags;
use crate::time::Timestamp;

/// Lifetime signing (Microsoft, 1.3.6.1.4.1.311.10.3.13): the signature
/// would end with the certificate, which package signatures do not allow.
pub(crate) const LIFETIME_SIGNING: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.13");
/// The smallest RSA key a signing or timestamp certificate may have
/// (package signing specification: 2048 bits).
const MIN_RSA_BITS: u32 = 2048;
const RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The codes a rule maps to: the primary signature's or the countersignature's.
#[derive(Clone, Copy)]
pub(crate) struct Codes {
    pub invalid: NuGetCode,
    pub chain: NuGetCode,
}

pub(crate) const PRIMARY: Codes = Codes {
    invalid: NuGetCode::PrimarySignatureInvalid,
    chain: NuGetCode::ChainBuildingFailed,
};
pub(crate) const COUNTERSIGNATURE: Codes = Codes {
    invalid: NuGetCode::RepositoryCountersignatureInvalid,
    chain: NuGetCode::CountersignatureChainBuildingFailed,
};

/// Whether `cert` lists `purpose` among its extended key usages.
pub(crate) fn has_eku(cert: &Certificate, purpose: &der::asn1::ObjectIdentifier) -> bool {
    matches!(
        cert.extension(&oid::EXTENDED_KEY_USAGE).map(|e| e.value()),
        Some(ExtensionValue::ExtendedKeyUsage(p)) if p.contains(purpose)
    )
}

/// The algorithm rules on a certificate: an RSA key of at least 2048 bits,
/// signed with SHA-256, SHA-384 or SHA-512 with RSA.
fn certificate_rules(
    cert: &Certificate,
    who: &str,
    algorithm: NuGetCode,
    key: NuGetCode,
    findings: &mut Vec<NuGetFinding>,
) {
    let allowed = [
        "1.2.840.113549.1.1.11",
        "1.2.840.113549.1.1.12",
        "1.2.840.113549.1.1.13",
    ];
    let sig = cert.signature_algorithm().oid.to_string();
    if !allowed.contains(&sig.as_str()) {
        findings.push(NuGetFinding::new(
            algorithm,
            format!(
                "{who}: certificate '{}' is signed with {sig}, not SHA-256/384/512 with RSA",
                cert.subject()
            ),
        ));
    }
    if cert.public_key().algorithm() != RSA {
        findings.push(NuGetFinding::new(
            algorithm,
            format!(
                "{who}: certificate '{}' has a {} key; package signatures use RSA",
                cert.subject(),
                cert.public_key().algorithm()
            ),
        ));
    } else if cert.public_key().bits().is_none_or(|b| b < MIN_RSA_BITS) {
        findings.push(NuGetFinding::new(
            key,
            format!(
                "{who}: certificate '{}' has a {}-bit RSA key, under {MIN_RSA_BITS}",
                cert.subject(),
                cert.public_key()
                    .bits()
                    .map_or("unreadable".into(), |b| b.to_string())
            ),
        ));
    }
}

fn allowed_signature(alg: Option<SignatureAlgorithm>) -> bool {
    matches!(alg, Some(SignatureAlgorithm::RsaPkcs1v15(d)) if allowed_digest(d))
}

/// The rules on a signer (primary or repository countersignature), with
/// the reason for each failure of its CMS verification mapped to its NuGet
/// code. `at` is the caller's validation time.
pub(crate) fn signer_rules(
    signer: &SignerResult,
    who: &str,
    codes: Codes,
    at: Timestamp,
    findings: &mut Vec<NuGetFinding>,
) {
    if signer.digest_algorithm.is_none_or(|d| !allowed_digest(d)) {
        findings.push(NuGetFinding::new(
            NuGetCode::HashAlgorithmUnsupported,
            format!(
                "{who}: digest algorithm {} is not SHA-256, SHA-384 or SHA-512",
                signer.digest_algorithm_oid
            ),
        ));
    }
    if signer.certificate.is_some() && !allowed_signature(signer.signature_algorithm) {
        findings.push(NuGetFinding::new(
            NuGetCode::CertificateAlgorithmUnsupported,
            format!(
                "{who}: signature algorithm {} is not RSA PKCS #1 v1.5 with SHA-256/384/512",
                signer
                    .signature_algorithm
                    .map_or(signer.signature_algorithm_oid.to_string(), |a| a
                        .to_string())
            ),
        ));
    }
    let Some(cert) = &signer.certificate else {
        findings.push(NuGetFinding::new(
            NuGetCode::NoSigningCertificate,
            format!(
                "{who}: the signer certificate ({}) is not in the signature",
                signer.identifier
            ),
        ));
        return;
    };
    certificate_rules(
        cert,
        who,
        NuGetCode::CertificateAlgorithmUnsupported,
        NuGetCode::KeyTooShort,
        findings,
    );
    if has_eku(cert, &LIFETIME_SIGNING) {
        findings.push(NuGetFinding::new(
            NuGetCode::LifetimeSigner,
            format!(
                "{who}: certificate '{}' has the lifetime-signing EKU",
                cert.subject()
            ),
        ));
    }
    if !signer.signature_intact() {
        let why: Vec<String> = signer
            .findings
            .iter()
            .filter(|f| {
                f.is_error()
                    && f.code != CmsCode::SignerPathInvalid
                    && f.code != CmsCode::CountersignatureInvalid
            })
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        findings.push(NuGetFinding::new(
            codes.invalid,
            format!("{who}: the signature does not verify: {}", why.join("; ")),
        ));
    }
    let valid_timestamp = signer.timestamp_time();
    for (i, t) in signer.timestamps.iter().enumerate() {
        timestamp_rules(t, &format!("{who}, timestamp {i}"), findings);
    }
    if valid_timestamp.is_none() {
        findings.push(NuGetFinding::new(
            NuGetCode::NoTimestamp,
            format!(
                "{who}: no valid RFC 3161 timestamp; the signature is valid only while '{}' is",
                cert.subject()
            ),
        ));
    }
    if let Some(path) = &signer.path
        && !path.valid
    {
        let flags = path.chain_flags();
        let time = signer.path_time;
        let reasons: Vec<String> = path
            .errors()
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        let reasons = reasons.join("; ");
        let not_before = cert.not_before().time();
        let not_after = cert.not_after().time();
        let code = if flags.contains(ChainStatusFlags::REVOKED) {
            NuGetCode::SignatureRevoked
        } else if not_before.is_some_and(|nb| time < nb) {
            NuGetCode::CertificateNotYetValid
        } else if valid_timestamp.is_none() && not_after.is_some_and(|na| at > na) {
            NuGetCode::SignatureExpired
        } else {
            codes.chain
        };
        findings.push(NuGetFinding::new(
            code,
            format!("{who}: at {time}: {reasons}"),
        ));
    }
}

/// The rules on one timestamp: an invalid timestamp fails the signature
/// (the NuGet client treats it as an error, not as a missing proof of time).
fn timestamp_rules(t: &TimestampResult, who: &str, findings: &mut Vec<NuGetFinding>) {
    let has = |code: CmsCode| t.findings.iter().any(|f| f.code == code && f.is_error());
    if let Some(tst) = &t.tst_info
        && DigestAlgorithm::from_oid(&tst.hash_algorithm).map_or(true, |d| !allowed_digest(d))
    {
        findings.push(NuGetFinding::new(
            NuGetCode::TimestampAlgorithmUnsupported,
            format!(
                "{who}: messageImprint algorithm {} is not SHA-256/384/512",
                tst.hash_algorithm
            ),
        ));
    }
    if has(CmsCode::TimestampImprintMismatch) {
        findings.push(NuGetFinding::new(
            NuGetCode::TimestampIntegrity,
            format!("{who}: the messageImprint is not the hash of the signature value"),
        ));
    }
    let Some(tsa) = &t.signer else {
        if !t.valid {
            let why: Vec<String> = t
                .findings
                .iter()
                .map(|f| format!("{} {}", f.code.code(), f.detail))
                .collect();
            findings.push(NuGetFinding::new(
                NuGetCode::TimestampInvalid,
                format!("{who}: {}", why.join("; ")),
            ));
        }
        return;
    };
    let Some(cert) = &tsa.certificate else {
        findings.push(NuGetFinding::new(
            NuGetCode::TimestampNoCertificate,
            format!(
                "{who}: the TSA certificate ({}) is not in the token",
                tsa.identifier
            ),
        ));
        return;
    };
    if tsa.digest_algorithm.is_none_or(|d| !allowed_digest(d)) {
        findings.push(NuGetFinding::new(
            NuGetCode::TimestampAlgorithmUnsupported,
            format!(
                "{who}: the token's digest algorithm {} is not SHA-256/384/512",
                tsa.digest_algorithm_oid
            ),
        ));
    }
    certificate_rules(
        cert,
        who,
        NuGetCode::TimestampAlgorithmUnsupported,
        NuGetCode::TimestampAlgorithmUnsupported,
        findings,
    );
    if !tsa.signature_intact()
        || has(CmsCode::TimestampSignatureInvalid)
        || has(CmsCode::TimestampEkuMissing)
        || has(CmsCode::TimestampEkuNotStrict)
        || has(CmsCode::TimestampMalformed)
    {
        let why: Vec<String> = t
            .findings
            .iter()
            .chain(tsa.findings.iter())
            .filter(|f| {
                f.is_error()
                    && f.code != CmsCode::TimestampPathInvalid
                    && f.code != CmsCode::SignerPathInvalid
            })
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        findings.push(NuGetFinding::new(
            NuGetCode::TimestampInvalid,
            format!("{who}: {}", why.join("; ")),
        ));
    }
    if let (Some(path), Some(gen_time)) = (&tsa.path, t.gen_time)
        && !path.valid
    {
        let reasons: Vec<String> = path
            .errors()
            .map(|f| format!("{} {}", f.code.code(), f.detail))
            .collect();
        let outside = cert.not_before().time().is_some_and(|nb| gen_time < nb)
            || cert.not_after().time().is_some_and(|na| gen_time > na);
        let code = if outside {
            NuGetCode::TimestampOutsideValidity
        } else {
            NuGetCode::TimestampChainBuildingFailed
        };
        findings.push(NuGetFinding::new(
            code,
            format!("{who}: genTime {gen_time}: {}", reasons.join("; ")),
        ));
        if outside && cert.not_before().time().is_some_and(|nb| gen_time < nb) {
            findings.push(NuGetFinding::new(
                NuGetCode::TimestampCertificateNotYetValid,
                format!(
                    "{who}: the TSA certificate '{}' is not yet valid at genTime {gen_time}",
                    cert.subject()
                ),
            ));
        }
    }
}

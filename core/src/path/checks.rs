//! Per-certificate profile rules: what a certificate must look like for its
//! place in the path, apart from the chaining rules of RFC 5280 6.1 (those
//! are in `process.rs`). Each rule cites its section.

use std::collections::HashSet;

use der::referenced::OwnedToRef;

use crate::cert::extensions::oid;
use crate::cert::public_key::oid as key_oid;
use crate::cert::{Certificate, ExtensionValue, KeyUsage};
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};

use super::findings::{Finding, ResultCode};
use super::options::{ANY_EXTENDED_KEY_USAGE, Profile, ValidationOptions};

/// The place of a certificate in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The certificate being validated.
    EndEntity,
    /// A CA certificate between end entity and anchor.
    Intermediate,
    /// The trust anchor that ends the path.
    Anchor,
}

impl Role {
    fn is_ca(self) -> bool {
        !matches!(self, Role::EndEntity)
    }
}

/// Extensions that path validation processes; a critical extension outside
/// this list is unsupported (RFC 5280 6.1.4 (o), 6.1.5 (f)).
const PROCESSED: [der::asn1::ObjectIdentifier; 13] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXTENDED_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::ISSUER_ALT_NAME,
    oid::NAME_CONSTRAINTS,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::POLICY_CONSTRAINTS,
    oid::INHIBIT_ANY_POLICY,
    oid::SUBJECT_KEY_IDENTIFIER,
    oid::AUTHORITY_KEY_IDENTIFIER,
    oid::CRL_DISTRIBUTION_POINTS,
];

/// Applies every profile rule to `cert` at `index` with `role`.
pub(crate) fn check_certificate(
    cert: &Certificate,
    index: usize,
    role: Role,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    let mut add = |code, detail: String| findings.push(Finding::new(code, Some(index), detail));
    let web = options.profile == Profile::WebPki;

    // RFC 5280 4.1.2.1: extensions require version 3; the Baseline
    // Requirements (7.1.1) allow version 3 only.
    if (web || !cert.extensions().is_empty()) && cert.version() != 3 {
        add(
            ResultCode::ProfileViolation,
            format!("version is {}, not 3 (RFC 5280 4.1.2.1)", cert.version()),
        );
    }
    if role != Role::Anchor {
        issued_certificate_rules(cert, &mut add);
    }
    // RFC 5280 4.2.1.1: keyIdentifier required except in self-signed certificates.
    if !cert.is_self_issued() && cert.authority_key_id().is_none() {
        add(
            ResultCode::ProfileViolation,
            "authorityKeyIdentifier with keyIdentifier is missing (RFC 5280 4.2.1.1)".into(),
        );
    }
    if role.is_ca() && cert.subject().is_empty() {
        add(
            ResultCode::ProfileViolation,
            "CA subject is empty (RFC 5280 4.1.2.6)".into(),
        );
    }
    extension_rules(cert, role, web, &mut add);
    if web {
        web_pki_rules(cert, role, &mut add);
    }
}

/// Rules for certificates issued by a CA in the path (not the anchor).
fn issued_certificate_rules(cert: &Certificate, add: &mut impl FnMut(ResultCode, String)) {
    // RFC 5280 4.1.2.2: positive, at most 20 octets.
    let serial = cert.serial();
    let bytes = serial.as_bytes();
    if serial.is_negative() {
        add(
            ResultCode::ProfileViolation,
            format!(
                "serial number {} is negative (RFC 5280 4.1.2.2)",
                serial.to_decimal()
            ),
        );
    } else if bytes.iter().all(|&b| b == 0) {
        add(
            ResultCode::ProfileViolation,
            "serial number is zero (RFC 5280 4.1.2.2)".into(),
        );
    }
    let significant = bytes.len() - usize::from(bytes.len() > 1 && bytes[0] == 0);
    if significant > 20 {
        add(
            ResultCode::ProfileViolation,
            format!("serial number is {significant} octets, over 20 (RFC 5280 4.1.2.2)"),
        );
    }
    // RFC 5280 4.1.1.2: signatureAlgorithm equals the TBS signature field.
    if cert.signature_algorithm() != cert.tbs_signature_algorithm() {
        add(
            ResultCode::ProfileViolation,
            format!(
                "signatureAlgorithm {} differs from the TBSCertificate signature {} (RFC 5280 4.1.1.2)",
                cert.signature_algorithm().oid,
                cert.tbs_signature_algorithm().oid
            ),
        );
    }
    // RFC 5280 4.1.2.4: the issuer field MUST contain a non-empty name.
    if cert.issuer().is_empty() {
        add(
            ResultCode::ProfileViolation,
            "issuer name is empty (RFC 5280 4.1.2.4)".into(),
        );
    }
}

fn extension_rules(
    cert: &Certificate,
    role: Role,
    web: bool,
    add: &mut impl FnMut(ResultCode, String),
) {
    let mut seen = HashSet::new();
    for ext in cert.extensions() {
        let id = ext.oid();
        // RFC 5280 4.2: a certificate MUST NOT include more than one instance of an extension.
        if !seen.insert(id) {
            add(
                ResultCode::InvalidExtension,
                format!("extension {id} appears more than once (RFC 5280 4.2)"),
            );
        }
        if let ExtensionValue::Malformed(reason) = ext.value() {
            let code = match id {
                oid::SUBJECT_ALT_NAME => ResultCode::InvalidSubjectAltName,
                oid::NAME_CONSTRAINTS => ResultCode::InvalidNameConstraints,
                oid::CERTIFICATE_POLICIES
                | oid::POLICY_MAPPINGS
                | oid::POLICY_CONSTRAINTS
                | oid::INHIBIT_ANY_POLICY => ResultCode::InvalidPolicyConstraints,
                _ => ResultCode::InvalidExtension,
            };
            add(code, format!("extension {id} is malformed: {reason}"));
        }
        let must_be_critical = [
            // RFC 5280 4.2.1.10, 4.2.1.11, 4.2.1.14: MUST be critical. PKITS
            // (4.8.6, 4.10.1, ...) has non-critical policyConstraints in valid
            // paths, so that one rule binds only under the WebPKI profile.
            (
                oid::NAME_CONSTRAINTS,
                ResultCode::InvalidNameConstraints,
                "4.2.1.10",
                true,
            ),
            (
                oid::POLICY_CONSTRAINTS,
                ResultCode::InvalidPolicyConstraints,
                "4.2.1.11",
                web,
            ),
            (
                oid::INHIBIT_ANY_POLICY,
                ResultCode::InvalidPolicyConstraints,
                "4.2.1.14",
                true,
            ),
        ];
        for (critical_oid, code, section, applies) in must_be_critical {
            if applies && id == critical_oid && !ext.critical() {
                add(
                    code,
                    format!("extension {id} is not critical (RFC 5280 {section})"),
                );
            }
        }
        let must_not_be_critical = [
            (oid::AUTHORITY_KEY_IDENTIFIER, "4.2.1.1"),
            (oid::SUBJECT_KEY_IDENTIFIER, "4.2.1.2"),
            (oid::AUTHORITY_INFO_ACCESS, "4.2.2.1"),
        ];
        for (noncritical_oid, section) in must_not_be_critical {
            if id == noncritical_oid && ext.critical() {
                add(
                    ResultCode::InvalidExtension,
                    format!("extension {id} is critical (RFC 5280 {section})"),
                );
            }
        }
        if ext.critical() && !PROCESSED.contains(&id) {
            add(
                ResultCode::UnknownCriticalExtension,
                format!("critical extension {id} is not supported (RFC 5280 6.1.4 (o))"),
            );
        }
    }

    let basic = match cert
        .extension(&oid::BASIC_CONSTRAINTS)
        .map(|e| (e, e.value()))
    {
        Some((ext, ExtensionValue::BasicConstraints(bc))) => Some((ext.critical(), bc.ca)),
        _ => None,
    };
    let is_ca = basic.is_some_and(|(_, ca)| ca);
    if role.is_ca() {
        // RFC 5280 4.2.1.9 and 6.1.4 (k): a CA certificate has a critical
        // basicConstraints with cA TRUE.
        match basic {
            None => add(
                ResultCode::NotCa,
                "basicConstraints is missing from a CA certificate (RFC 5280 4.2.1.9)".into(),
            ),
            Some((_, false)) => add(
                ResultCode::NotCa,
                "basicConstraints cA is FALSE in a CA certificate (RFC 5280 6.1.4 (k))".into(),
            ),
            Some((false, true)) => add(
                ResultCode::NotCa,
                "basicConstraints is not critical in a CA certificate (RFC 5280 4.2.1.9)".into(),
            ),
            Some((true, true)) => {}
        }
        // RFC 5280 6.1.4 (n): keyUsage, when present, asserts keyCertSign.
        if let Some(ku) = cert.key_usage()
            && !ku.contains(KeyUsage::KEY_CERT_SIGN)
        {
            add(
                ResultCode::KeyUsageNotAllowed,
                "keyUsage lacks keyCertSign in a CA certificate (RFC 5280 6.1.4 (n))".into(),
            );
        }
        // RFC 5280 4.2.1.2: subjectKeyIdentifier MUST appear in CA certificates.
        if cert.subject_key_id().is_none() {
            add(
                ResultCode::ProfileViolation,
                "subjectKeyIdentifier is missing from a CA certificate (RFC 5280 4.2.1.2)".into(),
            );
        }
    } else if cert.extension(&oid::NAME_CONSTRAINTS).is_some() && !is_ca {
        // RFC 5280 4.2.1.10: nameConstraints MUST be used only in a CA
        // certificate (one asserting cA, wherever it stands in the path: a
        // CRL signer is validated as the end of its own path).
        add(
            ResultCode::InvalidNameConstraints,
            "nameConstraints in an end-entity certificate (RFC 5280 4.2.1.10)".into(),
        );
    }
    // RFC 5280 4.2.1.3: keyCertSign only when basicConstraints cA is TRUE.
    if cert
        .key_usage()
        .is_some_and(|ku| ku.contains(KeyUsage::KEY_CERT_SIGN))
        && !is_ca
    {
        add(
            ResultCode::ProfileViolation,
            "keyUsage keyCertSign without basicConstraints cA TRUE (RFC 5280 4.2.1.3)".into(),
        );
    }
    // RFC 5280 4.2.1.6: with an empty subject, subjectAltName is present and critical.
    if cert.subject().is_empty() && role != Role::Anchor {
        match cert.extension(&oid::SUBJECT_ALT_NAME) {
            None => add(
                ResultCode::InvalidSubjectAltName,
                "subject is empty and subjectAltName is missing (RFC 5280 4.2.1.6)".into(),
            ),
            Some(ext) if !ext.critical() => add(
                ResultCode::InvalidSubjectAltName,
                "subject is empty and subjectAltName is not critical (RFC 5280 4.2.1.6)".into(),
            ),
            Some(_) => {}
        }
    }
    if let Some(ext) = cert.extension(&oid::SUBJECT_ALT_NAME)
        && let ExtensionValue::SubjectAltName(san) = ext.value()
        && san.0.is_empty()
    {
        add(
            ResultCode::InvalidSubjectAltName,
            "subjectAltName holds no name (RFC 5280 4.2.1.6)".into(),
        );
    }
    // RFC 5280 4.2.1.9 with 4.2.1.3: a certificate that asserts cA and has a
    // keyUsage asserts keyCertSign (also when it is the end entity).
    if !role.is_ca()
        && is_ca
        && cert
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
    {
        add(
            ResultCode::ProfileViolation,
            "basicConstraints cA TRUE with a keyUsage lacking keyCertSign (RFC 5280 4.2.1.3, 4.2.1.9)".into(),
        );
    }
}

/// CA/Browser Forum Baseline Requirements rules.
fn web_pki_rules(cert: &Certificate, role: Role, add: &mut impl FnMut(ResultCode, String)) {
    // BR 6.1.5 / 7.1.3.1: RSA of at least 2048 bits and a multiple of 8,
    // ECDSA on P-256, P-384 or P-521 with a named curve; nothing else.
    let key = cert.public_key();
    let alg = key.algorithm();
    let bits = key.bits().unwrap_or(0);
    if alg == key_oid::RSA {
        if bits < 2048 || !bits.is_multiple_of(8) {
            add(
                ResultCode::AlgorithmNotAllowed,
                format!(
                    "RSA key of {bits} bits: the profile requires 2048 or more, divisible by 8 (BR 6.1.5)"
                ),
            );
        }
    } else if alg == key_oid::EC_PUBLIC_KEY {
        if !matches!(
            key.curve(),
            Some(key_oid::P256 | key_oid::P384 | key_oid::P521)
        ) {
            add(
                ResultCode::AlgorithmNotAllowed,
                "EC key is not on a named P-256, P-384 or P-521 curve (BR 6.1.5)".into(),
            );
        }
    } else {
        add(
            ResultCode::AlgorithmNotAllowed,
            format!("public key algorithm {alg} is not allowed by the profile (BR 6.1.5)"),
        );
    }
    if role != Role::Anchor {
        let allowed =
            match SignatureAlgorithm::from_identifier(&cert.signature_algorithm().owned_to_ref()) {
                Ok(SignatureAlgorithm::RsaPkcs1v15(d) | SignatureAlgorithm::Ecdsa(d)) => {
                    matches!(
                        d,
                        DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
                    )
                }
                Ok(SignatureAlgorithm::RsaPss(p)) => {
                    matches!(
                        p.hash,
                        DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
                    )
                }
                _ => false,
            };
        if !allowed {
            add(
                ResultCode::AlgorithmNotAllowed,
                format!(
                    "signature algorithm {} is not allowed by the profile (BR 7.1.3.2)",
                    cert.signature_algorithm().oid
                ),
            );
        }
    }
    match role {
        // BR 7.1.2.1.2: a root certificate has no extendedKeyUsage.
        Role::Anchor if cert.extension(&oid::EXTENDED_KEY_USAGE).is_some() => add(
            ResultCode::ProfileViolation,
            "root certificate has extendedKeyUsage (BR 7.1.2.1.2)".into(),
        ),
        // BR 7.1.2.1.3: a root's authorityKeyIdentifier holds only a keyIdentifier equal to its own.
        Role::Anchor if cert.is_self_issued() => {
            if let Some(ext) = cert.extension(&oid::AUTHORITY_KEY_IDENTIFIER)
                && let ExtensionValue::AuthorityKeyIdentifier(aki) = ext.value()
            {
                let ok = aki.authority_cert_issuer.is_none()
                    && aki.authority_cert_serial_number.is_none()
                    && aki.key_identifier.as_ref().map(|k| k.as_bytes()) == cert.subject_key_id();
                if !ok {
                    add(
                        ResultCode::ProfileViolation,
                        "root authorityKeyIdentifier must hold only a keyIdentifier equal to its subjectKeyIdentifier (BR 7.1.2.1.3)".into(),
                    );
                }
            }
        }
        Role::EndEntity => {
            // BR 7.1.2.7.6: a subscriber certificate is not a CA.
            if let Some(ExtensionValue::BasicConstraints(bc)) =
                cert.extension(&oid::BASIC_CONSTRAINTS).map(|e| e.value())
                && bc.ca
            {
                add(
                    ResultCode::ProfileViolation,
                    "end-entity certificate asserts basicConstraints cA TRUE (BR 7.1.2.7.6)".into(),
                );
            }
            // BR 7.1.2.7.10: extendedKeyUsage present, not critical, without anyExtendedKeyUsage.
            if cert.extension(&oid::EXTENDED_KEY_USAGE).is_none() {
                add(
                    ResultCode::ExtendedKeyUsageMismatch,
                    "extendedKeyUsage is missing from the subscriber certificate (BR 7.1.2.7.10)"
                        .into(),
                );
            }
            if let Some(ext) = cert.extension(&oid::EXTENDED_KEY_USAGE) {
                if ext.critical() {
                    add(
                        ResultCode::InvalidExtension,
                        "extendedKeyUsage is critical (BR 7.1.2.7.10)".into(),
                    );
                }
                if let ExtensionValue::ExtendedKeyUsage(oids) = ext.value()
                    && oids.contains(&ANY_EXTENDED_KEY_USAGE)
                {
                    add(
                        ResultCode::ProfileViolation,
                        "extendedKeyUsage of a subscriber certificate includes anyExtendedKeyUsage (BR 7.1.2.7.10)".into(),
                    );
                }
            }
        }
        Role::Anchor | Role::Intermediate => {}
    }
}

/// True when the signature of `cert` uses a weak digest (MD5 or SHA-1, or
/// an algorithm the backend cannot name), and the reason.
pub(crate) fn weak_signature(cert: &Certificate) -> Option<String> {
    let alg = cert.signature_algorithm();
    match SignatureAlgorithm::from_identifier(&alg.owned_to_ref()) {
        Ok(sig) if sig.digest() == Some(DigestAlgorithm::Sha1) => {
            Some(format!("signature algorithm {} uses SHA-1", alg.oid))
        }
        Ok(_) => None,
        Err(_) => Some(format!(
            "signature algorithm {} is weak or unsupported",
            alg.oid
        )),
    }
}

/// The key size of `cert` when it is an RSA or DSA key under `min_bits`.
pub(crate) fn weak_key(cert: &Certificate, min_bits: u32) -> Option<String> {
    let alg = cert.public_key().algorithm();
    if alg != key_oid::RSA && alg != key_oid::RSA_PSS && alg != key_oid::DSA {
        return None;
    }
    let bits = cert.public_key().bits()?;
    (bits < min_bits)
        .then(|| format!("{alg} key of {bits} bits is under the minimum of {min_bits}"))
}

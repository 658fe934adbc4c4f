//! Certificate profiles as tables: what each certificate of a path must look
//! like for its place, apart from the chaining rules of RFC 5280 6.1 that
//! need the whole path (`process.rs`).
//!
//! Each row names its rule, the section that writes it, the result code and
//! what breaking it means under each profile. The RFC 5280 profile follows
//! the path validation algorithm of section 6.1: the requirements section 4
//! puts on conforming CAs (criticality, key identifiers, serial numbers,
//! ...) are warnings there, since section 6.1 does not check them and NIST
//! PKITS expects such paths to be valid. The WebPKI profile (CA/Browser
//! Forum Baseline Requirements) rejects them and adds its own rows.
//! docs/conformance.md gives the decision for every row.

use std::collections::HashSet;

use der::asn1::ObjectIdentifier;
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

/// What breaking a rule means under a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Not checked.
    Off,
    /// A finding with severity Warning: reported, the path stays valid.
    Warn,
    /// A finding with severity Error: the path is invalid.
    Reject,
}

/// Which places of the path a rule applies to.
#[derive(Debug, Clone, Copy)]
struct Places {
    end_entity: bool,
    intermediate: bool,
    anchor: bool,
}

const ALL: Places = Places {
    end_entity: true,
    intermediate: true,
    anchor: true,
};
const ISSUED: Places = Places {
    end_entity: true,
    intermediate: true,
    anchor: false,
};
const CAS: Places = Places {
    end_entity: false,
    intermediate: true,
    anchor: true,
};
const INTERMEDIATE: Places = Places {
    end_entity: false,
    intermediate: true,
    anchor: false,
};
const ANCHOR: Places = Places {
    end_entity: false,
    intermediate: false,
    anchor: true,
};
const END_ENTITY: Places = Places {
    end_entity: true,
    intermediate: false,
    anchor: false,
};

impl Places {
    fn contains(self, role: Role) -> bool {
        match role {
            Role::EndEntity => self.end_entity,
            Role::Intermediate => self.intermediate,
            Role::Anchor => self.anchor,
        }
    }
}

/// One row of the profile table.
struct Rule {
    /// Where the rule is written.
    section: &'static str,
    /// The finding's code.
    code: ResultCode,
    /// The certificates it applies to.
    places: Places,
    /// Under the RFC 5280 profile.
    rfc5280: Level,
    /// Under the WebPKI profile.
    webpki: Level,
    /// The broken rule and the values involved, or `None` when the
    /// certificate meets it.
    check: fn(&Certificate) -> Option<String>,
}

use Level::{Off, Reject, Warn};

/// Every per-certificate rule. Order: RFC 5280 section 4 structure, then
/// extensions, then the CA rules of 6.1.4, then the Baseline Requirements.
const RULES: &[Rule] = &[
    Rule {
        section: "RFC 5280 4.1.2.1",
        code: ResultCode::ProfileViolation,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            (!c.extensions().is_empty() && c.version() != 3).then(|| {
                format!(
                    "version is {} but the certificate has extensions",
                    c.version()
                )
            })
        },
    },
    Rule {
        section: "BR 7.1.1",
        code: ResultCode::ProfileViolation,
        places: ALL,
        rfc5280: Off,
        webpki: Reject,
        check: |c| {
            (c.extensions().is_empty() && c.version() != 3)
                .then(|| format!("version is {}, not 3", c.version()))
        },
    },
    Rule {
        section: "RFC 5280 4.1.2.2",
        code: ResultCode::ProfileViolation,
        places: ISSUED,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            let serial = c.serial();
            if serial.is_negative() {
                Some(format!("serial number {} is negative", serial.to_hex()))
            } else if serial.as_bytes().iter().all(|&b| b == 0) {
                Some("serial number is zero".into())
            } else {
                let bytes = serial.as_bytes();
                let significant = bytes.len() - usize::from(bytes.len() > 1 && bytes[0] == 0);
                (significant > 20)
                    .then(|| format!("serial number is {significant} octets, over 20"))
            }
        },
    },
    Rule {
        // Kept strict under both profiles: the algorithm the issuer signed
        // must be the one the signature is checked with (no substitution).
        section: "RFC 5280 4.1.1.2",
        code: ResultCode::ProfileViolation,
        places: ISSUED,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            (c.signature_algorithm() != c.tbs_signature_algorithm()).then(|| {
                format!(
                    "signatureAlgorithm {} differs from the TBSCertificate signature {}",
                    c.signature_algorithm().oid,
                    c.tbs_signature_algorithm().oid
                )
            })
        },
    },
    Rule {
        section: "RFC 5280 4.1.2.4",
        code: ResultCode::ProfileViolation,
        places: ISSUED,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| c.issuer().is_empty().then(|| "issuer name is empty".into()),
    },
    Rule {
        section: "RFC 5280 4.2.1.1",
        code: ResultCode::ProfileViolation,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            (!c.is_self_issued() && c.authority_key_id().is_none())
                .then(|| "authorityKeyIdentifier with keyIdentifier is missing".into())
        },
    },
    Rule {
        section: "RFC 5280 4.1.2.6",
        code: ResultCode::ProfileViolation,
        places: CAS,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| c.subject().is_empty().then(|| "CA subject is empty".into()),
    },
    Rule {
        // Two instances leave it open which one binds.
        section: "RFC 5280 4.2",
        code: ResultCode::InvalidExtension,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            let mut seen = HashSet::new();
            let repeated: Vec<String> = c
                .extensions()
                .iter()
                .map(|e| e.oid())
                .filter(|id| !seen.insert(*id))
                .map(|id| id.to_string())
                .collect();
            (!repeated.is_empty())
                .then(|| format!("extension {} appears more than once", repeated.join(", ")))
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.6",
        code: ResultCode::InvalidSubjectAltName,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| malformed(c, |id| id == oid::SUBJECT_ALT_NAME),
    },
    Rule {
        section: "RFC 5280 4.2.1.10",
        code: ResultCode::InvalidNameConstraints,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| malformed(c, |id| id == oid::NAME_CONSTRAINTS),
    },
    Rule {
        section: "RFC 5280 4.2.1.4, 4.2.1.5, 4.2.1.11, 4.2.1.14",
        code: ResultCode::InvalidPolicyConstraints,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| malformed(c, is_policy_extension),
    },
    Rule {
        section: "RFC 5280 4.2",
        code: ResultCode::InvalidExtension,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            malformed(c, |id| {
                id != oid::SUBJECT_ALT_NAME
                    && id != oid::NAME_CONSTRAINTS
                    && !is_policy_extension(id)
            })
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.10",
        code: ResultCode::InvalidNameConstraints,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| not_critical(c, oid::NAME_CONSTRAINTS),
    },
    Rule {
        section: "RFC 5280 4.2.1.11",
        code: ResultCode::InvalidPolicyConstraints,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| not_critical(c, oid::POLICY_CONSTRAINTS),
    },
    Rule {
        section: "RFC 5280 4.2.1.14",
        code: ResultCode::InvalidPolicyConstraints,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| not_critical(c, oid::INHIBIT_ANY_POLICY),
    },
    Rule {
        section: "RFC 5280 4.2.1.1",
        code: ResultCode::InvalidExtension,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| critical(c, oid::AUTHORITY_KEY_IDENTIFIER),
    },
    Rule {
        section: "RFC 5280 4.2.1.2",
        code: ResultCode::InvalidExtension,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| critical(c, oid::SUBJECT_KEY_IDENTIFIER),
    },
    Rule {
        section: "RFC 5280 4.2.2.1",
        code: ResultCode::InvalidExtension,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| critical(c, oid::AUTHORITY_INFO_ACCESS),
    },
    Rule {
        section: "RFC 5280 6.1.4 (o), 6.1.5 (f)",
        code: ResultCode::UnknownCriticalExtension,
        places: ALL,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            let unknown: Vec<String> = c
                .extensions()
                .iter()
                .filter(|e| e.critical() && !PROCESSED.contains(&e.oid()))
                .map(|e| e.oid().to_string())
                .collect();
            (!unknown.is_empty())
                .then(|| format!("critical extension {} is not supported", unknown.join(", ")))
        },
    },
    Rule {
        section: "RFC 5280 6.1.4 (k)",
        code: ResultCode::NotCa,
        places: INTERMEDIATE,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            basic_constraints(c)
                .is_none()
                .then(|| "basicConstraints is missing from a CA certificate".into())
        },
    },
    Rule {
        // RFC 5280 6.1.1 (d): a trust anchor is a name and a key; version 1
        // roots without extensions are still anchored under RFC 5280.
        section: "RFC 5280 4.2.1.9",
        code: ResultCode::NotCa,
        places: ANCHOR,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            basic_constraints(c)
                .is_none()
                .then(|| "basicConstraints is missing from the trust anchor".into())
        },
    },
    Rule {
        section: "RFC 5280 6.1.4 (k)",
        code: ResultCode::NotCa,
        places: CAS,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            matches!(basic_constraints(c), Some((_, false)))
                .then(|| "basicConstraints cA is FALSE in a CA certificate".into())
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.9",
        code: ResultCode::NotCa,
        places: CAS,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            matches!(basic_constraints(c), Some((false, true)))
                .then(|| "basicConstraints is not critical in a CA certificate".into())
        },
    },
    Rule {
        section: "RFC 5280 6.1.4 (n)",
        code: ResultCode::KeyUsageNotAllowed,
        places: CAS,
        rfc5280: Reject,
        webpki: Reject,
        check: |c| {
            c.key_usage()
                .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
                .then(|| "keyUsage lacks keyCertSign in a CA certificate".into())
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.2",
        code: ResultCode::ProfileViolation,
        places: CAS,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            c.subject_key_id()
                .is_none()
                .then(|| "subjectKeyIdentifier is missing from a CA certificate".into())
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.10",
        code: ResultCode::InvalidNameConstraints,
        places: END_ENTITY,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            (c.extension(&oid::NAME_CONSTRAINTS).is_some() && !asserts_ca(c))
                .then(|| "nameConstraints in an end-entity certificate".into())
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.3",
        code: ResultCode::ProfileViolation,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            (c.key_usage()
                .is_some_and(|ku| ku.contains(KeyUsage::KEY_CERT_SIGN))
                && !asserts_ca(c))
            .then(|| "keyUsage keyCertSign without basicConstraints cA TRUE".into())
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.6",
        code: ResultCode::InvalidSubjectAltName,
        places: ISSUED,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            if !c.subject().is_empty() {
                return None;
            }
            match c.extension(&oid::SUBJECT_ALT_NAME) {
                None => Some("subject is empty and subjectAltName is missing".into()),
                Some(ext) if !ext.critical() => {
                    Some("subject is empty and subjectAltName is not critical".into())
                }
                Some(_) => None,
            }
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.6",
        code: ResultCode::InvalidSubjectAltName,
        places: ALL,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| match c.extension(&oid::SUBJECT_ALT_NAME).map(|e| e.value()) {
            Some(ExtensionValue::SubjectAltName(san)) if san.0.is_empty() => {
                Some("subjectAltName holds no name".into())
            }
            _ => None,
        },
    },
    Rule {
        section: "RFC 5280 4.2.1.3, 4.2.1.9",
        code: ResultCode::ProfileViolation,
        places: END_ENTITY,
        rfc5280: Warn,
        webpki: Reject,
        check: |c| {
            (asserts_ca(c)
                && c.key_usage()
                    .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN)))
            .then(|| "basicConstraints cA TRUE with a keyUsage lacking keyCertSign".into())
        },
    },
    Rule {
        section: "BR 6.1.5",
        code: ResultCode::AlgorithmNotAllowed,
        places: ALL,
        rfc5280: Off,
        webpki: Reject,
        check: br_key,
    },
    Rule {
        section: "BR 7.1.3.2",
        code: ResultCode::AlgorithmNotAllowed,
        places: ISSUED,
        rfc5280: Off,
        webpki: Reject,
        check: br_signature_algorithm,
    },
    Rule {
        section: "BR 7.1.2.1.2",
        code: ResultCode::ProfileViolation,
        places: ANCHOR,
        rfc5280: Off,
        webpki: Reject,
        check: |c| {
            c.extension(&oid::EXTENDED_KEY_USAGE)
                .is_some()
                .then(|| "root certificate has extendedKeyUsage".into())
        },
    },
    Rule {
        section: "BR 7.1.2.1.3",
        code: ResultCode::ProfileViolation,
        places: ANCHOR,
        rfc5280: Off,
        webpki: Reject,
        check: |c| {
            let Some(ExtensionValue::AuthorityKeyIdentifier(aki)) = c
                .extension(&oid::AUTHORITY_KEY_IDENTIFIER)
                .map(|e| e.value())
            else {
                return None;
            };
            let ok = !c.is_self_issued()
                || (aki.authority_cert_issuer.is_none()
                    && aki.authority_cert_serial_number.is_none()
                    && aki.key_identifier.as_ref().map(|k| k.as_bytes()) == c.subject_key_id());
            (!ok).then(|| {
                "root authorityKeyIdentifier must hold only a keyIdentifier equal to its subjectKeyIdentifier".into()
            })
        },
    },
    Rule {
        section: "BR 7.1.2.7.6",
        code: ResultCode::ProfileViolation,
        places: END_ENTITY,
        rfc5280: Off,
        webpki: Reject,
        check: |c| {
            asserts_ca(c).then(|| "end-entity certificate asserts basicConstraints cA TRUE".into())
        },
    },
    Rule {
        section: "BR 7.1.2.7.10",
        code: ResultCode::ExtendedKeyUsageMismatch,
        places: END_ENTITY,
        rfc5280: Off,
        webpki: Reject,
        check: |c| {
            c.extension(&oid::EXTENDED_KEY_USAGE)
                .is_none()
                .then(|| "extendedKeyUsage is missing from the subscriber certificate".into())
        },
    },
    Rule {
        section: "BR 7.1.2.7.10",
        code: ResultCode::InvalidExtension,
        places: END_ENTITY,
        rfc5280: Off,
        webpki: Reject,
        check: |c| critical(c, oid::EXTENDED_KEY_USAGE),
    },
    Rule {
        section: "BR 7.1.2.7.10",
        code: ResultCode::ProfileViolation,
        places: END_ENTITY,
        rfc5280: Off,
        webpki: Reject,
        check: |c| match c.extension(&oid::EXTENDED_KEY_USAGE).map(|e| e.value()) {
            Some(ExtensionValue::ExtendedKeyUsage(oids))
                if oids.contains(&ANY_EXTENDED_KEY_USAGE) =>
            {
                Some(
                    "extendedKeyUsage of a subscriber certificate includes anyExtendedKeyUsage"
                        .into(),
                )
            }
            _ => None,
        },
    },
];

/// Extensions that path validation processes; a critical extension outside
/// this list is unsupported (RFC 5280 6.1.4 (o), 6.1.5 (f)).
const PROCESSED: [ObjectIdentifier; 13] = [
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

/// Applies every row of the table to `cert` at `index` with `role`.
pub(crate) fn check_certificate(
    cert: &Certificate,
    index: usize,
    role: Role,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    for rule in RULES.iter().filter(|r| r.places.contains(role)) {
        let level = match options.profile {
            Profile::Rfc5280 => rule.rfc5280,
            Profile::WebPki => rule.webpki,
        };
        if level == Off {
            continue;
        }
        if let Some(detail) = (rule.check)(cert) {
            let finding = Finding::new(
                rule.code,
                Some(index),
                format!("{detail} ({})", rule.section),
            );
            findings.push(if level == Warn {
                finding.warning()
            } else {
                finding
            });
        }
    }
}

/// `(critical, cA)` of a well-formed basicConstraints.
fn basic_constraints(cert: &Certificate) -> Option<(bool, bool)> {
    let ext = cert.extension(&oid::BASIC_CONSTRAINTS)?;
    match ext.value() {
        ExtensionValue::BasicConstraints(bc) => Some((ext.critical(), bc.ca)),
        _ => None,
    }
}

/// True when basicConstraints asserts cA.
fn asserts_ca(cert: &Certificate) -> bool {
    basic_constraints(cert).is_some_and(|(_, ca)| ca)
}

fn is_policy_extension(id: ObjectIdentifier) -> bool {
    matches!(
        id,
        oid::CERTIFICATE_POLICIES
            | oid::POLICY_MAPPINGS
            | oid::POLICY_CONSTRAINTS
            | oid::INHIBIT_ANY_POLICY
    )
}

/// The first extension selected by `which` that does not decode.
fn malformed(cert: &Certificate, which: fn(ObjectIdentifier) -> bool) -> Option<String> {
    cert.extensions().iter().find_map(|ext| match ext.value() {
        ExtensionValue::Malformed(reason) if which(ext.oid()) => {
            Some(format!("extension {} is malformed: {reason}", ext.oid()))
        }
        _ => None,
    })
}

fn not_critical(cert: &Certificate, id: ObjectIdentifier) -> Option<String> {
    cert.extension(&id)
        .is_some_and(|e| !e.critical())
        .then(|| format!("extension {id} is not critical"))
}

fn critical(cert: &Certificate, id: ObjectIdentifier) -> Option<String> {
    cert.extension(&id)
        .is_some_and(|e| e.critical())
        .then(|| format!("extension {id} is critical"))
}

/// BR 6.1.5 / 7.1.3.1: RSA of at least 2048 bits and a multiple of 8,
/// ECDSA on P-256, P-384 or P-521 with a named curve; nothing else.
fn br_key(cert: &Certificate) -> Option<String> {
    let key = cert.public_key();
    let alg = key.algorithm();
    if alg == key_oid::RSA {
        let bits = key.bits().unwrap_or(0);
        (bits < 2048 || !bits.is_multiple_of(8)).then(|| {
            format!("RSA key of {bits} bits: the profile requires 2048 or more, divisible by 8")
        })
    } else if alg == key_oid::EC_PUBLIC_KEY {
        (!matches!(
            key.curve(),
            Some(key_oid::P256 | key_oid::P384 | key_oid::P521)
        ))
        .then(|| "EC key is not on a named P-256, P-384 or P-521 curve".into())
    } else {
        Some(format!(
            "public key algorithm {alg} is not allowed by the profile"
        ))
    }
}

/// BR 7.1.3.2: RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA with SHA-256/384/512.
fn br_signature_algorithm(cert: &Certificate) -> Option<String> {
    let strong = |d: DigestAlgorithm| {
        matches!(
            d,
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
        )
    };
    let allowed =
        match SignatureAlgorithm::from_identifier(&cert.signature_algorithm().owned_to_ref()) {
            Ok(SignatureAlgorithm::RsaPkcs1v15(d) | SignatureAlgorithm::Ecdsa(d)) => strong(d),
            Ok(SignatureAlgorithm::RsaPss(p)) => strong(p.hash),
            _ => false,
        };
    (!allowed).then(|| {
        format!(
            "signature algorithm {} is not allowed by the profile",
            cert.signature_algorithm().oid
        )
    })
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

/// The table as documentation rows: `| section | code | places | RFC 5280 | WebPKI |`,
/// checked against docs/conformance.md by a test.
#[cfg(test)]
pub(crate) fn table_rows() -> Vec<String> {
    let places = |p: Places| {
        let mut v = Vec::new();
        if p.end_entity {
            v.push("end entity");
        }
        if p.intermediate {
            v.push("intermediate");
        }
        if p.anchor {
            v.push("anchor");
        }
        v.join(", ")
    };
    let level = |l: Level| match l {
        Off => "-",
        Warn => "warning",
        Reject => "error",
    };
    RULES
        .iter()
        .map(|r| {
            format!(
                "| {} | {} {:?} | {} | {} | {} |",
                r.section,
                r.code.code(),
                r.code,
                places(r.places),
                level(r.rfc5280),
                level(r.webpki)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_row_is_in_the_conformance_doc() {
        let doc = include_str!("../../../docs/conformance.md");
        for row in super::table_rows() {
            assert!(
                doc.contains(&row),
                "docs/conformance.md lacks the row\n{row}"
            );
        }
    }
}

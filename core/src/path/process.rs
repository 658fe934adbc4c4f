//! RFC 5280 6.1 over one candidate path: validity, chaining constraints
//! (basic constraints and path length, key usage, extended key usage),
//! plus the per-certificate profile rules of `checks.rs`.

use std::sync::Arc;

use der::asn1::ObjectIdentifier;

use crate::cert::extensions::oid;
use crate::cert::{Certificate, ExtensionValue, ValidityTime};

use super::budget::{Limit, Meter};
use super::findings::{Finding, ResultCode};
use super::hostname::{PeerName, check_server_san, matches_peer_name};
use super::name_constraints::NameConstraintsState;
use super::options::{ANY_EXTENDED_KEY_USAGE, Profile, ValidationOptions};
use super::policy_tree::{PolicyProcessor, PolicySettings};
use super::profile::{Role, check_certificate, weak_key, weak_signature};

/// What processing a path gives besides its findings.
pub(crate) struct Processed {
    pub findings: Vec<Finding>,
    /// RFC 5280 6.1.6: the user-constrained policy set; `None` when policy
    /// processing stopped early.
    pub user_constrained_policy_set: Option<Vec<ObjectIdentifier>>,
}

/// Runs every rule over `path` (end entity first). When `anchored`, the
/// last certificate is the trust anchor.
pub(crate) fn process_path(
    path: &[Arc<Certificate>],
    anchored: bool,
    options: &ValidationOptions,
    meter: &Meter,
) -> Processed {
    let mut findings = Vec::new();
    let last = path.len().saturating_sub(1);
    for (index, cert) in path.iter().enumerate() {
        let role = if index == 0 {
            Role::EndEntity
        } else if anchored && index == last {
            Role::Anchor
        } else {
            Role::Intermediate
        };
        check_certificate(cert, index, role, options, &mut findings);
        check_validity(cert, index, options, &mut findings);
        check_weak_algorithms(cert, index, role, options, &mut findings);
    }
    check_path_length(path, anchored, options, &mut findings);
    check_end_entity_usage(path, options, &mut findings);
    check_name_constraints(path, anchored, meter, &mut findings);
    check_peer(path, options, &mut findings);
    let user_constrained_policy_set = check_policies(path, anchored, options, &mut findings);
    Processed {
        findings,
        user_constrained_policy_set,
    }
}

/// RFC 5280 6.1.3 (b)(c) and 6.1.4 (g): names of each certificate against
/// the subtrees of every CA above it. The anchor's own nameConstraints bind
/// the path too (RFC 5280 6.2 lets anchor constraints be inputs; RFC 5937).
///
/// Comparisons draw from the validation's one budget: every candidate path
/// spends from the same `meter`.
fn check_name_constraints(
    path: &[Arc<Certificate>],
    anchored: bool,
    meter: &Meter,
    findings: &mut Vec<Finding>,
) {
    let mut state = NameConstraintsState::new();
    let mut budget = meter.name_constraint_checks_left();
    let last = path.len().saturating_sub(1);
    for (index, cert) in path.iter().enumerate().rev() {
        let is_anchor = anchored && index == last;
        if !is_anchor {
            let self_issued_non_final = index != 0 && cert.is_self_issued();
            let before = budget;
            let checked = state.check(cert, self_issued_non_final, &mut budget);
            meter.spend_name_constraint_checks(before - budget);
            match checked {
                // Each violation carries its result code from where it is found.
                Ok(violations) => {
                    for (code, detail) in violations {
                        findings.push(Finding::new(code, Some(index), detail));
                    }
                }
                Err(exhausted) => {
                    meter.exhaust(Limit::NameConstraintChecks);
                    findings.push(exhausted.at(index));
                    return;
                }
            }
        }
        if index != 0
            && let Err(invalid) = state.add(cert)
        {
            findings.push(invalid.at(index));
        }
    }
}

/// The end entity's subjectAltName: well formed for the WebPKI profile
/// (RFC 5280 4.2.1.6, BR 7.1.2.7.12) and matching the asked peer name (RFC 6125).
fn check_peer(path: &[Arc<Certificate>], options: &ValidationOptions, findings: &mut Vec<Finding>) {
    let Some(leaf) = path.first() else {
        return;
    };
    if options.profile == Profile::WebPki
        && let Err(invalid) = check_server_san(leaf)
    {
        findings.push(invalid.at(0));
    }
    if let Some(name) = &options.peer_name {
        let result = name
            .parse::<PeerName>()
            .map_err(|e| {
                e.context(format_args!(
                    "peer name '{name}' is not a DNS name or IP address"
                ))
            })
            .and_then(|peer| matches_peer_name(leaf, &peer));
        if let Err(mismatch) = result {
            findings.push(mismatch.at(0));
        }
    }
}

/// RFC 5280 6.1.2-6.1.5 certificate policy processing, from the certificate
/// the anchor issued down to the end entity (the anchor itself is not processed).
fn check_policies(
    path: &[Arc<Certificate>],
    anchored: bool,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) -> Option<Vec<ObjectIdentifier>> {
    let n = if anchored { path.len() - 1 } else { path.len() };
    let leaf = path.first()?;
    if n == 0 {
        // The end entity is itself the anchor: no certificate to process.
        return None;
    }
    let settings = PolicySettings {
        initial_policy_set: options.initial_policy_set.clone(),
        initial_explicit_policy: options.require_explicit_policy,
        initial_policy_mapping_inhibit: options.inhibit_policy_mapping,
        initial_any_policy_inhibit: options.inhibit_any_policy,
    };
    let mut processor = PolicyProcessor::new(&settings, n);
    for (i, index) in (0..n).rev().enumerate() {
        if let Err(rejected) = processor.process(&path[index], i + 1) {
            findings.push(rejected.at(index));
            return None;
        }
    }
    let outcome = processor.finish(leaf);
    if !outcome.valid {
        let detail = outcome
            .detail
            .unwrap_or_else(|| "no acceptable certificate policy (RFC 5280 6.1.5 (g))".into());
        findings.push(Finding::new(ResultCode::PolicyInvalid, None, detail));
    }
    Some(outcome.user_constrained_policy_set)
}

/// RFC 5280 6.1.3 (a)(2): the validation time is within notBefore..=notAfter.
fn check_validity(
    cert: &Certificate,
    index: usize,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    let at = options.time;
    let mut add = |detail: String| {
        findings.push(Finding::new(ResultCode::NotTimeValid, Some(index), detail));
    };
    match cert.not_before() {
        ValidityTime::Time(t) if at < *t => add(format!("notBefore {t} > validation time {at}")),
        ValidityTime::Malformed { encoded } => add(format!("notBefore is malformed ({encoded})")),
        ValidityTime::Time(_) => {}
    }
    match cert.not_after() {
        ValidityTime::Time(t) if at > *t => add(format!("notAfter {t} < validation time {at}")),
        ValidityTime::Malformed { encoded } => add(format!("notAfter is malformed ({encoded})")),
        ValidityTime::Time(_) => {}
    }
}

/// Weak digests in signatures that the path relies on (the anchor's own
/// signature is not relied on) and weak keys anywhere.
fn check_weak_algorithms(
    cert: &Certificate,
    index: usize,
    role: Role,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    let weak_sig = if role == Role::Anchor {
        None
    } else {
        weak_signature(cert)
    };
    for reason in weak_sig
        .into_iter()
        .chain(weak_key(cert, options.min_rsa_bits))
    {
        let finding = Finding::new(ResultCode::WeakAlgorithm, Some(index), reason);
        findings.push(if options.reject_weak_algorithms {
            finding
        } else {
            finding.warning()
        });
    }
}

/// RFC 5280 6.1.2 (k), 6.1.4 (l)(m): max_path_length starts at n (or the
/// anchor's pathLenConstraint), each non-self-issued intermediate uses one,
/// and a pathLenConstraint lowers it. The caller's maximum number of
/// intermediates counts non-self-issued intermediates the same way.
fn check_path_length(
    path: &[Arc<Certificate>],
    anchored: bool,
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    let mut max_path_length: Option<u32> = None;
    let mut counted = 0usize;
    // From the top of the path down to the first intermediate.
    for (index, cert) in path.iter().enumerate().skip(1).rev() {
        let is_anchor = anchored && index == path.len() - 1;
        if !is_anchor && !cert.is_self_issued() {
            counted += 1;
            if let Some(max) = max_path_length {
                if max == 0 {
                    findings.push(Finding::new(
                        ResultCode::PathLengthExceeded,
                        Some(index),
                        "a pathLenConstraint above allows no further intermediate CA (RFC 5280 6.1.4 (l))",
                    ));
                }
                max_path_length = Some(max.saturating_sub(1));
            }
        }
        if let Some(ExtensionValue::BasicConstraints(bc)) =
            cert.extension(&oid::BASIC_CONSTRAINTS).map(|e| e.value())
            && let Some(len) = bc.path_len_constraint
        {
            let len = u32::from(len);
            max_path_length = Some(max_path_length.map_or(len, |m| m.min(len)));
        }
    }
    if let Some(max) = options.max_intermediates
        && counted > max
    {
        findings.push(Finding::new(
            ResultCode::PathLengthExceeded,
            None,
            format!("{counted} intermediate certificates, over the maximum of {max}"),
        ));
    }
}

/// Extended key usage (RFC 5280 4.2.1.12) for the asked purposes, in the end
/// entity and, as OpenSSL and Windows do, in every CA that restricts it;
/// and the key usage asked of the end entity (RFC 5280 4.2.1.3).
fn check_end_entity_usage(
    path: &[Arc<Certificate>],
    options: &ValidationOptions,
    findings: &mut Vec<Finding>,
) {
    let Some(leaf) = path.first() else {
        return;
    };
    let web = options.profile == Profile::WebPki;
    let wanted: Vec<_> = options.purposes.iter().filter_map(|p| p.oid()).collect();
    for (index, cert) in path.iter().enumerate() {
        let eku = match cert.extension(&oid::EXTENDED_KEY_USAGE).map(|e| e.value()) {
            Some(ExtensionValue::ExtendedKeyUsage(oids)) => Some(oids),
            _ => None,
        };
        match eku {
            // RFC 5280 4.2.1.12: an empty sequence is not allowed (SIZE (1..MAX)).
            Some(oids) if oids.is_empty() => findings.push(Finding::new(
                ResultCode::InvalidExtension,
                Some(index),
                "extendedKeyUsage holds no purpose (RFC 5280 4.2.1.12)",
            )),
            Some(oids) => {
                // The Baseline Requirements (7.1.2.7.10) forbid anyExtendedKeyUsage in
                // subscriber certificates (checks.rs), so it does not stand for a purpose there.
                let any_counts = !(web && index == 0);
                for purpose in &wanted {
                    let ok = oids.contains(purpose)
                        || (any_counts && oids.contains(&ANY_EXTENDED_KEY_USAGE));
                    if !ok {
                        findings.push(Finding::new(
                            ResultCode::ExtendedKeyUsageMismatch,
                            Some(index),
                            format!(
                                "extendedKeyUsage [{}] does not include {purpose}",
                                oids.iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
            }
            // No extendedKeyUsage: any purpose (RFC 5280 4.2.1.12).
            None => {}
        }
    }
    if options.key_usage != 0
        && let Some(ku) = leaf.key_usage()
        && !ku.contains(options.key_usage)
    {
        findings.push(Finding::new(
            ResultCode::KeyUsageNotAllowed,
            Some(0),
            format!(
                "keyUsage 0x{:04X} does not allow the asked usage 0x{:04X} (RFC 5280 4.2.1.3)",
                ku.bits(),
                options.key_usage
            ),
        ));
    }
}

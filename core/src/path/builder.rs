//! Path building: depth-first search from the end entity towards a trust
//! anchor over every candidate issuer, with backtracking, loop detection,
//! a work budget and a memo of verified signatures.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cert::Certificate;
use crate::crypto::{SignatureError, SignatureVerifier, SignerKey};
use crate::revocation::RevocationSources;
use der::referenced::OwnedToRef;

use super::findings::{Finding, ResultCode, Severity};
use super::options::ValidationOptions;
use super::process::process_path;
use super::result::PathValidation;
use super::revocation::{self, RevocationContext};
use super::store::{CertificatePool, TrustStore};

/// Builds and validates a certification path for `leaf`.
///
/// Candidate issuers are every certificate whose subject matches the
/// issuer name (RFC 5280 7.1 comparison), trust anchors first, then those
/// whose subjectKeyIdentifier equals the authorityKeyIdentifier. The first
/// complete path without findings is returned; when there is none, the
/// result holds the path that came closest, with all of its findings.
///
/// ```
/// use validate::path::{validate_path, CertificatePool, TrustStore, ValidationOptions, Purpose};
/// use validate::{read_certificates_strict, DefaultVerifier};
///
/// let read = |f: &str| read_certificates_strict(&std::fs::read(format!("../examples/chain/{f}")).unwrap()).unwrap();
/// let leaf = read("leaf.pem").remove(0);
/// let intermediates = CertificatePool::from_certificates(read("intermediate.pem"));
/// let anchors = TrustStore::from_certificates(read("root.pem"));
/// let mut options = ValidationOptions::at(leaf.not_before().time().unwrap());
/// options.purposes.push(Purpose::CodeSigning);
///
/// let result = validate_path(&leaf, &intermediates, &anchors, &options, &DefaultVerifier::default());
/// assert!(result.valid, "{:?}", result.findings);
/// assert_eq!(result.chain.len(), 3);
/// ```
pub fn validate_path(
    leaf: &Certificate,
    intermediates: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    verifier: &dyn SignatureVerifier,
) -> PathValidation {
    validate_path_with_revocation(
        leaf,
        intermediates,
        anchors,
        options,
        verifier,
        &RevocationSources::new(),
    )
}

/// [`validate_path`] with revocation data: the CRLs and OCSP responses in
/// `sources` (and its fetcher, unless `options.offline`) decide the status
/// of every certificate of a complete path when `options.revocation` is
/// soft or hard.
pub fn validate_path_with_revocation(
    leaf: &Certificate,
    intermediates: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    verifier: &dyn SignatureVerifier,
    sources: &RevocationSources,
) -> PathValidation {
    validate_path_at_depth(leaf, intermediates, anchors, options, verifier, sources, 0)
}

/// Path validation nested `depth` levels inside CRL-signer validation.
pub(crate) fn validate_path_at_depth(
    leaf: &Certificate,
    intermediates: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    verifier: &dyn SignatureVerifier,
    sources: &RevocationSources,
    depth: usize,
) -> PathValidation {
    let mut search = Search {
        revocation: RevocationContext {
            anchors,
            intermediates,
            verifier,
            sources,
            depth,
        },
        anchors,
        intermediates,
        options,
        verifier,
        signatures: HashMap::new(),
        signature_checks_left: options.budget.signature_checks,
        candidates_left: options.budget.candidates,
        exhausted: None,
        best: None,
        rejected: 0,
    };
    let mut path = vec![Arc::new(leaf.clone())];
    let mut deferred = vec![false];
    if let Some(valid) = search.extend(&mut path, &mut deferred) {
        return valid;
    }
    let mut best = search
        .best
        .take()
        .unwrap_or_else(|| PathValidation::new(path, false, Vec::new()));
    if let Some(reason) = search.exhausted {
        best.add_finding(Finding::new(ResultCode::BudgetExhausted, None, reason));
    }
    best.rejected_paths = search.rejected;
    best
}

struct Search<'a> {
    revocation: RevocationContext<'a>,
    anchors: &'a TrustStore,
    intermediates: &'a CertificatePool,
    options: &'a ValidationOptions,
    verifier: &'a dyn SignatureVerifier,
    /// Verified (issuer, subject) signatures by SHA-256 of both: never verify twice.
    signatures: HashMap<([u8; 32], [u8; 32]), Result<(), SignatureError>>,
    signature_checks_left: u32,
    candidates_left: u32,
    exhausted: Option<String>,
    best: Option<PathValidation>,
    rejected: usize,
}

/// What became of one issuer candidate.
enum Verified {
    Yes,
    /// The issuer's DSA key takes its parameters from its own issuer
    /// (RFC 3279 2.3.2); verified once the path above is known.
    Deferred,
    No(String),
}

impl Search<'_> {
    /// Extends `path` (whose last element is the current certificate) towards an
    /// anchor. `deferred[i]` marks a signature of `path[i]` not yet verified.
    fn extend(
        &mut self,
        path: &mut Vec<Arc<Certificate>>,
        deferred: &mut Vec<bool>,
    ) -> Option<PathValidation> {
        let current = Arc::clone(path.last()?);
        // A trust anchor ends the path (RFC 5280 6.1: the anchor is the path's input).
        if self.anchors.contains(&current) {
            return self.finish(path, deferred, true, Vec::new());
        }
        let mut problems = Vec::new();
        if path.len() >= self.options.budget.depth {
            self.exhausted.get_or_insert_with(|| {
                format!(
                    "path depth reached the budget of {}",
                    self.options.budget.depth
                )
            });
            return self.finish(path, deferred, false, problems);
        }
        let mut found_issuer = false;
        for candidate in self.candidates(&current) {
            if self.exhausted.is_some() {
                break;
            }
            // A self-signed certificate is its own issuer candidate: not a loop to report.
            if candidate.sha256() == current.sha256() {
                continue;
            }
            // Loop detection: a certificate, or the same subject with the same key, only once.
            if path.iter().any(|c| {
                c.sha256() == candidate.sha256()
                    || (c.subject().der() == candidate.subject().der()
                        && c.public_key().der() == candidate.public_key().der())
            }) {
                problems.push(Finding::new(
                    ResultCode::Cycle,
                    Some(path.len() - 1),
                    format!(
                        "issuer candidate '{}' is already in the path",
                        candidate.subject()
                    ),
                ));
                continue;
            }
            if self.candidates_left == 0 {
                self.exhausted = Some(format!(
                    "tried the budget of {} issuer candidates",
                    self.options.budget.candidates
                ));
                break;
            }
            self.candidates_left -= 1;
            let verified = self.verify(&current, &candidate);
            let defer = match verified {
                Verified::Yes => false,
                Verified::Deferred => true,
                Verified::No(reason) => {
                    problems.push(Finding::new(
                        ResultCode::SignatureInvalid,
                        Some(path.len() - 1),
                        format!(
                            "signature not verified by '{}': {reason}",
                            candidate.subject()
                        ),
                    ));
                    continue;
                }
            };
            found_issuer = true;
            *deferred.last_mut()? = defer;
            path.push(candidate);
            deferred.push(false);
            if let Some(valid) = self.extend(path, deferred) {
                return Some(valid);
            }
            path.pop();
            deferred.pop();
        }
        if let Some(last) = deferred.last_mut() {
            *last = false;
        }
        if found_issuer {
            return None;
        }
        let top = path.len() - 1;
        let code = if current.is_self_issued() && problems.is_empty() {
            ResultCode::UntrustedRoot
        } else {
            ResultCode::PartialChain
        };
        let detail = match code {
            ResultCode::UntrustedRoot => {
                format!("self-signed '{}' is not a trust anchor", current.subject())
            }
            _ => format!(
                "no trusted issuer found for '{}' (issuer '{}')",
                current.subject(),
                current.issuer()
            ),
        };
        problems.push(Finding::new(code, Some(top), detail));
        self.finish(path, deferred, false, problems)
    }

    /// Candidate issuers of `child`: anchors first, then intermediates; within
    /// each, a subjectKeyIdentifier equal to the child's authorityKeyIdentifier first
    /// (a stable sort, so input order breaks ties).
    fn candidates(&self, child: &Certificate) -> Vec<Arc<Certificate>> {
        let aki = child.authority_key_id();
        let rank = |c: &Arc<Certificate>| match (aki, c.subject_key_id()) {
            (Some(a), Some(s)) if a == s => 0,
            (Some(_), Some(_)) => 2,
            _ => 1,
        };
        let mut anchors: Vec<_> = self.anchors.issuers_of(child).cloned().collect();
        anchors.sort_by_key(rank);
        let mut others: Vec<_> = self
            .intermediates
            .issuers_of(child)
            .filter(|c| !self.anchors.contains(c))
            .cloned()
            .collect();
        others.sort_by_key(rank);
        anchors.extend(others);
        anchors
    }

    fn verify(&mut self, subject: &Certificate, issuer: &Certificate) -> Verified {
        let key = issuer.public_key().signer_key();
        if key.needs_inherited_dsa_parameters() {
            return Verified::Deferred;
        }
        let memo = (*issuer.sha256(), *subject.sha256());
        if let Some(result) = self.signatures.get(&memo) {
            return match result {
                Ok(()) => Verified::Yes,
                Err(e) => Verified::No(e.to_string()),
            };
        }
        let shared = self.options.signature_cache.as_deref();
        match shared.and_then(|cache| cache.get(&memo.0, &memo.1)) {
            Some(true) => return Verified::Yes,
            Some(false) => return Verified::No("signature does not verify (cached)".into()),
            None => {}
        }
        if self.signature_checks_left == 0 {
            self.exhausted.get_or_insert_with(|| {
                format!(
                    "used the budget of {} signature checks",
                    self.options.budget.signature_checks
                )
            });
            return Verified::No("signature check budget exhausted".into());
        }
        self.signature_checks_left -= 1;
        let result = verify_signature(self.verifier, subject, &key);
        if let Some(cache) = shared {
            cache.put(&memo.0, &memo.1, result.is_ok());
        }
        let verdict = match &result {
            Ok(()) => Verified::Yes,
            Err(e) => Verified::No(e.to_string()),
        };
        self.signatures.insert(memo, result);
        verdict
    }

    /// Verifies deferred DSA signatures now that the path above is known,
    /// runs the RFC 5280 rules, and keeps the path if it is valid or the
    /// closest so far.
    fn finish(
        &mut self,
        path: &[Arc<Certificate>],
        deferred: &[bool],
        anchored: bool,
        mut findings: Vec<Finding>,
    ) -> Option<PathValidation> {
        findings.extend(self.verify_deferred(path, deferred));
        let processed = process_path(path, anchored, self.options);
        findings.extend(processed.findings);
        // Revocation last, and only for a path that is otherwise valid: it
        // may fetch, and a rejected path needs no revocation data.
        let mut statuses = Vec::new();
        if anchored && !findings.iter().any(|f| f.severity == Severity::Error) {
            let (revocation_findings, checked) =
                revocation::check_path(path, self.options, &self.revocation);
            findings.extend(revocation_findings);
            statuses = checked;
        }
        let mut result = PathValidation::new(path.to_vec(), anchored, findings);
        result.user_constrained_policy_set =
            processed.user_constrained_policy_set.unwrap_or_default();
        result.revocation = statuses;
        if result.valid {
            return Some(result);
        }
        self.rejected += 1;
        let better = match &self.best {
            None => true,
            Some(best) => result.closeness() > best.closeness(),
        };
        if better {
            self.best = Some(result);
        }
        None
    }

    /// RFC 3279 2.3.2: a DSA key without parameters inherits those of the
    /// nearest issuer above it that has them.
    fn verify_deferred(&mut self, path: &[Arc<Certificate>], deferred: &[bool]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, _) in deferred.iter().enumerate().filter(|(_, d)| **d) {
            let Some(issuer) = path.get(index + 1) else {
                continue;
            };
            let inherited = path[index + 2..].iter().find_map(|c| {
                let spki = c.public_key().spki();
                (spki.algorithm.oid == crate::cert::public_key::oid::DSA)
                    .then_some(spki.algorithm.parameters.as_ref())
                    .flatten()
            });
            let Some(params) = inherited else {
                findings.push(Finding::new(
                    ResultCode::SignatureInvalid,
                    Some(index),
                    format!("issuer '{}' has a DSA key without parameters and no issuer above supplies them (RFC 3279 2.3.2)", issuer.subject()),
                ));
                continue;
            };
            if self.signature_checks_left == 0 {
                findings.push(Finding::new(
                    ResultCode::BudgetExhausted,
                    Some(index),
                    "signature check budget exhausted",
                ));
                continue;
            }
            self.signature_checks_left -= 1;
            let key = issuer
                .public_key()
                .signer_key()
                .with_inherited_dsa_parameters(params.into());
            if let Err(e) = verify_signature(self.verifier, &path[index], &key) {
                findings.push(Finding::new(
                    ResultCode::SignatureInvalid,
                    Some(index),
                    format!(
                        "signature not verified by '{}' with inherited DSA parameters: {e}",
                        issuer.subject()
                    ),
                ));
            }
        }
        findings
    }
}

fn verify_signature(
    verifier: &dyn SignatureVerifier,
    subject: &Certificate,
    key: &SignerKey<'_>,
) -> Result<(), SignatureError> {
    verifier.verify_signature(
        &subject.signature_algorithm().owned_to_ref(),
        key,
        subject.tbs_der(),
        subject.signature(),
    )
}

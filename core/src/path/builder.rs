//! Path building: depth-first search from the end entity towards a trust
//! anchor over every candidate issuer, with backtracking, loop detection,
//! a work budget and a memo of verified signatures.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use crate::cert::Certificate;
use crate::crypto::{SignatureError, SignatureVerifier, SignerKey};
use crate::revocation::RevocationSources;
use der::referenced::OwnedToRef;

use super::budget::{Exhausted, Limit, Meter};
use super::findings::{Finding, ResultCode, Severity};
use super::options::ValidationOptions;
use super::process::process_path;
use super::recover;
use super::result::PathValidation;
use super::revocation::{self, RevocationContext};
use super::store::{CertificatePool, NameKey, TrustStore};

/// Builds and validates a certification path for `leaf`.
///
/// Candidate issuers are every certificate whose subject matches the
/// issuer name (RFC 5280 7.1 comparison), tried in this order (a stable
/// sort, so input order breaks ties): trust anchors first; then those whose
/// subjectKeyIdentifier equals the authorityKeyIdentifier; then those whose
/// signature over the child is already known good; then those fewest
/// issuer-name links away from a trust anchor. For a child without a usable
/// authorityKeyIdentifier and an ECDSA signature, the candidates holding
/// the key recovered from that signature come first. Loops are detected on
/// the current path only (the same certificate, or the same subject with
/// the same key), so that other branches stay open. The first complete path
/// without findings is returned; when there is none within the
/// [`super::Budget`], the result holds the path that came closest, with all
/// of its findings.
///
/// ```
/// use validate::path::{validate_path, CertificatePool, TrustStore, ValidationOptions, Purpose};
/// use validate::read_certificates_strict;
/// use validate::crypto::DefaultVerifier;
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
/// soft or hard. One budget (`options.budget`) covers the whole validation,
/// the CRL signers' and OCSP responders' paths and signatures included.
pub fn validate_path_with_revocation(
    leaf: &Certificate,
    intermediates: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    verifier: &dyn SignatureVerifier,
    sources: &RevocationSources,
) -> PathValidation {
    let meter = Meter::new(options.budget);
    let mut result = validate_path_at_depth(
        leaf,
        intermediates,
        anchors,
        options,
        verifier,
        sources,
        0,
        &meter,
    );
    // Exhaustion is one finding, whichever part of the validation ran out:
    // the first one recorded (the most specific), else the meter's.
    let first = result
        .findings
        .iter()
        .position(|f| f.code == ResultCode::BudgetExhausted)
        .map(|i| result.findings.remove(i));
    result
        .findings
        .retain(|f| f.code != ResultCode::BudgetExhausted);
    let finding = match (meter.exhausted(), first) {
        (Some(exhausted), first) => Some(first.unwrap_or_else(|| {
            Finding::new(ResultCode::BudgetExhausted, None, exhausted.to_string())
        })),
        // The depth limit of one branch (which does not stop the others).
        (None, first) => first,
    };
    if let Some(finding) = finding {
        // A path found before the budget ran out (a nested signer search
        // used it up) stands, with the exhaustion as a warning.
        result.add_finding(if result.valid {
            finding.warning()
        } else {
            finding
        });
    }
    result.valid = result.anchored && result.errors().next().is_none();
    result.signature_checks = meter.signature_checks_used();
    result
}

/// Path validation nested `depth` levels inside CRL-signer validation,
/// drawing from the validation's one `meter`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate_path_at_depth(
    leaf: &Certificate,
    intermediates: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    verifier: &dyn SignatureVerifier,
    sources: &RevocationSources,
    depth: usize,
    meter: &Meter,
) -> PathValidation {
    let mut search = Search {
        revocation: RevocationContext {
            anchors,
            intermediates,
            verifier,
            sources,
            depth,
            meter,
        },
        anchors,
        intermediates,
        options,
        verifier,
        meter,
        signatures: HashMap::new(),
        distances: distances(anchors, intermediates),
        best: None,
        rejected: 0,
        depth_reached: false,
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
    let exhausted = meter.exhausted().or_else(|| {
        search.depth_reached.then_some(Exhausted {
            limit: Limit::Depth,
            value: meter.limits().depth as u64,
        })
    });
    if let Some(exhausted) = exhausted {
        best.add_finding(Finding::new(
            ResultCode::BudgetExhausted,
            None,
            exhausted.to_string(),
        ));
    }
    best.rejected_paths = search.rejected;
    best
}

/// Issuer-name links from each subject name to a trust anchor, over the
/// names of the pool (breadth first, no signature checked): a heuristic
/// that sends the search towards the anchors first. A name with no route
/// is missing.
fn distances(anchors: &TrustStore, intermediates: &CertificatePool) -> HashMap<NameKey, u32> {
    let mut by_issuer: HashMap<NameKey, Vec<NameKey>> = HashMap::new();
    for cert in intermediates.certificates() {
        by_issuer
            .entry(NameKey::of(cert.issuer()))
            .or_default()
            .push(NameKey::of(cert.subject()));
    }
    let mut distance = HashMap::new();
    let mut queue = VecDeque::new();
    for anchor in anchors.certificates() {
        let key = NameKey::of(anchor.subject());
        if distance.insert(key.clone(), 0).is_none() {
            queue.push_back(key);
        }
    }
    while let Some(name) = queue.pop_front() {
        let d = distance.get(&name).copied().unwrap_or(0);
        for subject in by_issuer.get(&name).into_iter().flatten() {
            if !distance.contains_key(subject) {
                distance.insert(subject.clone(), d + 1);
                queue.push_back(subject.clone());
            }
        }
    }
    distance
}

/// Memo key of a signature check: SHA-256 of the issuer's
/// SubjectPublicKeyInfo (the signature depends on the key alone, so every
/// certificate of one key shares the verdict) and of the subject.
type MemoKey = ([u8; 32], [u8; 32]);

struct Search<'a> {
    revocation: RevocationContext<'a>,
    anchors: &'a TrustStore,
    intermediates: &'a CertificatePool,
    options: &'a ValidationOptions,
    verifier: &'a dyn SignatureVerifier,
    /// The one budget of the validation.
    meter: &'a Meter,
    /// Verified (issuer key, subject) signatures: never verify twice.
    signatures: HashMap<MemoKey, Result<(), SignatureError>>,
    /// Issuer-name links from a subject name to an anchor.
    distances: HashMap<NameKey, u32>,
    best: Option<PathValidation>,
    /// Some branch stopped at the depth limit.
    depth_reached: bool,
    rejected: usize,
}

/// What became of one issuer candidate.
enum Verified {
    Yes,
    /// The issuer's DSA key takes its parameters from its own issuer
    /// (RFC 3279 2.3.2); verified once the path above is known.
    Deferred,
    No(String),
    /// The budget ran out before the check: not the candidate's fault, and
    /// reported once for the validation.
    Exhausted,
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
        // The depth limit ends this branch only: shorter paths through the
        // other candidates stay open (the signature and candidate budgets
        // bound the whole search).
        if path.len() >= self.meter.limits().depth {
            self.depth_reached = true;
            return self.finish(path, deferred, false, problems);
        }
        let mut found_issuer = false;
        for candidate in self.candidates(&current) {
            if self.meter.is_exhausted() {
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
            if self.meter.candidate().is_err() {
                break;
            }
            let verified = self.verify(&current, &candidate);
            let defer = match verified {
                Verified::Yes => false,
                Verified::Deferred => true,
                Verified::Exhausted => break,
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

    /// Candidate issuers of `child` in the order of [`validate_path`]: anchors
    /// first; then, in each group, a subjectKeyIdentifier equal to the
    /// child's authorityKeyIdentifier, a signature already known good (in
    /// this validation's memo or the shared cache), a key recovered from the
    /// child's ECDSA signature, and the fewest name links to an anchor (a
    /// stable sort, so input order breaks ties).
    fn candidates(&mut self, child: &Certificate) -> Vec<Arc<Certificate>> {
        let mut anchors: Vec<_> = self.anchors.issuers_of(child).cloned().collect();
        let mut others: Vec<_> = self
            .intermediates
            .issuers_of(child)
            .filter(|c| !self.anchors.contains(c))
            .cloned()
            .collect();
        if anchors.len() + others.len() < 2 {
            anchors.extend(others);
            return anchors;
        }
        let aki = child.authority_key_id();
        let aki_rank = |c: &Arc<Certificate>| match (aki, c.subject_key_id()) {
            (Some(a), Some(s)) if a == s => 0u8,
            (Some(_), Some(_)) => 2,
            _ => 1,
        };
        let recovered = self.recovered_keys(child, &anchors, &others, aki.is_some());
        let rank = |search: &Self, c: &Arc<Certificate>| {
            let known = match search.known_verdict(child, c) {
                Some(true) => 0u8,
                None => 1,
                Some(false) => 2,
            };
            let key = u8::from(!recovered.iter().any(|k| k == c.public_key().key_bytes()));
            let distance = search
                .distances
                .get(&NameKey::of(c.issuer()))
                .copied()
                .unwrap_or(u32::MAX);
            (aki_rank(c), known, key, distance)
        };
        let mut ranked: Vec<_> = anchors.drain(..).map(|c| (rank(self, &c), c)).collect();
        ranked.sort_by_key(|(r, _)| (r.0, r.1, r.2));
        let mut ranked_others: Vec<_> = others.drain(..).map(|c| (rank(self, &c), c)).collect();
        ranked_others.sort_by_key(|(r, _)| *r);
        ranked.extend(ranked_others);
        ranked.into_iter().map(|(_, c)| c).collect()
    }

    /// RFC 5280 4.2.1.1: without an authorityKeyIdentifier (or with one no
    /// candidate's subjectKeyIdentifier matches) the name alone links the
    /// child to its issuer. When three or more distinct ECDSA keys share the
    /// name, the key is recovered from the child's signature (one budget
    /// unit per curve tried) so that a flood of same-name CAs cannot push
    /// the right issuer past the budget.
    fn recovered_keys(
        &self,
        child: &Certificate,
        anchors: &[Arc<Certificate>],
        others: &[Arc<Certificate>],
        has_aki: bool,
    ) -> Vec<Vec<u8>> {
        let all = || anchors.iter().chain(others);
        if has_aki {
            let aki = child.authority_key_id();
            if all().any(|c| c.subject_key_id().is_some() && c.subject_key_id() == aki) {
                return Vec::new();
            }
        }
        if all().any(|c| self.known_verdict(child, c) == Some(true)) {
            return Vec::new();
        }
        let mut by_curve: HashMap<der::asn1::ObjectIdentifier, HashSet<&[u8]>> = HashMap::new();
        for c in all() {
            if let Some(curve) = c.public_key().curve()
                && recover::recoverable(child, curve)
            {
                by_curve
                    .entry(curve)
                    .or_default()
                    .insert(c.public_key().key_bytes());
            }
        }
        let mut keys = Vec::new();
        for (curve, distinct) in by_curve {
            if distinct.len() < 3 || self.meter.signature_check().is_err() {
                continue;
            }
            keys.extend(recover::signer_keys(child, curve));
        }
        keys
    }

    /// The memo key of `subject` signed by `issuer`.
    fn memo_key(subject: &Certificate, issuer: &Certificate) -> MemoKey {
        use sha2::Digest;
        (
            sha2::Sha256::digest(issuer.public_key().der()).into(),
            *subject.sha256(),
        )
    }

    /// A verdict known without a check: this validation's memo, then the
    /// shared cache.
    fn known_verdict(&self, subject: &Certificate, issuer: &Certificate) -> Option<bool> {
        let memo = Self::memo_key(subject, issuer);
        if let Some(result) = self.signatures.get(&memo) {
            return Some(result.is_ok());
        }
        self.options
            .signature_cache
            .as_deref()
            .and_then(|cache| cache.get(&memo.0, &memo.1))
    }

    fn verify(&mut self, subject: &Certificate, issuer: &Certificate) -> Verified {
        let key = issuer.public_key().signer_key();
        if key.needs_inherited_dsa_parameters() {
            return Verified::Deferred;
        }
        // A key of another family than the signature algorithm cannot
        // verify it: rejected without spending the budget.
        if !key_fits_signature(
            issuer.public_key().algorithm(),
            subject.signature_algorithm().oid,
        ) {
            return Verified::No(format!(
                "its {} key cannot verify a {} signature",
                issuer.public_key().algorithm(),
                subject.signature_algorithm().oid
            ));
        }
        let memo = Self::memo_key(subject, issuer);
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
        if self.meter.signature_check().is_err() {
            return Verified::Exhausted;
        }
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
        let processed = process_path(path, anchored, self.options, self.meter);
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
            if let Err(exhausted) = self.meter.signature_check() {
                findings.push(Finding::new(
                    ResultCode::BudgetExhausted,
                    Some(index),
                    exhausted.to_string(),
                ));
                continue;
            }
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

/// Key families of signature algorithms, for the cheap rejection of a
/// candidate whose key cannot verify the child's signature at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
}

/// The family of a SubjectPublicKeyInfo algorithm (RFC 3279 2.3, RFC 4055
/// 1.2, RFC 5480 2.1.1, RFC 8410 3).
fn key_family(oid: der::asn1::ObjectIdentifier) -> Option<Family> {
    Some(match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => Family::Rsa,
        "1.2.840.10045.2.1" => Family::Ec,
        "1.3.101.112" => Family::Ed25519,
        "1.3.101.113" => Family::Ed448,
        "1.2.840.10040.4.1" => Family::Dsa,
        _ => return None,
    })
}

/// The family of a signature algorithm (RFC 3279 2.2, RFC 4055 5, RFC 5758
/// 3, RFC 8410 3, NIST CSOR for the SHA-2 DSA and SHA-3 forms).
fn signature_family(oid: der::asn1::ObjectIdentifier) -> Option<Family> {
    let dotted = oid.to_string();
    let arc = |prefix: &str| {
        dotted
            .strip_prefix(prefix)
            .and_then(|last| last.parse::<u32>().ok())
    };
    Some(match dotted.as_str() {
        "1.3.101.112" => Family::Ed25519,
        "1.3.101.113" => Family::Ed448,
        "1.3.14.3.2.29" => Family::Rsa,
        "1.3.14.3.2.27" | "1.2.840.10040.4.3" => Family::Dsa,
        _ if dotted.starts_with("1.2.840.10045.4.") => Family::Ec,
        _ => match (arc("1.2.840.113549.1.1."), arc("2.16.840.1.101.3.4.3.")) {
            (Some(2..=5 | 10..=16), _) => Family::Rsa,
            (_, Some(1..=8)) => Family::Dsa,
            (_, Some(9..=12)) => Family::Ec,
            (_, Some(13..=16)) => Family::Rsa,
            _ => return None,
        },
    })
}

/// False only when both families are known and differ.
fn key_fits_signature(
    key: der::asn1::ObjectIdentifier,
    signature: der::asn1::ObjectIdentifier,
) -> bool {
    match (key_family(key), signature_family(signature)) {
        (Some(k), Some(s)) => k == s,
        _ => true,
    }
}

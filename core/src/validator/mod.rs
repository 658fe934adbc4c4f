//! The `Validator`: one policy, the main entry point of the library. A
//! request in the seed's shape goes in, the seed's report comes out.
//! `Send + Sync`: share one per policy between threads.

mod authenticode;
mod batch;
mod certificates;
mod chain;
mod health;
mod nuget;
mod pades;
mod results;
mod signature_records;
mod signatures;
mod stats;
mod xades;

use std::sync::Arc;

pub use batch::CmsInput;
pub use chain::ChainOptions;
pub use health::{
    Health, PolicyHealth, PolicyHealthInfo, PolicyHealthStatistics, SignatureValidationCounter,
};
pub use stats::Statistics;

use crate::crypto::{DefaultVerifier, KeyCachingVerifier, SignatureVerifier};
use crate::path::{SignatureCache, ValidationOptions};
use crate::policy::ValidationPolicy;
use crate::report::{PolicyPart, ResultStatus, SeedCode, StatusBlock, VERSION, ValidationReport};
use crate::request::{SignatureType, ValidationRequest};
use crate::revocation::{RevocationMode, RevocationSources};

/// Signature verdicts a validator keeps: 65,536 issuer/subject pairs (a few
/// MiB) hold every chain a busy service sees many times over.
const SIGNATURE_CACHE_CAPACITY: usize = 65_536;
/// Decoded public keys a validator keeps (RSA moduli with their
/// precomputations, curve points): a few KiB each.
const KEY_CACHE_CAPACITY: usize = 4_096;
use crate::time::Timestamp;

/// Validates requests against one policy and keeps its statistics.
///
/// ```
/// use base64ct::{Base64, Encoding};
/// use validate::{Timestamp, policy::ValidationPolicy, path::TrustStore, read_certificates_strict};
/// use validate::{request::ValidationRequest, validator::Validator};
///
/// let root = read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
/// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(root)));
/// let chain = std::fs::read("../examples/chain/chain.pem").unwrap();
/// let request = ValidationRequest {
///     signature_type: "X509".into(),
///     certificate: Some(Base64::encode_string(&chain)),
///     ..Default::default()
/// };
/// let report = validator.validate(&request, "2030-01-01T00:00:00Z".parse::<Timestamp>().unwrap());
/// assert!(report.is_acceptable(), "{}", serde_json::to_string(&report).unwrap());
/// assert_eq!(validator.statistics().success, 1);
/// ```
pub struct Validator {
    policy: ValidationPolicy,
    verifier: Arc<dyn SignatureVerifier>,
    revocation: RevocationSources,
    /// Certificate signatures verified by earlier validations.
    signatures: Arc<SignatureCache>,
    stats: stats::Counters,
}

impl Validator {
    /// A validator for `policy` with the default signature backend.
    pub fn new(policy: ValidationPolicy) -> Self {
        Self::with_verifier(policy, Arc::new(DefaultVerifier::default()))
    }

    /// A validator with another signature backend. The validator keeps the
    /// keys the backend decodes (up to 4,096 of them), so a signer key seen
    /// again, even in a new certificate object, is not decoded again.
    pub fn with_verifier(policy: ValidationPolicy, verifier: Arc<dyn SignatureVerifier>) -> Self {
        let revocation = policy_sources(&policy, RevocationSources::new());
        Validator {
            policy,
            verifier: Arc::new(KeyCachingVerifier::new(verifier, KEY_CACHE_CAPACITY)),
            revocation,
            signatures: Arc::new(SignatureCache::new(SIGNATURE_CACHE_CAPACITY)),
            stats: stats::Counters::default(),
        }
    }

    /// The same validator with revocation data and retrieval (CRLs, OCSP
    /// responses, a fetcher): used at levels 2 and 3. Without it, those
    /// levels find no revocation information.
    pub fn with_revocation_sources(mut self, sources: RevocationSources) -> Self {
        self.revocation = policy_sources(&self.policy, sources);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &ValidationPolicy {
        &self.policy
    }

    /// Validates a request at time `at` (the policy's time source may pick
    /// another time for signatures) and counts it in the statistics.
    pub fn validate(&self, request: &ValidationRequest, at: Timestamp) -> ValidationReport {
        let report = self.dispatch(request, at);
        self.stats.record(report.is_acceptable(), at);
        report
    }

    /// Parses a request in the seed's JSON shape and validates it; a request
    /// that does not parse gives a report whose `opResult` says why.
    pub fn validate_json(&self, json: &str, at: Timestamp) -> ValidationReport {
        match serde_json::from_str::<ValidationRequest>(json) {
            Ok(request) => self.validate(&request, at),
            Err(e) => {
                let report = op_error(SeedCode::BadRequest, format!("request: {e}"));
                self.stats.record(false, at);
                report
            }
        }
    }

    /// Success and failure counters and the time of the last validation.
    pub fn statistics(&self) -> Statistics {
        self.stats.snapshot()
    }

    fn dispatch(&self, request: &ValidationRequest, at: Timestamp) -> ValidationReport {
        let Some(kind) = SignatureType::parse(&request.signature_type) else {
            return op_error(
                SeedCode::BadRequest,
                format!(
                    "signatureType \"{}\" is not one of {} (case-insensitive, exactly)",
                    request.signature_type.escape_debug(),
                    SignatureType::ALL.map(SignatureType::name).join(", ")
                ),
            );
        };
        match kind {
            SignatureType::P7b | SignatureType::X509 => {
                certificates::validate(self, request, kind, at)
            }
            SignatureType::Cades
            | SignatureType::CadesMultiple
            | SignatureType::CadesImplicit
            | SignatureType::CadesExplicit => signatures::validate_cades(self, request, kind, at),
            SignatureType::Pkcs1 => signatures::validate_pkcs1(self, request, at),
            SignatureType::XadesEnveloped | SignatureType::XadesDetached => {
                xades::validate_xades(self, request, kind, at)
            }
            SignatureType::Pades => pades::validate_request(self, request, at),
            SignatureType::NuGet => nuget::validate_request(self, request, at),
            SignatureType::Authenticode => authenticode::validate_request(self, request, at),
        }
    }

    /// Path options for this validator's policy at `at`: the policy's
    /// purpose, algorithm rules and revocation mode (from its level), and
    /// the shared signature cache.
    fn path_options(&self, at: Timestamp) -> ValidationOptions {
        let mut options = self.policy.path_options(at, self.policy.purpose);
        options.revocation = RevocationMode::from(self.policy.level);
        options.signature_cache = Some(Arc::clone(&self.signatures));
        options
    }

    /// The policy part of a report, before its certificate / signature parts.
    fn policy_part(&self) -> PolicyPart {
        PolicyPart {
            result_status: ResultStatus::Success,
            name: self.policy.name.clone(),
            version: self.policy.version.clone(),
            date: self.policy.date.to_string(),
            certificate: None,
            signature: None,
        }
    }
}

/// `sources` with the policy's own CRLs added.
fn policy_sources(policy: &ValidationPolicy, mut sources: RevocationSources) -> RevocationSources {
    for crl in &policy.crls {
        sources.add_crl(Arc::clone(crl));
    }
    sources
}

/// A report for a request that could not be processed.
fn op_error(code: SeedCode, detail: String) -> ValidationReport {
    let mut op_result = StatusBlock::default();
    op_result.push(ResultStatus::Error, code.code(), Some(detail));
    ValidationReport {
        version: VERSION.to_string(),
        op_result,
        policy: None,
        signers: None,
        certificates: None,
        signed_scope: None,
        pdf_signatures: None,
    }
}

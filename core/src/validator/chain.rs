//! Chain requests: one certificate's certification path against the
//! policy's trust anchors (CLI.md `validate chain`).

use der::asn1::ObjectIdentifier;

use super::Validator;
use crate::cert::Certificate;
use crate::path::{CertificatePool, PathValidation, Purpose, validate_path_with_revocation};
use crate::time::Timestamp;

/// What a chain validation asks beyond the policy: the RFC 5280 6.1.1
/// inputs, the purposes and key usage of the end entity, a peer name, a
/// depth. Every field starts empty or false ([`ChainOptions::default`]),
/// which asks nothing beyond the policy.
///
/// ```
/// use validate::path::Purpose;
/// use validate::validator::ChainOptions;
/// let mut options = ChainOptions::default();
/// options.purposes = Some(vec![Purpose::CodeSigning]);
/// options.max_intermediates = Some(3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChainOptions {
    /// Purposes the end entity must be valid for (empty: any); `None`
    /// keeps the policy's purpose.
    pub purposes: Option<Vec<Purpose>>,
    /// keyUsage bits ([`crate::cert::KeyUsage`]) the end entity must allow; 0 asks nothing.
    pub key_usage: u16,
    /// A DNS name or IP address the end entity's subjectAltName must match.
    pub peer_name: Option<String>,
    /// Most intermediate certificates allowed.
    pub max_intermediates: Option<usize>,
    /// user-initial-policy-set (RFC 5280 6.1.1 (c)); empty means anyPolicy.
    pub initial_policy_set: Vec<ObjectIdentifier>,
    /// initial-explicit-policy (RFC 5280 6.1.1 (f)).
    pub require_explicit_policy: bool,
    /// initial-policy-mapping-inhibit (RFC 5280 6.1.1 (e)).
    pub inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit (RFC 5280 6.1.1 (g)).
    pub inhibit_any_policy: bool,
}

impl Validator {
    /// Builds and validates the certification path of `leaf` at `at`
    /// through `intermediates` and the policy's intermediates to the
    /// policy's trust anchors, with the policy's profile, algorithms and
    /// revocation level (and this validator's revocation sources and
    /// signature cache) and what `options` asks. Counts in the statistics.
    ///
    /// ```
    /// use validate::{read_certificates_strict, policy::ValidationPolicy, path::{CertificatePool, TrustStore}};
    /// use validate::validator::{ChainOptions, Validator};
    /// let read = |f: &str| read_certificates_strict(&std::fs::read(format!("../examples/chain/{f}")).unwrap()).unwrap();
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(read("root.pem"))));
    /// let path = validator.validate_chain(
    ///     &read("leaf.pem")[0],
    ///     &CertificatePool::from_certificates(read("intermediate.pem")),
    ///     &ChainOptions::default(),
    ///     "2030-01-01T00:00:00Z".parse().unwrap(),
    /// );
    /// assert!(path.valid, "{:?}", path.findings);
    /// ```
    pub fn validate_chain(
        &self,
        leaf: &Certificate,
        intermediates: &CertificatePool,
        options: &ChainOptions,
        at: Timestamp,
    ) -> PathValidation {
        let mut path_options = self.path_options(at);
        if let Some(purposes) = &options.purposes {
            path_options.purposes.clone_from(purposes);
        }
        path_options.key_usage = options.key_usage;
        path_options.peer_name.clone_from(&options.peer_name);
        path_options.max_intermediates = options.max_intermediates;
        path_options
            .initial_policy_set
            .clone_from(&options.initial_policy_set);
        path_options.require_explicit_policy = options.require_explicit_policy;
        path_options.inhibit_policy_mapping = options.inhibit_policy_mapping;
        path_options.inhibit_any_policy = options.inhibit_any_policy;
        let policy = self.policy();
        let merged;
        let pool = if intermediates.is_empty() {
            &policy.intermediates
        } else if policy.intermediates.is_empty() {
            intermediates
        } else {
            let mut all = policy.intermediates.clone();
            for cert in intermediates.certificates() {
                all.add(cert.clone());
            }
            merged = all;
            &merged
        };
        let path = validate_path_with_revocation(
            leaf,
            pool,
            &policy.anchors,
            &path_options,
            self.verifier.as_ref(),
            &self.revocation,
        );
        self.stats.record(path.valid, at);
        path
    }
}

//! The entry point: the revocation status of one certificate from every
//! source available, under the options' mode.

use std::sync::Arc;

use super::crl::Crl;
use super::crl_check::{self, Context};
use super::options::{RevocationMode, RevocationOptions};
use super::signers::{RevocationSigners, SignatureMemo};
use super::status::{RevocationStatus, UnknownReason};
use crate::cert::Certificate;
use crate::crypto::{DefaultVerifier, SignatureVerifier};

/// Revocation data and the means to get more: CRLs and OCSP responses given
/// by the caller, the signature memo, and (later) a fetcher with its cache.
/// Build once and share: it is `Send + Sync`, and every CRL in it is parsed
/// once and its signature verified once.
pub struct RevocationSources {
    crls: Vec<Arc<Crl>>,
    memo: SignatureMemo,
    verifier: Arc<dyn SignatureVerifier>,
}

impl Default for RevocationSources {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RevocationSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevocationSources")
            .field("crls", &self.crls.len())
            .field("memo", &self.memo.len())
            .finish_non_exhaustive()
    }
}

impl RevocationSources {
    /// No data, the default signature verifier.
    pub fn new() -> Self {
        RevocationSources {
            crls: Vec::new(),
            memo: SignatureMemo::new(),
            verifier: Arc::new(DefaultVerifier::default()),
        }
    }

    /// Uses `verifier` for CRL and OCSP signatures.
    pub fn with_verifier(mut self, verifier: Arc<dyn SignatureVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// Adds a CRL (complete or delta).
    pub fn add_crl(&mut self, crl: Arc<Crl>) {
        if !self.crls.iter().any(|c| c.sha256() == crl.sha256()) {
            self.crls.push(crl);
        }
    }

    /// Adds CRLs.
    pub fn with_crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
        for crl in crls {
            self.add_crl(Arc::new(crl));
        }
        self
    }

    /// The CRLs given.
    pub fn crls(&self) -> &[Arc<Crl>] {
        &self.crls
    }

    /// The memo of verified signatures.
    pub fn memo(&self) -> &SignatureMemo {
        &self.memo
    }
}

/// The revocation status of `cert`, issued by `issuer` (the next certificate
/// of the validated path), at `options.time`.
///
/// Never fails and never panics: malformed, stale or wrongly signed data,
/// and failed retrievals, give [`RevocationStatus::Unknown`] with the
/// reasons. `signers` supplies CRL / OCSP signers other than `issuer` and
/// validates them; [`super::NoExtraSigners`] allows only `issuer`.
pub fn check_revocation(
    cert: &Certificate,
    issuer: &Certificate,
    sources: &RevocationSources,
    options: &RevocationOptions,
    signers: &dyn RevocationSigners,
) -> RevocationStatus {
    if options.mode == RevocationMode::None {
        return RevocationStatus::unknown(UnknownReason::NotChecked, Vec::new());
    }
    let mut ctx = Context {
        verifier: sources.verifier.as_ref(),
        memo: &sources.memo,
        signers,
        options,
        signature_checks_left: options.max_signature_checks,
        details: Vec::new(),
        exhausted: false,
    };
    crl_check::check(cert, issuer, &sources.crls, &mut ctx)
}

//! The entry point: the revocation status of one certificate from every
//! source available (OCSP responses and CRLs given, the cache, retrieval),
//! under the options' mode.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::cache::{CacheKey, Cached, RevocationCache};
use super::crl::Crl;
use super::crl_check::{self, Context};
use super::fetch::{FetchRequest, Fetcher};
use super::ocsp::{CertId, OcspRequest, OcspResponse};
use super::ocsp_check;
use super::options::{RevocationMode, RevocationOptions};
use super::signers::{RevocationSigners, SignatureMemo};
use super::status::{RevocationStatus, UnknownReason};
use crate::cert::extensions::oid as ext_oid;
use crate::cert::{Certificate, ExtensionValue};
use crate::crypto::{DefaultVerifier, DigestAlgorithm, SignatureVerifier};
use crate::path::{Budget, Meter};
use crate::time::Timestamp;

/// id-ad-ocsp (RFC 5280 4.2.2.1).
const ID_AD_OCSP: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// Revocation data and the means to get more: CRLs and OCSP responses given
/// by the caller, an optional [`Fetcher`] with its [`RevocationCache`], and
/// the memo of verified signatures. Build once and share (it is
/// `Send + Sync`): every CRL is parsed once and its signature verified once.
pub struct RevocationSources {
    crls: Vec<Arc<Crl>>,
    ocsp: Vec<Arc<OcspResponse>>,
    fetcher: Option<Arc<dyn Fetcher>>,
    cache: Arc<RevocationCache>,
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
            .field("ocsp", &self.ocsp.len())
            .field("fetcher", &self.fetcher.is_some())
            .field("cache", &self.cache.len())
            .field("memo", &self.memo.len())
            .finish_non_exhaustive()
    }
}

impl RevocationSources {
    /// No data, no fetcher, an empty cache, the default signature verifier.
    pub fn new() -> Self {
        RevocationSources {
            crls: Vec::new(),
            ocsp: Vec::new(),
            fetcher: None,
            cache: Arc::new(RevocationCache::default()),
            memo: SignatureMemo::new(),
            verifier: Arc::new(DefaultVerifier::default()),
        }
    }

    /// Uses `verifier` for CRL and OCSP signatures.
    pub fn with_verifier(mut self, verifier: Arc<dyn SignatureVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// Retrieves missing data with `fetcher` (unless the options say offline).
    pub fn with_fetcher(mut self, fetcher: Arc<dyn Fetcher>) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// Shares `cache` (e.g. between the sources of several validations).
    pub fn with_cache(mut self, cache: Arc<RevocationCache>) -> Self {
        self.cache = cache;
        self
    }

    /// Adds a CRL (complete or delta); an exact duplicate is ignored.
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

    /// Adds an OCSP response (e.g. stapled, or embedded in a signature).
    pub fn add_ocsp_response(&mut self, response: Arc<OcspResponse>) {
        if !self.ocsp.iter().any(|r| r.sha256() == response.sha256()) {
            self.ocsp.push(response);
        }
    }

    /// Adds OCSP responses.
    pub fn with_ocsp_responses(
        mut self,
        responses: impl IntoIterator<Item = OcspResponse>,
    ) -> Self {
        for r in responses {
            self.add_ocsp_response(Arc::new(r));
        }
        self
    }

    /// These sources plus `extra` CRLs (e.g. those a CMS message carries),
    /// sharing the fetcher, cache and verifier; the signature memo starts empty.
    pub fn extended_with_crls(&self, extra: impl IntoIterator<Item = Crl>) -> RevocationSources {
        let mut out = RevocationSources {
            crls: self.crls.clone(),
            ocsp: self.ocsp.clone(),
            fetcher: self.fetcher.clone(),
            cache: Arc::clone(&self.cache),
            memo: SignatureMemo::new(),
            verifier: Arc::clone(&self.verifier),
        };
        for crl in extra {
            out.add_crl(Arc::new(crl));
        }
        out
    }

    /// The CRLs given.
    pub fn crls(&self) -> &[Arc<Crl>] {
        &self.crls
    }

    /// The OCSP responses given.
    pub fn ocsp_responses(&self) -> &[Arc<OcspResponse>] {
        &self.ocsp
    }

    /// The cache of fetched data.
    pub fn cache(&self) -> &RevocationCache {
        &self.cache
    }

    /// The memo of verified signatures.
    pub fn memo(&self) -> &SignatureMemo {
        &self.memo
    }
}

/// The revocation status of `cert`, issued by `issuer` (the next certificate
/// of the validated path), at `options.time`.
///
/// Order: OCSP then CRLs (or the reverse when `options.prefer_ocsp` is
/// false); for each, the data given first, then the cache, then retrieval
/// (unless `options.offline`). The first good or revoked answer decides.
///
/// Never fails and never panics: malformed, stale or wrongly signed data,
/// and failed retrievals, give [`RevocationStatus::Unknown`] with the
/// reasons. `signers` supplies CRL signers other than `issuer` and validates
/// them; [`super::NoExtraSigners`] allows only `issuer`.
pub fn check_revocation(
    cert: &Certificate,
    issuer: &Certificate,
    sources: &RevocationSources,
    options: &RevocationOptions,
    signers: &dyn RevocationSigners,
) -> RevocationStatus {
    let meter = Meter::new(Budget {
        signature_checks: options.max_signature_checks,
        ..Budget::default()
    });
    check_revocation_metered(cert, issuer, sources, options, signers, &meter)
}

/// [`check_revocation`] inside a validation: signature checks come from
/// the validation's one budget (`meter`), shared with path building and
/// the signers' own paths.
pub(crate) fn check_revocation_metered(
    cert: &Certificate,
    issuer: &Certificate,
    sources: &RevocationSources,
    options: &RevocationOptions,
    signers: &dyn RevocationSigners,
    meter: &Meter,
) -> RevocationStatus {
    if options.mode == RevocationMode::None {
        return RevocationStatus::unknown(UnknownReason::NotChecked, Vec::new());
    }
    let mut run = Run {
        cert,
        issuer,
        sources,
        ctx: Context {
            verifier: sources.verifier.as_ref(),
            memo: &sources.memo,
            signers,
            options,
            meter,
            details: Vec::new(),
            exhausted: false,
        },
        fetcher: sources.fetcher.as_deref().filter(|_| !options.offline),
        fetches_left: options.max_fetches,
        unknowns: Vec::new(),
    };
    let ocsp_first = options.prefer_ocsp;
    for ocsp in [ocsp_first, !ocsp_first] {
        let status = if ocsp { run.ocsp() } else { run.crls() };
        if let Some(status) = status {
            return status;
        }
    }
    run.undetermined()
}

/// [`check_revocation`] for every certificate of a validated chain (leaf
/// first, trust anchor last) but the anchor: `statuses[i]` is the status of
/// `chain[i]`, checked with `chain[i + 1]` as its issuer.
pub fn check_chain_revocation(
    chain: &[Arc<Certificate>],
    sources: &RevocationSources,
    options: &RevocationOptions,
    signers: &dyn RevocationSigners,
) -> Vec<RevocationStatus> {
    chain
        .windows(2)
        .map(|pair| check_revocation(&pair[0], &pair[1], sources, options, signers))
        .collect()
}

/// One check in progress.
struct Run<'a> {
    cert: &'a Certificate,
    issuer: &'a Certificate,
    sources: &'a RevocationSources,
    ctx: Context<'a>,
    fetcher: Option<&'a dyn Fetcher>,
    fetches_left: u32,
    unknowns: Vec<(UnknownReason, Vec<String>)>,
}

impl Run<'_> {
    /// Keeps a determined status, records an undetermined one.
    fn decided(&mut self, status: RevocationStatus) -> Option<RevocationStatus> {
        match status {
            RevocationStatus::Unknown { reason, details } => {
                self.unknowns.push((reason, details));
                None
            }
            determined => Some(determined),
        }
    }

    fn take_fetch(&mut self, url: &str) -> bool {
        if self.fetches_left == 0 {
            self.unknowns.push((
                UnknownReason::BudgetExhausted,
                vec![format!("{url}: not fetched, retrieval budget used")],
            ));
            return false;
        }
        self.fetches_left -= 1;
        true
    }

    fn ocsp(&mut self) -> Option<RevocationStatus> {
        let crls = &self.sources.crls;
        for response in &self.sources.ocsp {
            if response.find(self.cert, self.issuer).is_none() {
                continue;
            }
            let status =
                ocsp_check::check(self.cert, self.issuer, response, None, crls, &mut self.ctx);
            if let Some(s) = self.decided(status) {
                return Some(s);
            }
        }
        let fetcher = self.fetcher?;
        let options = self.ctx.options;
        let cert_id = CertId::new(self.cert, self.issuer, DigestAlgorithm::Sha1);
        for url in ocsp_urls(self.cert) {
            let key = CacheKey::Ocsp(url.clone(), cert_id_key(&cert_id));
            if !options.ocsp_nonce
                && let Some(Cached::Ocsp(response)) = self.sources.cache.get(&key, options.time)
            {
                let status =
                    ocsp_check::check(self.cert, self.issuer, &response, None, crls, &mut self.ctx);
                if let Some(s) = self.decided(status) {
                    return Some(s);
                }
            }
            if !self.take_fetch(&url) {
                break;
            }
            let mut request = OcspRequest::new(vec![cert_id.clone()]);
            if options.ocsp_nonce {
                request = request.with_nonce(nonce(self.cert));
            }
            let expected_nonce = request.nonce_extension_value();
            let body = match request.to_der() {
                Ok(body) => body,
                Err(e) => {
                    self.unknowns
                        .push((UnknownReason::Unusable, vec![format!("OCSP request: {e}")]));
                    continue;
                }
            };
            let bytes = match fetcher.fetch(FetchRequest::Ocsp {
                url: url.clone(),
                body,
            }) {
                Ok(bytes) => bytes,
                Err(e) => {
                    self.unknowns.push((
                        UnknownReason::Offline,
                        vec![format!("OCSP responder {url}: {e}")],
                    ));
                    continue;
                }
            };
            let response = match OcspResponse::from_der(&bytes) {
                Ok(r) => Arc::new(r),
                Err(e) => {
                    self.unknowns.push((
                        UnknownReason::Unusable,
                        vec![format!("OCSP responder {url}: unreadable response: {e}")],
                    ));
                    continue;
                }
            };
            let status = ocsp_check::check(
                self.cert,
                self.issuer,
                &response,
                expected_nonce.as_deref(),
                crls,
                &mut self.ctx,
            );
            if let Some(s) = self.decided(status) {
                if let Some(expires) = response
                    .find(self.cert, self.issuer)
                    .map(|single| expiry(single.this_update(), single.next_update(), options))
                {
                    self.sources
                        .cache
                        .put(key, Cached::Ocsp(response), bytes.len(), expires);
                }
                return Some(s);
            }
        }
        None
    }

    fn crls(&mut self) -> Option<RevocationStatus> {
        let options = self.ctx.options;
        let mut crls: Vec<Arc<Crl>> = self.sources.crls.clone();
        let mut missing = Vec::new();
        if self.fetcher.is_some() {
            for url in crl_urls(self.cert) {
                match self
                    .sources
                    .cache
                    .get(&CacheKey::Crl(url.clone()), options.time)
                {
                    Some(Cached::Crl(crl)) => crls.push(crl),
                    _ => missing.push(url),
                }
            }
        }
        let status = crl_check::check(self.cert, self.issuer, &crls, &mut self.ctx);
        if let Some(s) = self.decided(status) {
            return Some(s);
        }
        let fetcher = self.fetcher?;
        let mut fetched = false;
        for url in missing {
            if !self.take_fetch(&url) {
                break;
            }
            match fetcher.fetch(FetchRequest::Crl { url: url.clone() }) {
                Err(e) => {
                    self.unknowns
                        .push((UnknownReason::Offline, vec![format!("CRL {url}: {e}")]));
                }
                Ok(bytes) => match Crl::from_pem_or_der(&bytes) {
                    Err(e) => self.unknowns.push((
                        UnknownReason::Unusable,
                        vec![format!("CRL {url}: unreadable: {e}")],
                    )),
                    Ok(crl) => {
                        let crl = Arc::new(crl);
                        let expires = expiry(crl.this_update(), crl.next_update(), options);
                        let size = crl.der().len();
                        self.sources.cache.put(
                            CacheKey::Crl(url),
                            Cached::Crl(crl.clone()),
                            size,
                            expires,
                        );
                        crls.push(crl);
                        fetched = true;
                    }
                },
            }
        }
        if !fetched {
            return None;
        }
        let status = crl_check::check(self.cert, self.issuer, &crls, &mut self.ctx);
        self.decided(status)
    }

    /// The unknown status: the most telling reason (data that was found but
    /// failed, then a responder's unknown, partial reason coverage, failed
    /// retrieval, budget), with every detail.
    fn undetermined(mut self) -> RevocationStatus {
        let rank = |r: &UnknownReason| match r {
            UnknownReason::Unusable => 0,
            UnknownReason::ResponderUnknown => 1,
            UnknownReason::ReasonsNotCovered => 2,
            UnknownReason::Offline => 3,
            UnknownReason::BudgetExhausted => 4,
            _ => 5,
        };
        let reason = self
            .unknowns
            .iter()
            .map(|(r, _)| *r)
            .min_by_key(rank)
            .unwrap_or(UnknownReason::NoInformation);
        let mut details: Vec<String> = self.unknowns.drain(..).flat_map(|(_, d)| d).collect();
        details.dedup();
        RevocationStatus::unknown(reason, details)
    }
}

/// Until when fetched data may be served: nextUpdate plus the grace, or
/// (without nextUpdate) thisUpdate plus the maximum age.
fn expiry(
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    options: &RevocationOptions,
) -> Timestamp {
    match next_update {
        Some(n) => {
            Timestamp::from_unix_seconds(n.unix_seconds() + i64::from(options.next_update_grace))
        }
        None => Timestamp::from_unix_seconds(
            this_update.unix_seconds() + i64::from(options.ocsp_max_age),
        ),
    }
}

fn cert_id_key(id: &CertId) -> Vec<u8> {
    let mut key = id.issuer_name_hash().to_vec();
    key.extend_from_slice(id.issuer_key_hash());
    key.extend_from_slice(id.serial().as_bytes());
    key
}

/// HTTP URLs of the OCSP responders in authorityInfoAccess (RFC 5280 4.2.2.1).
pub(crate) fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    match cert
        .extension(&ext_oid::AUTHORITY_INFO_ACCESS)
        .map(|e| e.value())
    {
        Some(ExtensionValue::AuthorityInfoAccess(aia)) => aia
            .0
            .iter()
            .filter(|ad| ad.access_method == ID_AD_OCSP)
            .filter_map(|ad| http_uri(&ad.access_location))
            .collect(),
        _ => Vec::new(),
    }
}

/// HTTP URLs of the CRL distribution points' full names (RFC 5280 4.2.1.13).
pub(crate) fn crl_urls(cert: &Certificate) -> Vec<String> {
    match cert
        .extension(&ext_oid::CRL_DISTRIBUTION_POINTS)
        .map(|e| e.value())
    {
        Some(ExtensionValue::CrlDistributionPoints(dps)) => dps
            .0
            .iter()
            .filter_map(|dp| match &dp.distribution_point {
                Some(DistributionPointName::FullName(names)) => Some(names),
                _ => None,
            })
            .flatten()
            .filter_map(http_uri)
            .collect(),
        _ => Vec::new(),
    }
}

fn http_uri(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::UniformResourceIdentifier(uri)
            if uri.as_str().to_ascii_lowercase().starts_with("http://") =>
        {
            Some(uri.as_str().to_string())
        }
        _ => None,
    }
}

/// A 16-octet nonce (RFC 9654 recommends at least 16 random octets).
/// `RandomState` is seeded from the operating system's randomness, which
/// keeps the core free of a random-number dependency; a nonce only has to
/// be unpredictable to the responder, not secret.
fn nonce(cert: &Certificate) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for i in 0u8..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write(cert.sha256());
        h.write_u8(i);
        out.extend_from_slice(&h.finish().to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RevocationSources>();
        assert_send_sync::<RevocationCache>();
    }

    #[test]
    fn mode_none_checks_nothing() {
        let pem = include_bytes!("../../../examples/chain/leaf.pem");
        let leaf = Certificate::from_pem(pem).unwrap();
        let mut options = RevocationOptions::at(Timestamp::from_unix_seconds(0));
        options.mode = RevocationMode::None;
        let status = check_revocation(
            &leaf,
            &leaf,
            &RevocationSources::new(),
            &options,
            &super::super::NoExtraSigners,
        );
        assert_eq!(
            status,
            RevocationStatus::Unknown {
                reason: UnknownReason::NotChecked,
                details: vec![]
            }
        );
        assert!(status.chain_status_flags().is_empty());
    }
}

//! Revocation checking: CRLs (RFC 5280 sections 5 and 6.3) and OCSP
//! (RFC 6960), offline or fetched through a [`Fetcher`].
//!
//! * [`Crl`]: a parsed CRL, entries in a map by serial number.
//! * [`check_revocation`]: the status of one certificate, given its issuer,
//!   the [`RevocationSources`] (CRLs, OCSP responses, fetcher, caches) and
//!   the [`RevocationOptions`] (mode none / soft / hard, time, tolerances).
//! * [`RevocationSigners`]: what the caller supplies about signers of
//!   revocation data that are not the certificate's issuer.
//!
//! The path code calls [`check_revocation`] for every certificate of a
//! validated path but the trust anchor, and maps the result with
//! [`RevocationStatus::chain_status_flags`] and [`RevocationMode::verdict`].

mod cache;
mod checker;
mod crl;
mod crl_check;
mod fetch;
#[cfg(feature = "http")]
mod http;
mod names;
mod ocsp;
mod ocsp_check;
mod options;
mod reason;
mod signers;
mod status;

pub use cache::{DEFAULT_CACHE_BYTES, DEFAULT_CACHE_CAPACITY, RevocationCache};
pub(crate) use checker::check_revocation_metered;
pub use checker::{RevocationSources, check_chain_revocation, check_revocation};
pub use crl::{Crl, CrlEntry, CrlNumber, CrlScope, MAX_CRL_SIZE, read_crls};
pub use fetch::{FetchError, FetchRequest, Fetcher};
#[cfg(feature = "http")]
pub use http::HttpFetcher;
pub use ocsp::{
    BasicResponse, CertId, MAX_OCSP_RESPONSE_SIZE, OcspCertStatus, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponderId, SingleResponse,
};
pub use options::{RevocationMode, RevocationOptions, RevocationVerdict};
pub use reason::{ReasonSet, RevocationReason};
pub use signers::{NoExtraSigners, RevocationSigners, SignatureMemo};
pub use status::{RevocationSource, RevocationStatus, UnknownReason};

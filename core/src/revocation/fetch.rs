//! Retrieval of CRLs and OCSP responses through a [`Fetcher`], so that the
//! core holds no network code. The default HTTP fetcher is
//! `HttpFetcher`, behind the `http` cargo feature.

use std::fmt;

/// What to retrieve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchRequest {
    /// `GET url`: a CRL from a distribution point (RFC 5280 4.2.1.13).
    Crl {
        /// The distribution point's URI.
        url: String,
    },
    /// `POST url` with `Content-Type: application/ocsp-request` (RFC 6960
    /// appendix A.1); the answer is an `application/ocsp-response`.
    Ocsp {
        /// The responder's URI (authorityInfoAccess id-ad-ocsp).
        url: String,
        /// The DER of the OCSPRequest.
        body: Vec<u8>,
    },
}

impl FetchRequest {
    /// The URL.
    pub fn url(&self) -> &str {
        match self {
            FetchRequest::Crl { url } | FetchRequest::Ocsp { url, .. } => url,
        }
    }
}

/// Why a retrieval failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL's scheme is not supported (only `http` is, as RFC 5280 and
    /// RFC 6960 expect: revocation data is signed, TLS adds nothing).
    #[error("unsupported URL '{0}'")]
    UnsupportedUrl(String),
    /// The server did not answer in time.
    #[error("timed out after {seconds} s")]
    Timeout {
        /// The timeout that expired.
        seconds: u64,
    },
    /// The connection failed (refused, DNS, reset).
    #[error("connection failed: {0}")]
    Connection(String),
    /// The server answered with an HTTP error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The answer was larger than the limit.
    #[error("response larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// More redirects than allowed.
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    /// Retrieval is not possible (no fetcher, offline mode).
    #[error("offline")]
    Offline,
    /// Anything else, described.
    #[error("{0}")]
    Other(String),
}

/// Retrieves revocation data. Implementations must be `Send + Sync`, bound
/// their time and the size of what they return, and never panic.
pub trait Fetcher: Send + Sync {
    /// Performs the request and returns the response body.
    ///
    /// # Errors
    /// [`FetchError`] for any failure; the checker reports it as an unknown
    /// status with `OfflineRevocation`.
    fn fetch(&self, request: FetchRequest) -> Result<Vec<u8>, FetchError>;
}

impl fmt::Debug for dyn Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dyn Fetcher")
    }
}

impl<T: Fetcher + ?Sized> Fetcher for std::sync::Arc<T> {
    fn fetch(&self, request: FetchRequest) -> Result<Vec<u8>, FetchError> {
        (**self).fetch(request)
    }
}

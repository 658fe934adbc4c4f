//! The default HTTP [`Fetcher`] (cargo feature `http`): a small blocking
//! client (`ureq`, no TLS: revocation data is signed and RFC 5280 / RFC 6960
//! distribution points and responders are plain `http`), with a timeout for
//! the whole exchange, a response size limit and a bounded number of
//! redirects.

use std::time::Duration;

use super::fetch::{FetchError, FetchRequest, Fetcher};

/// Retrieves CRLs (`GET`) and OCSP responses (`POST`) over HTTP.
///
/// ```no_run
/// use std::sync::Arc;
/// use validate::revocation::{HttpFetcher, RevocationSources};
/// let sources = RevocationSources::new().with_fetcher(Arc::new(HttpFetcher::default()));
/// ```
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    agent: ureq::Agent,
    timeout: Duration,
    crl_limit: usize,
    ocsp_limit: usize,
    max_redirects: u32,
}

/// Defaults: a dead or slow server costs at most 10 s (Windows waits 15 s
/// for a CRL, browsers a few seconds for OCSP); CRLs up to the parser's
/// limit; OCSP responses up to theirs; 5 redirects (CRL distribution points
/// are sometimes redirected to a CDN; more than a few is a loop).
impl Default for HttpFetcher {
    fn default() -> Self {
        HttpFetcher::new(
            Duration::from_secs(10),
            super::crl::MAX_CRL_SIZE,
            super::ocsp::MAX_OCSP_RESPONSE_SIZE,
            5,
        )
    }
}

impl HttpFetcher {
    /// A fetcher with a timeout for each whole exchange (connect, send,
    /// receive), size limits for CRLs and OCSP responses, and a redirect limit.
    pub fn new(timeout: Duration, crl_limit: usize, ocsp_limit: usize, max_redirects: u32) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(max_redirects)
            .http_status_as_error(false)
            .user_agent(concat!("validate/", env!("CARGO_PKG_VERSION")))
            .build();
        HttpFetcher {
            agent: ureq::Agent::new_with_config(config),
            timeout,
            crl_limit,
            ocsp_limit,
            max_redirects,
        }
    }

    fn map_error(&self, error: ureq::Error) -> FetchError {
        match error {
            ureq::Error::Timeout(_) => FetchError::Timeout {
                seconds: self.timeout.as_secs(),
            },
            ureq::Error::TooManyRedirects => FetchError::TooManyRedirects(self.max_redirects),
            ureq::Error::BodyExceedsLimit(limit) => FetchError::TooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            ureq::Error::StatusCode(code) => FetchError::Status(code),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => FetchError::Timeout {
                seconds: self.timeout.as_secs(),
            },
            ureq::Error::Io(e) => FetchError::Connection(e.to_string()),
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
                FetchError::Connection(error.to_string())
            }
            other => FetchError::Other(other.to_string()),
        }
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, request: FetchRequest) -> Result<Vec<u8>, FetchError> {
        let url = request.url().to_string();
        if !url.to_ascii_lowercase().starts_with("http://") {
            return Err(FetchError::UnsupportedUrl(url));
        }
        let (response, limit) = match request {
            FetchRequest::Crl { url } => (self.agent.get(&url).call(), self.crl_limit),
            FetchRequest::Ocsp { url, body } => (
                self.agent
                    .post(&url)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .send(&body[..]),
                self.ocsp_limit,
            ),
        };
        let mut response = response.map_err(|e| self.map_error(e))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        response
            .body_mut()
            .with_config()
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(|e| self.map_error(e))
    }
}

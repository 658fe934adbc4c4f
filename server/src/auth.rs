//! Bearer tokens of the archive API (seed: "Token: the bearer access
//! token"): the configuration holds only SHA-256 digests; a presented token
//! is hashed and compared with every digest in constant time, so neither
//! the match nor its position leaks through timing.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use validate_archive::Caller;

use crate::config::TokenConfig;
use crate::error::ApiError;

/// The token table.
pub(crate) struct Tokens {
    entries: Vec<Entry>,
}

struct Entry {
    name: String,
    sha256: [u8; 32],
    caller: Caller,
    scopes: Vec<String>,
}

/// Who a token stands for.
pub(crate) struct Authenticated<'a> {
    /// The token's label in the configuration (for logs).
    pub(crate) name: &'a str,
    pub(crate) caller: &'a Caller,
    scopes: &'a [String],
}

impl Authenticated<'_> {
    /// Whether the token holds `scope`; scopes compare without ASCII case,
    /// as the archive compares `Codesign:Manage`.
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.eq_ignore_ascii_case(scope))
    }
}

/// Scope that lets a signing server record entries
/// (`POST /vedsdk/Codesign/RecordArchiveEntries`).
pub(crate) const CODESIGN_RECORD_SCOPE: &str = "Codesign:Record";

impl Tokens {
    pub(crate) fn new(config: &[TokenConfig]) -> Tokens {
        let entries = config
            .iter()
            .map(|t| {
                let caller = t
                    .scopes
                    .iter()
                    .fold(Caller::new(t.role), |c, s| c.with_scope(s));
                let caller = t.auditor_of.iter().fold(caller, |c, p| c.auditing(p));
                Entry {
                    name: t.name.clone(),
                    sha256: t.sha256,
                    caller,
                    scopes: t.scopes.clone(),
                }
            })
            .collect();
        Tokens { entries }
    }

    /// The caller of `Authorization: Bearer <token>`; 401 when the header
    /// is missing, is not a bearer token, or names no configured token.
    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<Authenticated<'_>, ApiError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("send Authorization: Bearer <token>"))?;
        let token = value
            .as_bytes()
            .strip_prefix(b"Bearer ")
            .or_else(|| value.as_bytes().strip_prefix(b"bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header is not a Bearer token")
            })?;
        let digest: [u8; 32] = Sha256::digest(token.trim_ascii()).into();
        let mut found = Choice::from(0);
        let mut index = 0u64;
        for (i, entry) in self.entries.iter().enumerate() {
            // Every digest is compared and no branch depends on a comparison.
            let hit = entry.sha256.ct_eq(&digest);
            index.conditional_assign(&(i as u64), hit);
            found |= hit;
        }
        if !bool::from(found) {
            return Err(ApiError::unauthorized(
                "the token is not known to this server",
            ));
        }
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        let Some(entry) = self.entries.get(index) else {
            return Err(ApiError::unauthorized(
                "the token is not known to this server",
            ));
        };
        Ok(Authenticated {
            name: &entry.name,
            caller: &entry.caller,
            scopes: &entry.scopes,
        })
    }
}

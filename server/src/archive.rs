//! The archive API (seed `codesign-archive-api.txt`):
//! `POST /vedsdk/Codesign/RetrieveArchiveEntries` and, for signing servers,
//! `POST /vedsdk/Codesign/RecordArchiveEntries`. Every use of the archive
//! crate is in this file.
//!
//! An `Archive` is one SQLite connection (`Send`, not `Sync`): the pool
//! keeps `connections` of them; a request takes one for the time of its
//! database call, which runs on the blocking pool.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::Semaphore;
use validate_archive::{Archive, ArchiveEntry, ArchiveError, ArchiveRequest};

use crate::app::AppState;
use crate::auth::{Authenticated, CODESIGN_RECORD_SCOPE};
use crate::body::read_body;
use crate::error::ApiError;

/// Open connections to one archive file.
pub(crate) struct ArchivePool {
    idle: Mutex<Vec<Archive>>,
    /// One permit per connection: a request waits here, not on the mutex.
    permits: Arc<Semaphore>,
}

impl ArchivePool {
    /// Opens `connections` connections (creating and migrating the file).
    pub(crate) fn open(path: &Path, connections: usize) -> Result<ArchivePool, String> {
        let idle = (0..connections)
            .map(|_| Archive::open(path).map_err(|e| format!("archive {}: {e}", path.display())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ArchivePool {
            idle: Mutex::new(idle),
            permits: Arc::new(Semaphore::new(connections)),
        })
    }

    /// Runs `work` with a connection on the blocking pool.
    async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut Archive) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        // The permit moves into the blocking task: when a request is given
        // up while its call runs, the connection is still out of the pool
        // until the call ends, and so is its permit.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal("archive pool closed", e))?;
        let pool = Arc::clone(self);
        let outcome = tokio::task::spawn_blocking(move || {
            let taken = pool.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let mut archive = taken.ok_or("no idle connection under a permit")?;
            let Ok(result) = catch_unwind(AssertUnwindSafe(|| work(&mut archive))) else {
                // A bug in the call: the connection may be mid-transaction,
                // so it is dropped and its permit with it (the pool shrinks).
                permit.forget();
                return Err("an archive call panicked");
            };
            pool.idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(archive);
            drop(permit);
            Ok::<_, &'static str>(result)
        })
        .await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(bug)) => Err(ApiError::internal("archive pool", bug)),
            Err(join) => Err(ApiError::internal("archive call failed", join)),
        }
    }
}

fn pool(state: &AppState) -> Result<&Arc<ArchivePool>, ApiError> {
    state.archive.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "this server has no archive configured",
        )
    })
}

fn archive_error(e: ArchiveError) -> ApiError {
    match e {
        ArchiveError::BadRequest(bad) => bad_request(bad),
        ArchiveError::MissingScope => missing_scope(validate_archive::CODESIGN_MANAGE_SCOPE),
        ArchiveError::InvalidEntry { .. } => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_entry", e.to_string())
        }
        ArchiveError::DuplicateId(_) => {
            ApiError::new(StatusCode::CONFLICT, "duplicate_entry", e.to_string())
        }
        other => ApiError::internal("archive", other),
    }
}

/// The seed's 400 body, as the archive wrote it.
fn bad_request(bad: validate_archive::BadRequest) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, bad.error, bad.error_description)
}

/// 403 (RFC 6750 section 3.1 `insufficient_scope`).
fn missing_scope(scope: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        format!("the token lacks the {scope} scope"),
    )
}

fn caller<'a>(state: &'a AppState, headers: &HeaderMap) -> Result<Authenticated<'a>, ApiError> {
    let who = state.tokens.authenticate(headers)?;
    tracing::info!(token = who.name, role = %who.caller.role(), "archive caller");
    Ok(who)
}

/// `POST /vedsdk/Codesign/RetrieveArchiveEntries`.
pub(crate) async fn retrieve(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let pool = pool(&state)?;
    let who = caller(&state, &headers)?;
    if !who.caller.has_manage_scope() {
        return Err(missing_scope(validate_archive::CODESIGN_MANAGE_SCOPE));
    }
    let caller = who.caller.clone();
    let bytes = read_body(body, &state.limits).await?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("the body is not UTF-8: {e}"),
        )
    })?;
    let request = ArchiveRequest::from_json(text).map_err(bad_request)?;
    let response = pool
        .with(move |archive| archive.retrieve(&caller, &request))
        .await?
        .map_err(archive_error)?;
    Ok(Json(response).into_response())
}

/// The body of `RecordArchiveEntries`: entries in the seed's field names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordRequest {
    #[serde(rename = "ArchiveEntries")]
    entries: Vec<ArchiveEntry>,
}

/// Entries in one `RecordArchiveEntries` call: one transaction of at most
/// this many rows keeps a request's database time to a fraction of a second.
const MAX_RECORD_ENTRIES: usize = 10_000;

/// `POST /vedsdk/Codesign/RecordArchiveEntries` (scope `Codesign:Record`):
/// stores the entries in one transaction, all or none, and answers their ids.
pub(crate) async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let pool = pool(&state)?;
    let who = caller(&state, &headers)?;
    if !who.has_scope(CODESIGN_RECORD_SCOPE) {
        return Err(missing_scope(CODESIGN_RECORD_SCOPE));
    }
    let bytes = read_body(body, &state.limits).await?;
    let request: RecordRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("the body is not {{\"ArchiveEntries\": [ArchiveEntry...]}}: {e}"),
        )
    })?;
    if request.entries.len() > MAX_RECORD_ENTRIES {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!(
                "{} entries; send at most {MAX_RECORD_ENTRIES} per request",
                request.entries.len()
            ),
        ));
    }
    let ids = pool
        .with(move |archive| archive.record_batch(&request.entries))
        .await?
        .map_err(archive_error)?;
    Ok(Json(serde_json::json!({ "ArchiveEntryIds": ids, "Success": true })).into_response())
}

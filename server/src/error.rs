//! Error responses: every non-200 answer of the server has the seed's
//! archive 400 body shape `{"error": ..., "error_description": ...}`, so a
//! client reads one shape whatever failed (RFC 6750 section 3 names for the
//! token errors).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use validate_archive::BadRequest;

/// An HTTP error with the seed's body.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error: String,
    pub(crate) description: String,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        error: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            error: error.into(),
            description: description.into(),
        }
    }

    /// 401 for a missing or unknown token (RFC 6750 section 3.1 `invalid_token`).
    pub(crate) fn unauthorized(description: &str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }

    /// 500 for a failure of the server itself; the detail goes to the log,
    /// not to the client.
    pub(crate) fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("{context}; see the server log"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = BadRequest {
            error: self.error,
            error_description: self.description,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750 section 3: a 401 names the scheme.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

/// Gives the error body to answers made by layers and by axum itself (413
/// from the body limit, 404/405 from the router, 503 from the timeout),
/// which come without a JSON body.
pub(crate) async fn json_error_bodies(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (error, description) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than the server's limits.max_body_bytes",
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint; see GET /openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not take that method; see GET /openapi.json",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "unavailable",
            "the request did not finish within the server's limits.request_timeout_secs",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "request_timeout",
            "the request was not received within the server's time limits",
        ),
        _ => ("error", "the request failed"),
    };
    let mut fixed = ApiError::new(status, error, description).into_response();
    // Keep headers the layer set (Allow on 405, for instance).
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fixed
}

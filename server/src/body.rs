//! Reading a request body: at most `limits.max_body_bytes` (413 beyond)
//! within `limits.body_read_timeout` for the whole body (408 after), so a
//! client sending one byte at a time is cut off however steady it is.

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::config::Limits;
use crate::error::ApiError;

/// The whole body, or the error that ends the request.
pub(crate) async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, ApiError> {
    let limited = Limited::new(body, limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if too_large(e.as_ref()) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the request body is larger than the server's limit of {} bytes",
                limits.max_body_bytes
            ),
        )),
        Ok(Err(e)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("the request body could not be read: {e}"),
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "the request body was not received within {} s",
                limits.body_read_timeout.as_secs_f64()
            ),
        )),
    }
}

/// Whether a body error is (or wraps) the length limit's.
fn too_large(mut e: &(dyn std::error::Error + 'static)) -> bool {
    loop {
        if e.is::<LengthLimitError>() {
            return true;
        }
        match e.source() {
            Some(inner) => e = inner,
            None => return false,
        }
    }
}

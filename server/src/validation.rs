//! `POST /validate/{tenant}` and `POST /validate` (the default tenant): the
//! seed's request as JSON, `application/x-www-form-urlencoded` or
//! `multipart/form-data`, answered with the seed's report and HTTP 200.
//!
//! All three become the same JSON object of the seed's fields, in the order
//! sent (a field sent twice stays twice, so the core refuses it), and go to
//! `Validator::validate_json`: the report is the one `validate request`
//! prints for that JSON, including its answers to malformed requests.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64ct::{Base64, Encoding};
use percent_encoding::percent_decode;

use crate::app::AppState;
use crate::body::read_body;
use crate::error::ApiError;
use crate::tenant::Tenant;

/// The multipart part that carries the PDF as a file (seed: "PDF file
/// attachment to use with PAdES (form-data) validation requests").
const PDF_FILE_PART: &str = "pdfFile";

/// `POST /validate`.
pub(crate) async fn validate_default(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let tenant = state.default_tenant.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_tenant",
            "this server has no default_tenant; POST /validate/<tenant>",
        )
    })?;
    validate(state, tenant, headers, body).await
}

/// `POST /validate/{tenant}`.
pub(crate) async fn validate_tenant(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let tenant = state.tenants.get(&name).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_tenant",
            "no tenant of that name is configured",
        )
    })?;
    validate(state, tenant, headers, body).await
}

async fn validate(
    state: AppState,
    tenant: Arc<Tenant>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let form = match essence.as_str() {
        "application/json" => Form::Json,
        "application/x-www-form-urlencoded" => Form::UrlEncoded,
        "multipart/form-data" => {
            Form::Multipart(multer::parse_boundary(content_type).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    format!("Content-Type: {e}"),
                )
            })?)
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/json, application/x-www-form-urlencoded or multipart/form-data",
            ));
        }
    };
    let bytes = read_body(body, &state.limits).await?;
    // Only the multipart split runs here (it is a scan over bytes already
    // read); decoding, base64 and the JSON object are made on the pool.
    let input = match form {
        Form::Json => Input::Json(bytes),
        Form::UrlEncoded => Input::UrlEncoded(bytes),
        Form::Multipart(boundary) => Input::Parts(multipart_parts(bytes, boundary).await?),
    };
    let metrics = Arc::clone(&state.metrics);
    let body = state
        .validations
        .run(move || {
            let built;
            let text = match &input {
                Input::Json(bytes) => {
                    std::str::from_utf8(bytes).map_err(|e| not_utf8("the JSON body", e))?
                }
                Input::UrlEncoded(bytes) => {
                    built = object(&url_encoded_fields(bytes)?);
                    built.as_str()
                }
                Input::Parts(parts) => {
                    built = object(&multipart_fields(parts)?);
                    built.as_str()
                }
            };
            let report = tenant.validator.validate_json(text, tenant.now());
            metrics.verdict(&tenant.name, &report);
            // Serialised here too: it is CPU work proportional to the report.
            let mut body = Vec::with_capacity(REPORT_CAPACITY);
            serde_json::to_writer(&mut body, &report)
                .map_err(|e| ApiError::internal("serialising the report", e))?;
            Ok::<_, ApiError>(body)
        })
        .await
        .ok_or_else(|| ApiError::internal("validation", "the validation thread failed"))??;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A report with one signer and its chain is 2 to 4 KiB of JSON.
const REPORT_CAPACITY: usize = 4096;

/// A request body on its way to `validate_json`.
enum Input {
    /// A JSON body as received.
    Json(Bytes),
    /// An urlencoded body as received.
    UrlEncoded(Bytes),
    /// The named parts of a multipart body.
    Parts(Vec<(String, Bytes)>),
}

enum Form {
    Json,
    UrlEncoded,
    Multipart(String),
}

fn not_utf8(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        format!("{what} is not UTF-8: {e}"),
    )
}

/// A JSON object of the fields, in order, duplicates kept.
fn object(fields: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Serialising a string cannot fail.
        out.push_str(&serde_json::Value::from(name.as_str()).to_string());
        out.push(':');
        out.push_str(&serde_json::Value::from(value.as_str()).to_string());
    }
    out.push('}');
    out
}

/// `name=value&...` (WHATWG URL application/x-www-form-urlencoded parsing:
/// `+` is a space, percent escapes are bytes), refusing what is not UTF-8
/// instead of replacing it: a changed signed text is another document.
fn url_encoded_fields(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let decode = |raw: &[u8]| -> Result<String, ApiError> {
        let spaced: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_decode(&spaced)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|e| not_utf8("a form field", e))
    };
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

/// The named parts of a multipart body, in order.
async fn multipart_parts(body: Bytes, boundary: String) -> Result<Vec<(String, Bytes)>, ApiError> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let bad = |e: multer::Error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("multipart body: {e}"),
        )
    };
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field
            .name()
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "multipart body: a part has no name in its Content-Disposition",
                )
            })?
            .to_string();
        parts.push((name, field.bytes().await.map_err(bad)?));
    }
    Ok(parts)
}

/// The fields of multipart parts: `pdfFile` as base64 of its bytes (the
/// request's `pdfFile`), every other part as its UTF-8 text.
fn multipart_fields(parts: &[(String, Bytes)]) -> Result<Vec<(String, String)>, ApiError> {
    parts
        .iter()
        .map(|(name, bytes)| {
            let value = if name == PDF_FILE_PART {
                Base64::encode_string(bytes)
            } else {
                String::from_utf8(bytes.to_vec())
                    .map_err(|e| not_utf8(&format!("multipart part '{name}'"), e))?
            };
            Ok((name.clone(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_decoding_is_strict_and_ordered() {
        let fields = url_encoded_fields(b"a=x+y%2B&b=&c&a=%C3%A9").unwrap();
        let expected = [("a", "x y+"), ("b", ""), ("c", ""), ("a", "é")];
        let got: Vec<_> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
        assert!(url_encoded_fields(b"signedText=%FF").is_err());
        assert_eq!(object(&fields), r#"{"a":"x y+","b":"","c":"","a":"é"}"#);
    }
}

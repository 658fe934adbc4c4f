//! `GET /healthcheck` and `GET /health/{tenant}` (seed "Healtcheck and
//! Health"): the first is the library's `Health::up()`, the second the
//! tenant's document from its last background probe, never probed on the
//! request.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use validate::validator::Health;

use crate::app::AppState;
use crate::error::ApiError;

/// `GET /healthcheck`.
pub(crate) async fn healthcheck() -> Response {
    Json(Health::up()).into_response()
}

/// `GET /health/{tenant}`.
pub(crate) async fn tenant_health(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let tenant = state.tenants.get(&name).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_tenant",
            "no tenant of that name is configured",
        )
    })?;
    Ok(Json(tenant.health()).into_response())
}

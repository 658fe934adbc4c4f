//! The router: every endpoint and the layers around them.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::archive::{self, ArchivePool};
use crate::auth::Tokens;
use crate::config::{Config, Limits};
use crate::error::{ApiError, json_error_bodies};
use crate::health;
use crate::metrics::{self, Metrics};
use crate::pool::ValidationPool;
use crate::tenant::Tenant;
use crate::validation;

/// What every handler sees.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) tenants: Arc<HashMap<String, Arc<Tenant>>>,
    pub(crate) default_tenant: Option<Arc<Tenant>>,
    pub(crate) archive: Option<Arc<ArchivePool>>,
    pub(crate) tokens: Arc<Tokens>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) limits: Limits,
    /// The threads validations run on.
    pub(crate) validations: Arc<ValidationPool>,
    /// Requests being handled by the work routes (validation, archive).
    requests: Arc<Semaphore>,
}

impl AppState {
    /// Loads every tenant (with its first health probe) and opens the
    /// archive. Blocking: file reads, SQLite, perhaps revocation fetches.
    pub(crate) fn load(config: &Config) -> Result<AppState, String> {
        let mut tenants = HashMap::new();
        for (name, tenant) in &config.tenants {
            tenants.insert(name.clone(), Arc::new(Tenant::load(name, tenant)?));
        }
        let default_tenant = config
            .default_tenant
            .as_ref()
            .and_then(|name| tenants.get(name).cloned());
        let archive = config
            .archive
            .as_ref()
            .map(|a| ArchivePool::open(&a.path, a.connections).map(Arc::new))
            .transpose()?;
        let limit = config.limits.max_concurrent_requests;
        Ok(AppState {
            tenants: Arc::new(tenants),
            default_tenant,
            archive,
            tokens: Arc::new(Tokens::new(&config.tokens)),
            metrics: Arc::new(Metrics::new()),
            limits: config.limits,
            validations: Arc::new(ValidationPool::new(config.limits.validation_threads)?),
            requests: Arc::new(Semaphore::new(limit)),
        })
    }

    /// The tenants, for their probers.
    pub(crate) fn tenant_list(&self) -> impl Iterator<Item = &Arc<Tenant>> {
        self.tenants.values()
    }
}

/// The router with its layers, outermost first: trace, metrics, JSON error
/// bodies, request timeout (503), body limit (413); the work routes add the
/// concurrency limit (503 when saturated). Health, metrics and the OpenAPI
/// document stay outside that limit so monitoring answers under load.
pub(crate) fn router(state: AppState) -> Router {
    let limits = state.limits;
    let shed = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(overloaded))
        .layer(LoadShedLayer::new())
        .layer(GlobalConcurrencyLimitLayer::with_semaphore(Arc::clone(
            &state.requests,
        )));
    let work = Router::new()
        .route("/validate", post(validation::validate_default))
        .route("/validate/{tenant}", post(validation::validate_tenant))
        .route(
            "/vedsdk/Codesign/RetrieveArchiveEntries",
            post(archive::retrieve),
        )
        .route(
            "/vedsdk/Codesign/RecordArchiveEntries",
            post(archive::record),
        )
        .route_layer(shed);
    Router::new()
        .route("/healthcheck", get(health::healthcheck))
        .route("/health/{tenant}", get(health::tenant_health))
        .route("/metrics", get(metrics::metrics))
        .route("/openapi.json", get(openapi))
        .merge(work)
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(middleware::map_response(json_error_bodies))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(
            // Method and path only: no headers (tokens), no query, no body.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// 503 when the concurrency limit is reached (the load shedder's error).
async fn overloaded(error: tower::BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the server is handling limits.max_concurrent_requests requests; retry later",
        )
    } else {
        ApiError::internal("request failed", error)
    }
}

/// `GET /openapi.json`: the hand-written OpenAPI 3.0 document of every
/// endpoint (docs/server.md says why it is written by hand).
async fn openapi() -> Response {
    let mut response = include_str!("openapi.json").into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

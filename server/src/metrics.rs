//! `GET /metrics`: request counts and latencies per route and status, and
//! validation verdicts per tenant, in the OpenMetrics text format (what
//! Prometheus scrapes), by the `prometheus-client` crate.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use validate::report::{ResultStatus, ValidationReport};

use crate::app::AppState;
use crate::error::ApiError;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern (`/validate/{tenant}`), never the raw path: the
    /// label set stays bounded whatever clients send.
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    tenant: String,
    /// The report's worst status: `success`, `warning` or `error`.
    verdict: &'static str,
}

/// The server's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    verdicts: Family<VerdictLabels, Counter>,
}

/// Latency buckets: 0.5 ms to about 16 s, doubling (16 buckets): from a
/// cached certificate check to a validation waiting on fetches.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("validate");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let verdicts = Family::<VerdictLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response head",
            latency.clone(),
        );
        registry.register(
            "validations",
            "Validation reports by tenant and verdict",
            verdicts.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            verdicts,
        }
    }

    /// Counts a report of `tenant`.
    pub(crate) fn verdict(&self, tenant: &str, report: &ValidationReport) {
        let worst = report
            .policy
            .as_ref()
            .map_or(report.op_result.result_status, |p| {
                p.result_status.max(report.op_result.result_status)
            });
        let verdict = match worst {
            ResultStatus::Success => "success",
            ResultStatus::Warning => "warning",
            ResultStatus::Error => "error",
        };
        self.verdicts
            .get_or_create(&VerdictLabels {
                tenant: tenant.to_string(),
                verdict,
            })
            .inc();
    }
}

/// Middleware: counts and times every request by its route pattern.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    // Methods outside the standard ones share one label: the label set
    // stays bounded.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH") => m,
        _ => "other",
    }
    .to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &state.metrics.registry)
        .map_err(|e| ApiError::internal("encoding metrics", e))?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}

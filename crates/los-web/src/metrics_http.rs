//! Prometheus metrics, served on a separate listener so they are never exposed with the app.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The process-wide recorder; installed on first use.
pub fn prometheus_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().ok()).clone()
}

/// `/metrics` for the metrics listener.
pub fn metrics_router() -> Router {
    Router::new().route("/metrics", get(|| async { prometheus_handle().map(|h| h.render()).unwrap_or_default() }))
}

/// Counts requests and their latency by route template (never the raw path, which may
/// carry identifiers).
pub async fn track(request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    // Route templates only: a raw path or query could carry an identifier.
    tracing::info!(
        request_id = crate::security::RequestId::current().unwrap_or_default(),
        %method,
        %route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    let labels = [("method", method), ("route", route), ("status", status.to_string())];
    metrics::counter!("los_http_requests_total", &labels).increment(1);
    metrics::histogram!("los_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    response
}

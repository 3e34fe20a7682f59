//! Los web edge: server-rendered pages and the JSON API over one set of use cases.
//!
//! Handlers authenticate and translate; they never decide access (that is the policy in
//! `los-core`, called by the use cases in `los-app`).

// Handlers return a ready `Response` as their error (a redirect or an error page); boxing it would
// only add an allocation on the error path.
#![allow(clippy::result_large_err)]

mod api;
mod assets;
mod auth;
// Dashboard charts as CSV and SVG (issue 6).
mod charts;
mod csrf;
mod error;
pub mod i18n;
mod layout;
mod metrics_http;
mod pages;
mod security;
mod state;

pub use api::openapi_document;
pub use metrics_http::{metrics_router, prometheus_handle};
pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;

/// The whole application router: pages, API, assets and operations endpoints.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit_bytes;
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(assets::router())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .route_layer(middleware::from_fn(metrics_http::track))
        .layer(middleware::from_fn(security::request_context))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

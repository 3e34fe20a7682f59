//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz_doc() -> Response {
    Json(Health { status: "ok" }).into_response()
}

/// How long readiness waits for the database. Shorter than the requests' wait for a connection
/// (5 s) and than common probe timeouts (1 s), so a probe gets a 503 rather than its own timeout.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_millis(800);

/// The process can serve requests: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz_doc(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(READY_WITHIN, state.app.store.ping()).await {
        Ok(Ok(())) => Json(Health { status: "ready" }).into_response(),
        Ok(Err(_)) | Err(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "database unavailable" })).into_response()
        }
    }
}

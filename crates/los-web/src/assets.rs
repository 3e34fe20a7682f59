//! Static files, embedded in the binary so a single file runs Los.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: [Asset; 5] = [
    Asset { path: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../assets/favicon.svg") },
    Asset { path: "los.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../assets/los.css") },
    Asset {
        path: "vendor/designsystemet.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/vendor/designsystemet.css"),
    },
    Asset {
        path: "vendor/designsystemet-theme-digdir.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/vendor/designsystemet-theme-digdir.css"),
    },
    Asset {
        path: "vendor/htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/htmx.min.js"),
    },
];

/// The build's version doubles as the validator: assets change only with a new build.
const ETAG: &str = concat!("\"", env!("CARGO_PKG_VERSION"), "\"");

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(serve))
}

async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.path == path) else {
        return crate::error::not_found(axum::http::Uri::from_static("/assets"), headers).await;
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(ETAG) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut response = asset.body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    h.insert(header::ETAG, HeaderValue::from_static(ETAG));
    response
}

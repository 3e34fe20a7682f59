//! CSRF protection for every state-changing request.
//!
//! Tokens are HMACs of the session cookie (or, before login, of an anonymous pre-session
//! cookie) under the installation's key: nothing to store, and a token is worthless without
//! the victim's cookie. Forms send it as `csrf_token`, htmx as the `X-CSRF-Token` header (set
//! once on `<body hx-headers>`). A foreign `Origin` is refused outright. API clients that
//! send no cookie are not exposed to CSRF and skip it.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, error_page};
use crate::i18n::Tr;
use crate::state::AppState;

pub const FORM_FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// The token that forms on this request's page must carry; `None` when there is no cookie to
/// anchor it (the page then sets a pre-session cookie).
pub fn expected_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(session) = cookie(headers, state.config.session_cookie()) {
        return Some(los_app::secrets::hmac(&state.csrf_key, &format!("session:{session}")));
    }
    cookie(headers, state.config.pre_session_cookie()).map(|pre| token_for_pre_session(state, pre))
}

pub fn token_for_pre_session(state: &AppState, pre: &str) -> String {
    los_app::secrets::hmac(&state.csrf_key, &format!("pre:{pre}"))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether `Origin` (when sent) names this host.
fn origin_matches(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return false };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    origin_host.eq_ignore_ascii_case(host)
}

fn refuse(path: &str, headers: &HeaderMap, detail: &str) -> Response {
    tracing::warn!(reason = detail, "csrf check failed");
    if path.starts_with("/api/") {
        ApiError::new(StatusCode::FORBIDDEN, detail).into_response()
    } else {
        error_page(Tr::new(crate::layout::locale_from_headers(headers)), StatusCode::FORBIDDEN, None)
    }
}

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    if !origin_matches(&headers) {
        return refuse(&path, &headers, "cross-origin request refused");
    }
    let has_cookie = cookie(&headers, state.config.session_cookie()).is_some()
        || cookie(&headers, state.config.pre_session_cookie()).is_some();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "));
    // Without a cookie there is no ambient authority to forge: API calls then authenticate (or
    // fail with 401) on their own. Page forms always need a token, also against login CSRF.
    if !has_cookie && (bearer || path.starts_with("/api/")) {
        return next.run(request).await;
    }
    let Some(expected) = expected_token(&state, &headers) else {
        return refuse(&path, &headers, "missing CSRF token");
    };
    if let Some(sent) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        return if los_app::secrets::constant_time_eq(sent, &expected) {
            next.run(request).await
        } else {
            refuse(&path, &headers, "wrong CSRF token")
        };
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(&path, &headers, "missing CSRF token");
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, state.config.body_limit_bytes).await else {
        return if path.starts_with("/api/") {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response()
        } else {
            error_page(Tr::new(crate::layout::locale_from_headers(&headers)), StatusCode::PAYLOAD_TOO_LARGE, None)
        };
    };
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(key, _)| key == FORM_FIELD).map(|(_, value)| value));
    match sent {
        Some(sent) if los_app::secrets::constant_time_eq(&sent, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => refuse(&path, &headers, "missing or wrong CSRF token"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn origin_must_match_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(origin_matches(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(origin_matches(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!origin_matches(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!origin_matches(&headers));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; los_session=abc; los_session_x=2"));
        assert_eq!(cookie(&headers, "los_session"), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
